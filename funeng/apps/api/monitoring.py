"""/api/v1/monitoring: indicators, values with provenance, targets, progress; reporting a value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import StringConstraints

from engines.monitoring.indicators import Indicator
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import NO_NUL, RequestBody, problems
from funeng.apps.monitoring.access import (
    access_region_for_user,
    home_region_of,
    region_in_scope,
    region_is_context,
    require_monitoring_scope,
)
from funeng.apps.monitoring.models import IndicatorValue, MonitoringTarget
from funeng.apps.monitoring.selectors import indicators, target_rows, targets_for_region, targets_visible_to
from funeng.apps.monitoring.services import ValueInput, value_report

router = Router(tags=["monitoring"])
IndicatorKey = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
RegionCode = Field(None, pattern=r"^\d{6}$", description="GB/T 2260 code (six digits)")


class IndicatorOut(Schema):
    id: str
    version: int
    name_zh: str
    name_en: str
    unit: str
    direction: str
    frequency: str
    source: str
    description_zh: str
    description_en: str
    disaggregations: list[str]
    responsible_units: list[str]
    clause_id: str
    provisional: bool


class ValueOut(Schema):
    indicator: str = Field(alias="indicator_key")
    region_code: str
    year: int
    dimension: str
    category: str
    value: Decimal | None
    numerator: int | None
    denominator: int | None
    provenance: str
    source: str
    revision: int
    current: bool
    recorded_at: dt.datetime


class ValueQuery(Schema):
    indicator: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_]+$")
    region: str | None = RegionCode
    year: int | None = Field(None, ge=2000, le=2100)
    history: bool = Field(False, description="Include superseded revisions")


class ValueIn(RequestBody):
    indicator: str = Field(..., max_length=64, pattern=r"^[a-z0-9_]+$")
    region_code: str = Field(..., pattern=r"^\d{6}$")
    year: int = Field(..., ge=2000, le=2100)
    value: Decimal = Field(..., strict=False, max_digits=24, decimal_places=6)
    source: str = Field(..., min_length=1, max_length=300, pattern=NO_NUL)
    note: str = Field("", max_length=500, pattern=NO_NUL)


class ValueStored(Schema):
    stored: bool
    revision: int | None


class MonitoringTargetOut(Schema):
    id: int
    indicator: str = Field(alias="indicator_key")
    region_code: str
    baseline_year: int | None
    baseline_value: Decimal | None
    target_year: int
    target_value: Decimal
    op: str
    unit: str
    clause: str = Field(alias="clause_key")
    source_text: str
    lead_unit: str
    co_units: list[str]
    status: str


class TargetQuery(Schema):
    status: Literal["proposed", "confirmed", "rejected"] | None = None


class ProgressOut(Schema):
    target: int
    indicator: str
    region_code: str
    lead_unit: str
    baseline_year: int | None
    baseline_value: Decimal | None
    year: int | None
    value: Decimal | None
    target_year: int
    target_value: Decimal
    status: str
    ratio: float | None
    observed_rate: float | None
    required_rate: float | None
    explanation_zh: str
    explanation_en: str


class ProgressQuery(Schema):
    region: str | None = RegionCode


def _indicator_out(item: Indicator) -> dict[str, Any]:
    return {
        "id": item.id,
        "version": item.version,
        "name_zh": item.name_zh,
        "name_en": item.name_en,
        "unit": item.unit,
        "direction": item.direction,
        "frequency": item.frequency,
        "source": item.source,
        "description_zh": item.description_zh,
        "description_en": item.description_en,
        "disaggregations": list(item.disaggregations),
        "responsible_units": list(item.responsible_units),
        "clause_id": item.clause_id,
        "provisional": item.provisional,
    }


@router.get(
    "/indicators", response=list[IndicatorOut], summary="List indicators", openapi_extra=problems(401, 403)
)
def indicators_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every indicator definition, in the content file's order."""
    require_monitoring_scope(request.user)
    return [_indicator_out(item) for item in indicators().values()]


@router.get(
    "/indicators/{key}",
    response=IndicatorOut,
    summary="Get an indicator",
    openapi_extra=problems(401, 403, 404),
)
def indicator_detail(request: HttpRequest, key: Path[IndicatorKey]) -> dict[str, Any]:
    require_monitoring_scope(request.user)
    item = indicators().get(key)
    if item is None:
        raise Http404
    return _indicator_out(item)


@router.get(
    "/values", response=list[ValueOut], summary="List values", openapi_extra=problems(401, 403, 404, 422)
)
@paginated()
def values_list(request: HttpRequest, query: Query[ValueQuery]) -> QuerySet[IndicatorValue]:
    """Values of the regions the caller sees (their own, below, and above as context), newest revision first."""
    scope = require_monitoring_scope(request.user)
    values = IndicatorValue.objects.all()
    if query.region:
        values = values.filter(region_code=access_region_for_user(request.user, query.region))
    elif scope:
        codes = values.values_list("region_code", flat=True).distinct()
        values = values.filter(
            region_code__in=[c for c in codes if region_in_scope(scope, c) or region_is_context(scope, c)]
        )
    if query.indicator:
        values = values.filter(indicator_key=query.indicator)
    if query.year:
        values = values.filter(year=query.year)
    if not query.history:
        values = values.filter(current=True)
    return values.order_by("indicator_key", "region_code", "year", "dimension", "category", "-revision")


@router.post(
    "/values", response=ValueStored, summary="Report a value", openapi_extra=problems(400, 401, 403, 422)
)
def value_create(request: HttpRequest, payload: ValueIn) -> dict[str, Any]:
    """Record a reported value as the next revision; sending the same value again stores nothing."""
    require_monitoring_scope(request.user)
    item = ValueInput(
        indicator_key=payload.indicator,
        region_code=payload.region_code,
        year=payload.year,
        value=payload.value,
        source=payload.source,
        note=payload.note,
    )
    stored = value_report(actor=request.user, item=item)
    return {"stored": stored is not None, "revision": stored.revision if stored is not None else None}


@router.get(
    "/targets",
    response=list[MonitoringTargetOut],
    summary="List targets",
    openapi_extra=problems(401, 403, 422),
)
@paginated()
def targets_list(request: HttpRequest, query: Query[TargetQuery]) -> QuerySet[MonitoringTarget]:
    """Targets of the regions the caller sees, proposed, confirmed or rejected."""
    targets = targets_visible_to(require_monitoring_scope(request.user))
    if query.status:
        targets = targets.filter(status=query.status)
    return targets


@router.get(
    "/progress",
    response=list[ProgressOut],
    summary="Progress of confirmed targets",
    openapi_extra=problems(401, 403, 404, 422),
)
def progress_list(request: HttpRequest, query: Query[ProgressQuery]) -> list[dict[str, Any]]:
    """The confirmed targets that apply to a region (its own and those above), with status and ratio."""
    region = (
        access_region_for_user(request.user, query.region) if query.region else home_region_of(request.user)
    )
    out = []
    for row in target_rows(targets_for_region(region)):
        out.append(
            {
                "target": row.target.pk,
                "indicator": row.indicator.id,
                "region_code": row.target.region_code,
                "lead_unit": row.target.lead_unit,
                "baseline_year": row.baseline[0] if row.baseline else None,
                "baseline_value": row.baseline[1] if row.baseline else None,
                "year": row.latest[0] if row.latest else None,
                "value": row.latest[1] if row.latest else None,
                "target_year": row.target.target_year,
                "target_value": row.target.target_value,
                "status": row.progress.status,
                "ratio": row.progress.ratio,
                "observed_rate": row.progress.observed_rate,
                "required_rate": row.progress.required_rate,
                "explanation_zh": row.progress.explanation_zh,
                "explanation_en": row.progress.explanation_en,
            }
        )
    return out
