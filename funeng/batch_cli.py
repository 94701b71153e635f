"""`funeng batch_run`: run a batch job (engines/batch) on a Parquet snapshot with Polars or on Spark.

It reads no database and no secret, so funeng/cli.py runs it before Django is set up: no SECRET_KEY,
no DATABASE_URL. Bad input, an unknown job or a missing extra is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from engines.batch import BatchDataError, BatchInputError, UnknownJobError, get_job, job_kinds, job_names
from engines.batch.job import RunSummary
from engines.batch.polars_runner import run_polars
from engines.batch.spark_runner import DEFAULT_MASTER, SparkUnavailableError, run_spark

ENGINES = ("polars", "spark")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funeng batch_run",
        description="Run a batch job over a Parquet snapshot with Polars (this machine) or Spark (a cluster).",
        epilog="Jobs: classify, assessment:<framework>, policy:<programme>; `--list` names them all. "
        "The polars engine writes one Parquet file, the spark engine a directory of part files; "
        "every output row carries its input row's credit_code.",
    )
    parser.add_argument("--job", help="job name, e.g. classify, assessment:dma, policy:srdi-zhejiang")
    parser.add_argument("--engine", choices=ENGINES, default="polars", help="polars (default) or spark")
    parser.add_argument("--input", type=Path, help="Parquet file or directory of part files")
    parser.add_argument("--output", type=Path, help="Parquet file (polars) or directory (spark) to write")
    parser.add_argument(
        "--master", default=None, help="Spark master URL (default local[*]); spark engine only"
    )
    parser.add_argument("--as-of", help="evaluation date YYYY-MM-DD for policy jobs (default: today)")
    parser.add_argument("--list", action="store_true", help="list the jobs and exit")
    return parser


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def _list() -> None:
    for kind in job_kinds().values():
        sys.stdout.write(f"{kind.name}: {kind.summary}\n")
    for name in job_names():
        sys.stdout.write(f"  {name}\n")


def _run_polars(job_name: str, args: argparse.Namespace, as_of: dt.date) -> RunSummary:
    job = get_job(job_name, as_of=as_of)
    with Progress(
        TextColumn(f"{job.name} [polars]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeRemainingColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task(job.name, total=None)
        return run_polars(
            job,
            args.input,
            args.output,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def _run_spark(job_name: str, args: argparse.Namespace, as_of: dt.date) -> RunSummary:
    job = get_job(job_name, as_of=as_of)

    def phase(text: str) -> None:
        sys.stderr.write(f"[spark] {text}\n")
        sys.stderr.flush()

    return run_spark(job, args.input, args.output, master=args.master or DEFAULT_MASTER, phase=phase)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the job, print one summary line; return the exit code."""
    args = _parser().parse_args(argv)
    if args.list:
        _list()
        return 0
    for option in ("job", "input", "output"):
        if getattr(args, option) is None:
            return _fail(f"--{option} is required (see `funeng batch_run --help`)")
    if args.master is not None and args.engine != "spark":
        return _fail("--master only applies to --engine spark")
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        return _fail(f"--as-of {args.as_of!r} is not a date YYYY-MM-DD")
    try:
        if args.engine == "spark":
            summary = _run_spark(args.job, args, as_of)
        else:
            summary = _run_polars(args.job, args, as_of)
    except (UnknownJobError, BatchInputError, BatchDataError, SparkUnavailableError) as exc:
        return _fail(str(exc))
    sys.stdout.write(
        f"{summary.job} [{summary.engine}]: {summary.rows:,} rows in {summary.seconds:.1f} s "
        f"({summary.rows_per_second:,.0f} rows/s) → {summary.output}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
