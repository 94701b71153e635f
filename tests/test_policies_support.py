"""Helpers shared by the policy page and API tests (no tests here): a Hangzhou region and its people."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.services import enterprise_create

# A small Hangzhou manufacturer that meets every measurable 专精特新 criterion of Zhejiang
# (figures from engines/rules/scenarios/srdi-zhejiang.yaml, stored as the profile keeps them).
STRONG: dict[str, Any] = {
    "founded_on": "2018-01-01",
    "industry_code": "3911",
    "employees": 120,
    "revenue_cny": Decimal("150000000"),
    "revenue_prev_cny": Decimal("120000000"),
    "main_business_revenue_cny": Decimal("120000000"),
    "assets_cny": Decimal("90000000"),
    "liabilities_cny": Decimal("45000000"),
    "net_profit_cny": Decimal("5000000"),
    "rd_staff": 72,
    "invention_patents": 3,
    "utility_models": 6,
    "design_patents": 1,
    "software_copyrights": 3,
    "srdi_level": "provincial",
    "main_business_growth_avg_2y": Decimal("0.2"),
    "net_profit_growth_avg_2y": Decimal("0.2"),
    "revenue_growth_avg_2y": Decimal("0.2"),
    "niche_market_years": 5,
    "has_rd_institution": True,
    "it_supported_core_processes": 3,
    "quality_cert": True,
    "own_brand": True,
    "standards_2y": 1,
    "equity_financing_2y_cny": Decimal("90000000"),
    "rd_expense_2y_cny": Decimal("40000000"),
    "net_profit_2y_cny": Decimal("8000000"),
    "valuation_cny": Decimal("200000000"),
}


def make_policy_world(enterprise_fields) -> dict[str, Any]:
    """strong / gappy / weak in 杭州, one in 南京; their users, two officials, a bank and an operator."""
    import datetime as dt

    strong_fields = dict(STRONG, founded_on=dt.date(2018, 1, 1))
    strong = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="杭州强精密有限公司", region_code="330106", **strong_fields),
    )
    gappy = enterprise_create(
        acting_user=None,
        **enterprise_fields(
            name="杭州缺数据机械有限公司", region_code="330110", founded_on=dt.date(2015, 3, 1)
        ),
    )
    weak_fields = dict(strong_fields, rd_expense_2y_cny=Decimal("6480000"), srdi_level="none")
    weak = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="杭州弱研发制造有限公司", region_code="330108", **weak_fields),
    )
    nanjing = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="南京乙制造有限公司", region_code="320102", **dict(strong_fields)),
    )
    bank = FinancialInstitution.objects.create(name="甲银行杭州分行")
    users = get_user_model().objects

    def member(username: str, **membership: Any):
        user = users.create_user(username, password="x" * 12)
        Membership.objects.create(user=user, **membership)
        return user

    return {
        "strong": strong,
        "gappy": gappy,
        "weak": weak,
        "nanjing": nanjing,
        "strong_admin": member(
            "strong_admin", role=Role.ENTERPRISE, enterprise=strong, is_enterprise_admin=True
        ),
        "gappy_admin": member(
            "gappy_admin", role=Role.ENTERPRISE, enterprise=gappy, is_enterprise_admin=True
        ),
        "gappy_colleague": member("gappy_colleague", role=Role.ENTERPRISE, enterprise=gappy),
        "nanjing_admin": member(
            "nanjing_admin", role=Role.ENTERPRISE, enterprise=nanjing, is_enterprise_admin=True
        ),
        "official": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "official_nj": member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "banker": member("banker", role=Role.BANK, institution=bank),
        "operator": users.create_user("operator", password="x" * 12, is_staff=True),
        "outsider": users.create_user("outsider", password="x" * 12),
    }
