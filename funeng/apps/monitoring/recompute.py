"""Recompute the platform indicators: read the snapshot, run the engine on DuckDB, store what changed."""

from __future__ import annotations

import time

from django.utils import timezone
from django.utils.translation import gettext_noop

from engines.monitoring.compute import compute_platform
from engines.monitoring.indicators import load_indicators
from funeng.apps.audit.services import Actor
from funeng.apps.monitoring.models import MonitoringRun
from funeng.apps.monitoring.services import monitored_years, platform_values_store
from funeng.apps.monitoring.snapshot import platform_snapshot
from funeng.apps.tasks.progress import Progress


def platform_recompute(*, actor: Actor, progress: Progress | None = None) -> MonitoringRun:
    """Compute every platform indicator for every region and year from the live data, and store it."""
    progress = progress or Progress()
    progress.update(0, 3, gettext_noop("Reading the platform's data"))
    started = time.perf_counter()
    snapshot = platform_snapshot()
    progress.update(1, 3, gettext_noop("Computing the indicators"))
    years = monitored_years(timezone.localdate())
    indicators = [item for item in load_indicators().values() if item.source == "platform"]
    frame = compute_platform(snapshot, years, indicators=indicators, backend="duckdb")
    seconds = time.perf_counter() - started
    progress.update(2, 3, gettext_noop("Storing the figures"))
    run = platform_values_store(
        actor=actor,
        frame=frame,
        enterprises=snapshot["enterprises"].height,
        seconds=seconds,
        latest_year=years[-1],
    )
    progress.update(3, 3)
    return run
