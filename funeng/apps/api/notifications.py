"""/api/v1/messages: an enterprise's messages (loan decisions, receivables), and marking them read."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Router, Schema

from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import EnterpriseId, problems
from funeng.apps.notifications.access import access_notification_for_user, notifications_visible_to
from funeng.apps.notifications.models import Notification
from funeng.apps.notifications.services import notification_mark_read

router = Router(tags=["messages"])
ObjectId = EnterpriseId  # the same BigAutoField bounds


class MessageOut(Schema):
    id: int
    enterprise_id: int
    topic: str
    title: str
    title_en: str
    body: str
    body_en: str
    link: str
    sent_at: dt.datetime
    read_at: dt.datetime | None


@router.get("", response=list[MessageOut], summary="List messages", openapi_extra=problems(401, 422))
@paginated()
def messages_list(request: HttpRequest) -> QuerySet[Notification]:
    """Your enterprise's messages, newest first (enterprise users only; everyone else has none)."""
    return notifications_visible_to(request.user)


@router.post(
    "/{message_id}/read",
    response=MessageOut,
    summary="Mark a message as read",
    openapi_extra=problems(401, 404, 422),
)
def message_read(request: HttpRequest, message_id: Path[ObjectId]) -> Notification:
    notification = access_notification_for_user(request.user, message_id)
    return notification_mark_read(notification=notification, acting_user=request.user)
