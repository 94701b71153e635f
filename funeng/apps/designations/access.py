"""Who may see and act on designation entries; every view goes through these functions.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
Enterprise members see their own enterprise's entries; officials those of their region (by GB/T
2260 prefix, as in the library and policies); operators all. Approved entries of the case-library
kinds (标杆企业, 典型应用场景) are published for every signed-in user to learn from.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_contains, region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, official_scope_of
from funeng.apps.designations.const import EntryStatus
from funeng.apps.designations.kinds import CASE_LIBRARY_KINDS
from funeng.apps.designations.models import DesignationEntry, DesignationEvidence
from funeng.apps.enterprises.models import Enterprise

CASE_LIBRARY = Q(kind__in=CASE_LIBRARY_KINDS, status=EntryStatus.APPROVED)


def member_enterprise_id(user: User) -> int | None:
    """The enterprise the user acts for, None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def entries_visible_to(user: User) -> QuerySet[DesignationEntry]:
    """The entries a user may read: own enterprise, own region, everything, plus the case library."""
    if not user.is_authenticated:
        return DesignationEntry.objects.none()
    if is_platform_admin(user):
        return DesignationEntry.objects.all()
    visible = CASE_LIBRARY
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        visible |= Q(enterprise_id=enterprise_id)
    scope = official_scope_of(user)
    if scope:
        visible |= Q(region_code__startswith=region_prefix(scope))
    return DesignationEntry.objects.filter(visible)


def can_decide(user: User, entry: DesignationEntry) -> bool:
    """Officials of the entry's region and operators decide applications and exits."""
    scope = official_scope_of(user)
    if scope is None:
        return False
    return scope == "" or region_contains(scope, entry.region_code)


def can_withdraw(user: User, entry: DesignationEntry) -> bool:
    """The enterprise's own members withdraw an application still waiting for a decision."""
    return entry.status == EntryStatus.APPLIED and member_enterprise_id(user) == entry.enterprise_id


def can_nominate(user: User) -> bool:
    """Officials and operators nominate enterprises of their region."""
    return official_scope_of(user) is not None


def can_nominate_enterprise(user: User, enterprise: Enterprise) -> bool:
    scope = official_scope_of(user)
    if scope is None:
        return False
    return scope == "" or region_contains(scope, enterprise.region_code)


def access_entry_for_user(user: User, pk: int, *, write: bool = False) -> DesignationEntry:
    """The entry if the user may read it (404 otherwise); write=True: one they may decide or withdraw (403)."""
    entry = entries_visible_to(user).select_related("enterprise").filter(pk=pk).first()
    if entry is None:
        raise Http404("no such designation entry")
    if write and not (can_decide(user, entry) or member_enterprise_id(user) == entry.enterprise_id):
        raise PermissionDenied
    return entry


def access_evidence_for_user(user: User, pk: int) -> DesignationEvidence:
    """An evidence file of an entry the user may act on: the enterprise's, its officials', operators'.

    Readers of the case library see the published entry, not the files behind the decision.
    """
    evidence = DesignationEvidence.objects.select_related("entry").filter(pk=pk).first()
    if evidence is None:
        raise Http404("no such evidence file")
    entry = evidence.entry
    if not entries_visible_to(user).filter(pk=entry.pk).exists():
        raise Http404("no such evidence file")
    if not (can_decide(user, entry) or member_enterprise_id(user) == entry.enterprise_id):
        raise Http404("no such evidence file")
    return evidence
