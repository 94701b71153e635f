"""/api/v1/audit: read the audit log through the same access functions and filters as the page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from pydantic import Field, StringConstraints

from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import ID_MAX, NO_CONTROL, IsoDate, Search, problems
from funeng.apps.audit.access import access_audit_event_for_user, audit_events_visible_to, can_browse_audit
from funeng.apps.audit.models import AuditEvent
from funeng.apps.audit.selectors import AuditFilter, audit_event_list

router = Router(tags=["audit"])

Actor = Annotated[str, StringConstraints(max_length=150, pattern=NO_CONTROL)]
ActionCode = Annotated[str, StringConstraints(max_length=16, pattern=r"^[a-z_]*$")]
ObjectType = Annotated[str, StringConstraints(max_length=64, pattern=r"^([a-z0-9_]+\.[a-z0-9_]+)?$")]
ObjectId = Annotated[str, StringConstraints(max_length=64, pattern=NO_CONTROL)]
EventId = Annotated[int, Field(ge=1, le=ID_MAX)]


class AuditFilters(Schema):
    """Filters of the audit page; a malformed value is a 422, never silently dropped."""

    actor: Actor = Field("", description="Part of the acting user's name")
    action: ActionCode = Field("", description="create, update, delete, import, export, …")
    object_type: ObjectType = Field("", description="Model label, e.g. enterprises.enterprise")
    object_id: ObjectId = Field("", description="Id of the object, exactly")
    date_from: IsoDate | None = Field(None, description="First day, inclusive (Asia/Shanghai date)")
    date_to: IsoDate | None = Field(None, description="Last day, inclusive (Asia/Shanghai date)")
    q: Search = Field("", description="Part of the object's name as recorded")


class AuditEventOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor: str = Field(description="Username of the actor when the change was made; 'system' for none")
    action: str
    object_type: str = Field(description="Model label of the changed object")
    object_id: str
    object_repr: str = Field(description="The object's name when the change was made")
    changes: dict[str, Any] = Field(description="{field: [old, new]} for the changed fields")
    region_code: str = Field(description="GB/T 2260 region of the object, if it has one")
    enterprise_id: int | None = Field(description="The enterprise the object belongs to, if any")

    @staticmethod
    def resolve_occurred_at(obj: AuditEvent) -> dt.datetime:
        return timezone.localtime(obj.occurred_at)

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_changes(obj: AuditEvent) -> dict[str, Any]:
        return obj.changes if isinstance(obj.changes, dict) else {"value": obj.changes}


@router.get(
    "",
    response=list[AuditEventOut],
    summary="List audit events",
    openapi_extra=problems(401, 403, 422),
)
@paginated()
def audit_events_list(request: HttpRequest, filters: Query[AuditFilters]) -> QuerySet[AuditEvent]:
    """The audit rows you may read, newest first: operators all, officials their region, enterprises their own."""
    if not can_browse_audit(request.user):
        raise PermissionDenied
    criteria = AuditFilter(
        actor=filters.actor.strip(),
        action=filters.action,
        object_type=filters.object_type,
        object_id=filters.object_id.strip(),
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q.strip(),
    )
    return audit_event_list(audit_events_visible_to(request.user), criteria)


@router.get(
    "/{event_id}",
    response=AuditEventOut,
    summary="Get an audit event",
    openapi_extra=problems(401, 403, 404, 422),
)
def audit_event_detail(request: HttpRequest, event_id: Path[EventId]) -> AuditEvent:
    """One audit row you may read; 404 when it does not exist or is not yours to see."""
    return access_audit_event_for_user(request.user, event_id)
