"""The platform's data as the monitoring engine reads it: five Polars frames, one per snapshot table.

The frames follow engines.monitoring.snapshot.SNAPSHOT_TABLES exactly, so the same snapshot can be
written to Parquet and computed on DuckDB here or on Spark elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db.models.functions import ExtractYear
from django.utils import timezone

from engines.monitoring.snapshot import SNAPSHOT_TABLES
from funeng.apps.assessment.const import AssessmentStatus
from funeng.apps.assessment.models import Assessment
from funeng.apps.designations.selectors import designations_snapshot
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching.const import DealStatus
from funeng.apps.matching.models import Deal
from funeng.apps.shared_manufacturing.selectors import factories_snapshot

CHUNK = 5000


def _frame(table: str, rows: Iterable[tuple[Any, ...]]) -> pl.DataFrame:
    schema = SNAPSHOT_TABLES[table]
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def enterprises_frame() -> pl.DataFrame:
    """Every enterprise with the attributes indicators filter and disaggregate by."""
    rows = (
        Enterprise.objects.order_by("pk")
        .values_list(
            "credit_code",
            "region_code",
            "industry_code",
            "size_class",
            "de_core",
            "cloud_level",
            "srdi_level",
            "founded_on",
        )
        .iterator(chunk_size=CHUNK)
    )
    return _frame(
        "enterprises",
        (
            (
                code,
                region,
                industry,
                size or "",
                bool(core),
                cloud or "",
                srdi or "",
                founded.year if founded else None,
            )
            for code, region, industry, size, core, cloud, srdi, founded in rows
        ),
    )


def assessments_frame() -> pl.DataFrame:
    """Every submitted assessment with the year it was submitted and the level it reached."""
    tz = timezone.get_current_timezone()
    rows = (
        Assessment.objects.filter(status=AssessmentStatus.SUBMITTED, result__isnull=False)
        .annotate(submitted_year=ExtractYear("submitted_at", tzinfo=tz))
        .order_by("pk")
        .values_list("enterprise__credit_code", "submitted_year", "result__level")
        .iterator(chunk_size=CHUNK)
    )
    return _frame("assessments", rows)


def deals_frame() -> pl.DataFrame:
    """Every deal agreed through matchmaking and not cancelled, with the year it was agreed."""
    tz = timezone.get_current_timezone()
    rows = (
        Deal.objects.exclude(status=DealStatus.CANCELLED)
        .annotate(agreed_year=ExtractYear("created_at", tzinfo=tz))
        .order_by("pk")
        .values_list("enterprise__credit_code", "agreed_year")
        .iterator(chunk_size=CHUNK)
    )
    return _frame("deals", rows)


def platform_snapshot() -> dict[str, pl.DataFrame]:
    """The tables of the monitoring snapshot, read from the database now."""
    designations = designations_snapshot().select(list(SNAPSHOT_TABLES["designations"]))
    return {
        "enterprises": enterprises_frame(),
        "assessments": assessments_frame(),
        "deals": deals_frame(),
        "designations": designations.cast(SNAPSHOT_TABLES["designations"]),  # type: ignore[arg-type]
        "factories": factories_snapshot(),  # built with the snapshot's own schema
    }
