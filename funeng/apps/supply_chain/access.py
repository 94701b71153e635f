"""Who may see and act on directory entries and receivables; every view and API call goes through these.

Not visible → Http404 (existence is not revealed); visible but not allowed → PermissionDenied.
A receivable is seen by members of its supplier and of its anchor, by the users of the bank it was
offered to (from the offer on), and by operators. Officials see aggregate counts of their region,
never an invoice. The directory is browsed by every user with a role; officials of the enterprise's
region and operators list and close its entries.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from engines.reference.regions import region_contains, region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of, official_scope_of
from funeng.apps.supply_chain.const import OFFERABLE_STATUSES, ListingStatus, Party, ReceivableStatus
from funeng.apps.supply_chain.models import FinancingListing, Receivable


def member_enterprise_id(user: User) -> int | None:
    """The enterprise the user acts for, None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.ENTERPRISE:
        return None
    return membership.enterprise_id


def bank_institution_id(user: User) -> int | None:
    """The financial institution a bank user acts for, None for every other role."""
    membership = membership_of(user)
    if membership is None or membership.role != Role.BANK:
        return None
    return membership.institution_id


# --- the financing directory ---------------------------------------------------------------------


def can_manage_listings(user: User) -> bool:
    """Officials (for their region) and operators add and close directory entries."""
    return official_scope_of(user) is not None


def can_manage_listing(user: User, listing: FinancingListing) -> bool:
    """An official whose region holds the enterprise, or an operator."""
    scope = official_scope_of(user)
    if scope is None:
        return False
    return scope == "" or region_contains(scope, listing.region_code)


def listings_visible_to(user: User) -> QuerySet[FinancingListing]:
    """Listed entries still valid for every user with a role; an enterprise its own and officials their region's in any state."""
    if is_platform_admin(user):
        return FinancingListing.objects.all()
    membership = membership_of(user)
    if membership is None:
        return FinancingListing.objects.none()
    visible = Q(status=ListingStatus.LISTED, valid_until__gte=timezone.localdate())
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        visible |= Q(enterprise_id=enterprise_id)
    scope = official_scope_of(user)
    if scope:
        visible |= Q(region_code__startswith=region_prefix(scope))
    return FinancingListing.objects.filter(visible)


def access_listing_for_user(user: User, pk: int, *, write: bool = False) -> FinancingListing:
    """A directory entry the user may read (404); write=True: an official of its region or an operator (403)."""
    listing = listings_visible_to(user).select_related("enterprise").filter(pk=pk).first()
    if listing is None:
        raise Http404("no such directory entry")
    if write and not can_manage_listing(user, listing):
        raise PermissionDenied
    return listing


# --- receivables ---------------------------------------------------------------------------------


def receivables_visible_to(user: User) -> QuerySet[Receivable]:
    """The receivables of the user's enterprise (as supplier or anchor), or offered to the user's bank."""
    if is_platform_admin(user):
        return Receivable.objects.all()
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None:
        return Receivable.objects.filter(Q(supplier_id=enterprise_id) | Q(anchor_id=enterprise_id))
    institution_id = bank_institution_id(user)
    if institution_id is not None:
        # The institution is set by the offer, so a bank never sees a receivable before it is offered.
        return Receivable.objects.filter(institution_id=institution_id)
    return Receivable.objects.none()


def access_receivable_for_user(user: User, pk: int) -> Receivable:
    """A receivable the user is a party to; 404 otherwise."""
    receivable = (
        receivables_visible_to(user).select_related("supplier", "anchor", "institution").filter(pk=pk).first()
    )
    if receivable is None:
        raise Http404("no such receivable")
    return receivable


def party_of(user: User, receivable: Receivable) -> str | None:
    """Which side the user acts for on this receivable; None when on none (operators only watch)."""
    enterprise_id = member_enterprise_id(user)
    if enterprise_id is not None and enterprise_id == receivable.supplier_id:
        return Party.SUPPLIER
    if enterprise_id is not None and enterprise_id == receivable.anchor_id:
        return Party.ANCHOR
    institution_id = bank_institution_id(user)
    if institution_id is not None and institution_id == receivable.institution_id:
        return Party.BANK
    return None


def can_answer(user: User, receivable: Receivable) -> bool:
    """The anchor confirms or disputes a submitted receivable (应收账款确权)."""
    return receivable.status == ReceivableStatus.SUBMITTED and party_of(user, receivable) == Party.ANCHOR


def can_offer(user: User, receivable: Receivable) -> bool:
    """The supplier offers a confirmed receivable to a bank, or to another one after a decline."""
    return receivable.status in OFFERABLE_STATUSES and party_of(user, receivable) == Party.SUPPLIER


def can_decide(user: User, receivable: Receivable) -> bool:
    """The bank it was offered to finances or declines it."""
    return receivable.status == ReceivableStatus.OFFERED and party_of(user, receivable) == Party.BANK


def can_settle(user: User, receivable: Receivable) -> bool:
    """Payment at maturity: of a financed receivable the anchor or the bank records it; of an unfinanced one, the anchor."""
    party = party_of(user, receivable)
    if receivable.status == ReceivableStatus.FINANCED:
        return party in (Party.ANCHOR, Party.BANK)
    return receivable.status in OFFERABLE_STATUSES and party == Party.ANCHOR


def can_see_region_counts(user: User) -> bool:
    """Officials (their region) and operators (everywhere) see counts and sums, never an invoice."""
    return official_scope_of(user) is not None


def can_use_section(user: User) -> bool:
    """The section's home: enterprises, banks, officials and operators."""
    return (
        member_enterprise_id(user) is not None
        or bank_institution_id(user) is not None
        or official_scope_of(user) is not None
    )
