"""Every batch job gives identical rows on Polars and on Spark, on 100,000 rows with nulls and threshold values.

One SparkSession (local, two cores) serves the module. The inputs are split into part files of
unequal sizes, and Spark is told to make one partition per file, so the Spark engine runs each job
on several partitions while the Polars engine runs it on chunks of another size: the outputs must
still agree row for row, matched by credit_code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from engines.batch import KEY, BatchDataError, get_job, job_names
from engines.batch.io import read_output
from engines.batch.polars_runner import run_polars
from engines.batch.spark_runner import run_spark, spark_session
from engines.maturity import shipped_frameworks
from funeng.apps.demo.batch_data import edge_snapshot, responses, write_parts

pytestmark = pytest.mark.slow

ROWS = 100_000
PARTS = 5
AS_OF = dt.date(2025, 6, 30)
SEED = 11


@pytest.fixture(scope="module")
def spark():
    # Small files stay separate partitions (Spark would otherwise pack them into one or two).
    session = spark_session("local[2]", {"spark.sql.files.maxPartitionBytes": "1m"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """Input directory per job: the snapshot for classify and policies, responses per framework."""
    root = tmp_path_factory.mktemp("batch-parity")
    snapshot = edge_snapshot(ROWS, SEED, AS_OF)
    paths = {"snapshot": write_parts(snapshot, root / "snapshot", PARTS, seed=SEED)}
    for framework in shipped_frameworks().values():
        answers = responses(framework, snapshot.get_column(KEY), SEED)
        paths[framework.id] = write_parts(answers, root / framework.id, PARTS, seed=SEED + 1)
    return paths


def _input_for(job_name: str, inputs: dict[str, Path]) -> Path:
    kind, _, argument = job_name.partition(":")
    return inputs[argument] if kind == "assessment" else inputs["snapshot"]


def test_it_runs_a_parity_check_for_every_registered_kind_of_job():
    kinds = {name.partition(":")[0] for name in job_names()}
    assert {"classify", "assessment", "policy"} <= kinds
    assert len(job_names()) >= 13


@pytest.mark.parametrize("job_name", job_names())
def test_it_gives_identical_rows_on_polars_and_spark(job_name, inputs, spark, tmp_path):
    job = get_job(job_name, as_of=AS_OF)
    source = _input_for(job_name, inputs)
    on_polars = run_polars(job, source, tmp_path / "polars.parquet", chunk_rows=30_000)
    on_spark = run_spark(job, source, tmp_path / "spark", session=spark)

    assert on_polars.rows == on_spark.rows == ROWS
    assert on_polars.partitions > 1 and on_spark.partitions >= PARTS
    expected = read_output(on_polars.output).sort(KEY)
    actual = read_output(on_spark.output).sort(KEY)
    assert expected.schema == pl.Schema(job.outputs)
    assert_frame_equal(actual, expected)
    assert expected.get_column(KEY).n_unique() == ROWS


def test_it_reports_a_rejected_value_with_the_same_line_from_both_engines(spark, tmp_path):
    frame = edge_snapshot(2_000, SEED, AS_OF).with_columns(
        pl.when(pl.int_range(pl.len()) == 1234)
        .then(pl.lit("9999"))
        .otherwise(pl.col("industry_code"))
        .alias("industry_code")
    )
    source = write_parts(frame, tmp_path / "bad", 3, seed=SEED)
    job = get_job("classify", as_of=AS_OF)
    with pytest.raises(BatchDataError) as on_polars:
        run_polars(job, source, tmp_path / "polars.parquet")
    with pytest.raises(BatchDataError) as on_spark:
        run_spark(job, source, tmp_path / "spark", session=spark)
    assert str(on_spark.value) == str(on_polars.value)
    assert "'9999'" in str(on_polars.value) and "\n" not in str(on_polars.value)
    assert not (tmp_path / "polars.parquet").exists()
