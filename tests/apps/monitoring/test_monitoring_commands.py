"""The command-line twins: recompute with a progress bar, the snapshot as Parquet, the compute over it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.utils import timezone

from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.monitoring.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(enterprise_fields, credit_code):
    for serial, (region, cloud) in enumerate(
        [("330106", "platform"), ("330108", "none"), ("330203", "business")]
    ):
        enterprise_create(
            acting_user=None,
            **enterprise_fields(
                credit_code=credit_code(region, serial + 1),
                name=f"企业{serial}有限公司",
                region_code=region,
                cloud_level=cloud,
                founded_on=dt.date(2018, 1, 1),
            ),
        )


def test_recompute_from_the_command_line_stores_and_reports(registry):
    out = StringIO()
    call_command("monitoring_recompute", "--no-progress", stdout=out)
    assert "3 enterprises" in out.getvalue()
    year = timezone.localdate().year
    row = IndicatorValue.objects.get(
        indicator_key="enterprises_on_cloud", region_code="330000", year=year, dimension=""
    )
    assert row.numerator == 2
    out = StringIO()
    call_command("monitoring_recompute", "--no-progress", stdout=out)
    assert "0 values changed" in out.getvalue()


def test_the_snapshot_computed_outside_gives_the_stored_figures(registry, tmp_path):
    call_command("monitoring_recompute", "--no-progress", stdout=StringIO())
    call_command("monitoring_snapshot", "--out", str(tmp_path), stdout=StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "assessments.parquet",
        "deals.parquet",
        "designations.parquet",
        "enterprises.parquet",
        "factories.parquet",
    ]
    year = timezone.localdate().year
    out = StringIO()
    call_command(
        "monitoring_compute",
        "--snapshot",
        str(tmp_path),
        "--year",
        str(year),
        "--output",
        str(tmp_path / "out.parquet"),
        stdout=out,
    )
    assert "rows on duckdb" in out.getvalue()
    frame = pl.read_parquet(tmp_path / "out.parquet").filter(pl.col("dimension") == "")
    stored = {
        (v.indicator_key, v.region_code): v.value
        for v in IndicatorValue.objects.filter(current=True, dimension="", year=year)
    }
    computed = {
        (r["indicator"], r["region_code"]): None if r["value"] is None else Decimal(str(round(r["value"], 6)))
        for r in frame.iter_rows(named=True)
    }
    assert computed == stored and len(computed) > 20


def test_a_missing_snapshot_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("monitoring_compute", "--snapshot", str(tmp_path))
    assert exit_.value.code == 2
