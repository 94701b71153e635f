"""Demo monitoring: the plans' targets proposed from the library and confirmed, reported values marked demo,
and the platform figures computed from the demo data, so that every progress badge appears.

Reported values are invented (provenance `demo`, source says so); platform values are computed from
the demo registry like any real recompute. Each reported target gets a trajectory chosen to produce
one status, cycling through achieved, on track, needs acceleration, limited and deteriorating.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from engines.monitoring.indicators import load_indicators
from funeng.apps.monitoring.models import IndicatorValue, MonitoringTarget, Provenance, TargetStatus
from funeng.apps.monitoring.recompute import platform_recompute
from funeng.apps.monitoring.selectors import series
from funeng.apps.monitoring.services import (
    FIRST_MONITORED_YEAR,
    _store_value,
    target_confirm,
    target_create,
    targets_propose_from_library,
)

DEMO_SOURCE = "演示数据（非真实统计）"
PATTERNS = ("achieved", "on_track", "needs_acceleration", "limited", "deteriorating")
# The ratio of observed to required growth each pattern aims at (see engines.monitoring.progress).
RATIOS = {"on_track": 1.0, "needs_acceleration": 0.8, "limited": 0.3, "deteriorating": -0.25}


def _round(value: float, unit: str) -> Decimal:
    return Decimal(str(round(value, 2 if unit == "%" else 0)))


def demo_trajectory(
    pattern: str, target: float, target_year: int, increase: bool, unit: str
) -> dict[int, Decimal]:
    """Yearly values from 2020 that give `pattern` against `target` by the exact progress method."""
    base_year = FIRST_MONITORED_YEAR
    x0 = target * (0.8 if unit == "%" else 0.6) if increase else target * 1.4
    span = target_year - base_year
    if pattern == "achieved":
        step = (target * (1.08 if increase else 0.92) - x0) / span
        return {
            year: _round(x0 + step * (year - base_year), unit) for year in range(base_year, base_year + 7)
        }
    # Not achieved: the responsible unit has reported one year after the baseline so far.
    required = (target / x0) ** (1 / span) - 1
    observed = RATIOS[pattern] * required
    return {base_year: _round(x0, unit), base_year + 1: _round(x0 * (1 + observed), unit)}


@transaction.atomic
def demo_monitoring_create() -> int:
    """Fill monitoring for the demo (once): returns how many targets were confirmed."""
    if MonitoringTarget.objects.exists() or IndicatorValue.objects.exists():
        return 0
    admin = get_user_model().objects.filter(username="demo_admin").first()
    targets_propose_from_library(actor=admin)
    platform_recompute(actor=admin)
    known = load_indicators()
    confirmed = 0
    index = 0
    for target in MonitoringTarget.objects.filter(status=TargetStatus.PROPOSED).order_by(
        "indicator_key", "pk"
    ):
        indicator = known[target.indicator_key]
        if indicator.source == "reported" and target.region_code != "000000":
            pattern = PATTERNS[index % len(PATTERNS)]
            index += 1
            values = demo_trajectory(
                pattern,
                float(target.target_value),
                target.target_year,
                indicator.direction == "increase",
                indicator.unit,
            )
            for year, value in values.items():
                _store_value(
                    actor=admin,
                    indicator=indicator,
                    region_code=target.region_code,
                    year=year,
                    value=value,
                    provenance=Provenance.DEMO,
                    source=DEMO_SOURCE,
                    audit=False,
                )
        baseline: tuple[int | None, Decimal | None]
        if target.baseline_year is not None:
            baseline = (target.baseline_year, target.baseline_value)
        else:
            known_values = series(target.indicator_key, target.region_code)
            year = FIRST_MONITORED_YEAR
            baseline = (year, known_values.get(year)) if known_values.get(year) is not None else (None, None)
        if baseline[0] is not None and baseline[0] >= target.target_year:
            baseline = (None, None)
        target_confirm(
            actor=admin,
            target=target,
            baseline_year=baseline[0],
            baseline_value=baseline[1],
            target_year=target.target_year,
            target_value=target.target_value,
            note="演示：已核对条款原文",
        )
        confirmed += 1
    confirmed += _demo_local_targets(admin)
    return confirmed


def _demo_local_targets(admin: object) -> int:
    """Own targets of Hangzhou and one of its districts, so the regions below a province show theirs."""
    made = 0
    for indicator, region, factor in (
        ("cloud_adoption_rate", "330100", 1.3),
        ("enterprises_on_cloud", "330106", 1.5),
    ):
        values = series(indicator, region)
        if FIRST_MONITORED_YEAR not in values:
            continue
        base = values[FIRST_MONITORED_YEAR]
        target_create(
            actor=admin,  # type: ignore[arg-type]
            indicator_key=indicator,
            region_code=region,
            baseline_year=FIRST_MONITORED_YEAR,
            baseline_value=base,
            target_year=2027,
            target_value=Decimal(str(round(float(base) * factor, 2))),
            lead_unit="演示责任单位",
            source_text="演示目标（非真实规划）",
            note="演示数据",
        )
        made += 1
    return made
