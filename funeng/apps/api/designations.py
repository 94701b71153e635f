"""/api/v1/designations: the lists (认定名录) with their clauses, the entries a caller may see, counts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import IsoDate, problems
from funeng.apps.designations.access import access_entry_for_user, entries_visible_to
from funeng.apps.designations.kinds import KINDS
from funeng.apps.designations.models import DesignationEntry
from funeng.apps.designations.selectors import designation_counts
from funeng.apps.monitoring.access import require_monitoring_scope
from funeng.apps.monitoring.selectors import region_prefix_of

router = Router(tags=["designations"])
KindId = Literal[tuple(kind.id for kind in KINDS)]  # type: ignore[valid-type]


class KindOut(Schema):
    id: str
    name_zh: str
    name_en: str
    clauses: list[str]
    indicator: str | None
    case_library: bool
    criteria_zh: list[str]


class EntryOut(Schema):
    id: int
    kind: str
    enterprise: str = Field(alias="enterprise.name")
    credit_code: str = Field(alias="enterprise.credit_code")
    region_code: str
    route: str
    status: str
    title: str
    summary: str
    applied_at: dt.datetime
    decided_at: dt.datetime | None
    valid_from: dt.date | None
    exited_at: dt.date | None


class EntryQuery(Schema):
    kind: KindId | None = None  # type: ignore[valid-type]
    status: Literal["applied", "approved", "rejected", "exited", "withdrawn"] | None = None


class CountQuery(Schema):
    region: str | None = Field(None, pattern=r"^\d{6}$", description="GB/T 2260 code (six digits)")
    on: IsoDate | None = Field(None, description="Active on this date, YYYY-MM-DD (default today)")


class CountOut(Schema):
    kind: str
    count: int


@router.get(
    "/kinds", response=list[KindOut], summary="List the designation lists", openapi_extra=problems(401)
)
def kinds_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every list with the clauses it rests on and the monitoring indicator that counts it."""
    return [
        {
            "id": kind.id,
            "name_zh": kind.name_zh,
            "name_en": str(kind.name),
            "clauses": list(kind.clause_ids),
            "indicator": kind.indicator,
            "case_library": kind.case_library,
            "criteria_zh": list(kind.criteria_zh),
        }
        for kind in KINDS
    ]


@router.get(
    "/entries", response=list[EntryOut], summary="List designation entries", openapi_extra=problems(401, 422)
)
@paginated()
def entries_list(request: HttpRequest, query: Query[EntryQuery]) -> QuerySet[DesignationEntry]:
    """The entries the caller may see: their enterprise's, their region's, or the published cases."""
    entries = entries_visible_to(request.user).select_related("enterprise")
    if query.kind:
        entries = entries.filter(kind=query.kind)
    if query.status:
        entries = entries.filter(status=query.status)
    return entries.order_by("-applied_at", "-pk")


@router.get(
    "/entries/{entry_id}",
    response=EntryOut,
    summary="Get a designation entry",
    openapi_extra=problems(401, 404),
)
def entry_detail(request: HttpRequest, entry_id: Path[int]) -> DesignationEntry:
    return access_entry_for_user(request.user, entry_id)


@router.get(
    "/counts",
    response=list[CountOut],
    summary="Active entries per list",
    openapi_extra=problems(401, 403, 404, 422),
)
def counts(request: HttpRequest, query: Query[CountQuery]) -> list[dict[str, Any]]:
    """How many enterprises each list holds on a date, in the caller's region (what the targets count)."""
    from funeng.apps.monitoring.access import access_region_for_user, home_region_of

    require_monitoring_scope(request.user)
    region = (
        access_region_for_user(request.user, query.region) if query.region else home_region_of(request.user)
    )
    found = designation_counts(region_prefix_of(region) or None, query.on or timezone.localdate())
    return [{"kind": kind.id, "count": found.get(kind.id, 0)} for kind in KINDS]
