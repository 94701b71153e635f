"""Lending writes: scorecards, products, applications (apply with one consent → decide), loans, repayments, subsidies.

Each runs in one transaction, checks who acts before anything else, validates before writing,
and writes its audit row there. A double submit never creates two of anything: the database's
unique constraints back the checks, and a second decision on a decided application is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from engines.credit.model import ModelFileError, from_dict
from engines.rules.loader import RuleError, get_programme
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    Actor,
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.consents.const import DataCategory, ReadChannel
from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution
from funeng.apps.consents.services import consent_grant, consent_latest_end
from funeng.apps.core.identity import User
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.lending.access import (
    bank_institution_id,
    can_apply,
    can_approve_subsidy,
    can_decide,
    can_withdraw,
    member_enterprise_id,
    region_scope,
)
from funeng.apps.lending.assessment import assess, eligibility
from funeng.apps.lending.const import (
    CONSENT_DAYS,
    MAX_LOAN_CNY,
    MAX_NAME,
    MAX_NOTE,
    MAX_RATE_PERCENT,
    MAX_TERM_MONTHS,
    OPEN_STATUSES,
    ApplicationStatus,
    Decision,
    LoanKind,
    LoanStatus,
    RepaymentStatus,
)
from funeng.apps.lending.models import (
    Loan,
    LoanApplication,
    LoanProduct,
    Repayment,
    Scorecard,
    SubsidyApproval,
)
from funeng.apps.notifications.const import Topic
from funeng.apps.notifications.services import notify

PRODUCT_AUDITED = (
    "institution", "name", "kind", "annual_rate", "min_amount_cny", "max_amount_cny", "term_months",
    "required_categories", "eligibility_programme", "subsidy_programme", "scorecard", "active",
)  # fmt: skip
APPLICATION_AUDITED = ("product", "enterprise", "amount_cny", "term_months", "purpose", "status", "consent")
DECISION_AUDITED = (
    "status",
    "decided_by",
    "decided_at",
    "decision_note",
    "approved_amount_cny",
    "approved_rate",
)
LOAN_AUDITED = (
    "application",
    "enterprise",
    "institution",
    "amount_cny",
    "annual_rate",
    "term_months",
    "disbursed_on",
)
REPAYMENT_AUDITED = ("loan", "month", "interest_paid_cny", "principal_paid_cny", "status")
CENT = Decimal("0.01")


def _amount(value: Any, field: str, errors: dict[str, str], *, low: Decimal, high: Decimal) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = _("Give an amount in yuan, e.g. 500000.")
        return None
    if not low <= amount <= high:
        errors[field] = _("The amount must be from %(low)s to %(high)s yuan.") % {
            "low": f"{low:,.0f}",
            "high": f"{high:,.0f}",
        }
        return None
    return amount


def _rate(value: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    try:
        rate = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = _("Give the annual rate in percent, e.g. 3.85.")
        return None
    if not Decimal(0) <= rate <= MAX_RATE_PERCENT:
        errors[field] = _("The annual rate must be from 0 to %(max)s percent.") % {"max": MAX_RATE_PERCENT}
        return None
    return rate


def _term(value: Any, field: str, errors: dict[str, str], high: int) -> int | None:
    try:
        term = int(value)
    except (TypeError, ValueError):
        term = 0
    if not 1 <= term <= high:
        errors[field] = _("The term is a whole number of months from 1 to %(max)s.") % {"max": high}
        return None
    return term


# --- scorecards ----------------------------------------------------------------------------------


@transaction.atomic
def scorecard_store(
    *, actor: Actor, institution: FinancialInstitution, name: str, model: dict[str, Any], demo: bool = False
) -> Scorecard:
    """Store a bank's scorecard model file (checked field by field); audited."""
    # No actor: the demo loader or a management command stores it.
    if (
        actor is not None
        and actor.is_authenticated
        and bank_institution_id(actor) != institution.pk
        and not getattr(actor, "is_staff", False)
    ):
        raise PermissionDenied
    try:
        from_dict(model)
    except ModelFileError as error:
        raise ValidationError({"model": str(error)}, code="invalid") from None
    if Scorecard.objects.filter(institution=institution, name=name).exists():
        raise ValidationError(
            {"name": _("This institution already has a scorecard of that name.")}, code="duplicate"
        )
    scorecard = Scorecard.objects.create(
        institution=institution,
        name=name[:MAX_NAME],
        model=model,
        demo=demo,
        created_by_id=acting_user_id(actor),
        created_at=timezone.now(),
    )
    audit_created(actor=actor, obj=scorecard, fields=("institution", "name", "demo"))
    return scorecard


# --- products ------------------------------------------------------------------------------------


def _checked_product(data: dict[str, Any], institution: FinancialInstitution) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = str(data.get("name", "")).strip()
    if not name or len(name) > MAX_NAME:
        errors["name"] = _("Give the product a name of at most %(max)s characters.") % {"max": MAX_NAME}
    kind = data.get("kind")
    if kind not in LoanKind.values:
        errors["kind"] = _("Choose the kind of loan.")
    rate = _rate(data.get("annual_rate"), "annual_rate", errors)
    limit = Decimal(MAX_LOAN_CNY)
    low = _amount(data.get("min_amount_cny"), "min_amount_cny", errors, low=Decimal(1), high=limit)
    high = _amount(data.get("max_amount_cny"), "max_amount_cny", errors, low=Decimal(1), high=limit)
    if low is not None and high is not None and low > high:
        errors["max_amount_cny"] = _("The largest amount is below the smallest; swap them.")
    term = _term(data.get("term_months"), "term_months", errors, MAX_TERM_MONTHS)
    categories = [c for c in DataCategory.values if c in set(data.get("required_categories") or [])]
    if not categories:
        errors["required_categories"] = _("Choose the data categories the bank needs to decide.")
    elif set(data.get("required_categories") or []) - set(DataCategory.values):
        errors["required_categories"] = _("Choose data categories from the list.")
    for field in ("eligibility_programme", "subsidy_programme"):
        programme = str(data.get(field) or "")
        if programme:
            try:
                found = get_programme(programme)
            except (RuleError, KeyError, ValueError):
                errors[field] = _("No policy programme has this id.")
                continue
            if field == "subsidy_programme" and found.benefit is None:
                errors[field] = _("This programme grants no amount, so it cannot subsidise interest.")
    scorecard = data.get("scorecard")
    if scorecard is not None and scorecard.institution_id != institution.pk:
        errors["scorecard"] = _("Choose one of your own scorecards.")
    description = str(data.get("description") or "")
    if len(description) > MAX_NOTE:
        errors["description"] = _("At most %(max)s characters.") % {"max": MAX_NOTE}
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "kind": kind,
        "annual_rate": rate,
        "min_amount_cny": low,
        "max_amount_cny": high,
        "term_months": term,
        "required_categories": categories,
        "eligibility_programme": str(data.get("eligibility_programme") or ""),
        "subsidy_programme": str(data.get("subsidy_programme") or ""),
        "scorecard": scorecard,
        "description": description,
        "active": bool(data.get("active", True)),
    }


@transaction.atomic
def product_save(
    *,
    actor: Actor,
    institution: FinancialInstitution,
    data: dict[str, Any],
    product: LoanProduct | None = None,
) -> LoanProduct:
    """Publish a new product or change one; only the institution's own users (or the demo loader)."""
    if (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and bank_institution_id(actor) != institution.pk
    ):
        raise PermissionDenied
    values = _checked_product(data, institution)
    clash = LoanProduct.objects.filter(institution=institution, name=values["name"])
    if product is not None:
        clash = clash.exclude(pk=product.pk)
    if clash.exists():
        raise ValidationError({"name": _("You already offer a product of that name.")}, code="duplicate")
    if product is None:
        product = LoanProduct.objects.create(institution=institution, created_at=timezone.now(), **values)
        audit_created(actor=actor, obj=product, fields=PRODUCT_AUDITED)
        return product
    locked = LoanProduct.objects.select_for_update().get(pk=product.pk)
    before = snapshot(locked, PRODUCT_AUDITED)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    changes = field_diff(before, snapshot(locked, PRODUCT_AUDITED))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


# --- applications --------------------------------------------------------------------------------


def _consent_for(*, actor: User, enterprise: Enterprise, product: LoanProduct, today: dt.date) -> Consent:
    """A consent in force that covers the product's categories, granted now when there is none."""
    needed = set(product.required_categories)
    for consent in Consent.objects.active(today).filter(
        enterprise=enterprise, institution=product.institution
    ):
        if needed <= set(consent.categories):
            return consent
    valid_until = min(today + dt.timedelta(days=CONSENT_DAYS), consent_latest_end(today))
    return consent_grant(
        actor=actor,
        enterprise=enterprise,
        institution=product.institution,
        categories=product.required_categories,
        valid_until=valid_until,
        today=today,
    )


def bank_categories(enterprise_id: int, institution_id: int, today: dt.date) -> set[str]:
    """Every data category the bank may read of the enterprise today, over all its consents."""
    categories: set[str] = set()
    for granted in (
        Consent.objects.active(today)
        .filter(enterprise_id=enterprise_id, institution_id=institution_id)
        .values_list("categories", flat=True)
    ):
        categories |= set(granted)
    return categories


@transaction.atomic
def application_submit(
    *,
    actor: User,
    product: LoanProduct,
    amount: Any,
    term_months: Any,
    purpose: str,
    today: dt.date | None = None,
) -> LoanApplication:
    """Apply for a product with one click: grant its consent, score the application, queue it for the bank."""
    if not can_apply(actor):
        raise PermissionDenied
    enterprise_id = member_enterprise_id(actor)
    if enterprise_id is None:
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not product.active:
        errors["product"] = _("This product is no longer open for applications.")
    checked_amount = _amount(
        amount, "amount", errors, low=product.min_amount_cny, high=product.max_amount_cny
    )
    term = _term(term_months, "term_months", errors, product.term_months)
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > MAX_NOTE:
        errors["purpose"] = _("Say what the loan is for, in at most %(max)s characters.") % {"max": MAX_NOTE}
    if not errors and not eligibility(product, enterprise, today).may_apply:
        errors["product"] = _("Your enterprise does not meet this product's eligibility rules.")
    if errors:
        raise ValidationError(errors)
    assert checked_amount is not None and term is not None  # no errors: both were read
    if LoanApplication.objects.filter(
        enterprise=enterprise, product=product, status__in=OPEN_STATUSES
    ).exists():
        raise ValidationError(
            {
                "product": _(
                    "You already have an application for this product that the bank has not answered."
                )
            },
            code="duplicate",
        )
    consent = _consent_for(actor=actor, enterprise=enterprise, product=product, today=today)
    application = LoanApplication(
        product=product,
        enterprise=enterprise,
        amount_cny=checked_amount,
        term_months=term,
        purpose=purpose,
        consent=consent,
        assessment=assess(
            product, enterprise, bank_categories(enterprise.pk, product.institution_id, today), today
        ),
        submitted_by_id=acting_user_id(actor),
        submitted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two posts at once: the other one made the application.
        raise ValidationError(
            {
                "product": _(
                    "You already have an application for this product that the bank has not answered."
                )
            },
            code="duplicate",
        ) from None
    audit_created(actor=actor, obj=application, fields=APPLICATION_AUDITED)
    return application


@transaction.atomic
def application_withdraw(*, actor: User, application: LoanApplication) -> LoanApplication:
    """The enterprise takes back an application the bank has not decided."""
    if not can_withdraw(actor, application):
        raise PermissionDenied
    locked = LoanApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(_("The bank has already answered this application; it cannot be withdrawn."))
    before = snapshot(locked, ("status",))
    locked.status = ApplicationStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, ("status",))),
    )
    return locked


def bank_read_application(
    *, actor: User, application: LoanApplication, channel: str = ReadChannel.WEB
) -> bool:
    """Log the bank's read of an application's data under its consent; False (and logged) when refused.

    After the enterprise revokes the consent the bank no longer sees the facts, the score or the
    digital assets; the refused attempt is recorded under the revoked consent, so the enterprise
    sees it in its log of reads.
    """
    if bank_institution_id(actor) != application.product.institution_id:
        return False
    today = timezone.localdate()
    reader = int(actor.pk or 0)  # a bank user, so signed in
    categories = bank_categories(application.enterprise_id, application.product.institution_id, today)
    shown = set(application.assessment.get("categories", [])) & categories
    consents = list(
        Consent.objects.active(today).filter(
            enterprise_id=application.enterprise_id, institution_id=application.product.institution_id
        )
    )
    if not consents:
        ConsentRead.objects.create(
            consent=application.consent,
            reader_id=reader,
            categories=[],
            channel=ReadChannel.REFUSED,
        )
        return False
    rows = [
        ConsentRead(
            consent=c,
            reader_id=reader,
            categories=[x for x in c.categories if x in shown],
            channel=channel,
        )
        for c in consents
        if any(x in shown for x in c.categories)
    ]
    ConsentRead.objects.bulk_create(rows)
    return True


@transaction.atomic
def application_reassess(*, actor: User, application: LoanApplication) -> LoanApplication:
    """Score an open application again on today's data (after the enterprise supplied more); bank only."""
    if not can_decide(actor, application):
        raise PermissionDenied
    locked = (
        LoanApplication.objects.select_for_update()
        .select_related("product", "product__scorecard")
        .get(pk=application.pk)
    )
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(_("This application is decided; its assessment stays as it was."))
    today = timezone.localdate()
    categories = bank_categories(locked.enterprise_id, locked.product.institution_id, today)
    if not categories:
        raise PermissionDenied
    locked.assessment = assess(locked.product, locked.enterprise, categories, today)
    locked.save(update_fields=["assessment"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"assessment": [None, today.isoformat()]}
    )
    return locked


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: LoanApplication,
    decision: str,
    note: str = "",
    amount: Any = None,
    rate: Any = None,
    disbursed_on: dt.date | None = None,
) -> LoanApplication:
    """The bank approves (a loan with amount and rate), rejects (with reasons) or asks for more; audited."""
    if not can_decide(actor, application):
        raise PermissionDenied
    locked = LoanApplication.objects.select_for_update().select_related("product").get(pk=application.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(_("This application was already decided; nothing changed."), code="decided")
    errors: dict[str, str] = {}
    note = (note or "").strip()
    if decision not in Decision.values:
        errors["decision"] = _("Choose approve, reject or ask for more information.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("At most %(max)s characters.") % {"max": MAX_NOTE}
    if decision in (Decision.REJECT, Decision.MORE_INFO) and not note:
        errors["note"] = _("Tell the enterprise why, or what it should add.")
    approved_amount = approved_rate = None
    if decision == Decision.APPROVE:
        approved_amount = _amount(amount, "amount", errors, low=Decimal(1), high=locked.amount_cny)
        approved_rate = _rate(rate, "rate", errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(locked, DECISION_AUDITED)
    locked.decided_by_id = acting_user_id(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = note
    if decision == Decision.MORE_INFO:
        locked.status = ApplicationStatus.MORE_INFO
    elif decision == Decision.REJECT:
        locked.status = ApplicationStatus.REJECTED
    else:
        locked.status = ApplicationStatus.APPROVED
        locked.approved_amount_cny = approved_amount
        locked.approved_rate = approved_rate
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, DECISION_AUDITED)),
    )
    if locked.status == ApplicationStatus.APPROVED:
        assert approved_amount is not None and approved_rate is not None
        loan = Loan.objects.create(
            application=locked,
            product=locked.product,
            enterprise_id=locked.enterprise_id,
            institution_id=locked.product.institution_id,
            amount_cny=approved_amount,
            annual_rate=approved_rate,
            term_months=locked.term_months,
            disbursed_on=disbursed_on or timezone.localdate(),
        )
        audit_created(actor=actor, obj=loan, fields=LOAN_AUDITED)
    _notify_decision(actor, locked)
    return locked


def _notify_decision(actor: Actor, application: LoanApplication) -> None:
    """Tell the enterprise what the bank decided, with the bank's reasons (once per decision)."""
    product = application.product
    bank = FinancialInstitution.objects.get(pk=product.institution_id)

    def wording() -> tuple[str, str]:
        names = {"product": product.name, "bank": bank.name}
        if application.status == ApplicationStatus.APPROVED:
            title = _("%(bank)s approved your application for “%(product)s”") % names
            body = _("Amount %(amount)s yuan at %(rate)s%% a year for %(months)s months.") % {
                "amount": f"{application.approved_amount_cny:,.2f}",
                "rate": application.approved_rate,
                "months": application.term_months,
            }
        elif application.status == ApplicationStatus.REJECTED:
            title = _("%(bank)s declined your application for “%(product)s”") % names
            body = _("The bank's reasons: %(note)s") % {"note": application.decision_note}
        else:
            title = _("%(bank)s asks for more information on your application for “%(product)s”") % names
            body = _("What the bank asks: %(note)s") % {"note": application.decision_note}
        return title, body

    assert application.decided_at is not None
    notify(
        actor=actor,
        enterprise_id=application.enterprise_id,
        topic=Topic.LENDING,
        key=f"lending.decision:{application.pk}:{application.decided_at:%Y%m%dT%H%M%S.%f}",
        wording=wording,
        link=reverse("lending:application", args=[application.pk]),
    )


# --- repayments ----------------------------------------------------------------------------------


@transaction.atomic
def repayment_record(
    *, actor: Actor, loan: Loan, month: dt.date, interest: Any, principal: Any, status: str
) -> Repayment:
    """The lending bank records one month's payment and whether it was on time; a default ends the loan."""
    if actor is not None and actor.is_authenticated and bank_institution_id(actor) != loan.institution_id:
        raise PermissionDenied
    errors: dict[str, str] = {}
    month = month.replace(day=1)
    if month < loan.disbursed_on.replace(day=1):
        errors["month"] = _("The month is before the loan was disbursed.")
    elif month > timezone.localdate().replace(day=1):
        errors["month"] = _("The month has not begun yet.")
    limit = Decimal(MAX_LOAN_CNY)
    interest_paid = _amount(interest, "interest", errors, low=Decimal(0), high=limit)
    principal_paid = _amount(principal, "principal", errors, low=Decimal(0), high=loan.amount_cny)
    if status not in RepaymentStatus.values:
        errors["status"] = _("Choose on time, overdue or defaulted.")
    if errors:
        raise ValidationError(errors)
    locked = Loan.objects.select_for_update().get(pk=loan.pk)
    if Repayment.objects.filter(loan=locked, month=month).exists():
        raise ValidationError({"month": _("This month is already recorded for this loan.")}, code="duplicate")
    repayment = Repayment.objects.create(
        loan=locked,
        month=month,
        interest_paid_cny=interest_paid,
        principal_paid_cny=principal_paid,
        status=status,
        recorded_by_id=acting_user_id(actor),
        recorded_at=timezone.now(),
    )
    audit_created(actor=actor, obj=repayment, fields=REPAYMENT_AUDITED)
    if status == RepaymentStatus.DEFAULTED and locked.status != LoanStatus.DEFAULTED:
        before = snapshot(locked, ("status",))
        locked.status = LoanStatus.DEFAULTED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            changes=field_diff(before, snapshot(locked, ("status",))),
        )
    return repayment


# --- interest subsidy ----------------------------------------------------------------------------


@transaction.atomic
def subsidy_approve(
    *, actor: User, institution: FinancialInstitution, month: dt.date, amount: Decimal, loans: int
) -> SubsidyApproval:
    """An official approves the subsidy due through one bank for one month in their region; once."""
    scope = region_scope(actor)
    if not can_approve_subsidy(actor) or scope is None:
        raise PermissionDenied
    month = month.replace(day=1)
    if SubsidyApproval.objects.filter(institution=institution, month=month, region_code=scope).exists():
        raise ValidationError(
            _("This month's subsidy through this bank is already approved."), code="duplicate"
        )
    try:
        with transaction.atomic():
            approval = SubsidyApproval.objects.create(
                institution=institution,
                month=month,
                region_code=scope,
                amount_cny=amount,
                loans=loans,
                approved_by_id=acting_user_id(actor),
                approved_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(
            _("This month's subsidy through this bank is already approved."), code="duplicate"
        ) from None
    audit_created(
        actor=actor, obj=approval, fields=("institution", "month", "region_code", "amount_cny", "loans")
    )
    return approval
