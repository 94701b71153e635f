"""Writes of digital-footprint evidence: cloud-bill imports, declared investments, investments of delivered deals.

Each write is audited in its own transaction. Imports check every row (alone, then against the
registry and what is stored) before writing any; one bad row writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from engines.reference.credit_code import credit_code_problem
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_created, audit_created_many, audit_record
from funeng.apps.core.identity import User, is_platform_admin
from funeng.apps.core.money import money_display
from funeng.apps.core.uploads import FILE_TYPES, display_name, upload_kind
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.finance.access import can_declare_investment, can_verify_investment, reporting_provider_of
from funeng.apps.finance.const import (
    DEAL_REFERENCE,
    EVIDENCE_DIR,
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    MAX_INVESTMENT_CNY,
    InvestmentCategory,
    Provenance,
    ServiceCategory,
)
from funeng.apps.finance.interchange import CloudBillRow, ImportProblem
from funeng.apps.finance.models import CloudUsageRecord, DigitalInvestment
from funeng.apps.providers.models import Provider

CLOUD_USAGE_AUDITED = (
    "enterprise",
    "provider_name",
    "provider",
    "month",
    "service_category",
    "amount_cny",
    "usage_quantity",
    "usage_unit",
    "provenance",
)
INVESTMENT_AUDITED = (
    "enterprise",
    "invoice_number",
    "amount_cny",
    "invested_on",
    "supplier",
    "category",
    "evidence_name",
    "provenance",
    "deal",
)


@dataclass
class CloudImportResult:
    """What an import did: the records written, or the problems (then nothing was written)."""

    filename: str
    created: int = 0
    corrected: int = 0  # stored bills whose amount, quantity or unit a correction changed
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _month_text(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def _category_text(key: str) -> str:
    return str(ServiceCategory(key).label)


def cloud_usage_import(
    *,
    acting_user: User,
    rows: Sequence[CloudBillRow],
    filename: str,
    labels: dict[str, str] | None = None,
    problems: Sequence[ImportProblem] = (),
    correct: bool = False,
) -> CloudImportResult:
    """Store checked bill rows, all or none: unknown enterprises, repeated or stored months refuse the batch.

    `problems` are those the cell checks found in the other rows: with any, nothing is written, but
    the good rows are still checked here, so the report lists everything at once.

    A provider's user reports its own bills (provider_reported); an operator's import is platform-verified.
    With `correct`, a row for a month already stored replaces that bill's amount, quantity and unit
    (a provider corrects only its own bills, since the provider name is part of the match); each
    change is audited with the old and the new value, and sending the same correction again
    changes nothing.
    """
    provider = reporting_provider_of(acting_user)
    if provider is None and not is_platform_admin(acting_user):
        raise PermissionDenied
    labels = labels or {}
    result = CloudImportResult(filename, problems=list(problems))

    def refuse(bill: CloudBillRow, key: str, msgid: str, /, **params: Any) -> None:
        result.problems.append(ImportProblem(filename, bill.row, labels.get(key, key), key, msgid, params))

    codes = {row.credit_code for row in rows}
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    names: dict[int, str] = {}
    for row in rows:
        if row.credit_code not in enterprises:
            if credit_code_problem(row.credit_code):
                refuse(
                    row,
                    "credit_code",
                    gettext_noop(
                        "%(code)s is not a valid unified social credit code (18 characters, a check character "
                        "last): copy it from the business licence"
                    ),
                    code=row.credit_code,
                )
            else:
                refuse(
                    row,
                    "credit_code",
                    gettext_noop(
                        "No enterprise with the credit code %(code)s is registered on Funeng: check the code, "
                        "or leave the row out until the enterprise registers"
                    ),
                    code=row.credit_code,
                )
        name = row.provider_name
        if provider is not None:
            if name and name != provider.name:
                refuse(
                    row,
                    "provider_name",
                    gettext_noop(
                        "A provider reports only its own bills: this row names %(name)s. Write %(own)s or "
                        "leave the cell blank"
                    ),
                    name=name,
                    own=provider.name,
                )
            name = provider.name
        elif not name:
            refuse(row, "provider_name", gettext_noop("This cell is empty."))
        names[row.row] = name
    seen: dict[tuple[str, str, dt.date, str], int] = {}
    for row in rows:
        key = (row.credit_code, names[row.row], row.month, row.service_category)
        if key in seen:
            refuse(
                row,
                "month",
                gettext_noop(
                    "Rows %(first)s and %(row)s both bill %(month)s of %(category)s from %(provider)s to the same "
                    "enterprise: a month is billed once. Add the two amounts up in one row"
                ),
                first=seen[key],
                row=row.row,
                month=_month_text(row.month),
                category=_category_text(row.service_category),
                provider=names[row.row],
            )
        else:
            seen[key] = row.row
    stored = CloudUsageRecord.objects.filter(
        enterprise__credit_code__in=codes,
        month__in={row.month for row in rows},
        provider_name__in=set(names.values()),
    ).values_list(
        "enterprise__credit_code", "provider_name", "month", "service_category", "amount_cny", "created_at"
    )
    already = {
        (code, name, month, category): (amount, at) for code, name, month, category, amount, at in stored
    }
    for row in rows:
        key = (row.credit_code, names[row.row], row.month, row.service_category)
        if key in already and seen.get(key) == row.row and not correct:
            amount, at = already[key]
            refuse(
                row,
                "month",
                gettext_noop(
                    "Row %(row)s bills %(month)s of %(category)s from %(provider)s, which was already imported on "
                    "%(date)s (%(amount)s). Nothing was changed: leave the row out of the file"
                ),
                row=row.row,
                month=_month_text(row.month),
                category=_category_text(row.service_category),
                provider=names[row.row],
                date=f"{timezone.localtime(at):%Y-%m-%d}",
                amount=money_display(amount),
            )
    if result.problems:
        result.problems.sort(key=lambda p: (p.row or 0, p.column))
        return result
    provenance = Provenance.PROVIDER_REPORTED if provider is not None else Provenance.PLATFORM_VERIFIED
    now = timezone.now()
    if correct:
        corrections = [
            row
            for row in rows
            if (row.credit_code, names[row.row], row.month, row.service_category) in already
        ]
        rows = [row for row in rows if row not in corrections]
    records = [
        CloudUsageRecord(
            enterprise=enterprises[row.credit_code],
            provider_name=names[row.row],
            provider=provider,
            month=row.month,
            service_category=row.service_category,
            amount_cny=row.amount_cny,
            usage_quantity=row.usage_quantity,
            usage_unit=row.usage_unit,
            provenance=provenance,
            created_by_id=getattr(acting_user, "pk", None),
            created_at=now,
        )
        for row in rows
    ]
    try:
        with transaction.atomic():
            CloudUsageRecord.objects.bulk_create(records)
            audit_created_many(
                actor=acting_user, objects=records, fields=CLOUD_USAGE_AUDITED, action=AuditAction.IMPORT
            )
            if correct:
                result.corrected = _cloud_usage_correct(acting_user, corrections, names, provenance)
    except IntegrityError:
        # Another import of the same bill committed between our check and our write (a double submit).
        result.problems.append(
            ImportProblem(
                filename,
                None,
                "",
                "",
                gettext_noop(
                    "These bills were imported a moment ago (the file was sent twice?); nothing was written "
                    "this time. Check the enterprise's digital footprint."
                ),
            )
        )
        return result
    result.created = len(records)
    return result


def _cloud_usage_correct(
    acting_user: User, rows: Sequence[CloudBillRow], names: dict[int, str], provenance: str
) -> int:
    """Replace stored bills by the corrected rows (locked, so two corrections queue); how many changed."""
    changed = 0
    for row in rows:
        record = CloudUsageRecord.objects.select_for_update().get(
            enterprise__credit_code=row.credit_code,
            provider_name=names[row.row],
            month=row.month,
            service_category=row.service_category,
        )
        new = {
            "amount_cny": row.amount_cny,
            "usage_quantity": row.usage_quantity,
            "usage_unit": row.usage_unit,
        }
        changes = {
            name: [str(getattr(record, name)), str(value)]
            for name, value in new.items()
            if getattr(record, name) != value
        }
        if not changes:
            continue
        for name, value in new.items():
            setattr(record, name, value)
        if record.provenance != provenance:
            changes["provenance"] = [record.provenance, provenance]
            record.provenance = provenance
        record.save(update_fields=[*new, "provenance"])
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=record, changes=changes)
        changed += 1
    return changed


# --- digital investment --------------------------------------------------------------------------


class DeliveredDeal(Protocol):
    """What a delivered matchmaking deal tells finance (matching sits above finance and passes its Deal)."""

    pk: Any
    enterprise_id: Any
    amount_cny: Any
    delivered_at: dt.datetime | None

    @property
    def provider(self) -> Provider: ...


def deal_reference(deal_id: int) -> str:
    """The invoice number of a delivered deal's investment: stable, so a second call finds the first."""
    return DEAL_REFERENCE.format(deal_id=deal_id)


@transaction.atomic
def digital_investment_record_deal(*, deal: DeliveredDeal, acting_user: User | None) -> DigitalInvestment:
    """A delivered deal counts as platform-verified digital investment; once per deal however often called."""
    existing = DigitalInvestment.objects.filter(deal_id=deal.pk).first()
    if existing is not None:
        return existing
    delivered = deal.delivered_at or timezone.now()
    investment = DigitalInvestment(
        enterprise_id=deal.enterprise_id,
        invoice_number=deal_reference(deal.pk),
        amount_cny=Decimal(deal.amount_cny),
        invested_on=timezone.localtime(delivered).date(),
        supplier=deal.provider.name,
        category=InvestmentCategory.DIGITAL_TRANSFORMATION_PROJECT,
        provenance=Provenance.PLATFORM_VERIFIED,
        deal_id=deal.pk,
        created_by_id=getattr(acting_user, "pk", None) if acting_user is not None else None,
    )
    investment.save()
    audit_created(actor=acting_user, obj=investment, fields=INVESTMENT_AUDITED)
    return investment


def _invalid(field_name: str, message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code, params=params or None)})


@transaction.atomic
def digital_investment_declare(
    *,
    enterprise: Enterprise,
    acting_user: User,
    invoice_number: str,
    amount_cny: Decimal,
    invested_on: dt.date,
    supplier: str,
    category: str,
    evidence: UploadedFile | None = None,
    today: dt.date | None = None,
) -> DigitalInvestment:
    """The enterprise's administrator declares an invoice (self-declared), with its evidence file if any."""
    if not can_declare_investment(acting_user, enterprise):
        raise PermissionDenied
    today = today or timezone.localdate()
    invoice_number = " ".join(invoice_number.split())
    supplier = " ".join(supplier.split())
    if not invoice_number:
        raise _invalid("invoice_number", _("Enter the invoice number."), "required")
    if not supplier:
        raise _invalid("supplier", _("Enter the supplier as named on the invoice."), "required")
    if category not in InvestmentCategory.values:
        raise _invalid("category", _("Choose a category."), "invalid")
    if not Decimal(0) < amount_cny <= MAX_INVESTMENT_CNY:
        raise _invalid(
            "amount_cny",
            _("Enter the invoice amount in yuan, more than 0 and at most %(limit)s."),
            "range",
            limit=f"{MAX_INVESTMENT_CNY:,.0f}",
        )
    if invested_on > today:
        raise _invalid(
            "invested_on", _("The invoice date is in the future: enter the date on the invoice."), "future"
        )
    if DigitalInvestment.objects.filter(
        enterprise=enterprise, supplier=supplier, invoice_number=invoice_number
    ).exists():
        raise _invalid(
            "invoice_number",
            _("This invoice of %(supplier)s is already recorded; nothing was added."),
            "duplicate",
            supplier=supplier,
        )
    investment = DigitalInvestment(
        enterprise=enterprise,
        invoice_number=invoice_number,
        amount_cny=amount_cny,
        invested_on=invested_on,
        supplier=supplier,
        category=category,
        provenance=Provenance.SELF_DECLARED,
        created_by_id=acting_user.pk,
    )
    if evidence is not None:
        kind = upload_kind(
            evidence,
            allowed=EVIDENCE_TYPES,
            max_bytes=EVIDENCE_MAX_BYTES,
            field="evidence",
            wrong_type=_(
                "%(name)s is not a PDF, PNG or JPEG file: scan the invoice or contract as one of these."
            ),
        )
        investment.evidence_name = display_name(evidence.name)
        investment.evidence_kind = kind
        investment.evidence_file.save(f"{uuid.uuid4().hex}{FILE_TYPES[kind][1]}", evidence, save=False)
        if not investment.evidence_file.name.startswith(f"{EVIDENCE_DIR}/"):
            raise RuntimeError("evidence stored outside its folder")
    try:
        with transaction.atomic():
            investment.save()
    except IntegrityError:
        if investment.evidence_file:
            investment.evidence_file.delete(save=False)
        raise _invalid(
            "invoice_number",
            _("This invoice of %(supplier)s is already recorded; nothing was added."),
            "duplicate",
            supplier=supplier,
        ) from None
    audit_created(actor=acting_user, obj=investment, fields=INVESTMENT_AUDITED)
    return investment


@transaction.atomic
def digital_investment_verify(*, investment: DigitalInvestment, acting_user: User) -> DigitalInvestment:
    """An official of the region confirms a self-declared investment against its evidence file; audited.

    Verifying twice (a double submit, or two officials at once) changes nothing the second time and
    says so.
    """
    locked = DigitalInvestment.objects.select_for_update().select_related("enterprise").get(pk=investment.pk)
    if locked.provenance == Provenance.OFFICIAL_VERIFIED:
        raise ValidationError(
            _("This investment was already verified by an official; nothing changed."), code="verified"
        )
    if not can_verify_investment(acting_user, locked):
        raise PermissionDenied
    locked.provenance = Provenance.OFFICIAL_VERIFIED
    locked.save(update_fields=["provenance"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"provenance": [Provenance.SELF_DECLARED.value, Provenance.OFFICIAL_VERIFIED.value]},
    )
    return locked
