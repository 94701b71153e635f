"""Send a message to an enterprise (once per event) and mark messages read; every change is audited."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import Actor, audit_created, audit_record, audit_record_many
from funeng.apps.core.identity import User
from funeng.apps.notifications.const import MAX_BODY, MAX_TITLE
from funeng.apps.notifications.models import Notification

# Writes the message (title, body) in the language that is active when it is called.
Wording = Callable[[], tuple[str, str]]


def _written(language: str, wording: Wording) -> tuple[str, str]:
    with translation.override(language):
        title, body = wording()
    return str(title)[:MAX_TITLE], str(body)[:MAX_BODY]


@transaction.atomic
def notify(
    *, actor: Actor, enterprise_id: int, topic: str, key: str, wording: Wording, link: str = ""
) -> Notification:
    """Send one message about an event to an enterprise, in the caller's transaction.

    Both languages are written now, because the message is read later by whoever opens it in
    either. The same `key` again returns the message already sent: an event is told once.
    """
    existing = Notification.objects.filter(enterprise_id=enterprise_id, key=key).first()
    if existing is not None:
        return existing
    title, body = _written("zh-hans", wording)
    title_en, body_en = _written("en", wording)
    if not link.startswith("/") or link.startswith("//"):  # a path on this site only
        link = ""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                enterprise_id=enterprise_id,
                topic=topic,
                key=key,
                title=title,
                title_en=title_en,
                body=body,
                body_en=body_en,
                link=link,
            )
    except IntegrityError:  # sent by a concurrent request in the meantime
        return Notification.objects.get(enterprise_id=enterprise_id, key=key)
    audit_created(actor=actor, obj=notification, fields=("enterprise", "topic", "key", "title"))
    return notification


@transaction.atomic
def notification_mark_read(*, notification: Notification, acting_user: User) -> Notification:
    """A member of the enterprise has read the message (idempotent)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=notification,
            changes={"read_at": [None, "read"]},
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, enterprise_id: int, acting_user: User) -> int:
    """Mark every unread message of the enterprise read in one update, one audit row each; how many were."""
    unread = list(
        Notification.objects.select_for_update().filter(enterprise_id=enterprise_id, read_at__isnull=True)
    )
    now = timezone.now()
    Notification.objects.filter(pk__in=[n.pk for n in unread]).update(read_at=now)
    audit_record_many(
        actor=acting_user,
        action=AuditAction.UPDATE,
        objects=[(notification, {"read_at": [None, "read"]}) for notification in unread],
    )
    return len(unread)
