"""Helpers shared by the matchmaking tests (no tests here): two regions, two providers, their people.

Personas: 甲 (enterprise_a, Hangzhou) posts needs; 乙 (enterprise_b, Nanjing) must be refused them;
provider_1 (Hangzhou, approved) offers the matching solutions; provider_2 (Nanjing, approved) is the
other provider; official_hz oversees Hangzhou, official_nj must be refused Hangzhou's objects;
a bank user and a role-less user see nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.test import TestCase

from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.matching.models import Deal, Need, Proposal, Solution
from funeng.apps.matching.ranking import forget_catalogue
from funeng.apps.matching.services import need_create, solution_create, solution_publish
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.conftest import make_credit_code
from tests.support.personas import member, person

PASSWORD = "pw-matching-1234"

HOMESTAY = {
    "title": "民宿多平台订单同步与房态管理系统",
    "description": "对接携程、美团、飞猪等平台订单，房态实时同步，防止超订和订重，自动生成入住登记和财务报表。",
    "scenarios": ["business_management", "ecommerce"],
    "industries": ["H"],
    "regions": ["330000"],
    "price_cny_per_year": 6800,
    "deployment": "saas",
    "min_employees": 1,
    "max_employees": 50,
}
MES = {
    "title": "注塑车间MES生产执行系统",
    "description": "注塑机联网数采，排产、报工、质量追溯，交期看板。",
    "scenarios": ["production", "equipment_mgmt"],
    "industries": ["C"],
    "regions": [],
    "price_cny_per_year": 120000,
    "deployment": "hybrid",
    "min_employees": 20,
    "max_employees": 1000,
}
FINANCE = {
    "title": "小微企业云财务与电子发票",
    "description": "记账、报税、电子发票一站式，手机上看报表。",
    "scenarios": ["finance_tax"],
    "industries": [],
    "regions": ["320000"],
    "price_cny_per_year": 2000,
    "deployment": "saas",
    "min_employees": 1,
    "max_employees": 200,
}
HOMESTAY_NEED = {
    "title": "民宿订单老是订重",
    "description": "山里开了三家民宿，旺季房间老是订重，几个平台的订单要人一条条抄到本子上",
    "budget_cny_per_year": 10000,
}


@dataclass
class World:
    enterprise_a: Enterprise
    enterprise_b: Enterprise
    provider_1: Provider
    provider_2: Provider
    people: dict[str, AbstractBaseUser]
    homestay: Solution
    mes: Solution
    finance: Solution

    def __getitem__(self, name: str) -> AbstractBaseUser:
        return self.people[name]

    def need(self, **overrides: Any) -> Need:
        """A need of 甲, ranked as after a real commit (the test's transaction never commits)."""
        values = dict(HOMESTAY_NEED) | overrides
        with TestCase.captureOnCommitCallbacks(execute=True):
            return need_create(
                enterprise=self.enterprise_a, acting_user=self.people["enterprise_a"], **values
            )


def _member(username: str, **membership: Any) -> AbstractBaseUser:
    return member(username, password=PASSWORD, **membership)


def make_world() -> World:
    """Build the personas and a three-solution catalogue (two of provider_1, one of provider_2)."""
    forget_catalogue()
    a = enterprise_create(
        acting_user=None,
        credit_code=make_credit_code("330106"),
        name="杭州山居民宿有限公司",
        industry_code="6110",
        region_code="330106",
        employees=12,
        revenue_cny=3_000_000,
    )
    b = enterprise_create(
        acting_user=None,
        credit_code=make_credit_code("320102"),
        name="南京乙精密机械有限公司",
        industry_code="3484",
        region_code="320102",
        employees=300,
        revenue_cny=80_000_000,
    )
    p1 = Provider.objects.create(
        name="杭州数智云科技",
        credit_code=make_credit_code("330106"),
        region_code="330106",
        vetting_state=VettingState.APPROVED,
    )
    p2 = Provider.objects.create(
        name="南京工业软件",
        credit_code=make_credit_code("320102"),
        region_code="320102",
        vetting_state=VettingState.APPROVED,
    )
    bank = FinancialInstitution.objects.create(name="甲银行")
    people = {
        "admin": person("root", password=PASSWORD, is_staff=True, is_superuser=True),
        "enterprise_a": _member("ea", role=Role.ENTERPRISE, enterprise=a, is_enterprise_admin=True),
        "enterprise_b": _member("eb", role=Role.ENTERPRISE, enterprise=b, is_enterprise_admin=True),
        "provider_1": _member("p1", role=Role.PROVIDER, provider=p1),
        "provider_2": _member("p2", role=Role.PROVIDER, provider=p2),
        "official_hz": _member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "official_nj": _member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "bank": _member("bank", role=Role.BANK, institution=bank),
        "no_role": person("nobody", password=PASSWORD),
    }
    solutions = []
    for provider, user, values in (
        (p1, "provider_1", HOMESTAY),
        (p1, "provider_1", MES),
        (p2, "provider_2", FINANCE),
    ):
        solution = solution_create(provider=provider, acting_user=people[user], **values)
        solutions.append(solution_publish(solution=solution, acting_user=people[user]))
    return World(a, b, p1, p2, people, *solutions)


def accepted_deal(
    *, enterprise: Enterprise, provider: Provider, requested_by: Any, number: str = ""
) -> tuple[Solution, Need, Proposal, Deal]:
    """A published solution, a need, an accepted proposal and its deal, written directly (no service)."""
    solution = Solution.objects.create(provider=provider, title=f"方案{number}", status="published")
    need = Need.objects.create(
        enterprise=enterprise, title=f"需求{number}", region_code=enterprise.region_code
    )
    proposal = Proposal.objects.create(
        need=need,
        solution=solution,
        enterprise=enterprise,
        provider=provider,
        status="accepted",
        price_cny=1000,
        requested_by=requested_by,
    )
    deal = Deal.objects.create(
        proposal=proposal,
        need=need,
        enterprise=enterprise,
        provider=provider,
        solution=solution,
        amount_cny=1000,
    )
    return solution, need, proposal, deal
