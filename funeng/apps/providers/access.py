"""Who may see, edit or vet which provider.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, role_of
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider


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


def can_list_providers_for_vetting(user: User) -> bool:
    """The vetting queue is for officials (their region) and operators (all)."""
    return is_platform_admin(user) or role_of(user) == Role.OFFICIAL
