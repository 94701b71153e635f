"""Who may see or change which enterprise; every view, export and API call goes through here."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from funeng.apps.enterprises.models import Enterprise

User = AbstractBaseUser | AnonymousUser


def _is_operator(user: User) -> bool:
    """Platform operators (staff) see the whole registry; roles per tenant come with the portals."""
    return bool(
        user.is_authenticated and getattr(user, "is_staff", False) and getattr(user, "is_active", False)
    )


def enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    """The enterprises a user may list."""
    if not user.is_authenticated:
        return Enterprise.objects.none()
    if _is_operator(user):
        return Enterprise.objects.all()
    return Enterprise.objects.none()


def access_enterprise_for_user(user: User, enterprise_id: int, *, write: bool = False) -> Enterprise:
    """Return the enterprise if the user may see it (or change it, with write=True); else 404."""
    if not user.is_authenticated:
        raise Http404
    if write and not _is_operator(user):
        raise Http404
    try:
        return enterprises_visible_to(user).get(pk=enterprise_id)
    except Enterprise.DoesNotExist:
        raise Http404 from None


def can_import_enterprises(user: User) -> bool:
    """Bulk import writes many enterprises at once: operators only."""
    return _is_operator(user)


def can_export_enterprises(user: User) -> bool:
    """Exports carry financial data: operators only for now."""
    return _is_operator(user)
