"""/api/v1/lending: loan products, applications with one consent, decisions with reason codes, loans, subsidies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Router, Schema, Status
from pydantic import StringConstraints

from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import ID_MAX, NO_NUL, IsoDate, MoneyText, RequestBody, problems
from funeng.apps.consents.const import ReadChannel
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.identity import User
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.lending.access import (
    access_application_for_user,
    access_loan_for_user,
    access_product_for_user,
    applications_visible_to,
    can_decide,
    loans_visible_to,
    member_enterprise_id,
    products_visible_to,
    region_scope,
)
from funeng.apps.lending.assessment import eligibility
from funeng.apps.lending.const import MAX_LOAN_CNY, MAX_NOTE
from funeng.apps.lending.models import Loan, LoanApplication, LoanProduct
from funeng.apps.lending.selectors import subsidy_by_bank_month, subsidy_lines
from funeng.apps.lending.services import (
    application_decide,
    application_submit,
    application_withdraw,
    bank_read_application,
    repayment_record,
    subsidy_approve,
)

router = Router(tags=["lending"])
ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]
Amount = Annotated[
    Decimal, Field(gt=0, le=MAX_LOAN_CNY, max_digits=12, decimal_places=2, allow_inf_nan=False, strict=False)
]
Paid = Annotated[
    Decimal, Field(ge=0, le=MAX_LOAN_CNY, max_digits=12, decimal_places=2, allow_inf_nan=False, strict=False)
]
Rate = Annotated[
    Decimal, Field(ge=0, le=24, max_digits=5, decimal_places=2, allow_inf_nan=False, strict=False)
]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE, pattern=NO_NUL)]


class ProductOut(Schema):
    id: int
    institution: str
    name: str
    kind: str
    annual_rate: str
    min_amount_cny: MoneyText
    max_amount_cny: MoneyText
    term_months: int
    required_categories: list[str]
    eligibility_programme: str
    subsidy_programme: str
    active: bool
    eligibility: str | None = Field(
        description="For an enterprise caller: eligible, not_eligible, undetermined, or empty when the product has no rules"
    )
    may_apply: bool | None = Field(description="For an enterprise caller: whether it may apply")


class EligibilityOut(Schema):
    programme: str
    outcome: str = Field(
        description="eligible, not_eligible, undetermined, or empty when the product has no rules"
    )
    may_apply: bool


class ScoreReasonOut(Schema):
    variable: str
    bin: str
    points_lost: float
    unseen: bool


class ScorecardResultOut(Schema):
    name: str
    demo: bool
    score: float
    pd: float
    reasons: list[ScoreReasonOut]
    explanation: str
    explanation_en: str


class LoanCollateralOut(Schema):
    recognised_cny: MoneyText
    rd_input_cny: MoneyText
    provisional: bool
    rules_version: str
    explanation: str
    explanation_en: str


class ApplicationOut(Schema):
    id: int
    product: int
    product_name: str
    institution: str
    enterprise: str
    amount_cny: MoneyText
    term_months: int
    purpose: str
    status: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str
    approved_amount_cny: MoneyText | None
    approved_rate: str | None
    consent: int
    data_readable: bool = Field(description="False for the bank once the consent has ended: no data is sent")
    scorecard: ScorecardResultOut | None
    collateral: LoanCollateralOut | None
    facts: dict[str, Any] | None = Field(
        description="For the bank only: the facts scored, from consented categories"
    )


class ApplicationIn(RequestBody):
    amount_cny: Amount
    term_months: Annotated[int, Field(ge=1, le=120)]
    purpose: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NOTE, pattern=NO_NUL)]


class LoanDecisionIn(RequestBody):
    decision: Literal["approve", "reject", "more_info"]
    note: Note = ""
    amount_cny: Amount | None = None
    annual_rate: Rate | None = None
    disbursed_on: IsoDate | None = None


class RepaymentIn(RequestBody):
    month: IsoDate
    interest_paid_cny: Paid
    principal_paid_cny: Paid
    status: Literal["on_time", "overdue", "defaulted"]


class RepaymentOut(Schema):
    month: dt.date
    interest_paid_cny: MoneyText
    principal_paid_cny: MoneyText
    status: str


class SubsidyLineOut(Schema):
    month: dt.date
    interest_paid_cny: MoneyText
    subsidy_cny: MoneyText
    cumulative_cny: MoneyText
    capped: bool
    explanation: str
    explanation_en: str


class LoanOut(Schema):
    id: int
    enterprise: str
    institution: str
    product_name: str
    amount_cny: MoneyText
    annual_rate: str
    term_months: int
    disbursed_on: dt.date
    status: str
    repayments: list[RepaymentOut]
    subsidy: list[SubsidyLineOut]


class SubsidyMonthOut(Schema):
    institution_id: int
    institution: str
    month: dt.date
    interest_paid_cny: MoneyText
    subsidy_cny: MoneyText
    loans: int
    approved: bool


class SubsidyApprovalIn(RequestBody):
    institution_id: ObjectId
    month: IsoDate


def _product_out(product: LoanProduct, enterprise: Enterprise | None) -> dict[str, Any]:
    found = None if enterprise is None else eligibility(product, enterprise, timezone.localdate())
    return {
        "eligibility": None if found is None else found.outcome,
        "may_apply": None if found is None else found.may_apply,
        "id": product.pk,
        "institution": product.institution.name,
        "name": product.name,
        "kind": product.kind,
        "annual_rate": f"{product.annual_rate:.2f}",
        "min_amount_cny": product.min_amount_cny,
        "max_amount_cny": product.max_amount_cny,
        "term_months": product.term_months,
        "required_categories": list(product.required_categories),
        "eligibility_programme": product.eligibility_programme,
        "subsidy_programme": product.subsidy_programme,
        "active": product.active,
    }


def _application_out(user: User, application: LoanApplication, *, log_read: bool) -> dict[str, Any]:
    is_bank = can_decide(user, application)
    readable = True
    if is_bank and log_read:
        readable = bank_read_application(actor=user, application=application, channel=ReadChannel.API)
    assessment = application.assessment if readable else {}
    collateral = assessment.get("collateral")
    return {
        "id": application.pk,
        "product": application.product_id,
        "product_name": application.product.name,
        "institution": application.product.institution.name,
        "enterprise": application.enterprise.name,
        "amount_cny": application.amount_cny,
        "term_months": application.term_months,
        "purpose": application.purpose,
        "status": application.status,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "decision_note": application.decision_note,
        "approved_amount_cny": application.approved_amount_cny,
        "approved_rate": None if application.approved_rate is None else f"{application.approved_rate:.2f}",
        "consent": application.consent_id,
        "data_readable": readable,
        "scorecard": assessment.get("scorecard"),
        "collateral": None
        if collateral is None
        else collateral
        | {
            "recognised_cny": Decimal(collateral["recognised_cny"]),
            "rd_input_cny": Decimal(collateral["rd_input_cny"]),
        },
        "facts": assessment.get("facts") if is_bank and readable else None,
    }


def _loan_out(loan: Loan) -> dict[str, Any]:
    lines = subsidy_lines(Loan.objects.filter(pk=loan.pk), timezone.localdate())
    return {
        "id": loan.pk,
        "enterprise": loan.enterprise.name,
        "institution": loan.institution.name,
        "product_name": loan.product.name,
        "amount_cny": loan.amount_cny,
        "annual_rate": f"{loan.annual_rate:.2f}",
        "term_months": loan.term_months,
        "disbursed_on": loan.disbursed_on,
        "status": loan.status,
        "repayments": [
            {
                "month": r.month,
                "interest_paid_cny": r.interest_paid_cny,
                "principal_paid_cny": r.principal_paid_cny,
                "status": r.status,
            }
            for r in loan.repayments.all()
        ],
        "subsidy": [
            {
                "month": line.line.month,
                "interest_paid_cny": line.line.interest_paid_cny,
                "subsidy_cny": line.subsidy_cny,
                "cumulative_cny": line.cumulative_cny,
                "capped": line.capped,
                "explanation": line.explanation,
                "explanation_en": line.explanation_en,
            }
            for _loan, line in lines
        ],
    }


@router.get(
    "/products", response=list[ProductOut], summary="List loan products", openapi_extra=problems(401, 422)
)
@paginated()
def products_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Open products for every caller, with the caller's eligibility for an enterprise; a bank also sees its closed ones."""
    enterprise_id = member_enterprise_id(request.user)
    enterprise = None if enterprise_id is None else Enterprise.objects.get(pk=enterprise_id)
    products = products_visible_to(request.user).select_related("institution").order_by("pk")
    return [_product_out(p, enterprise) for p in products]


@router.post(
    "/products/{product_id}/applications",
    response={201: ApplicationOut},
    summary="Apply for a product (grants its consent)",
    openapi_extra=problems(403, 404, 422),
)
def application_create(
    request: HttpRequest, product_id: Path[ObjectId], payload: ApplicationIn
) -> Status[dict[str, Any]]:
    """The enterprise's administrator applies; the product's data categories are granted to the bank for a year."""
    product = access_product_for_user(request.user, product_id)
    application = application_submit(
        actor=request.user,
        product=product,
        amount=payload.amount_cny,
        term_months=payload.term_months,
        purpose=payload.purpose,
    )
    return Status(201, _application_out(request.user, application, log_read=False))


@router.get(
    "/applications",
    response=list[ApplicationOut],
    summary="List loan applications",
    openapi_extra=problems(401, 422),
)
@paginated()
def applications_list(request: HttpRequest) -> QuerySet[LoanApplication] | list[dict[str, Any]]:
    """The enterprise's own applications or the bank's incoming ones (the list carries no applicant data for banks)."""
    applications = applications_visible_to(request.user).select_related(
        "product", "product__institution", "enterprise"
    )
    rows = []
    for application in applications.order_by("-submitted_at", "-pk"):
        row = _application_out(request.user, application, log_read=False)
        if can_decide(request.user, application):
            # Reading an applicant's data is one application at a time, logged under its consent.
            row.update(scorecard=None, collateral=None, facts=None)
        rows.append(row)
    return rows


@router.get(
    "/applications/{application_id}",
    response=ApplicationOut,
    summary="One loan application",
    openapi_extra=problems(401, 404),
)
def application_detail(request: HttpRequest, application_id: Path[ObjectId]) -> dict[str, Any]:
    """For the bank, a read under the consent, logged; refused (and logged) once the consent has ended."""
    application = access_application_for_user(request.user, application_id)
    return _application_out(request.user, application, log_read=True)


@router.post(
    "/applications/{application_id}/decision",
    response=ApplicationOut,
    summary="Approve, reject or ask for more",
    openapi_extra=problems(403, 404, 422),
)
def application_decision(
    request: HttpRequest, application_id: Path[ObjectId], payload: LoanDecisionIn
) -> dict[str, Any]:
    application = access_application_for_user(request.user, application_id)
    decided = application_decide(
        actor=request.user,
        application=application,
        decision=payload.decision,
        note=payload.note,
        amount=payload.amount_cny,
        rate=payload.annual_rate,
        disbursed_on=payload.disbursed_on,
    )
    return _application_out(
        request.user, access_application_for_user(request.user, decided.pk), log_read=False
    )


@router.post(
    "/applications/{application_id}/withdraw",
    response=ApplicationOut,
    summary="Withdraw an open application",
    openapi_extra=problems(403, 404, 422),
)
def application_withdraw_endpoint(request: HttpRequest, application_id: Path[ObjectId]) -> dict[str, Any]:
    application = access_application_for_user(request.user, application_id)
    application_withdraw(actor=request.user, application=application)
    return _application_out(
        request.user, access_application_for_user(request.user, application.pk), log_read=False
    )


@router.get("/loans", response=list[LoanOut], summary="List loans", openapi_extra=problems(401, 422))
@paginated()
def loans_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The borrower's, the lender's, or (for officials) the region's loans, with repayments and subsidy."""
    loans = loans_visible_to(request.user).select_related("enterprise", "institution", "product")
    return [_loan_out(loan) for loan in loans.order_by("-disbursed_on", "-pk")]


@router.get("/loans/{loan_id}", response=LoanOut, summary="One loan", openapi_extra=problems(401, 404))
def loan_detail(request: HttpRequest, loan_id: Path[ObjectId]) -> dict[str, Any]:
    return _loan_out(access_loan_for_user(request.user, loan_id))


@router.post(
    "/loans/{loan_id}/repayments",
    response={201: LoanOut},
    summary="Record a month's repayment",
    openapi_extra=problems(403, 404, 422),
)
def repayment_create(
    request: HttpRequest, loan_id: Path[ObjectId], payload: RepaymentIn
) -> Status[dict[str, Any]]:
    """The lending bank records one month: interest, principal, and whether it was on time."""
    loan = access_loan_for_user(request.user, loan_id, write=True)
    repayment_record(
        actor=request.user,
        loan=loan,
        month=payload.month,
        interest=payload.interest_paid_cny,
        principal=payload.principal_paid_cny,
        status=payload.status,
    )
    return Status(201, _loan_out(access_loan_for_user(request.user, loan_id)))


@router.get(
    "/subsidy",
    response=list[SubsidyMonthOut],
    summary="Interest subsidy due by bank and month",
    openapi_extra=problems(401, 403),
)
def subsidy_list(request: HttpRequest) -> list[dict[str, Any]]:
    """For officials: the subsidy due in their region, per bank and month, and whether it is approved."""
    scope = region_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return [
        {
            "institution_id": m.institution_id,
            "institution": m.institution,
            "month": m.month,
            "interest_paid_cny": m.interest,
            "subsidy_cny": m.amount,
            "loans": len(m.loans),
            "approved": m.approval is not None,
        }
        for m in subsidy_by_bank_month(scope, timezone.localdate())
    ]


@router.post(
    "/subsidy/approvals",
    response={201: SubsidyMonthOut},
    summary="Approve one bank's subsidy for a month",
    openapi_extra=problems(403, 404, 422),
)
def subsidy_approval_create(request: HttpRequest, payload: SubsidyApprovalIn) -> Status[dict[str, Any]]:
    scope = region_scope(request.user)
    if scope is None:
        raise PermissionDenied
    month = payload.month.replace(day=1)
    row = next(
        (
            m
            for m in subsidy_by_bank_month(scope, timezone.localdate())
            if m.institution_id == payload.institution_id and m.month == month
        ),
        None,
    )
    if row is None:
        raise Http404("nothing is due through this bank in that month")
    subsidy_approve(
        actor=request.user,
        institution=FinancialInstitution.objects.get(pk=payload.institution_id),
        month=month,
        amount=row.amount,
        loans=len(row.loans),
    )
    return Status(
        201,
        {
            "institution_id": row.institution_id,
            "institution": row.institution,
            "month": row.month,
            "interest_paid_cny": row.interest,
            "subsidy_cny": row.amount,
            "loans": len(row.loans),
            "approved": True,
        },
    )
