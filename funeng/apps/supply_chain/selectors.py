"""Supply-chain finance reads: the policy sentences the pages quote, a receivable's timeline, a region's totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from engines.reference.regions import region_prefix
from funeng.apps.library.models import Clause
from funeng.apps.supply_chain.const import SEED_QUOTES, ListingStatus, ReceivableStatus
from funeng.apps.supply_chain.models import FinancingListing, Receivable, ReceivableEvent


@dataclass(frozen=True)
class BasisQuote:
    """A policy sentence the pages quote, with the library clause it stands in (None if not loaded)."""

    quote: str
    clause: Clause | None


def basis_quotes() -> list[BasisQuote]:
    """The seed's sentences on supply-chain finance, each linked to its clause in the policy library."""
    return [
        BasisQuote(
            quote=quote,
            clause=Clause.objects.select_related("document")
            .filter(text__contains=quote)
            .order_by("-pk")
            .first(),
        )
        for _seed, quote in SEED_QUOTES
    ]


def timeline(receivable: Receivable) -> QuerySet[ReceivableEvent]:
    """The receivable's steps in order, with who acted (the parties' names come from the receivable)."""
    return receivable.events.select_related("actor").order_by("occurred_at", "pk")


@dataclass(frozen=True)
class StatusTotal:
    status: str
    label: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class RegionTotals:
    """What an official may know of a region's supply-chain finance: counts and sums, never an invoice."""

    listings: int
    listings_amount: Decimal
    by_status: list[StatusTotal]
    financed_advance: Decimal


def region_totals(scope: str) -> RegionTotals:
    """Totals for receivables whose supplier lies in the region (GB/T 2260 scope; '' = everywhere)."""
    where = Q(supplier__region_code__startswith=region_prefix(scope)) if scope else Q()
    rows = {
        row["status"]: row
        for row in Receivable.objects.filter(where)
        .values("status")
        .annotate(n=Count("pk"), amount=Sum("amount_cny"), advance=Sum("advance_cny"))
    }
    listed = Q(region_code__startswith=region_prefix(scope)) if scope else Q()
    listings = FinancingListing.objects.filter(listed, status=ListingStatus.LISTED).aggregate(
        n=Count("pk"), amount=Sum("amount_sought_cny")
    )
    advance = sum(
        (
            rows[s]["advance"] or Decimal(0)
            for s in (ReceivableStatus.FINANCED, ReceivableStatus.SETTLED)
            if s in rows
        ),
        Decimal(0),
    )
    return RegionTotals(
        listings=listings["n"] or 0,
        listings_amount=listings["amount"] or Decimal(0),
        by_status=[
            StatusTotal(
                status=status.value,
                label=str(status.label),
                count=rows[status]["n"] if status in rows else 0,
                amount=(rows[status]["amount"] or Decimal(0)) if status in rows else Decimal(0),
            )
            for status in ReceivableStatus
        ],
        financed_advance=advance,
    )
