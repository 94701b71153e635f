"""Monitoring reads: value series, targets with their progress, roll-ups, rankings, trends.

Progress is computed on read by the engine's one-at-a-time path (engines.monitoring.progress), so
every page, export and API answer shows the same status for the same figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from engines.monitoring.indicators import Indicator, load_indicators
from engines.monitoring.progress import STATUSES, Observation, Progress, progress
from engines.reference.regions import region_contains, region_prefix
from funeng.apps.monitoring.access import NATIONWIDE, region_in_scope, region_is_context
from funeng.apps.monitoring.models import IndicatorValue, MonitoringRun, MonitoringTarget, TargetStatus

Series = dict[int, Decimal]


def indicators() -> dict[str, Indicator]:
    """Every indicator definition by id, in the content file's order."""
    return load_indicators()


def level_of(code: str) -> str:
    """province, city or county by the shape of a GB/T 2260 code; nation for 000000."""
    if code == NATIONWIDE:
        return "nation"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def parent_of(code: str) -> str | None:
    """The region directly above (county → city → province → nation)."""
    level = level_of(code)
    if level == "county":
        return code[:4] + "00"
    if level == "city":
        return code[:2] + "0000"
    if level == "province":
        return NATIONWIDE
    return None


def ancestors_of(code: str) -> list[str]:
    """The region itself and every region above it, nearest first."""
    out = [code]
    while (parent := parent_of(out[-1])) is not None:
        out.append(parent)
    return out


def series_many(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Series]:
    """Current totals by year for several (indicator, region) pairs in one query."""
    wanted = set(pairs)
    out: dict[tuple[str, str], Series] = {pair: {} for pair in wanted}
    if not wanted:
        return out
    keys = {k for k, _ in wanted}
    regions = {r for _, r in wanted}
    rows = IndicatorValue.objects.filter(
        current=True, dimension="", indicator_key__in=keys, region_code__in=regions
    ).values_list("indicator_key", "region_code", "year", "value")
    for key, region, year, value in rows:
        if (key, region) in out and value is not None:
            out[(key, region)][year] = value
    return out


def series(indicator_key: str, region_code: str) -> Series:
    """Current total values of one indicator for one region, by year."""
    return series_many([(indicator_key, region_code)])[(indicator_key, region_code)]


@dataclass(frozen=True)
class TargetRow:
    """A confirmed target with the figures its progress was computed from, and the progress."""

    target: MonitoringTarget
    indicator: Indicator
    baseline: tuple[int, Decimal] | None
    latest: tuple[int, Decimal] | None
    progress: Progress
    baseline_from_series: bool


def _baseline(target: MonitoringTarget, values: Series) -> tuple[tuple[int, Decimal] | None, bool]:
    if target.baseline_year is not None and target.baseline_value is not None:
        return (target.baseline_year, target.baseline_value), False
    if target.baseline_year is not None:
        value = values.get(target.baseline_year)
        return ((target.baseline_year, value), True) if value is not None else (None, True)
    before = sorted(year for year in values if year < target.target_year)
    return ((before[0], values[before[0]]), True) if before else (None, True)


def target_progress(target: MonitoringTarget, indicator: Indicator, values: Series) -> TargetRow:
    """Baseline, latest value after it and the progress status of one target."""
    baseline, from_series = _baseline(target, values)
    latest = None
    if baseline is not None:
        after = [year for year in values if year > baseline[0]]
        if after:
            year = max(after)
            latest = (year, values[year])
    observation = Observation(
        indicator=indicator.id,
        direction=indicator.direction,
        baseline_year=baseline[0] if baseline else target.target_year - 1,
        baseline_value=float(baseline[1]) if baseline else 0.0,
        target_year=target.target_year,
        target_value=float(target.target_value),
        year=latest[0] if latest else None,
        value=float(latest[1]) if latest else None,
    )
    return TargetRow(target, indicator, baseline, latest, progress(observation), from_series)


def target_rows(targets: Sequence[MonitoringTarget]) -> list[TargetRow]:
    """Progress of many targets, with the values read in one query."""
    known = indicators()
    usable = [t for t in targets if t.indicator_key in known]
    values = series_many((t.indicator_key, t.region_code) for t in usable)
    return [
        target_progress(t, known[t.indicator_key], values[(t.indicator_key, t.region_code)]) for t in usable
    ]


def targets_visible_to(scope: str) -> QuerySet[MonitoringTarget]:
    """Every target a scope may see: its own region, below it, and the regions above it."""
    targets = MonitoringTarget.objects.select_related("document").order_by(
        "indicator_key", "region_code", "target_year"
    )
    if scope == "":
        return targets
    codes = {code for code in targets.values_list("region_code", flat=True).distinct()}
    visible = [code for code in codes if region_in_scope(scope, code) or region_is_context(scope, code)]
    return targets.filter(region_code__in=visible)


def targets_for_region(region_code: str, *, status: str = TargetStatus.CONFIRMED) -> list[MonitoringTarget]:
    """Targets that apply to a region: its own, and those of the regions above it (province, nation)."""
    return list(
        MonitoringTarget.objects.filter(status=status, region_code__in=ancestors_of(region_code))
        .select_related("document")
        .order_by("indicator_key", "-region_code", "target_year")
    )


def status_counts(rows: Iterable[TargetRow]) -> dict[str, int]:
    """How many targets have each status, in the engine's order of statuses."""
    counts = Counter(row.progress.status for row in rows)
    return {status: counts[status] for status in STATUSES if counts[status]}


def rollup_by_unit(rows: Iterable[TargetRow]) -> list[tuple[str, dict[str, int], int]]:
    """Per lead unit: its status counts and how many of its targets are behind, most behind first."""
    grouped: dict[str, list[TargetRow]] = defaultdict(list)
    for row in rows:
        grouped[row.target.lead_unit].append(row)
    behind = {"needs_acceleration", "limited", "deteriorating"}
    out = [
        (unit, status_counts(items), sum(1 for item in items if item.progress.status in behind))
        for unit, items in grouped.items()
    ]
    return sorted(out, key=lambda entry: (-entry[2], entry[0]))


def children_of(region_code: str) -> list[str]:
    """Regions directly below one that have values: a province's cities, a city's counties."""
    level = level_of(region_code)
    codes = (
        IndicatorValue.objects.filter(current=True, dimension="")
        .values_list("region_code", flat=True)
        .distinct()
    )
    if level == "nation":
        return sorted({c for c in codes if level_of(c) == "province"})
    want = "city" if level == "province" else "county"
    return sorted(
        {c for c in codes if level_of(c) == want and c != region_code and region_contains(region_code, c)}
    )


def region_values(indicator_key: str, regions: Sequence[str], year: int) -> dict[str, Decimal]:
    """Current totals of one indicator for several regions in one year."""
    rows = IndicatorValue.objects.filter(
        current=True, dimension="", indicator_key=indicator_key, region_code__in=list(regions), year=year
    ).values_list("region_code", "value")
    return {code: value for code, value in rows if value is not None}


def latest_year(indicator_key: str, region_code: str) -> int | None:
    """The most recent year with a value."""
    values = series(indicator_key, region_code)
    return max(values) if values else None


def disaggregation(indicator_key: str, region_code: str, year: int) -> dict[str, list[IndicatorValue]]:
    """The current values by category of each disaggregation, for one region and year."""
    rows = (
        IndicatorValue.objects.filter(
            current=True, indicator_key=indicator_key, region_code=region_code, year=year
        )
        .exclude(dimension="")
        .order_by("dimension", "category")
    )
    out: dict[str, list[IndicatorValue]] = defaultdict(list)
    for row in rows:
        out[row.dimension].append(row)
    return dict(out)


def value_history(indicator_key: str, region_code: str) -> QuerySet[IndicatorValue]:
    """Every total value ever recorded for an indicator and region, revisions included, newest first."""
    return (
        IndicatorValue.objects.filter(indicator_key=indicator_key, region_code=region_code, dimension="")
        .select_related("recorded_by")
        .order_by("-year", "-revision")
    )


def last_run() -> MonitoringRun | None:
    """The latest platform recompute, for "figures as of"."""
    return MonitoringRun.objects.order_by("-computed_at").first()


def region_prefix_of(code: str) -> str:
    """The prefix shared by a region's codes ('' for the nation)."""
    return "" if code == NATIONWIDE else region_prefix(code)


@dataclass(frozen=True)
class UntargetedRow:
    """An indicator with values but no confirmed target here: its change since the first value (no_target)."""

    indicator: Indicator
    baseline: tuple[int, Decimal] | None
    latest: tuple[int, Decimal] | None
    progress: Progress


def untargeted_rows(region_code: str, targeted: Iterable[str]) -> list[UntargetedRow]:
    """Indicators that have values for the region but no target applying to it, with their observed rate."""
    skip = set(targeted)
    known = [i for i in indicators().values() if i.id not in skip]
    values = series_many((i.id, region_code) for i in known)
    out = []
    for item in known:
        by_year = values[(item.id, region_code)]
        if not by_year:
            continue
        first, last = min(by_year), max(by_year)
        observation = Observation(
            indicator=item.id,
            direction=item.direction,
            baseline_year=first,
            baseline_value=float(by_year[first]),
            target_year=None,
            target_value=None,
            year=last if last > first else None,
            value=float(by_year[last]) if last > first else None,
        )
        out.append(
            UntargetedRow(
                item,
                (first, by_year[first]),
                (last, by_year[last]) if last > first else None,
                progress(observation),
            )
        )
    return out


def rollup_by_region(region_code: str) -> list[tuple[str, dict[str, int], int]]:
    """Per region directly below: the status counts of its own confirmed targets, and how many it has."""
    level = level_of(region_code)
    below = {"nation": "province", "province": "city", "city": "county"}.get(level)
    targets = [
        target
        for target in MonitoringTarget.objects.filter(status=TargetStatus.CONFIRMED).order_by("region_code")
        if level_of(target.region_code) == below
        and (level == "nation" or region_contains(region_code, target.region_code))
    ]
    by_region: dict[str, list[MonitoringTarget]] = defaultdict(list)
    for target in targets:
        by_region[target.region_code].append(target)
    return [
        (code, status_counts(target_rows(items)), len(items)) for code, items in sorted(by_region.items())
    ]
