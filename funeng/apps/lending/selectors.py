"""Lending reads: products an enterprise may apply for, the subsidy due by bank and month, scorecard monitoring."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
from django.db.models import QuerySet, Sum

from engines.credit.model import from_dict
from engines.credit.monitor import Stability, stability_against_baseline
from engines.credit.subsidy import InterestLine, SubsidyLine, subsidy_batch, subsidy_one
from engines.rules.evaluate import evaluate
from engines.rules.loader import get_programme
from engines.rules.model import Benefit
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.policy_record import enterprise_policy_record
from funeng.apps.lending.assessment import Eligibility, eligibility
from funeng.apps.lending.const import ApplicationStatus, LoanKind, LoanStatus, RepaymentStatus
from funeng.apps.lending.models import (
    Loan,
    LoanApplication,
    LoanProduct,
    Repayment,
    Scorecard,
    SubsidyApproval,
)


@dataclass(frozen=True)
class ProductRow:
    """An open product as an enterprise sees it: may it apply, and does it already have an open application."""

    product: LoanProduct
    eligibility: Eligibility
    open_application: LoanApplication | None


def product_rows(enterprise: Enterprise, products: QuerySet[LoanProduct], as_of: dt.date) -> list[ProductRow]:
    open_by_product = {
        a.product_id: a
        for a in LoanApplication.objects.filter(
            enterprise=enterprise, status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO)
        )
    }
    return [
        ProductRow(p, eligibility(p, enterprise, as_of), open_by_product.get(p.pk))
        for p in products.filter(active=True).select_related("institution")
    ]


# --- interest subsidy ----------------------------------------------------------------------------


def _subsidised_loans(scope: str) -> QuerySet[Loan]:
    return Loan.objects.filter(enterprise__region_code__startswith=scope).exclude(
        product__subsidy_programme=""
    )


def subsidy_record(enterprise: Enterprise) -> dict[str, object]:
    """The enterprise's policy facts, with the interest it paid on platform cloud-usage loans as verified fact.

    The subsidy programme asks whether the enterprise has a cloud-usage loan ("有云量贷贷款"): the
    platform knows, from the repayments the banks record, better than the self-declared figure.
    """
    record: dict[str, object] = dict(enterprise_policy_record(enterprise))
    paid = Repayment.objects.filter(
        loan__enterprise=enterprise, loan__product__kind=LoanKind.CLOUD_CREDIT
    ).aggregate(total=Sum("interest_paid_cny"))["total"]
    if paid:
        declared = record.get("cloud_loan_interest_cny")
        record["cloud_loan_interest_cny"] = max(paid, declared) if isinstance(declared, Decimal) else paid
    return record


def _eligible(
    enterprise: Enterprise, programme_id: str, as_of: dt.date, cache: dict[tuple[int, str], bool]
) -> bool:
    """The subsidy goes to enterprises that meet the programme's conditions (eligible, review items aside)."""
    key = (enterprise.pk, programme_id)
    if key not in cache:
        programme = get_programme(programme_id, as_of)
        cache[key] = evaluate(programme, subsidy_record(enterprise), as_of).outcome == "eligible"
    return cache[key]


@dataclass
class SubsidyMonth:
    """The subsidy due through one bank in one month: the sum, the loans, and whether it is approved."""

    institution_id: int
    institution: str
    month: dt.date
    amount: Decimal = Decimal(0)
    interest: Decimal = Decimal(0)
    loans: set[int] = field(default_factory=set)
    approval: SubsidyApproval | None = None


def _subsidised_repayments(
    loans: QuerySet[Loan], as_of: dt.date
) -> dict[str, list[tuple[Loan, InterestLine]]]:
    """The interest lines the subsidy covers, by programme: loans of eligible enterprises only."""
    cache: dict[tuple[int, str], bool] = {}
    by_programme: dict[str, list[tuple[Loan, InterestLine]]] = defaultdict(list)
    for repayment in Repayment.objects.filter(loan__in=loans).select_related(
        "loan", "loan__product", "loan__enterprise", "loan__institution"
    ):
        loan = repayment.loan
        programme = loan.product.subsidy_programme
        if programme and _eligible(loan.enterprise, programme, as_of, cache):
            line = InterestLine(
                str(loan.pk), loan.enterprise.credit_code, loan.institution.name, repayment.month,
                repayment.interest_paid_cny,
            )  # fmt: skip
            by_programme[programme].append((loan, line))
    return by_programme


def _benefit(programme_id: str, as_of: dt.date) -> Benefit:
    benefit = get_programme(programme_id, as_of).benefit
    assert benefit is not None  # product_save refuses a programme without one
    return benefit


def subsidy_lines(loans: QuerySet[Loan], as_of: dt.date) -> list[tuple[Loan, SubsidyLine]]:
    """Every subsidised loan's interest lines with the subsidy due on each (one path, explained)."""
    result: list[tuple[Loan, SubsidyLine]] = []
    for programme_id, pairs in _subsidised_repayments(loans, as_of).items():
        loan_of = {str(loan.pk): loan for loan, _ in pairs}
        by_enterprise: dict[str, list[InterestLine]] = defaultdict(list)
        for _loan, line in pairs:
            by_enterprise[line.credit_code].append(line)
        for lines in by_enterprise.values():
            result.extend(
                (loan_of[x.line.loan], x) for x in subsidy_one(lines, _benefit(programme_id, as_of))
            )
    result.sort(key=lambda item: (item[1].line.month, item[0].institution_id, item[0].pk))
    return result


def subsidy_by_bank_month(scope: str, as_of: dt.date) -> list[SubsidyMonth]:
    """The region's subsidy due per bank and month, newest month first, with approvals."""
    rows: dict[tuple[int, dt.date], SubsidyMonth] = {}
    for loan, line in subsidy_lines(_subsidised_loans(scope), as_of):
        key = (loan.institution_id, line.line.month)
        row = rows.setdefault(key, SubsidyMonth(loan.institution_id, loan.institution.name, line.line.month))
        row.amount += line.subsidy_cny
        row.interest += line.line.interest_paid_cny
        row.loans.add(loan.pk)
    for approval in SubsidyApproval.objects.filter(region_code=scope):
        if (approval.institution_id, approval.month) in rows:
            rows[(approval.institution_id, approval.month)].approval = approval
    return sorted(rows.values(), key=lambda r: (-r.month.toordinal(), r.institution))


def subsidy_frame(scope: str, as_of: dt.date) -> pl.DataFrame:
    """The same lines through the batch path (for exports and the property test that both agree)."""
    schema: dict[str, Any] = {
        "loan": pl.String,
        "credit_code": pl.String,
        "bank": pl.String,
        "month": pl.Date,
        "interest_paid_cny": pl.Decimal(38, 2),
    }
    frames = [
        subsidy_batch(
            pl.DataFrame([asdict(line) for _loan, line in pairs], schema=schema),
            _benefit(programme_id, as_of),
        )
        for programme_id, pairs in _subsidised_repayments(_subsidised_loans(scope), as_of).items()
    ]
    if not frames:
        return pl.DataFrame(
            schema=schema
            | {"subsidy_cny": pl.Decimal(38, 2), "cumulative_cny": pl.Decimal(38, 2), "capped": pl.Boolean}
        )
    return pl.concat(frames).sort("month", "bank", "loan")


# --- bank: portfolio and monitoring ----------------------------------------------------------------


# Below this many applicants a PSI over ten bands says more about chance than about a shift.
MIN_PSI_APPLICANTS = 30


@dataclass(frozen=True)
class Monitoring:
    """A scorecard's applicants against its training population, and how its approved loans performed."""

    scorecard: Scorecard
    applicants: int
    stability: Stability | None
    bands: list[tuple[str, int, int]]  # score band, loans, loans with an overdue or defaulted month

    @property
    def enough_applicants(self) -> bool:
        return self.applicants >= MIN_PSI_APPLICANTS


def scorecard_monitoring(scorecard: Scorecard, since: dt.date) -> Monitoring:
    """PSI of recent applicants' scores against the baseline in the model, and outcomes by score band."""
    model = from_dict(scorecard.model)
    applications = LoanApplication.objects.filter(product__scorecard=scorecard, submitted_at__date__gte=since)
    scores = [a.assessment.get("scorecard", {}).get("score") for a in applications]
    values = np.array([s for s in scores if s is not None], dtype=np.float64)
    stability = stability_against_baseline(model, values)
    labels = list(stability.labels) if stability is not None else []
    edges = np.asarray((model.metadata.get("baseline") or {}).get("edges", []), dtype=np.float64)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    late = set(
        Repayment.objects.filter(
            loan__product__scorecard=scorecard,
            status__in=(RepaymentStatus.OVERDUE, RepaymentStatus.DEFAULTED),
        ).values_list("loan_id", flat=True)
    )
    for loan in Loan.objects.filter(product__scorecard=scorecard).select_related("application"):
        score = loan.application.assessment.get("scorecard", {}).get("score")
        if score is None or not labels:
            continue
        band = int(np.searchsorted(edges, score, side="right"))
        counts[band][0] += 1
        counts[band][1] += int(loan.pk in late or loan.status == LoanStatus.DEFAULTED)
    bands = [(labels[i], counts[i][0], counts[i][1]) for i in sorted(counts)]
    return Monitoring(scorecard, len(values), stability, bands)
