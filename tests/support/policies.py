"""Helpers shared by the policy page and API tests (no tests here): a Hangzhou region and its people."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.enterprises.services import enterprise_create
from tests.support.personas import banker, colleague, enterprise_admin, official, person

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
    "niche_market_since": "2019-01-01",
    "niche_market_rank_province": 2,
    "niche_market_rank_national": 8,
    "clean_record_3y": True,
    "no_major_accidents_3y": True,
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

    strong_fields = dict(STRONG, founded_on=dt.date(2018, 1, 1), niche_market_since=dt.date(2019, 1, 1))
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

    return {
        "strong": strong,
        "gappy": gappy,
        "weak": weak,
        "nanjing": nanjing,
        "strong_admin": enterprise_admin("strong_admin", strong),
        "gappy_admin": enterprise_admin("gappy_admin", gappy),
        "gappy_colleague": colleague("gappy_colleague", gappy),
        "nanjing_admin": enterprise_admin("nanjing_admin", nanjing),
        "official": official("gov_hz", "330100"),
        "official_nj": official("gov_nj", "320100"),
        "banker": banker("banker", bank),
        "operator": person("operator", is_staff=True),
        "outsider": person("outsider"),
    }
