"""Designation reads: counts of active listings, the snapshot monitoring feeds its engine, the case library."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db.models import Count, Q, QuerySet

from engines.reference.regions import region_prefix as prefix_of
from funeng.apps.designations.const import EntryStatus
from funeng.apps.designations.kinds import CASE_LIBRARY_KINDS, KINDS
from funeng.apps.designations.models import DesignationEntry

LISTED = (EntryStatus.APPROVED, EntryStatus.EXITED)
SNAPSHOT_SCHEMA = {"credit_code": pl.String, "kind": pl.String, "from_year": pl.Int32, "to_year": pl.Int32}


def active_on(on_date: dt.date) -> Q:
    """Entries listed on `on_date`: approved (or since exited) from on or before it, not exited by then."""
    return Q(status__in=LISTED, valid_from__isnull=False, valid_from__lte=on_date) & (
        Q(exited_at__isnull=True) | Q(exited_at__gt=on_date)
    )


def _in_region(region_prefix_code: str | None) -> Q:
    """A region code (330100) or a bare prefix (3301); None or '' = everywhere."""
    if not region_prefix_code:
        return Q()
    code = region_prefix_code
    prefix = prefix_of(code) if len(code) == 6 else code
    return Q(region_code__startswith=prefix)


def designation_counts(region_prefix: str | None, on_date: dt.date) -> dict[str, int]:
    """Active entries per kind on a date, every kind present (0 when none)."""
    rows = (
        DesignationEntry.objects.filter(active_on(on_date) & _in_region(region_prefix))
        .values("kind")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    counts = {kind.id: 0 for kind in KINDS}
    counts.update(dict(rows))
    return counts


def designations_snapshot() -> pl.DataFrame:
    """One row per listing ever approved: credit_code, kind, from_year, to_year (exit year, null while listed)."""
    rows = (
        DesignationEntry.objects.filter(status__in=LISTED, valid_from__isnull=False)
        .order_by("pk")
        .values_list("enterprise__credit_code", "kind", "valid_from", "exited_at")
    )
    data = [
        (code, kind, start.year, exited.year if exited is not None else None)
        for code, kind, start, exited in rows
        if start is not None
    ]
    return pl.DataFrame(data, schema=SNAPSHOT_SCHEMA, orient="row")


def case_library(
    kind: str | None = None, region_prefix: str | None = None, q: str | None = None
) -> QuerySet[DesignationEntry]:
    """Approved benchmark and scenario entries, newest listing first, with their enterprise and solutions."""
    entries = DesignationEntry.objects.filter(kind__in=CASE_LIBRARY_KINDS, status=EntryStatus.APPROVED)
    if kind:
        entries = entries.filter(kind=kind)
    entries = entries.filter(_in_region(region_prefix))
    for word in (q or "").split():
        entries = entries.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(enterprise__name__icontains=word)
        )
    return entries.select_related("enterprise").prefetch_related("solutions").order_by("-valid_from", "-pk")


def decision_queue(entries: QuerySet[DesignationEntry]) -> QuerySet[DesignationEntry]:
    """Applications waiting for a decision among `entries`, oldest first."""
    return (
        entries.filter(status=EntryStatus.APPLIED).select_related("enterprise").order_by("applied_at", "pk")
    )
