"""Who the signed-in user is: their membership and role, looked up once per request.

Every app's access functions start from these; nothing here decides what a role may see.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership

User = AbstractBaseUser | AnonymousUser
_CACHE = "_funeng_membership"


def membership_of(user: User) -> Membership | None:
    """The user's membership, fetched once per request; None for anonymous or role-less users."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return None
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, Membership.objects.filter(user_id=user.pk).first())
    membership: Membership | None = getattr(user, _CACHE)
    return membership


def is_platform_admin(user: User) -> bool:
    """Superusers, staff operators and members with the admin role see and change everything."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.ADMIN


def role_of(user: User) -> str | None:
    """The user's role name, 'admin' for platform administrators, None without a role."""
    if is_platform_admin(user):
        return Role.ADMIN
    membership = membership_of(user)
    return None if membership is None else membership.role


def official_scope_of(user: User) -> str | None:
    """The region an official acts for: '' = everywhere (operator), None = not an official."""
    if is_platform_admin(user):
        return ""
    membership = membership_of(user)
    if membership is not None and membership.role == Role.OFFICIAL and membership.region_code:
        return str(membership.region_code)
    return None
