"""Who may manage an enterprise's colleagues and invitations.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from funeng.apps.accounts.models import Invitation
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, membership_of
from funeng.apps.core.models import Membership
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
