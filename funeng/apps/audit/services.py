"""Write audit rows; callers run inside the transaction of the change they record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from funeng.apps.audit.models import AuditEvent


def _actor(user: AbstractBaseUser | AnonymousUser | None) -> tuple[Any, str]:
    if user is None or not user.is_authenticated:
        return None, "system"
    return user, user.get_username()


def _event(user: Any, label: str, action: str, obj: models.Model, changes: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        actor=user,
        actor_label=label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes,
    )


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row for a change to `obj`."""
    event = _event(*_actor(actor), action, obj, changes or {})
    event.save()
    return event


def audit_record_many(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    objects: Iterable[tuple[models.Model, dict[str, Any]]],
) -> int:
    """Append one audit row per object in bulk (used by imports)."""
    user, label = _actor(actor)
    rows = [_event(user, label, action, obj, changes) for obj, changes in objects]
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def field_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for fields whose value changed."""
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}
