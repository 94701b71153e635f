"""Who may read which audit rows; the page, the CSV export and the API all go through here.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.audit.models import AuditEvent
from funeng.apps.audit.services import ENTERPRISE_LABEL
from funeng.apps.core.const import Role
from funeng.apps.core.identity import is_platform_admin, membership_of

User = AbstractBaseUser | AnonymousUser


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Audit rows a user may read: operators all; officials their region's; enterprise users their own."""
    if is_platform_admin(user):
        return AuditEvent.objects.all()
    membership = membership_of(user)
    if membership is None:
        return AuditEvent.objects.none()
    # A blank region would give the prefix "", which every row starts with.
    if membership.role == Role.OFFICIAL and membership.region_code:
        return AuditEvent.objects.filter(region_code__startswith=region_prefix(membership.region_code))
    if membership.role == Role.ENTERPRISE and membership.enterprise_id is not None:
        # The object_type/object_id pair also covers rows written before enterprise_id existed.
        return AuditEvent.objects.filter(
            Q(enterprise_id=membership.enterprise_id)
            | Q(object_type=ENTERPRISE_LABEL, object_id=str(membership.enterprise_id))
        )
    return AuditEvent.objects.none()


def can_browse_audit(user: User) -> bool:
    """Operators, officials and an enterprise's administrator read the audit log; nobody changes it."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    if membership is None:
        return False
    if membership.role == Role.OFFICIAL:
        return True
    return membership.role == Role.ENTERPRISE and membership.is_enterprise_admin


def access_audit_event_for_user(user: User, event_id: int) -> AuditEvent:
    """The audit row if the user may browse the log (PermissionDenied) and see this row (Http404)."""
    # Browsing is checked first: a role without the log gets 403 whatever the id, which reveals
    # nothing about which rows exist.
    if not can_browse_audit(user):
        raise PermissionDenied
    event = audit_events_visible_to(user).filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event
