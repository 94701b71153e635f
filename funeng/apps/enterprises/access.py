"""Who may see or change which enterprise; every view, export and API call goes through here.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.accounts.access import is_platform_admin, membership_of
from funeng.apps.accounts.const import Role
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise

User = AbstractBaseUser | AnonymousUser
# Registration identity comes from the business licence; only operators correct it. Letting an
# enterprise change region_code would also move it out of its official's scope.
IDENTITY_FIELDS = frozenset({"credit_code", "name", "region_code"})


def enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    """The enterprises a user may list."""
    if is_platform_admin(user):
        return Enterprise.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Enterprise.objects.none()
    if membership.role == Role.ENTERPRISE and membership.enterprise_id is not None:
        return Enterprise.objects.filter(id=membership.enterprise_id)
    if membership.role == Role.OFFICIAL:
        return Enterprise.objects.filter(region_code__startswith=region_prefix(membership.region_code))
    # Banks read only under consent, category by category, with every read logged: that path
    # is not built yet, so banks (and providers) see no registry entries.
    return Enterprise.objects.none()


def enterprise_fields_writable_by(user: User, enterprise: Enterprise) -> frozenset[str]:
    """The editable fields this user may change on this (visible) enterprise."""
    if is_platform_admin(user):
        return frozenset(EDITABLE_FIELDS)
    membership = membership_of(user)
    if membership is None:
        return frozenset()
    if membership.role == Role.ENTERPRISE and membership.enterprise_id == enterprise.pk:
        return frozenset(EDITABLE_FIELDS) - IDENTITY_FIELDS
    return frozenset()


def _checked_for_write(user: User, enterprise: Enterprise, *, write: bool) -> Enterprise:
    if write and not enterprise_fields_writable_by(user, enterprise):
        raise PermissionDenied
    return enterprise


def access_enterprise_for_user(user: User, enterprise_id: int, *, write: bool = False) -> Enterprise:
    """Return the enterprise if the user may see it (and change it, with write=True)."""
    enterprise = enterprises_visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    return _checked_for_write(user, enterprise, write=write)


def access_enterprise_by_credit_code(user: User, credit_code: str, *, write: bool = False) -> Enterprise:
    """The same check, looked up by 统一社会信用代码."""
    enterprise = enterprises_visible_to(user).filter(credit_code=credit_code.upper()).first()
    if enterprise is None:
        raise Http404
    return _checked_for_write(user, enterprise, write=write)


def can_import_enterprises(user: User) -> bool:
    """Bulk import writes many enterprises at once: platform administrators only."""
    return is_platform_admin(user)


def can_export_enterprises(user: User) -> bool:
    """Administrators export everything; officials export their own region."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.OFFICIAL
