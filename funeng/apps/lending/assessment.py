"""What a bank sees of an applicant: the scorecard's facts from consented categories, the score and reasons,
the recognised digital assets and the product's eligibility rules.

Each fact belongs to a data category (consents.categories); a fact whose category the enterprise did
not grant is left out, so the scorecard scores it in its missing bin and says so in the reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum

from engines.credit.model import from_dict
from engines.credit.score import score_one
from engines.reference.industry import industry_table
from engines.rules.evaluate import evaluate
from engines.rules.loader import get_programme
from funeng.apps.consents.categories import DIGITAL, FINANCIALS, PROFILE
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.policy_record import enterprise_policy_record
from funeng.apps.finance.models import CloudUsageRecord, DigitalInvestment
from funeng.apps.finance.selectors import footprint_of
from funeng.apps.lending.const import RepaymentStatus
from funeng.apps.lending.models import LoanProduct, Repayment

# Each scorecard fact, its data category, and how it reads in both languages.
FACTS: dict[str, tuple[str, str, str]] = {
    "revenue_cny": (FINANCIALS, "营业收入（元）", "Revenue (CNY)"),
    "employees": (PROFILE, "从业人员", "Employees"),
    "years_operating": (PROFILE, "经营年限", "Years in operation"),
    "industry_section": (PROFILE, "行业门类", "Industry section"),
    "liabilities_ratio": (FINANCIALS, "资产负债率", "Liabilities over assets"),
    "cloud_spend_12m_cny": (DIGITAL, "近12个月云服务支出（元）", "Cloud spend, last 12 months (CNY)"),
    "digital_investment_36m_cny": (
        DIGITAL,
        "近36个月数字化投入（元）",
        "Digital investment, last 36 months (CNY)",
    ),
    "overdue_events_2y": (
        FINANCIALS,
        "近两年平台贷款逾期次数",
        "Overdue months on platform loans, last 2 years",
    ),
}


def month_start_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def applicant_facts(enterprise: Enterprise, categories: set[str], as_of: dt.date) -> dict[str, Any]:
    """The scorecard's facts of one enterprise, None where unknown or not consented."""
    facts: dict[str, Any] = dict.fromkeys(FACTS)
    if PROFILE in categories:
        facts["employees"] = enterprise.employees
        if enterprise.founded_on is not None:
            facts["years_operating"] = max(_years_between(enterprise.founded_on, as_of), 0)
        node = industry_table().by_code.get(enterprise.industry_code or "")
        facts["industry_section"] = node.section if node is not None else None
    if FINANCIALS in categories:
        facts["revenue_cny"] = None if enterprise.revenue_cny is None else float(enterprise.revenue_cny)
        if enterprise.liabilities_cny is not None and enterprise.assets_cny:
            facts["liabilities_ratio"] = round(float(enterprise.liabilities_cny / enterprise.assets_cny), 4)
        facts["overdue_events_2y"] = Repayment.objects.filter(
            loan__enterprise=enterprise,
            month__gte=month_start_before(as_of, 24),
            status__in=(RepaymentStatus.OVERDUE, RepaymentStatus.DEFAULTED),
        ).count()
    if DIGITAL in categories:
        start = month_start_before(as_of, 12)
        cloud = CloudUsageRecord.objects.filter(enterprise=enterprise, month__gte=start, month__lte=as_of)
        facts["cloud_spend_12m_cny"] = float(cloud.aggregate(total=Sum("amount_cny"))["total"] or 0)
        since = month_start_before(as_of, 36)
        invested = DigitalInvestment.objects.filter(
            enterprise=enterprise, invested_on__gte=since, invested_on__lte=as_of
        )
        facts["digital_investment_36m_cny"] = float(invested.aggregate(total=Sum("amount_cny"))["total"] or 0)
    return facts


@dataclass(frozen=True)
class Eligibility:
    """The product's eligibility programme evaluated for one enterprise."""

    programme: str
    outcome: str  # eligible | not_eligible | undetermined | "" (no rules)

    @property
    def may_apply(self) -> bool:
        # Undetermined lets the enterprise apply: the bank's reviewer sees the open items.
        return self.outcome != "not_eligible"


def eligibility(product: LoanProduct, enterprise: Enterprise, as_of: dt.date) -> Eligibility:
    """Whether the enterprise meets the product's eligibility rules (a policy programme)."""
    if not product.eligibility_programme:
        return Eligibility("", "")
    programme = get_programme(product.eligibility_programme, as_of)
    result = evaluate(programme, dict(enterprise_policy_record(enterprise)), as_of)
    return Eligibility(programme.id, result.outcome)


def assess(
    product: LoanProduct, enterprise: Enterprise, categories: set[str], as_of: dt.date
) -> dict[str, Any]:
    """The assessment stored on an application: facts, score and reasons, digital assets, eligibility."""
    facts = applicant_facts(enterprise, categories, as_of)
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "categories": sorted(categories),
        "facts": facts,
        "eligibility": eligibility(product, enterprise, as_of).outcome,
    }
    if product.scorecard is not None:
        model = from_dict(product.scorecard.model)
        score = score_one(model, facts, {name: (zh, en) for name, (_category, zh, en) in FACTS.items()})
        result["scorecard"] = {
            "name": product.scorecard.name,
            "demo": product.scorecard.demo,
            "score": round(score.score, 1),
            "pd": round(score.pd, 6),
            "reasons": [reason.as_dict() | {"unseen": reason.unseen} for reason in score.reasons],
            "explanation": score.explanation,
            "explanation_en": score.explanation_en,
        }
    if DIGITAL in categories:
        value = footprint_of(enterprise, as_of=as_of).value
        result["collateral"] = {
            "recognised_cny": str(value.recognised_cny),
            "rd_input_cny": str(value.rd_input_cny),
            "provisional": value.provisional,
            "rules_version": value.rules_version,
            "explanation": value.explanation,
            "explanation_en": value.explanation_en,
        }
    return result


def fact_label(name: str, language: str) -> str:
    """A scorecard fact's name in the page's language (the variable name when it is not ours)."""
    if name not in FACTS:
        return name
    return FACTS[name][1] if language.startswith("zh") else FACTS[name][2]
