"""Batch jobs and `funeng batch_run`: the registry, input checks shared by both engines, the CLI without settings."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command

from engines.batch import (
    KEY,
    BatchDataError,
    BatchInputError,
    BatchJob,
    Column,
    JobKind,
    UnknownJobError,
    get_job,
    job_kinds,
    job_names,
    register_job_kind,
)
from engines.batch import registry as registry_module
from engines.batch.io import read_output
from engines.batch.jobs import SNAPSHOT
from engines.batch.polars_runner import run_polars
from engines.batch.spark_runner import SparkUnavailableError, run_spark
from engines.maturity import shipped_frameworks
from engines.rules.loader import load_programmes
from funeng import batch_cli
from funeng.apps.demo.batch_data import edge_snapshot, responses, write_parts
from funeng.apps.demo.generator import generate_enterprises

AS_OF = dt.date(2025, 6, 30)
FUNENG = str(Path(sys.executable).with_name("funeng"))


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("batch-run") / "snapshot.parquet"
    edge_snapshot(3_000, 5, AS_OF).write_parquet(path)
    return path


def _bare_env() -> dict[str, str]:
    """The environment without any Funeng or Django setting: no SECRET_KEY, no DEBUG, no database."""
    drop = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    return {key: value for key, value in os.environ.items() if key not in drop}


# --------------------------------------------------------------------------- registry


def test_it_names_one_job_per_framework_and_programme_plus_classify():
    expected = ["classify"]
    expected += [f"assessment:{framework_id}" for framework_id in shipped_frameworks()]
    expected += [f"policy:{programme_id}" for programme_id in load_programmes()]
    assert job_names() == expected


def test_it_refuses_an_unknown_job_listing_those_that_exist():
    with pytest.raises(UnknownJobError, match="unknown job 'score'; jobs are: classify, assessment:dma"):
        get_job("score", as_of=AS_OF)
    with pytest.raises(
        UnknownJobError, match=r"use --job policy:<one of srdi-anhui, srdi-beijing-self, "
    ) as error:
        get_job("policy:srdi-atlantis", as_of=AS_OF)
    assert all(programme_id in str(error.value) for programme_id in load_programmes())
    with pytest.raises(UnknownJobError, match="classify takes no argument"):
        get_job("classify:all", as_of=AS_OF)


def test_it_refuses_a_programme_with_no_version_in_force_on_the_date():
    with pytest.raises(UnknownJobError, match="no version in force on 2001-01-01"):
        get_job("policy:srdi-zhejiang", as_of=dt.date(2001, 1, 1))


def test_it_runs_a_job_kind_registered_later_without_changing_the_runners(tmp_path, monkeypatch):
    monkeypatch.setattr(registry_module, "_KINDS", dict(registry_module._KINDS))

    def build(_argument, _options):
        return BatchJob(
            name="headcount",
            summary="employees doubled",
            inputs=SNAPSHOT,
            outputs={KEY: pl.String(), "double": pl.Int64()},
            transform=lambda frame: frame.with_columns((pl.col("employees") * 2).alias("double")),
        )

    register_job_kind(JobKind("headcount", "a test job", build))
    assert "headcount" in job_kinds() and job_names()[-1] == "headcount"
    source = tmp_path / "in.parquet"
    generate_enterprises(10, 1).write_parquet(source)
    run_polars(get_job("headcount", as_of=AS_OF), source, tmp_path / "out.parquet")
    assert read_output(tmp_path / "out.parquet").columns == [KEY, "double"]


def test_it_requires_the_key_as_an_input_and_the_first_output():
    with pytest.raises(ValueError, match="credit_code must be a required input"):
        BatchJob("bad", "", {"x": Column(pl.Int64(), required=True)}, {"x": pl.Int64()}, lambda f: f)


# --------------------------------------------------------------------------- input checks


def test_the_demo_region_snapshot_fits_the_snapshot_jobs(tmp_path):
    path = tmp_path / "region.parquet"
    call_command("demo_region", "--parquet", str(path), "--enterprises", "300", "--seed", "2")
    schema = pl.read_parquet_schema(path)
    assert dict(schema) == {name: column.dtype for name, column in SNAPSHOT.items()}
    summary = run_polars(get_job("classify", as_of=AS_OF), path, tmp_path / "classes.parquet")
    assert summary.rows == 300


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda frame: frame.with_columns(pl.lit(1).alias("shoe_size")),
            "job classify does not read column 'shoe_size'; remove it from the input or choose the job "
            "that reads it (`funeng batch_run --list`)",
        ),
        (
            lambda frame: frame.with_columns(pl.col("employees").cast(pl.Float64)),
            "column 'employees' is Float64; job classify reads it as Int64",
        ),
        (
            lambda frame: frame.with_columns(pl.col("founded_on").cast(pl.String)),
            "column 'founded_on' is String; job classify reads it as Date",
        ),
        (
            lambda frame: frame.drop("industry_code"),
            "job classify needs column 'industry_code' (String), which the input lacks",
        ),
    ],
    ids=["unknown column", "wrong number type", "date as text", "missing column"],
)
def test_both_engines_refuse_a_bad_input_with_the_same_line(tmp_path, change, message):
    source = tmp_path / "input.parquet"
    change(generate_enterprises(50, 1)).write_parquet(source)
    job = get_job("classify", as_of=AS_OF)
    with pytest.raises(BatchInputError) as on_polars:
        run_polars(job, source, tmp_path / "polars.parquet")
    # The check runs before Spark starts, so this needs neither a session nor Java.
    with pytest.raises(BatchInputError) as on_spark:
        run_spark(job, source, tmp_path / "spark")
    assert str(on_polars.value) == str(on_spark.value) == message
    assert not (tmp_path / "polars.parquet").exists() and not (tmp_path / "spark").exists()


def test_it_refuses_part_files_that_disagree(tmp_path):
    frame = generate_enterprises(20, 1)
    write_parts(frame, tmp_path / "in", 2)
    frame.with_columns(pl.col("employees").cast(pl.Float64)).write_parquet(tmp_path / "in" / "part-9.parquet")
    with pytest.raises(BatchInputError, match="part-9.parquet has other columns or types than"):
        run_polars(get_job("classify", as_of=AS_OF), tmp_path / "in", tmp_path / "out.parquet")


def test_it_reads_a_directory_of_part_files_and_writes_one_row_per_input_row(tmp_path):
    frame = edge_snapshot(500, 3, AS_OF)
    answers = responses(shipped_frameworks()["dma"], frame.get_column(KEY), 3)
    write_parts(answers, tmp_path / "answers", 3)
    summary = run_polars(
        get_job("assessment:dma", as_of=AS_OF), tmp_path / "answers", tmp_path / "scores.parquet"
    )
    scores = read_output(summary.output)
    assert scores.get_column(KEY).to_list() == answers.get_column(KEY).to_list()
    assert scores.get_column("framework").unique().to_list() == ["dma"]


def test_a_rejected_answer_names_the_credit_code_not_a_row_of_some_chunk(tmp_path):
    frame = edge_snapshot(40, 3, AS_OF)
    answers = responses(shipped_frameworks()["dma"], frame.get_column(KEY), 3).with_columns(
        pl.when(pl.int_range(pl.len()) == 30)
        .then(pl.lit(250.0))
        .otherwise(pl.col("dma_automation_share"))
        .alias("dma_automation_share")
    )
    answers.write_parquet(tmp_path / "answers.parquet")
    job = get_job("assessment:dma", as_of=AS_OF)
    with pytest.raises(BatchDataError) as error:
        run_polars(job, tmp_path / "answers.parquet", tmp_path / "scores.parquet", chunk_rows=16)
    assert str(error.value) == (
        f"job assessment:dma rejected the input: credit_code {answers[KEY][30]}: "
        "dma_automation_share: out of range (1 rows)"
    )


# --------------------------------------------------------------------------- optional extra and Java


def test_it_names_the_extra_to_install_when_pyspark_is_missing(snapshot, tmp_path, monkeypatch, capsys):
    real = __import__("importlib.util").util.find_spec
    monkeypatch.setattr(
        "importlib.util.find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a)
    )
    code = batch_cli.main(
        ["--job", "classify", "--engine", "spark", "--input", str(snapshot), "--output", str(tmp_path / "o")]
    )
    assert code == 2
    assert capsys.readouterr().err == "error: the spark engine needs PySpark: pip install 'funeng[spark]'\n"


def test_it_names_the_debian_package_when_java_is_missing(snapshot, tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr("shutil.which", lambda _name: None)
    with pytest.raises(SparkUnavailableError, match="apt-get install openjdk-17-jre-headless"):
        run_spark(get_job("classify", as_of=AS_OF), snapshot, tmp_path / "out")


# --------------------------------------------------------------------------- the command line


def test_the_cli_runs_without_secret_key_or_database(snapshot, tmp_path):
    output = tmp_path / "classes.parquet"
    result = subprocess.run(
        [FUNENG, "batch_run", "--job", "classify", "--input", str(snapshot), "--output", str(output)],
        capture_output=True,
        text=True,
        env=_bare_env(),
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("classify [polars]: 3,000 rows in ")
    assert read_output(output).height == 3_000
    assert not list(tmp_path.glob("*.sqlite3"))


def test_the_cli_prints_one_line_and_exits_2_on_a_bad_input(tmp_path):
    source = tmp_path / "in.parquet"
    generate_enterprises(5, 1).with_columns(pl.lit(1).alias("shoe_size")).write_parquet(source)
    result = subprocess.run(
        [
            FUNENG,
            "batch_run",
            "--job",
            "policy:srdi-zhejiang",
            "--input",
            str(source),
            "--output",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        env=_bare_env(),
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: job policy:srdi-zhejiang does not read column 'shoe_size'; remove it from the input or "
        "choose the job that reads it (`funeng batch_run --list`)"
    ]


def test_the_cli_lists_the_jobs(capsys):
    assert batch_cli.main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert all(f"  {name}\n" in listed for name in job_names())


def test_a_django_command_without_secret_key_says_what_to_set_in_one_line(tmp_path):
    result = subprocess.run(
        [FUNENG, "check"], capture_output=True, text=True, env=_bare_env(), cwd=tmp_path, check=False
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "funeng: configuration error: SECRET_KEY is required but not set (see README.md, Configuration)"
    ]


@pytest.mark.slow
def test_the_cli_runs_a_policy_job_on_spark(snapshot, tmp_path):
    output = tmp_path / "eligible"
    result = subprocess.run(
        [
            FUNENG,
            "batch_run",
            "--job",
            "policy:srdi-national-little-giant",
            "--engine",
            "spark",
            "--master",
            "local[1]",
            "--as-of",
            AS_OF.isoformat(),
            "--input",
            str(snapshot),
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        env=_bare_env(),
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "[spark] starting Spark on local[1]" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("policy:srdi-national-little-giant [spark]: 3,000 rows in ")
    on_spark = read_output(output).sort(KEY)
    on_polars = (
        get_job("policy:srdi-national-little-giant", as_of=AS_OF).run(pl.read_parquet(snapshot)).sort(KEY)
    )
    assert on_spark.equals(on_polars)
