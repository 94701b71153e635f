"""Who may manage an enterprise's colleagues and invitations, and who reviews enterprise claims.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.accounts.const import ClaimState
from funeng.apps.accounts.models import ClaimDocument, EnterpriseClaim, Invitation
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.access import access_enterprise_for_user, can_manage_enterprise_claims
from funeng.apps.enterprises.models import Enterprise


def access_colleagues_for_user(user: User) -> Enterprise:
    """The enterprise whose members this user manages; PermissionDenied unless its administrator."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE or membership.enterprise_id is None:
        raise PermissionDenied
    if not membership.is_enterprise_admin:
        raise PermissionDenied
    return Enterprise.objects.get(pk=membership.enterprise_id)


def access_invitation_for_user(user: User, invitation_id: int) -> Invitation:
    """An invitation of the enterprise the user administers (Http404 for any other)."""
    enterprise = access_colleagues_for_user(user)
    invitation = Invitation.objects.filter(pk=invitation_id, enterprise=enterprise).first()
    if invitation is None:
        raise Http404
    return invitation


def access_colleague_for_user(user: User, membership_id: int) -> Membership:
    """A membership of the enterprise the user administers (Http404 for any other)."""
    enterprise = access_colleagues_for_user(user)
    membership = (
        Membership.objects.select_related("user").filter(pk=membership_id, enterprise=enterprise).first()
    )
    if membership is None:
        raise Http404
    return membership


# --- enterprise claims -------------------------------------------------------------------------


def can_review_claims(user: User) -> bool:
    """Operators and officials (bound to a region) review enterprise claims; nobody else sees them."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.OFFICIAL and bool(membership.region_code)


def claims_visible_to(user: User) -> QuerySet[EnterpriseClaim]:
    """The claims a user reviews: operators all; officials those of their region."""
    if is_platform_admin(user):
        return EnterpriseClaim.objects.all()
    if not can_review_claims(user):
        return EnterpriseClaim.objects.none()
    membership = membership_of(user)
    assert membership is not None
    return EnterpriseClaim.objects.filter(region_code__startswith=region_prefix(membership.region_code))


def access_claim_for_user(user: User, claim_id: int) -> EnterpriseClaim:
    """A claim the user reviews (Http404 for any other, and for everyone who reviews none)."""
    claim = (
        claims_visible_to(user).select_related("user", "enterprise", "decided_by").filter(pk=claim_id).first()
    )
    if claim is None:
        raise Http404
    return claim


def can_decide_claim(user: User, claim: EnterpriseClaim) -> bool:
    """A pending claim the user reviews may be approved or rejected by them."""
    return claim.state == ClaimState.PENDING and claims_visible_to(user).filter(pk=claim.pk).exists()


def access_claim_document_for_user(user: User, document_id: int) -> ClaimDocument:
    """A licence or authorisation letter of a claim the user reviews (Http404 for any other)."""
    document = (
        ClaimDocument.objects.select_related("claim")
        .filter(pk=document_id, claim__in=claims_visible_to(user))
        .first()
    )
    if document is None:
        raise Http404
    return document


def access_enterprise_claims_for_user(user: User, enterprise_id: int) -> Enterprise:
    """An enterprise whose claim codes and claims the user manages.

    Http404 when the user cannot see it; PermissionDenied when they see it without managing its
    claims (a bank under consent, the enterprise's own users).
    """
    enterprise = access_enterprise_for_user(user, enterprise_id)
    if not can_manage_enterprise_claims(user, enterprise):
        raise PermissionDenied
    return enterprise


def can_submit_claim(user: User) -> bool:
    """A signed-in account without a role and without a claim in review may claim an enterprise."""
    if not user.is_authenticated or not getattr(user, "is_active", False) or is_platform_admin(user):
        return False
    if membership_of(user) is not None:
        return False
    return not EnterpriseClaim.objects.filter(user_id=user.pk, state=ClaimState.PENDING).exists()
