"""Who reads which messages; every view and endpoint goes through these.

An enterprise's messages are for its members (any of them may mark one read). Nobody else sees
them — not officials, banks or operators: a message may quote a bank's decision, which is the
enterprise's business. A message the user may not see is a 404 (its existence is not revealed).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, membership_of
from funeng.apps.notifications.models import Notification


def inbox_enterprise_id(user: User) -> int | None:
    """The enterprise whose messages this user reads, or None when the user has no inbox."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    """The messages the user may read."""
    enterprise_id = inbox_enterprise_id(user)
    if enterprise_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(enterprise_id=enterprise_id)


def access_notification_for_user(user: User, notification_id: int) -> Notification:
    """A message of the user's enterprise (404 otherwise); its members may also mark it read."""
    notification = notifications_visible_to(user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("no such message")
    return notification
