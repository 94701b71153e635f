"""Who may see and add an enterprise's digital-footprint evidence; every view and endpoint goes through these.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
- An enterprise's members see its footprint; only its administrator adds self-declared investments
  (the enterprise's digital figures are the administrator's to answer for, as on its profile).
- Officials see (read only) the enterprises of their region; operators see every one.
- An official of the enterprise's region verifies a self-declared investment against its evidence file
  (it then counts in full as credit evidence, as the collateral rules say).
- Cloud bills come from approved providers (for their own bills) and operators. Banks will read
  the evidence only under a consent of the enterprise (a later issue): until then they see nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.finance.const import Provenance
from funeng.apps.finance.models import DigitalInvestment
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider


def footprint_enterprises_visible_to(user: User) -> QuerySet[Enterprise]:
    """The enterprises whose footprint the user may open."""
    if is_platform_admin(user):
        return Enterprise.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Enterprise.objects.none()
    if membership.role == Role.ENTERPRISE and membership.enterprise_id is not None:
        return Enterprise.objects.filter(pk=membership.enterprise_id)
    if membership.role == Role.OFFICIAL and membership.region_code:
        return Enterprise.objects.filter(region_code__startswith=region_prefix(membership.region_code))
    return Enterprise.objects.none()


def can_declare_investment(user: User, enterprise: Enterprise) -> bool:
    """The enterprise's administrator declares its own digital investments."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.ENTERPRISE
        and membership.enterprise_id == enterprise.pk
        and membership.is_enterprise_admin
    )


def access_footprint_for_user(user: User, enterprise_id: int, *, write: bool = False) -> Enterprise:
    """An enterprise whose footprint the user may see (404 otherwise); write=True: may declare to it (403)."""
    enterprise = footprint_enterprises_visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404("no such enterprise")
    if write and not can_declare_investment(user, enterprise):
        raise PermissionDenied
    return enterprise


def own_enterprise_id(user: User) -> int | None:
    """The enterprise an enterprise user acts for; None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def reporting_provider_of(user: User) -> Provider | None:
    """The approved provider a provider user reports cloud bills for; None for anyone else."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.PROVIDER or membership.provider_id is None:
        return None
    return Provider.objects.filter(pk=membership.provider_id, vetting_state=VettingState.APPROVED).first()


def can_import_cloud_usage(user: User) -> bool:
    """Approved providers (their own bills) and operators import cloud bills."""
    return is_platform_admin(user) or reporting_provider_of(user) is not None


def can_verify_investment(user: User, investment: DigitalInvestment) -> bool:
    """An official of the enterprise's region confirms a self-declared investment against its evidence file.

    Deals delivered through Funeng are verified by the platform already; an investment without an
    evidence file gives the official nothing to check.
    """
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role == Role.OFFICIAL
        and bool(membership.region_code)
        and investment.enterprise.region_code.startswith(region_prefix(membership.region_code))
        and investment.provenance == Provenance.SELF_DECLARED
        and bool(investment.evidence_file)
    )


def access_investment_for_user(user: User, investment_id: int, *, verify: bool = False) -> DigitalInvestment:
    """An investment of an enterprise whose footprint the user sees (404 otherwise); verify=True: may verify it (403)."""
    investment = (
        DigitalInvestment.objects.select_related("enterprise")
        .filter(pk=investment_id, enterprise__in=footprint_enterprises_visible_to(user))
        .first()
    )
    if investment is None:
        raise Http404("no such investment")
    if verify and not can_verify_investment(user, investment):
        raise PermissionDenied
    return investment


def access_investment_evidence_for_user(user: User, investment_id: int) -> DigitalInvestment:
    """An investment with an evidence file, of an enterprise whose footprint the user sees (404 otherwise)."""
    investment = (
        DigitalInvestment.objects.filter(
            pk=investment_id, enterprise__in=footprint_enterprises_visible_to(user)
        )
        .exclude(evidence_file="")
        .first()
    )
    if investment is None:
        raise Http404("no such evidence file")
    return investment
