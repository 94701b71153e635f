"""Writes to the enterprise registry; each change is validated, classified and audited atomically."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.forms.models import model_to_dict

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record, field_diff
from funeng.apps.enterprises.classification import DERIVED_FIELDS, enterprise_apply_classes
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise

Actor = AbstractBaseUser | AnonymousUser | None


def enterprise_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    """Editable and derived fields as JSON-ready values, for audit diffs."""
    data = model_to_dict(enterprise, fields=[*EDITABLE_FIELDS, *DERIVED_FIELDS])
    return {
        key: (str(value) if value is not None and not isinstance(value, int | bool | list | str) else value)
        for key, value in data.items()
    }


@transaction.atomic
def enterprise_create(*, acting_user: Actor, **fields: Any) -> Enterprise:
    """Validate, classify, save and audit a new enterprise."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise_apply_classes(enterprise)
    enterprise.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=enterprise,
        changes=field_diff({}, enterprise_snapshot(enterprise)),
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, acting_user: Actor, **fields: Any) -> Enterprise:
    """Change editable fields, recompute derived classes, save and audit the field-level diff."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = enterprise_snapshot(enterprise)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.full_clean()
    enterprise_apply_classes(enterprise)
    changes = field_diff(before, enterprise_snapshot(enterprise))
    if changes:
        enterprise.save()
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=enterprise, changes=changes)
    return enterprise
