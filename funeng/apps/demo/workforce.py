"""Demo shared workforce (共享用工): workers, surplus and demand posts and agreements in the Zhejiang demo region.

demo_enterprise's Hangzhou manufacturer lends staff: one agreement is active with hours recorded,
another waits for demo_worker (a colleague of demo_enterprise, linked to a worker record) to
confirm. A few other Zhejiang enterprises post surplus staff and demand, and demo_enterprise also
asks for packers, so its matches page has candidates. Names and phone numbers are invented.
Runs after the demo logins; does nothing if any worker exists.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from funeng.apps.audit.services import audit_created
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_workforce.const import DEFAULT_INSURANCE_TERMS, DEFAULT_PAYMENT_TERMS, AgreementStatus
from funeng.apps.shared_workforce.models import Agreement, DemandPost, HoursRecord, SurplusPost, Worker
from funeng.apps.shared_workforce.services import (
    AGREEMENT_AUDITED,
    DEMAND_AUDITED,
    SURPLUS_AUDITED,
    WORKER_AUDITED,
)

DEMO_WORKER = "demo_worker"
FAMILY = "王李张刘陈杨黄赵周吴徐孙朱马胡郭"
GIVEN = ["建国", "海燕", "志强", "丽华", "国平", "秀英", "晓东", "春梅", "伟", "敏", "磊", "静"]
LENDER_SKILLS = [
    ["cnc_operator", "quality_inspector"],
    ["welder", "fitter"],
    ["injection_moulding", "packaging_worker"],
    ["assembly_worker", "electronics_assembly"],
    ["mould_fitter", "fitter"],
    ["forklift_driver", "warehouse_worker"],
]
SURPLUS_TITLES = ["淡季富余数控操作工", "订单间隙富余焊工", "注塑车间富余人员", "装配线富余员工"]
DEMAND_PLAN = [
    ("双十一仓储打包用工", ["packaging_worker", "warehouse_worker"], 6, "仓储中心"),
    ("新产线试产急需装配工", ["assembly_worker", "quality_inspector"], 4, "二号厂房"),
    ("模具赶工需钳工", ["mould_fitter", "fitter"], 2, "模具车间"),
]


def _in_chinese(text: object) -> str:
    # Stored text, like a form's initial value, is in the platform's default language.
    with translation.override("zh-hans"):
        return str(text)


def _name(rng: random.Random) -> str:
    return rng.choice(FAMILY) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return "139" + "".join(str(rng.randrange(10)) for _ in range(8))


def _workers(
    enterprise: Enterprise, skills_sets: list[list[str]], rng: random.Random, now: dt.datetime
) -> list[Worker]:
    made = []
    for skills in skills_sets:
        worker = Worker.objects.create(
            enterprise=enterprise, name=_name(rng), phone=_phone(rng), skills=skills, created_at=now
        )
        audit_created(actor=None, obj=worker, fields=WORKER_AUDITED)
        made.append(worker)
    return made


def _surplus(
    enterprise: Enterprise,
    title: str,
    workers: list[Worker],
    first: dt.date,
    days: int,
    cost: int,
    now: dt.datetime,
) -> SurplusPost:
    post = SurplusPost.objects.create(
        enterprise=enterprise,
        title=title,
        skills=sorted({s for w in workers for s in w.skills}),
        headcount=len(workers),
        available_from=first,
        available_to=first + dt.timedelta(days=days),
        hourly_cost=Decimal(cost),
        region_code=enterprise.region_code,
        note="订单淡季，员工可短期支援（演示数据）。",
        created_at=now,
    )
    post.workers.set(workers)
    audit_created(actor=None, obj=post, fields=SURPLUS_AUDITED)
    return post


def _demand(
    enterprise: Enterprise, plan: tuple[str, list[str], int, str], first: dt.date, days: int, now: dt.datetime
) -> DemandPost:
    title, skills, headcount, place = plan
    post = DemandPost.objects.create(
        enterprise=enterprise,
        title=title,
        skills=skills,
        headcount=headcount,
        starts_on=first,
        ends_on=first + dt.timedelta(days=days),
        place=place,
        hourly_budget=Decimal(48),
        region_code=enterprise.region_code,
        created_at=now,
    )
    audit_created(actor=None, obj=post, fields=DEMAND_AUDITED)
    return post


def _agreement(
    surplus: SurplusPost,
    demand: DemandPost,
    worker: Worker,
    first: dt.date,
    last: dt.date,
    status: str,
    now: dt.datetime,
) -> Agreement:
    agreement = Agreement.objects.create(
        lender=surplus.enterprise,
        borrower=demand.enterprise,
        worker=worker,
        surplus_post=surplus,
        demand_post=demand,
        starts_on=first,
        ends_on=last,
        hourly_pay=surplus.hourly_cost,
        payment_terms=_in_chinese(DEFAULT_PAYMENT_TERMS),
        insurance_terms=_in_chinese(DEFAULT_INSURANCE_TERMS),
        place=demand.place,
        region_code=demand.region_code,
        status=status,
        proposed_at=now,
        worker_answered_at=now if status != AgreementStatus.PROPOSED else None,
        activated_at=now if status in (AgreementStatus.ACTIVE, AgreementStatus.ENDED) else None,
    )
    audit_created(actor=None, obj=agreement, fields=AGREEMENT_AUDITED)
    return agreement


@transaction.atomic
def demo_workforce_create(*, seed: int = 1, today: dt.date | None = None) -> int:
    """Create the demo's workforce posts and agreements; return how many agreements exist afterwards."""
    if Worker.objects.exists():
        return Agreement.objects.count()
    users = get_user_model().objects
    owner = users.filter(username="demo_enterprise").first()
    hangzhou = Enterprise.objects.filter(members__user=owner).first() if owner else None
    zhejiang = Enterprise.objects.filter(region_code__startswith="33").order_by("id")
    if hangzhou is None:
        hangzhou = zhejiang.filter(region_code__startswith="3301").first()
    if hangzhou is None:
        return 0
    others = list(zhejiang.exclude(pk=hangzhou.pk)[:6])
    if len(others) < 3:
        return 0
    rng = random.Random(seed)
    today = today or timezone.localdate()
    now = timezone.now()
    start = today - dt.timedelta(days=20)

    # demo_enterprise lends: four workers on one post, demo_worker among them when the login exists.
    lent = _workers(
        hangzhou, [LENDER_SKILLS[0], LENDER_SKILLS[1], LENDER_SKILLS[3], LENDER_SKILLS[0]], rng, now
    )
    login = users.filter(username=DEMO_WORKER).first()
    if login is not None:
        Worker.objects.filter(pk=lent[1].pk).update(user=login, name="王建国（演示）")
        lent[1].refresh_from_db()
    own_surplus = _surplus(hangzhou, SURPLUS_TITLES[0], lent, start, 120, 46, now)

    borrower, second_borrower = others[0], others[1]
    demand = _demand(borrower, DEMAND_PLAN[1], start, 90, now)
    second_demand = _demand(second_borrower, DEMAND_PLAN[2], today + dt.timedelta(days=10), 30, now)
    active = _agreement(
        own_surplus, demand, lent[0], start, start + dt.timedelta(days=60), AgreementStatus.ACTIVE, now
    )
    for offset in range(0, 20):
        day = start + dt.timedelta(days=offset)
        if day.weekday() < 5 and day < today:
            HoursRecord.objects.create(
                agreement=active, day=day, hours=Decimal(rng.choice([8, 8, 8, 7.5, 9])), recorded_at=now
            )
    _agreement(
        own_surplus,
        second_demand,
        lent[1],
        second_demand.starts_on,
        second_demand.ends_on,
        AgreementStatus.PROPOSED,
        now,
    )

    # Other Zhejiang enterprises offer staff, and demo_enterprise asks for packers before 双十一.
    for number, enterprise in enumerate(others[2:5]):
        workers = _workers(
            enterprise, [LENDER_SKILLS[(number + 2) % 6], LENDER_SKILLS[(number + 5) % 6]], rng, now
        )
        _surplus(enterprise, SURPLUS_TITLES[(number + 1) % 4], workers, today, 90, 40 + 3 * number, now)
    _demand(hangzhou, DEMAND_PLAN[0], today + dt.timedelta(days=7), 21, now)
    return Agreement.objects.count()
