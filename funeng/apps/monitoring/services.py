"""Monitoring writes: propose targets from the library, confirm or reject them, report values, store recomputes.

Every write runs in one transaction and is audited. A value is never overwritten: a new figure for
the same indicator, region, year and category becomes the next revision and the old one stays,
marked superseded. Sending the same figure twice (a double submit, a recompute that finds nothing
new) stores nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engines.monitoring.indicators import Indicator, load_indicators
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    Actor,
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.core.uploads import FILE_TYPES, display_name, upload_kind
from funeng.apps.library.models import Measure, PolicyDocument
from funeng.apps.library.models import Target as LibraryTarget
from funeng.apps.monitoring.access import NATIONWIDE, can_manage_target, monitoring_scope_of, region_in_scope
from funeng.apps.monitoring.models import (
    IndicatorValue,
    MonitoringRun,
    MonitoringTarget,
    Provenance,
    TargetStatus,
)

BASELINES = Path(__file__).resolve().parents[3] / "engines" / "monitoring" / "content" / "baselines.yaml"
TARGET_FIELDS = (
    "indicator_key",
    "region_code",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "op",
    "unit",
    "clause_key",
    "lead_unit",
    "co_units",
    "status",
    "decision_note",
)
VALUE_FIELDS = (
    "indicator_key",
    "region_code",
    "year",
    "dimension",
    "category",
    "value",
    "provenance",
    "source",
    "revision",
)
FIRST_YEAR = 2000
SOURCE_KINDS = ("pdf", "png", "jpeg", "xlsx")
SOURCE_MAX_BYTES = 10 * 1024 * 1024
LIMIT = Decimal("1e17")  # what the value fields (24 digits, 6 decimals) can hold


@dataclass(frozen=True)
class Baseline:
    """A baseline a plan states itself (2020年…达到7.8%), with the clause it is quoted from."""

    indicator: str
    region: str
    year: int
    value: Decimal
    clause_id: str
    quote: str


@cache
def stated_baselines() -> dict[tuple[str, str], Baseline]:
    """The plans' own baselines by (indicator, region)."""
    rows = yaml.safe_load(BASELINES.read_text(encoding="utf-8")) or []
    out: dict[tuple[str, str], Baseline] = {}
    for row in rows:
        item = Baseline(
            str(row["indicator"]),
            str(row["region"]),
            int(row["year"]),
            Decimal(str(row["value"])),
            str(row["clause_id"]),
            str(row["quote"]),
        )
        out[(item.indicator, item.region)] = item
    return out


def indicator_or_error(key: str) -> Indicator:
    """The indicator definition, or a ValidationError naming the unknown id."""
    indicator = load_indicators().get(key)
    if indicator is None:
        raise ValidationError(_("There is no indicator “%(key)s”.") % {"key": key})
    return indicator


def _document_region(document: PolicyDocument) -> str:
    return document.region_code or NATIONWIDE


@transaction.atomic
def targets_propose_from_library(*, actor: Actor = None) -> int:
    """Propose a target for every library target an indicator names; returns how many were new.

    Only what the library extracted is proposed, with the measure's units (the first leads); the
    baseline is the plan's own when it states one. Existing targets, confirmed or not, stay as they are.
    """
    created = 0
    for indicator in load_indicators().values():
        for ref in indicator.library_targets:
            found = (
                LibraryTarget.objects.filter(
                    document__slug=ref.document, clause_key=ref.clause_id, what=ref.what
                )
                .select_related("document", "measure")
                .order_by("position")
                .first()
            )
            if found is None or found.year is None:
                continue  # the document is not loaded (or changed): nothing to propose from
            region = _document_region(found.document)
            if MonitoringTarget.objects.filter(
                indicator_key=indicator.id, region_code=region, target_year=found.year
            ).exists():
                continue
            measure: Measure | None = found.measure
            units = [str(unit) for unit in (measure.units if measure else [])] or list(
                indicator.responsible_units
            )
            baseline = stated_baselines().get((indicator.id, region))
            target = MonitoringTarget.objects.create(
                indicator_key=indicator.id,
                region_code=region,
                baseline_year=baseline.year if baseline else None,
                baseline_value=baseline.value if baseline else None,
                baseline_source=baseline.clause_id if baseline else "",
                target_year=found.year,
                target_value=found.value,
                op=found.op,
                unit=found.unit,
                document=found.document,
                library_target=found,
                clause_key=found.clause_key,
                source_text=found.raw[:500],
                lead_unit=units[0] if units else "",
                co_units=units[1:],
            )
            audit_created(actor=actor, obj=target, fields=TARGET_FIELDS)
            created += 1
    return created


def _decimal(value: object, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite() or abs(number) >= LIMIT:
        raise ValidationError({field: _("Enter a finite number smaller than 10^17.")})
    return number


def _year(value: object, field: str) -> int:
    try:
        year = int(str(value))
    except ValueError:
        raise ValidationError({field: _("Enter a year such as 2024.")}) from None
    last = timezone.localdate().year + 30
    if not FIRST_YEAR <= year <= last:
        raise ValidationError(
            {field: _("Enter a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last}}
        )
    return year


@transaction.atomic
def target_confirm(
    *,
    actor: Actor,
    target: MonitoringTarget,
    baseline_year: int | None,
    baseline_value: Decimal | None,
    target_year: int,
    target_value: Decimal,
    note: str = "",
) -> MonitoringTarget:
    """Confirm a target, correcting what the parser read if need be; from then on progress uses it."""
    if not can_manage_target(actor, target):
        raise PermissionDenied
    target = MonitoringTarget.objects.select_for_update().get(pk=target.pk)
    before = snapshot(target, TARGET_FIELDS)
    target_year = _year(target_year, "target_year")
    target_value = _decimal(target_value, "target_value")
    if (baseline_year is None) != (baseline_value is None):
        raise ValidationError(
            {"baseline_value": _("Give the baseline's year and value together, or neither.")}
        )
    if baseline_year is not None and baseline_value is not None:
        baseline_year = _year(baseline_year, "baseline_year")
        baseline_value = _decimal(baseline_value, "baseline_value")
        if baseline_year >= target_year:
            raise ValidationError({"baseline_year": _("The baseline year must be before the target year.")})
    clash = MonitoringTarget.objects.filter(
        indicator_key=target.indicator_key, region_code=target.region_code, target_year=target_year
    ).exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError({"target_year": _("This indicator already has a target for that year here.")})
    target.baseline_year, target.baseline_value = baseline_year, baseline_value
    target.target_year, target.target_value = target_year, target_value
    target.status = TargetStatus.CONFIRMED
    target.decision_note = note.strip()[:500]
    target.decided_by_id = acting_user_id(actor)
    target.decided_at = timezone.now()
    changes = field_diff(before, snapshot(target, TARGET_FIELDS))
    if changes:  # confirming twice with the same figures records nothing new
        target.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=target, changes=changes)
    return target


@transaction.atomic
def target_reject(*, actor: Actor, target: MonitoringTarget, note: str) -> MonitoringTarget:
    """Reject a proposed target (a misread number, a target of another plan); a reason is required."""
    if not can_manage_target(actor, target):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Say why the target is rejected.")})
    target = MonitoringTarget.objects.select_for_update().get(pk=target.pk)
    before = snapshot(target, TARGET_FIELDS)
    target.status = TargetStatus.REJECTED
    target.decision_note = note.strip()[:500]
    target.decided_by_id = acting_user_id(actor)
    target.decided_at = timezone.now()
    changes = field_diff(before, snapshot(target, TARGET_FIELDS))
    if changes:
        target.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=target, changes=changes)
    return target


@dataclass(frozen=True)
class ValueInput:
    """One value as a responsible unit reports it (form, import or API)."""

    indicator_key: str
    region_code: str
    year: int
    value: Decimal
    source: str
    note: str = ""


def value_check(actor: Actor, item: ValueInput) -> ValueInput:
    """Validate a reported value against the indicator and the reporter's region; returns it normalised."""
    indicator = indicator_or_error(item.indicator_key)
    if indicator.source != "reported":
        raise ValidationError(
            {
                "indicator_key": _("“%(name)s” is computed by the platform; it cannot be reported.")
                % {"name": indicator.name_zh}
            }
        )
    scope = monitoring_scope_of(actor)
    if scope is None:
        raise PermissionDenied
    if not region_in_scope(scope, item.region_code):
        raise ValidationError(
            {"region_code": _("You can report values only for your own region and the regions below it.")}
        )
    year = _year(item.year, "year")
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("A value cannot be reported for a year that has not begun.")})
    value = _decimal(item.value, "value")
    if indicator.unit == "%" and not Decimal(-100) <= value <= Decimal(100):
        raise ValidationError({"value": _("A percentage is between -100 and 100.")})
    if indicator.direction == "increase" and indicator.unit != "%" and value < 0:
        raise ValidationError({"value": _("This indicator counts or sums: it cannot be negative.")})
    source = item.source.strip()
    if not source:
        raise ValidationError(
            {"source": _("Name the source document of the value (a statistical bulletin, a report…).")}
        )
    return ValueInput(indicator.id, item.region_code, year, value, source[:300], item.note.strip()[:500])


def source_kind(upload: UploadedFile) -> str:
    """The type of a value's source document, read from its bytes; a ValidationError on source_file otherwise."""
    return upload_kind(
        upload,
        allowed=SOURCE_KINDS,
        max_bytes=SOURCE_MAX_BYTES,
        field="source_file",
        wrong_type=_("%(name)s is not a PDF, PNG, JPEG or XLSX file."),
    )


def _store_value(
    *,
    actor: Actor,
    indicator: Indicator,
    region_code: str,
    year: int,
    value: Decimal | None,
    provenance: str,
    source: str = "",
    note: str = "",
    dimension: str = "",
    category: str = "",
    numerator: int | None = None,
    denominator: int | None = None,
    run_id: int | None = None,
    source_file: UploadedFile | None = None,
    now: dt.datetime | None = None,
    audit: bool = True,
) -> IndicatorValue | None:
    """Add a revision when the figure differs from the current one; None when nothing changed."""
    key = {
        "indicator_key": indicator.id,
        "region_code": region_code,
        "year": year,
        "dimension": dimension,
        "category": category,
    }
    current = IndicatorValue.objects.select_for_update().filter(current=True, **key).first()
    if (
        current is not None
        and current.value == value
        and current.numerator == numerator
        and current.denominator == denominator
        and current.provenance == provenance
        and current.source == source
        and source_file is None
    ):
        return None
    revision = 1
    if current is not None:
        revision = current.revision + 1
        IndicatorValue.objects.filter(pk=current.pk).update(current=False)
    row = IndicatorValue(
        **key,
        indicator_version=indicator.version,
        value=value,
        numerator=numerator,
        denominator=denominator,
        provenance=provenance,
        source=source,
        note=note,
        run_id=run_id,
        revision=revision,
        current=True,
        recorded_by_id=acting_user_id(actor),
        recorded_at=now or timezone.now(),
    )
    if source_file is not None:
        kind = source_kind(source_file)
        row.source_file_name = display_name(source_file.name)
        row.source_file_kind = kind
        # A stored name of our own: the reader's file name is kept apart and only ever shown.
        row.source_file.save(f"{uuid.uuid4().hex}{FILE_TYPES[kind][1]}", source_file, save=False)
    row.save()
    if audit:
        audit_created(actor=actor, obj=row, fields=VALUE_FIELDS)
    return row


@transaction.atomic
def value_report(
    *,
    actor: Actor,
    item: ValueInput,
    source_file: UploadedFile | None = None,
    provenance: str = Provenance.REPORTED,
) -> IndicatorValue | None:
    """Record a reported value as the next revision; None when it equals the current value (a resubmit)."""
    item = value_check(actor, item)
    if source_file is not None:
        source_kind(source_file)  # checked before anything is written
    return _store_value(
        actor=actor,
        indicator=indicator_or_error(item.indicator_key),
        region_code=item.region_code,
        year=item.year,
        value=item.value,
        provenance=provenance,
        source=item.source,
        note=item.note,
        source_file=source_file,
    )


@transaction.atomic
def values_report_many(
    *, actor: Actor, items: list[ValueInput], provenance: str = Provenance.REPORTED
) -> int:
    """Record many checked values in one transaction (an import); returns how many revisions were added."""
    checked = [value_check(actor, item) for item in items]
    stored = 0
    for item in checked:
        row = _store_value(
            actor=actor,
            indicator=indicator_or_error(item.indicator_key),
            region_code=item.region_code,
            year=item.year,
            value=item.value,
            provenance=provenance,
            source=item.source,
            note=item.note,
        )
        stored += row is not None
    return stored


def platform_value(
    numerator: Any, denominator: Any, value: Any
) -> tuple[int | None, int | None, Decimal | None]:
    """The stored form of one computed figure: integers, and the value rounded to the stored precision."""
    num = None if numerator is None else int(numerator)
    den = None if denominator is None else int(denominator)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return num, den, None
    return num, den, Decimal(str(round(float(value), 6)))


RUN_FIELDS = ("computed_at", "enterprises", "values_written", "seconds", "backend")
FIRST_MONITORED_YEAR = 2020  # the plans monitored start from 2020 (seed 001's base, seed 003's baseline)


def monitored_years(today: dt.date | None = None) -> list[int]:
    """The years the platform indicators are computed for: 2020 up to this year."""
    year = (today or timezone.localdate()).year
    return list(range(FIRST_MONITORED_YEAR, year + 1))


def values_insert(rows: list[IndicatorValue]) -> None:
    """Insert many new values with one prepared statement (executemany).

    A recompute writes tens of thousands of rows; bulk_create compiles SQL for every batch of ~50
    rows (SQLite's parameter limit), which took most of the time. Every column is passed as the
    field's own database value, so the rows are exactly what save() would write.
    """
    if not rows:
        return
    fields = [field for field in IndicatorValue._meta.concrete_fields if not field.primary_key]
    table = connection.ops.quote_name(IndicatorValue._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Columns whose value is the same Python type in the database are passed as they are; the others
    # (decimals, times, files) go through the field once per distinct value.
    plain = (models.CharField, models.IntegerField, models.BooleanField, models.ForeignKey)
    cache: dict[tuple[str, object], object] = {}

    def prepared(field: models.Field[Any, Any], value: object) -> object:
        if value is None or (isinstance(field, plain) and not isinstance(field, models.FileField)):
            return value
        key = (field.attname, value)
        if key not in cache:
            cache[key] = field.get_db_prep_save(value, connection)
        return cache[key]

    params: list[list[Any]] = [
        [prepared(field, getattr(row, field.attname)) for field in fields] for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5000):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", params[start : start + 5000]
            )


@transaction.atomic
def platform_values_store(
    *, actor: Actor, frame: Any, enterprises: int, seconds: float, backend: str = "duckdb", latest_year: int
) -> MonitoringRun:
    """Store a recompute's figures: a new revision only where a figure changed, in one transaction.

    Totals are kept for every year; the disaggregations (industry section, size class, core
    industry) for the latest year only, which is what the pages show. One audit row records the run.
    """
    indicators = load_indicators()
    now = timezone.now()
    run = MonitoringRun.objects.create(
        started_by_id=acting_user_id(actor),
        computed_at=now,
        enterprises=enterprises,
        values_written=0,
        seconds=round(seconds, 3),
        backend=backend,
    )
    wanted = frame.filter((frame["dimension"] == "") | (frame["year"] == latest_year))
    current = {
        (v.indicator_key, v.region_code, v.year, v.dimension, v.category): v
        for v in IndicatorValue.objects.filter(current=True, provenance=Provenance.PLATFORM).only(
            "pk",
            "indicator_key",
            "region_code",
            "year",
            "dimension",
            "category",
            "value",
            "numerator",
            "denominator",
            "revision",
        )
    }
    superseded: list[int] = []
    fresh: list[IndicatorValue] = []
    for row in wanted.iter_rows(named=True):
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            continue
        num, den, value = platform_value(row["numerator"], row["denominator"], row["value"])
        key = (indicator.id, row["region_code"], int(row["year"]), row["dimension"], row["category"])
        old = current.get(key)
        if old is not None and old.value == value and old.numerator == num and old.denominator == den:
            continue
        if old is not None:
            superseded.append(old.pk)
        fresh.append(
            IndicatorValue(
                indicator_key=key[0],
                indicator_version=indicator.version,
                region_code=key[1],
                year=key[2],
                dimension=key[3],
                category=key[4],
                value=value,
                numerator=num,
                denominator=den,
                provenance=Provenance.PLATFORM,
                source=_("Computed from the platform's data"),
                run=run,
                revision=old.revision + 1 if old is not None else 1,
                current=True,
                recorded_by_id=acting_user_id(actor),
                recorded_at=now,
            )
        )
    for start in range(0, len(superseded), 500):
        IndicatorValue.objects.filter(pk__in=superseded[start : start + 500]).update(current=False)
    values_insert(fresh)
    run.values_written = len(fresh)
    run.save(update_fields=["values_written"])
    audit_created(actor=actor, obj=run, fields=RUN_FIELDS)
    return run


@transaction.atomic
def target_create(
    *,
    actor: Actor,
    indicator_key: str,
    region_code: str,
    baseline_year: int | None,
    baseline_value: Decimal | None,
    target_year: int,
    target_value: Decimal,
    lead_unit: str,
    source_text: str,
    co_units: list[str] | None = None,
    note: str = "",
) -> MonitoringTarget:
    """A region's own target (a city's or county's plan), entered and so confirmed by its official."""
    indicator = indicator_or_error(indicator_key)
    scope = monitoring_scope_of(actor)
    if scope is None:
        raise PermissionDenied
    if not region_in_scope(scope, region_code):
        raise ValidationError(
            {"region_code": _("You can set targets only for your own region and the regions below it.")}
        )
    if not source_text.strip():
        raise ValidationError({"source_text": _("Name the plan or decision that sets this target.")})
    if MonitoringTarget.objects.filter(
        indicator_key=indicator.id, region_code=region_code, target_year=target_year
    ).exists():
        raise ValidationError({"target_year": _("This indicator already has a target for that year here.")})
    target = MonitoringTarget.objects.create(
        indicator_key=indicator.id,
        region_code=region_code,
        target_year=_year(target_year, "target_year"),
        target_value=_decimal(target_value, "target_value"),
        op="<=" if indicator.direction == "decrease" else ">=",
        unit=indicator.unit,
        source_text=source_text.strip()[:500],
        lead_unit=lead_unit.strip()[:100],
        co_units=[u.strip() for u in (co_units or []) if u.strip()],
    )
    audit_created(actor=actor, obj=target, fields=TARGET_FIELDS)
    # Entered by the region's own official: confirmed at once, through the one confirming path.
    return target_confirm(
        actor=actor,
        target=target,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        target_year=target.target_year,
        target_value=target.target_value,
        note=note,
    )
