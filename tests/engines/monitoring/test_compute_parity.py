"""The platform indicators give identical frames on DuckDB and on Spark: one Ibis expression, two engines.

One SparkSession (local, two cores) serves the module. The snapshot is synthetic (a few thousand
enterprises) with the edge cases: null founding years, enterprises founded after a year counted,
several assessments per enterprise (some in one year, some without a level), exits from
designation lists, rows of unknown enterprises, unknown industry codes and size classes.
"""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from engines.batch.spark_runner import spark_session
from engines.monitoring.compute import compute_platform
from engines.monitoring.snapshot import SNAPSHOT_TABLES
from engines.monitoring.synthetic import synthetic_frames, synthetic_snapshot

pytestmark = pytest.mark.slow

ENTERPRISES = 3_000
SEED = 7
YEARS = [2022, 2025]


@pytest.fixture(scope="module")
def spark():
    # The snapshot is small: two shuffle partitions (one per core) instead of the default four.
    session = spark_session("local[2]", {"spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()


def _edge_cases(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    extra = {
        "assessments": pl.DataFrame(
            {"credit_code": ["000000000000000001", "000000000000000001", "ghost"], "year": [2021, 2021, 2020],
             "maturity_level": [2, None, 5]},
            schema=SNAPSHOT_TABLES["assessments"],
        ),
        "deals": pl.DataFrame({"credit_code": ["ghost"], "year": [2020]}, schema=SNAPSHOT_TABLES["deals"]),
    }  # fmt: skip
    return {
        name: pl.concat([frame, extra[name]]) if name in extra else frame for name, frame in frames.items()
    }


def test_duckdb_and_spark_give_identical_frames_from_parquet(spark, tmp_path):
    paths = synthetic_snapshot(ENTERPRISES, SEED, tmp_path)
    on_duckdb = compute_platform(paths, YEARS)
    on_spark = compute_platform(paths, YEARS, backend="pyspark", session=spark)
    assert on_duckdb.height > 1000
    assert set(on_duckdb.get_column("level")) == {"county", "city", "province"}
    assert_frame_equal(on_spark, on_duckdb)


def test_duckdb_and_spark_give_identical_frames_from_polars_frames_with_edge_cases(spark):
    frames = _edge_cases(synthetic_frames(ENTERPRISES // 3, SEED + 1))
    enterprises = frames["enterprises"]
    assert enterprises.get_column("founded_year").null_count() > 0
    assert (enterprises.get_column("founded_year") > YEARS[0]).any()
    assert frames["designations"].get_column("to_year").null_count() < frames["designations"].height
    on_duckdb = compute_platform(frames, YEARS)
    on_spark = compute_platform(frames, YEARS, backend="pyspark", session=spark)
    assert_frame_equal(on_spark, on_duckdb)
