"""Write audit rows; callers run inside the transaction of the change they record.

Also the helpers every app's audit shares: `snapshot` (fields as audit values, the `before` of a
diff), `field_diff`, `audit_created` (a new object's fields) and `acting_user_id` (who to name on
a row's created_by/decided_by).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction

from funeng.apps.audit.models import AuditAction, AuditEvent

Actor = AbstractBaseUser | AnonymousUser | None
ENTERPRISE_LABEL = "enterprises.enterprise"
# Related objects whose region has been looked up during one call: a bulk write of many rows that
# point at the same enterprise or provider costs one query per tenant, not one per row.
_RegionCache = dict[tuple[str, Any], str]


def acting_user_id(user: Actor) -> int | None:
    """The primary key of a signed-in user; None for the system (no user) or an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return None
    pk: int = user.pk
    return pk


def signed_in_user_id(user: Actor) -> int:
    """The acting user's primary key where the row must name a person (a party to a deal always does)."""
    pk = acting_user_id(user)
    if pk is None:
        raise PermissionDenied
    return pk


def audit_value(value: Any) -> Any:
    """A field value as the audit log stores it (JSON): decimals as text, dates and times ISO, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [audit_value(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Named fields of `obj`, foreign keys as ids: the `before` and `after` of field_diff.

    Values keep their Python types (decimals, dates) so that field_diff compares what they mean;
    field_diff turns them into audit values (JSON) for the row.
    """
    result = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = field.attname if isinstance(field, models.ForeignKey) else name
        value = getattr(obj, attname)
        result[name] = list(value) if isinstance(value, list | tuple) else value
    return result


def _actor(user: Actor) -> tuple[Any, str]:
    if user is None or not user.is_authenticated:
        return None, "system"
    return user, user.get_username()


def _foreign_key(obj: models.Model, name: str) -> models.ForeignKey[Any, Any] | None:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.ForeignKey) else None


def _region_through(obj: models.Model, name: str, cache: _RegionCache) -> str | None:
    """The region_code of the object `obj.<name>` points at; None without such a link."""
    field = _foreign_key(obj, name)
    if field is None:
        return None
    related_id = getattr(obj, field.attname)
    if related_id is None:
        return None
    if field.is_cached(obj):
        return str(getattr(getattr(obj, name), "region_code", "") or "")
    related = field.related_model
    if isinstance(related, str):  # only an unresolved lazy reference; never once apps are loaded
        return None
    key = (related._meta.label_lower, related_id)
    if key not in cache:
        region = related._default_manager.filter(pk=related_id).values_list("region_code", flat=True)
        cache[key] = str(region.first() or "")
    return cache[key]


def event_scope(obj: models.Model, cache: _RegionCache | None = None) -> tuple[str, int | None]:
    """(region_code, enterprise_id) that decide who may read the audit rows of `obj`.

    Region: the object's own non-blank `region_code` (enterprises, providers, officials'
    memberships), else that of its `enterprise`, else that of its `provider`. Enterprise: the
    enterprise itself, or the one its `enterprise` foreign key names (consents, memberships,
    invitations).
    """
    cache = {} if cache is None else cache
    if obj._meta.label_lower == ENTERPRISE_LABEL:
        enterprise_id = obj.pk
    else:
        link = _foreign_key(obj, "enterprise")
        enterprise_id = getattr(obj, link.attname) if link is not None else None
    region = str(getattr(obj, "region_code", "") or "")
    if not region:
        region = _region_through(obj, "enterprise", cache) or _region_through(obj, "provider", cache) or ""
    return region[:6], enterprise_id


def _event(
    user: Any, label: str, action: str, obj: models.Model, changes: dict[str, Any], cache: _RegionCache
) -> AuditEvent:
    # The name first: if it reads the enterprise or provider, the scope reuses what it loaded.
    object_repr = str(obj)[:200]
    region_code, enterprise_id = event_scope(obj, cache)
    return AuditEvent(
        actor=user,
        actor_label=label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=object_repr,
        changes=changes,
        region_code=region_code,
        enterprise_id=enterprise_id,
    )


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row for a change to `obj`."""
    event = _event(*_actor(actor), action, obj, changes or {}, {})
    event.save()
    return event


def audit_record_artifact(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row for a change to something that is not a database row (a trained model file).

    Such a row has no region and no enterprise, so only platform administrators are shown it.
    """
    user, label = _actor(actor)
    event = AuditEvent(
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type[:64],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        changes=changes or {},
    )
    event.save()
    return event


def audit_record_many(
    *,
    actor: Actor,
    action: str,
    objects: Iterable[tuple[models.Model, dict[str, Any]]],
) -> int:
    """Append one audit row per object in bulk (used by imports)."""
    user, label = _actor(actor)
    cache: _RegionCache = {}
    rows = [_event(user, label, action, obj, changes, cache) for obj, changes in objects]
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _comparable(value: Any) -> Any:
    """A value reduced to what matters when comparing audit values.

    None, "" and [] are all "not given"; a decimal is its number (2.50 = 2.5); a list of codes is a set
    (every list the services audit is one: categories, scenarios, regions, classes), so picking the
    same codes in another order is no change.
    """
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, Decimal):
        # 0.209000 read back from the database and 0.209 typed into a form are one number. Text
        # is never read as a number: "0710" and "710" are different codes.
        return value.normalize()
    if isinstance(value, list | tuple):
        items = [_comparable(v) for v in value]
        if all(isinstance(v, str | int) and not isinstance(v, bool) for v in items):
            return tuple(sorted(items, key=lambda v: (type(v).__name__, v)))
        return tuple(items)
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def field_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} as audit values, for fields whose value changed.

    Values that only read differently (see _comparable) are not changes.
    """
    return {
        key: [audit_value(before.get(key)), audit_value(after[key])]
        for key in after
        if _comparable(before.get(key)) != _comparable(after[key])
    }


def audit_created(
    *, actor: Actor, obj: models.Model, fields: Iterable[str], action: str = AuditAction.CREATE
) -> AuditEvent:
    """One audit row for a new object: each named field that has a value, as [None, value]."""
    return audit_record(actor=actor, action=action, obj=obj, changes=field_diff({}, snapshot(obj, fields)))


def audit_created_many(
    *, actor: Actor, objects: Iterable[models.Model], fields: Iterable[str], action: str = AuditAction.CREATE
) -> int:
    """audit_created for many new objects in bulk (imports, the demo generator)."""
    names = tuple(fields)
    return audit_record_many(
        actor=actor, action=action, objects=((o, field_diff({}, snapshot(o, names))) for o in objects)
    )


@transaction.atomic
def audit_log_export_record(
    *, acting_user: AbstractBaseUser | AnonymousUser, query: str, rows: int
) -> AuditEvent:
    """Record that a user downloaded audit rows, with the filters used and the number of rows.

    The audit trail names people and carries before/after values of financial data, so taking a
    copy out of the platform is itself worth a row. It is recorded against the acting user: the
    export has no single object of its own, and such rows (no region, no enterprise) are shown
    to platform administrators only, never to the exporters' peers.
    """
    if not isinstance(acting_user, models.Model) or not acting_user.is_authenticated:
        raise ValueError("only a signed-in user can export the audit log")
    return audit_record(
        actor=acting_user,
        action=AuditAction.EXPORT,
        obj=acting_user,
        changes={"filters": [None, query[:1000]], "rows": [None, rows]},
    )


def audit_events_prepared(
    *, actor: Actor, action: str, objects: Iterable[tuple[models.Model, dict[str, Any]]]
) -> list[AuditEvent]:
    """Unsaved audit rows for objects about to be inserted in bulk (their ids are filled in later).

    Built outside the write transaction, like the rows themselves: see core.bulk.
    """
    user, label = _actor(actor)
    cache: _RegionCache = {}
    return [_event(user, label, action, obj, changes, cache) for obj, changes in objects]
