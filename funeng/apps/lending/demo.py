"""Demo lending: demo_bank's demo scorecard and two products, and demo_enterprise's loan history.

The scorecard is trained on the synthetic loan book of engines.credit.synthetic (marked as a demo
wherever it shows). demo_enterprise applied for the cloud-usage loan ten months ago through the
same services a user goes through (its administrator applies and grants the consent, demo_bank's
user approves), has repaid monthly since (one month late), and has an open application for the
second product waiting in the bank's queue. So the official sees a loan and its interest subsidy,
the bank a decided and an open application, and the enterprise can apply again itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from engines.credit.fit import fit_scorecard
from engines.credit.synthetic import BAD, TARGET, loan_book
from funeng.apps.consents.const import DataCategory
from funeng.apps.core.models import Membership
from funeng.apps.lending.assessment import month_start_before
from funeng.apps.lending.const import Decision, LoanKind, RepaymentStatus
from funeng.apps.lending.models import LoanApplication, LoanProduct, Scorecard
from funeng.apps.lending.services import (
    application_decide,
    application_submit,
    product_save,
    repayment_record,
    scorecard_store,
)

BOOK_ROWS = 10_000
HISTORY_MONTHS = 10
CLOUD_PRODUCT = "云量贷·数字经营贷（演示）"
CREDIT_PRODUCT = "普惠信用贷（演示）"
SCORECARD_NAME = "云量贷演示评分卡"


@dataclass(frozen=True)
class DemoLending:
    products: int
    applications: int
    repayments: int

    def summary(self) -> str:
        return (
            f"stored {self.products} loan products, {self.applications} loan applications "
            f"and {self.repayments} repayments"
        )


@transaction.atomic
def load_demo_lending(seed: int = 1, *, today: dt.date | None = None) -> DemoLending:
    """Create the demo lending data once (nothing when demo_bank already has a scorecard)."""
    users = get_user_model().objects
    bank_user = users.filter(username="demo_bank").first()
    enterprise_user = users.filter(username="demo_enterprise").first()
    if bank_user is None or enterprise_user is None:
        return DemoLending(0, 0, 0)
    bank = Membership.objects.get(user=bank_user).institution
    if bank is None or Scorecard.objects.filter(institution=bank).exists():
        return DemoLending(0, 0, 0)
    today = today or timezone.localdate()
    report = fit_scorecard(loan_book(BOOK_ROWS, seed), TARGET, BAD, demo=True)
    scorecard = scorecard_store(
        actor=None, institution=bank, name=SCORECARD_NAME, model=report.model.as_dict(), demo=True
    )
    cloud = product_save(
        actor=None,
        institution=bank,
        data={
            "name": CLOUD_PRODUCT,
            "kind": LoanKind.CLOUD_CREDIT,
            "annual_rate": Decimal("3.65"),
            "min_amount_cny": Decimal(100_000),
            "max_amount_cny": Decimal(3_000_000),
            "term_months": 36,
            "required_categories": [DataCategory.PROFILE, DataCategory.FINANCIALS, DataCategory.DIGITAL],
            "subsidy_programme": "zj-cloud-loan-subsidy",
            "scorecard": scorecard,
            "description": "以云服务使用量和数字化投入作为增信依据的信用贷款（演示产品）。",
        },
    )
    credit = product_save(
        actor=None,
        institution=bank,
        data={
            "name": CREDIT_PRODUCT,
            "kind": LoanKind.OTHER,
            "annual_rate": Decimal("4.35"),
            "min_amount_cny": Decimal(50_000),
            "max_amount_cny": Decimal(1_000_000),
            "term_months": 12,
            "required_categories": [DataCategory.PROFILE, DataCategory.FINANCIALS],
            "scorecard": scorecard,
            "description": "面向小微企业的普惠信用贷款（演示产品）。",
        },
    )
    start = month_start_before(today, HISTORY_MONTHS)
    first = application_submit(
        actor=enterprise_user,
        product=cloud,
        amount=Decimal(800_000),
        term_months=36,
        purpose="购置智能检测设备、扩大工业互联网平台订阅（演示）",
        today=start,
    )
    application_decide(
        actor=bank_user,
        application=first,
        decision=Decision.APPROVE,
        note="",
        amount=Decimal(600_000),
        rate=Decimal("3.65"),
        disbursed_on=start,
    )
    LoanApplication.objects.filter(pk=first.pk).update(
        submitted_at=timezone.make_aware(dt.datetime.combine(start, dt.time(10))),
        decided_at=timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=3), dt.time(15))),
    )
    loan = first.loan
    monthly_interest = (loan.amount_cny * loan.annual_rate / 100 / 12).quantize(Decimal("0.01"))
    repayments = 0
    for month_index in range(HISTORY_MONTHS - 1):
        month = month_start_before(today, HISTORY_MONTHS - 1 - month_index)
        status = RepaymentStatus.OVERDUE if month_index == 4 else RepaymentStatus.ON_TIME
        repayment_record(
            actor=bank_user,
            loan=loan,
            month=month,
            interest=monthly_interest,
            principal=Decimal(10_000),
            status=status,
        )
        repayments += 1
    application_submit(
        actor=enterprise_user,
        product=credit,
        amount=Decimal(200_000),
        term_months=12,
        purpose="旺季备货周转（演示）",
        today=today,
    )
    return DemoLending(LoanProduct.objects.filter(institution=bank).count(), 2, repayments)
