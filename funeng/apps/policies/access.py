"""Who may run, read and decide policy results; one function per protected object."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, membership_of, official_scope_of, role_of
from funeng.apps.enterprises.access import access_enterprise_for_user
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.policies.models import PolicyNotice, PolicyResult, PolicyRun


def policy_scope_of(user: User) -> str | None:
    """The region a user evaluates programmes for: '' = whole registry (operator), None = not allowed."""
    return official_scope_of(user)


def can_run_policies(user: User) -> bool:
    """Officials (for their region) and platform operators evaluate programmes in batch."""
    return policy_scope_of(user) is not None


def policy_runs_visible_to(user: User) -> QuerySet[PolicyRun]:
    """Runs over the user's region or a part of it; operators see all."""
    scope = policy_scope_of(user)
    if scope is None:
        return PolicyRun.objects.none()
    if scope == "":
        return PolicyRun.objects.all()
    # A run over the whole registry ('') covers enterprises outside the official's region.
    return PolicyRun.objects.filter(region_code__startswith=region_prefix(scope)).exclude(region_code="")


def access_policy_run_for_user(user: User, run_id: int) -> PolicyRun:
    """A run the user may read and act on (notify, decide); 404 otherwise."""
    run = policy_runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise Http404("no such policy run")
    return run


def access_policy_result_for_user(user: User, result_id: int, *, write: bool = False) -> PolicyResult:
    """A stored result: its run must be visible; only officials and operators decide (write)."""
    result = (
        PolicyResult.objects.select_related("run", "enterprise")
        .filter(pk=result_id, run__in=policy_runs_visible_to(user))
        .first()
    )
    if result is None:
        raise Http404("no such policy result")
    if write and not can_run_policies(user):
        raise PermissionDenied
    return result


def policy_notices_visible_to(user: User) -> QuerySet[PolicyNotice]:
    """An enterprise's users read their own notices; officials and operators read what they sent in scope."""
    membership = membership_of(user)
    if membership is not None and membership.role == Role.ENTERPRISE and membership.enterprise_id:
        return PolicyNotice.objects.filter(enterprise_id=membership.enterprise_id)
    scope = policy_scope_of(user)
    if scope is None:
        return PolicyNotice.objects.none()
    if scope == "":
        return PolicyNotice.objects.all()
    return PolicyNotice.objects.filter(Q(enterprise__region_code__startswith=region_prefix(scope)))


def access_policy_notice_for_user(user: User, notice_id: int, *, write: bool = False) -> PolicyNotice:
    """A notice; only the enterprise's own users mark it read (write)."""
    notice = policy_notices_visible_to(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404("no such notice")
    membership = membership_of(user)
    if write and (membership is None or membership.enterprise_id != notice.enterprise_id):
        raise PermissionDenied
    return notice


def access_enterprise_policies_for_user(user: User, enterprise_id: int) -> Enterprise:
    """The enterprise whose policy standing (我的政策) the user may read; banks never.

    A bank reads consented data only: where an enterprise stands with its government's programmes
    is not part of any consent category.
    """
    enterprise = access_enterprise_for_user(user, enterprise_id)
    if role_of(user) == Role.BANK:
        raise PermissionDenied
    return enterprise
