"""Who may see, grant or revoke which consent (授权).

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from funeng.apps.consents.models import Consent, ConsentQuerySet
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of


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
