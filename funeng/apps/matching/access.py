"""Who may see or change solutions, needs, proposals, deals, reviews and complaints.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
Banks and role-less users see nothing of matchmaking.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, role_of
from funeng.apps.core.models import Membership
from funeng.apps.matching.const import NeedStatus, SolutionStatus
from funeng.apps.matching.models import Complaint, Deal, Need, Proposal, Review, Solution
from funeng.apps.providers.access import providers_visible_to
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

_MATCHMAKING_ROLES = (Role.ENTERPRISE, Role.PROVIDER, Role.OFFICIAL)


def _member(user: User) -> Membership | None:
    """The membership of a user who takes part in matchmaking (enterprise, provider, official)."""
    membership = membership_of(user)
    if membership is None or membership.role not in _MATCHMAKING_ROLES:
        return None
    return membership


def provider_id_of(user: User) -> int | None:
    """The provider a provider user acts for."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.PROVIDER:
        return None
    return membership.provider_id


def enterprise_id_of(user: User) -> int | None:
    """The enterprise an enterprise user acts for."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def official_prefix_of(user: User) -> str | None:
    """The region-code prefix an official oversees."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.OFFICIAL or not membership.region_code:
        return None
    return region_prefix(membership.region_code)


# --- solutions ---------------------------------------------------------------------------------


def solutions_matchable() -> QuerySet[Solution]:
    """Published solutions of approved providers: what the engine ranks and everyone may browse."""
    return Solution.objects.filter(
        status=SolutionStatus.PUBLISHED, provider__vetting_state=VettingState.APPROVED
    )


def solutions_visible_to(user: User) -> QuerySet[Solution]:
    """Published solutions for matchmaking roles; any status for the own provider, its region's officials, admins."""
    if is_platform_admin(user):
        return Solution.objects.all()
    membership = _member(user)
    if membership is None:
        return Solution.objects.none()
    visible = Q(pk__in=solutions_matchable().values("pk"))
    if membership.role == Role.PROVIDER:
        visible |= Q(provider_id=membership.provider_id)
    elif membership.role == Role.OFFICIAL:
        visible |= Q(provider__region_code__startswith=region_prefix(membership.region_code))
    return Solution.objects.filter(visible)


def can_edit_solution(user: User, solution: Solution) -> bool:
    """Only the provider's own users (and operators) change a solution."""
    return is_platform_admin(user) or provider_id_of(user) == solution.provider_id


def access_solution_for_user(user: User, solution_id: int, *, write: bool = False) -> Solution:
    """The solution if visible (Http404 otherwise); write=True needs its provider's user."""
    solution = solutions_visible_to(user).select_related("provider").filter(pk=solution_id).first()
    if solution is None:
        raise Http404
    if write and not can_edit_solution(user, solution):
        raise PermissionDenied
    return solution


# --- needs -------------------------------------------------------------------------------------


def needs_visible_to(user: User) -> QuerySet[Need]:
    """The enterprise's own; officials their region's; providers open needs matched to them or asked of them."""
    if is_platform_admin(user):
        return Need.objects.all()
    membership = _member(user)
    if membership is None:
        return Need.objects.none()
    if membership.role == Role.ENTERPRISE:
        if membership.enterprise_id is None:
            return Need.objects.none()
        return Need.objects.filter(enterprise_id=membership.enterprise_id)
    if membership.role == Role.OFFICIAL:
        prefix = region_prefix(membership.region_code)
        return Need.objects.filter(
            Q(enterprise__region_code__startswith=prefix)
            | Q(enterprise__isnull=True, region_code__startswith=prefix)
        )
    # A provider: the need's wording can be sensitive, so only needs its catalogue was ranked
    # for (while open) or that asked it for a proposal.
    matched = Q(status=NeedStatus.OPEN, matches__solution__provider_id=membership.provider_id)
    asked = Q(proposals__provider_id=membership.provider_id)
    ids = Need.objects.filter(matched | asked).values("pk")
    return Need.objects.filter(pk__in=ids)


def can_see_need_enterprise(user: User, need: Need) -> bool:
    """Who posted a visible need: hidden from a provider until the enterprise asks it for a proposal.

    Being ranked for a need lets a provider read what is needed, not who needs it (the inbox works
    the same way); once asked, the enterprise has chosen to deal with it.
    """
    provider_id = provider_id_of(user)
    if provider_id is None or is_platform_admin(user):
        return True
    return need.proposals.filter(provider_id=provider_id).exists()


def can_edit_need(user: User, need: Need) -> bool:
    """The posting enterprise's users (and operators) change or close a need."""
    if is_platform_admin(user):
        return True
    return need.enterprise_id is not None and enterprise_id_of(user) == need.enterprise_id


def access_need_for_user(user: User, need_id: int, *, write: bool = False) -> Need:
    """The need if visible (Http404 otherwise); write=True needs its enterprise's user."""
    need = needs_visible_to(user).select_related("enterprise").filter(pk=need_id).first()
    if need is None:
        raise Http404
    if write and not can_edit_need(user, need):
        raise PermissionDenied
    return need


# --- proposals, deals, reviews, complaints: the two parties and the enterprise's officials ------


def _parties(user: User) -> Q | None:
    """Rows whose enterprise or provider is the user's, or whose enterprise is in the official's region."""
    membership = _member(user)
    if membership is None:
        return None
    if membership.role == Role.ENTERPRISE:
        return Q(enterprise_id=membership.enterprise_id)
    if membership.role == Role.PROVIDER:
        return Q(provider_id=membership.provider_id)
    return Q(enterprise__region_code__startswith=region_prefix(membership.region_code))


def _is_party(user: User, enterprise_id: int, provider_id: int) -> bool:
    return enterprise_id_of(user) == enterprise_id or provider_id_of(user) == provider_id


def proposals_visible_to(user: User) -> QuerySet[Proposal]:
    """Proposals of the user's enterprise or provider, of the official's region; operators all."""
    if is_platform_admin(user):
        return Proposal.objects.all()
    condition = _parties(user)
    return Proposal.objects.none() if condition is None else Proposal.objects.filter(condition)


def access_proposal_for_user(user: User, proposal_id: int, *, write: bool = False) -> Proposal:
    """The proposal if visible; write=True needs one of its parties (which side acts is the service's check)."""
    proposal = (
        proposals_visible_to(user)
        .select_related("need", "solution", "enterprise", "provider")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise Http404
    if write and not (
        is_platform_admin(user) or _is_party(user, proposal.enterprise_id, proposal.provider_id)
    ):
        raise PermissionDenied
    return proposal


def deals_visible_to(user: User) -> QuerySet[Deal]:
    """Deals of the user's enterprise or provider, of the official's region; operators all."""
    if is_platform_admin(user):
        return Deal.objects.all()
    condition = _parties(user)
    return Deal.objects.none() if condition is None else Deal.objects.filter(condition)


def access_deal_for_user(user: User, deal_id: int, *, write: bool = False) -> Deal:
    """The deal if visible; write=True needs one of its parties."""
    deal = (
        deals_visible_to(user)
        .select_related("need", "solution", "enterprise", "provider", "proposal")
        .filter(pk=deal_id)
        .first()
    )
    if deal is None:
        raise Http404
    if write and not (is_platform_admin(user) or _is_party(user, deal.enterprise_id, deal.provider_id)):
        raise PermissionDenied
    return deal


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """Reviews given by the user's enterprise or to its provider, of the official's region; operators all.

    Ratings also feed the provider trust score, which shows only averages and counts to others.
    """
    if is_platform_admin(user):
        return Review.objects.all()
    condition = _parties(user)
    return Review.objects.none() if condition is None else Review.objects.filter(condition)


def access_review_for_user(user: User, review_id: int, *, write: bool = False) -> Review:
    """The review if visible; reviews are never changed after they are written (write is refused)."""
    review = (
        reviews_visible_to(user).select_related("deal", "provider", "enterprise").filter(pk=review_id).first()
    )
    if review is None:
        raise Http404
    if write:
        raise PermissionDenied
    return review


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Complaints of the user's enterprise or about its provider, of the official's region; operators all."""
    if is_platform_admin(user):
        return Complaint.objects.all()
    condition = _parties(user)
    return Complaint.objects.none() if condition is None else Complaint.objects.filter(condition)


def can_decide_complaint(user: User, complaint: Complaint) -> bool:
    """Officials of the enterprise's region, and operators, resolve or uphold a complaint."""
    if is_platform_admin(user):
        return True
    prefix = official_prefix_of(user)
    return prefix is not None and complaint.enterprise.region_code.startswith(prefix)


def access_complaint_for_user(user: User, complaint_id: int, *, write: bool = False) -> Complaint:
    """The complaint if visible; write=True (decide) needs an official of the enterprise's region."""
    complaint = (
        complaints_visible_to(user)
        .select_related("deal", "provider", "enterprise")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise Http404
    if write and not can_decide_complaint(user, complaint):
        raise PermissionDenied
    return complaint


# --- portal checks -----------------------------------------------------------------------------


def can_post_needs(user: User) -> bool:
    """Enterprise users post needs for their enterprise."""
    return enterprise_id_of(user) is not None


def can_manage_solutions(user: User) -> bool:
    """Provider users manage their provider's catalogue."""
    return provider_id_of(user) is not None


def can_oversee_matching(user: User) -> bool:
    """Officials (their region) and operators see gaps and the provider trust table."""
    return is_platform_admin(user) or official_prefix_of(user) is not None


def can_import_matching(user: User) -> bool:
    """Bulk import of solutions and needs: platform administrators only."""
    return is_platform_admin(user)


def access_provider_trust_for_user(user: User, provider_id: int) -> Provider:
    """A provider whose trust score the user may read: any visible provider, but not for banks.

    A bank reads enterprises under consent; rating the providers that serve them is not its business.
    """
    provider = providers_visible_to(user).filter(pk=provider_id).first()
    if provider is None:
        raise Http404
    if role_of(user) == Role.BANK:
        raise PermissionDenied
    return provider


# --- provider directory --------------------------------------------------------------------------


def can_open_provider_directory(user: User) -> bool:
    """Enterprise users find providers there; officials and providers see what enterprises see."""
    return is_platform_admin(user) or _member(user) is not None


def directory_providers_for_user(user: User) -> QuerySet[Provider]:
    """The providers the directory lists: approved ones only, for anyone who may open it.

    Applicants, rejected and suspended providers are never listed, whoever asks (officials vet
    them on the vetting pages instead).
    """
    if not can_open_provider_directory(user):
        raise PermissionDenied
    return Provider.objects.filter(vetting_state=VettingState.APPROVED)
