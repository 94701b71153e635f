"""Benchmark every batch job on Polars and on Spark local: rows/s over 10,000,000 rows.

Run: .venv/bin/python benchmarks/batch_spark.py [--rows 10000000] [--jobs classify,policy:srdi-zhejiang]
     [--engines polars,spark] [--master local[*]]

Inputs are generated once and cached under var/bench/batch/ as directories of 1,000,000-row part
files: the enterprise snapshot (funeng.apps.demo.batch_data.edge_snapshot: the demo region with
threshold values and extra nulls) and one responses file per framework for the same credit codes.
Each figure is one end-to-end run of the engine's runner, as `funeng batch_run` does it: reading the
Parquet input, the job, writing the Parquet output. Spark runs in one session started (and warmed
up on a small job) before the clock starts; its start-up time is printed separately. Results go to
docs/scale.md, which sizes a national run from them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from engines.batch import KEY, get_job, job_names  # noqa: E402
from engines.batch.polars_runner import run_polars  # noqa: E402
from engines.batch.spark_runner import run_spark, spark_session, spark_version  # noqa: E402
from engines.maturity import shipped_frameworks  # noqa: E402
from funeng.apps.demo.batch_data import responses, snapshot_chunks  # noqa: E402

SEED = 1
AS_OF = dt.date(2025, 6, 30)
CHUNK = 1_000_000
CACHE = ROOT / "var" / "bench" / "batch"


def _snapshot(rows: int) -> Path:
    directory = CACHE / f"snapshot_{rows}_seed{SEED}"
    done = directory / "_COMPLETE"
    if not done.exists():
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        started = time.perf_counter()
        for number, chunk in enumerate(snapshot_chunks(rows, SEED, AS_OF, CHUNK)):
            chunk.write_parquet(directory / f"part-{number:05d}.parquet")
        done.touch()
        print(
            f"generated the snapshot ({rows:,} rows) in {time.perf_counter() - started:.0f} s → {directory}"
        )
    return directory


def _responses(rows: int, snapshot: Path, framework_id: str) -> Path:
    directory = CACHE / f"responses_{framework_id}_{rows}_seed{SEED}"
    done = directory / "_COMPLETE"
    if not done.exists():
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        started = time.perf_counter()
        framework = shipped_frameworks()[framework_id]
        for number, part in enumerate(sorted(snapshot.glob("part-*.parquet"))):
            codes = pl.read_parquet(part, columns=[KEY]).get_column(KEY)
            responses(framework, codes, SEED + number).write_parquet(directory / part.name)
        done.touch()
        print(f"generated {framework_id} responses in {time.perf_counter() - started:.0f} s → {directory}")
    return directory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--jobs", help="comma-separated job names (default: every registered job)")
    parser.add_argument("--engines", default="polars,spark")
    parser.add_argument("--master", default="local[*]")
    args = parser.parse_args()
    jobs = args.jobs.split(",") if args.jobs else job_names()
    engines = args.engines.split(",")

    snapshot = _snapshot(args.rows)
    inputs = {name: snapshot for name in jobs if not name.startswith("assessment:")}
    for name in jobs:
        if name.startswith("assessment:"):
            inputs[name] = _responses(args.rows, snapshot, name.partition(":")[2])

    print(
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"Polars {pl.__version__}, PySpark {spark_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    session = None
    if "spark" in engines:
        started = time.perf_counter()
        session = spark_session(args.master)
        warm = CACHE / "warm-up"
        if not warm.exists():
            pl.read_parquet(next(snapshot.glob("part-*.parquet")), n_rows=10_000).write_parquet(
                warm, mkdir=True
            )
        run_spark(get_job("classify", as_of=AS_OF), warm, CACHE / "out" / "warm-up", session=session)
        print(
            f"Spark {args.master}: session and warm-up in {time.perf_counter() - started:.0f} s (not counted)"
        )

    print(f"{'job':36} {'polars rows/s':>14} {'spark rows/s':>14} {'spark/polars':>12}")
    results: dict[str, dict[str, float]] = {}
    for name in jobs:
        job = get_job(name, as_of=AS_OF)
        results[name] = {}
        for engine in engines:
            output = CACHE / "out" / f"{name.replace(':', '_')}_{engine}"
            if engine == "polars":
                summary = run_polars(job, inputs[name], output.with_suffix(".parquet"))
            else:
                assert session is not None
                summary = run_spark(job, inputs[name], output, session=session)
            assert summary.rows == args.rows, summary
            results[name][engine] = summary.rows_per_second
            shutil.rmtree(output, ignore_errors=True)
            output.with_suffix(".parquet").unlink(missing_ok=True)
        polars_rate = results[name].get("polars", float("nan"))
        spark_rate = results[name].get("spark", float("nan"))
        print(
            f"{name:36} {polars_rate:14,.0f} {spark_rate:14,.0f} {spark_rate / polars_rate:11.2f}x",
            flush=True,
        )
    if session is not None:
        session.stop()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
