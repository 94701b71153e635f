"""Writes to the enterprise registry; each change is validated, classified and audited atomically."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_created, audit_record, field_diff, snapshot
from funeng.apps.enterprises.classification import DERIVED_FIELDS, enterprise_apply_classes
from funeng.apps.enterprises.consistency import enterprise_check_consistent
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise

Actor = AbstractBaseUser | AnonymousUser | None


# What an enterprise's audit rows record: what people enter and what is derived from it.
AUDITED_FIELDS = (*EDITABLE_FIELDS, *DERIVED_FIELDS)


@transaction.atomic
def enterprise_create(*, acting_user: Actor, **fields: Any) -> Enterprise:
    """Validate, classify, save and audit a new enterprise."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise_check_consistent(enterprise)
    enterprise_apply_classes(enterprise)
    enterprise.save()
    audit_created(actor=acting_user, obj=enterprise, fields=AUDITED_FIELDS)
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, acting_user: Actor, **fields: Any) -> Enterprise:
    """Change editable fields, recompute derived classes, save and audit the field-level diff."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = snapshot(enterprise, AUDITED_FIELDS)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.full_clean()
    enterprise_check_consistent(enterprise)
    enterprise_apply_classes(enterprise)
    changes = field_diff(before, snapshot(enterprise, AUDITED_FIELDS))
    if changes:
        enterprise.save()
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=enterprise, changes=changes)
    return enterprise
