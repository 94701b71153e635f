"""Who a user acts for, and which providers and consents they may see or change.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.accounts.const import Role, VettingState
from funeng.apps.accounts.models import Consent, ConsentQuerySet, Invitation, Membership, Provider
from funeng.apps.enterprises.models import Enterprise

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


# --- providers -------------------------------------------------------------------------------


def providers_visible_to(user: User) -> QuerySet[Provider]:
    """Providers a user may list: operators all; officials their region's; a provider itself; others the approved."""
    if is_platform_admin(user):
        return Provider.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Provider.objects.none()
    if membership.role == Role.OFFICIAL:
        return Provider.objects.filter(region_code__startswith=region_prefix(membership.region_code))
    if membership.role == Role.PROVIDER:
        return Provider.objects.filter(Q(pk=membership.provider_id) | Q(vetting_state=VettingState.APPROVED))
    return Provider.objects.filter(vetting_state=VettingState.APPROVED)


def can_vet_provider(user: User, provider: Provider) -> bool:
    """Officials approve, reject or suspend providers registered in their region; operators any."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    if membership is None or membership.role != Role.OFFICIAL:
        return False
    return provider.region_code.startswith(region_prefix(membership.region_code))


def can_edit_provider(user: User, provider: Provider) -> bool:
    """A provider's own users edit its profile (never its vetting state); operators any."""
    if is_platform_admin(user):
        return True
    membership = membership_of(user)
    return (
        membership is not None and membership.role == Role.PROVIDER and membership.provider_id == provider.pk
    )


def access_provider_for_user(
    user: User, provider_id: int, *, write: bool = False, vet: bool = False
) -> Provider:
    """The provider if visible (Http404 otherwise), checked for editing or vetting (PermissionDenied)."""
    provider = providers_visible_to(user).filter(pk=provider_id).first()
    if provider is None:
        raise Http404
    if write and not can_edit_provider(user, provider):
        raise PermissionDenied
    if vet and not can_vet_provider(user, provider):
        raise PermissionDenied
    return provider


# --- consents (授权) -------------------------------------------------------------------------


def consents_visible_to(user: User) -> ConsentQuerySet:
    """Consents a user may list: the granting enterprise's users, the grantee bank's users, operators."""
    if is_platform_admin(user):
        return Consent.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Consent.objects.none()
    if membership.role == Role.ENTERPRISE and membership.enterprise_id is not None:
        return Consent.objects.filter(enterprise_id=membership.enterprise_id)
    if membership.role == Role.BANK and membership.institution_id is not None:
        return Consent.objects.filter(institution_id=membership.institution_id)
    return Consent.objects.none()


def can_manage_consents(user: User, enterprise_id: int) -> bool:
    """Only the enterprise's own administrator grants and revokes its consents."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return False
    return membership.enterprise_id == enterprise_id and membership.is_enterprise_admin


def access_consent_for_user(user: User, consent_id: int, *, write: bool = False) -> Consent:
    """The consent if visible (Http404 otherwise); write=True (revoke) needs the enterprise's admin."""
    consent = consents_visible_to(user).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    if write and not can_manage_consents(user, consent.enterprise_id):
        raise PermissionDenied
    return consent


def active_consents_for(user: User, enterprise_id: int, *, today: date | None = None) -> QuerySet[Consent]:
    """A bank user's consents on one enterprise that are in force today (none for other roles)."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.BANK or membership.institution_id is None:
        return Consent.objects.none()
    return Consent.objects.active(today).filter(
        enterprise_id=enterprise_id, institution_id=membership.institution_id
    )


# --- colleagues and invitations ---------------------------------------------------------------


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


def can_list_providers_for_vetting(user: User) -> bool:
    """The vetting queue is for officials (their region) and operators (all)."""
    return is_platform_admin(user) or role_of(user) == Role.OFFICIAL
