"""Who sees and changes monitoring: officials for their region and below, operators everywhere.

A region is a GB/T 2260 code; an official of 330100 sees 330100 and its counties, and the targets
of the regions above it (the province's plan, the national plan) as context, read-only.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from engines.reference.regions import region_contains
from funeng.apps.core.identity import official_scope_of
from funeng.apps.monitoring.models import MonitoringTarget

User = AbstractBaseUser | AnonymousUser
NATIONWIDE = "000000"


def monitoring_scope_of(user: User | None) -> str | None:
    """The region a user monitors: '' = everywhere (operator), a code for an official, None = no access.

    No user at all (None, never an anonymous request) is the system itself: the demo generator and
    management commands, which act everywhere as the other apps' generated data does.
    """
    if user is None:
        return ""
    if not user.is_authenticated:
        return None
    return official_scope_of(user)


def require_monitoring_scope(user: User) -> str:
    """The user's scope, or PermissionDenied for roles without monitoring (enterprises, providers, banks)."""
    scope = monitoring_scope_of(user)
    if scope is None:
        raise PermissionDenied
    return scope


def home_region_of(user: User) -> str:
    """The region a user's dashboard opens on: their own, or the nation for an operator."""
    return require_monitoring_scope(user) or NATIONWIDE


def region_in_scope(scope: str, code: str) -> bool:
    """Whether a region is inside a scope ('' holds every region, 000000 only for operators)."""
    if scope == "":
        return True
    if code == NATIONWIDE:
        return False
    return region_contains(scope, code)


def region_is_context(scope: str, code: str) -> bool:
    """Whether a region is above the scope (its province, the nation): readable as context, not editable."""
    if scope == "" or code == NATIONWIDE:
        return True
    return region_contains(code, scope)


def access_region_for_user(user: User, code: str, *, write: bool = False) -> str:
    """A region the user may look at (their scope, below it, or above it read-only); 404 otherwise."""
    scope = require_monitoring_scope(user)
    if region_in_scope(scope, code) or (not write and region_is_context(scope, code)):
        return code
    raise Http404


def can_manage_target(user: User | None, target: MonitoringTarget) -> bool:
    """Confirm or correct a target: officials whose scope holds the target's region; nationwide → operators."""
    scope = monitoring_scope_of(user)
    return scope is not None and region_in_scope(scope, target.region_code)


def access_target_for_user(user: User, pk: int, *, write: bool = False) -> MonitoringTarget:
    """A target the user may see (its region is theirs, below or above); 404 otherwise, 403 to change it."""
    scope = require_monitoring_scope(user)
    target = MonitoringTarget.objects.filter(pk=pk).select_related("document").first()
    if target is None or not (
        region_in_scope(scope, target.region_code) or region_is_context(scope, target.region_code)
    ):
        raise Http404
    if write and not can_manage_target(user, target):
        raise PermissionDenied
    return target
