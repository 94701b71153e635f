"""Counts of active listings around entry and exit dates; the snapshot monitoring reads; the case library."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from funeng.apps.designations.selectors import case_library, designation_counts, designations_snapshot
from funeng.apps.designations.services import (
    designation_decide,
    designation_exit,
    designation_nominate,
    designation_withdraw,
)

pytestmark = pytest.mark.django_db


def listed(world, enterprise, kind, start, title="x"):
    entry = designation_nominate(actor=world["admin"], enterprise=enterprise, kind=kind, title=title)
    return designation_decide(actor=world["admin"], entry=entry, approve=True, valid_from=start)


@pytest.fixture
def history(world):
    exited = listed(world, world["a"], "cloud_benchmark", dt.date(2021, 3, 1))
    designation_exit(actor=world["admin"], entry=exited, reason="迁出", exited_at=dt.date(2023, 7, 1))
    listed(world, world["a"], "future_factory", dt.date(2022, 1, 1))
    listed(world, world["b"], "cloud_benchmark", dt.date(2022, 6, 1))
    designation_nominate(actor=world["admin"], enterprise=world["b"], kind="future_factory", title="waiting")
    rejected = designation_nominate(
        actor=world["admin"], enterprise=world["b"], kind="shared_factory", title="r"
    )
    designation_decide(actor=world["admin"], entry=rejected, approve=False, reason="不符合")
    withdrawn = designation_nominate(
        actor=world["admin"], enterprise=world["a"], kind="dt_benchmark", title="w"
    )
    designation_withdraw(actor=world["enterprise_a"], entry=withdrawn)
    return world


@pytest.mark.parametrize(
    ("day", "cloud", "future"),
    [
        (dt.date(2021, 2, 28), 0, 0),  # before the first listing
        (dt.date(2021, 3, 1), 1, 0),  # listed on its first day
        (dt.date(2022, 6, 1), 2, 1),
        (dt.date(2023, 6, 30), 2, 1),  # the last day before the exit
        (dt.date(2023, 7, 1), 1, 1),  # exited on that day
        (dt.date(2026, 12, 1), 1, 1),
    ],
)
def test_counts_follow_listing_and_exit_dates(history, day, cloud, future):
    counts = designation_counts(None, day)
    assert (counts["cloud_benchmark"], counts["future_factory"]) == (cloud, future)
    assert set(counts) >= {"shared_factory", "dt_benchmark", "typical_scenario"}
    assert counts["shared_factory"] == counts["dt_benchmark"] == 0  # rejected and withdrawn never count


def test_counts_are_scoped_by_region_code_or_prefix(history):
    day = dt.date(2022, 12, 31)
    assert designation_counts("330100", day)["cloud_benchmark"] == 1
    assert designation_counts("33", day)["cloud_benchmark"] == 1
    assert designation_counts("320000", day)["cloud_benchmark"] == 1
    assert designation_counts("440000", day)["cloud_benchmark"] == 0


def test_the_snapshot_has_one_row_per_listing_with_typed_columns(history):
    frame = designations_snapshot()
    assert frame.schema == pl.Schema(
        {"credit_code": pl.String, "kind": pl.String, "from_year": pl.Int32, "to_year": pl.Int32}
    )
    rows = sorted(frame.rows())
    assert rows == sorted(
        [
            (history["a"].credit_code, "cloud_benchmark", 2021, 2023),
            (history["a"].credit_code, "future_factory", 2022, None),
            (history["b"].credit_code, "cloud_benchmark", 2022, None),
        ]
    )


def test_an_empty_snapshot_keeps_its_columns(world):
    frame = designations_snapshot()
    assert frame.height == 0 and frame.columns == ["credit_code", "kind", "from_year", "to_year"]


def test_the_case_library_holds_approved_benchmarks_and_scenarios_only(world):
    case = listed(world, world["a"], "dt_benchmark", dt.date(2024, 1, 1), title="设备全联网标杆")
    scenario = listed(world, world["b"], "typical_scenario", dt.date(2025, 1, 1), title="远程运维场景")
    listed(world, world["a"], "cloud_benchmark", dt.date(2024, 1, 1))
    designation_nominate(actor=world["admin"], enterprise=world["b"], kind="dt_benchmark", title="待定")
    assert list(case_library()) == [scenario, case]
    assert list(case_library(kind="dt_benchmark")) == [case]
    assert list(case_library(region_prefix="330000")) == [case]
    assert list(case_library(q="远程")) == [scenario]
    assert list(case_library(q="南京乙")) == [scenario]  # the enterprise's name is searched too
