"""`funeng monitoring_compute --snapshot DIR [--backend duckdb|pyspark]`: platform indicators over a snapshot.

The same Ibis expressions run on DuckDB (this machine) or on Spark (`--backend pyspark`, with
`--master` for a cluster); the figures are identical (tests/engines/monitoring/test_compute_parity.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.batch.spark_runner import SparkUnavailableError
from engines.monitoring.compute import BACKENDS, compute_platform
from engines.monitoring.snapshot import SNAPSHOT_TABLES


class Command(BaseCommand):
    help = "Compute every platform indicator by county, city and province over a Parquet snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--snapshot", required=True, type=Path, help="directory of <table>.parquet files")
        parser.add_argument("--backend", choices=BACKENDS, default="duckdb", help="default duckdb")
        parser.add_argument("--master", default="local[*]", help="Spark master for --backend pyspark")
        parser.add_argument(
            "--year", type=int, action="append", help="a year to compute (repeat); default 2020–2026"
        )
        parser.add_argument("--output", type=Path, help="write the figures to this Parquet file")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["snapshot"]
        tables = {name: folder / f"{name}.parquet" for name in SNAPSHOT_TABLES}
        if not tables["enterprises"].exists():
            self.stderr.write(
                f"error: {tables['enterprises']} is missing (write it with `funeng monitoring_snapshot`)"
            )
            sys.exit(2)
        years = options["year"] or list(range(2020, 2027))
        session = None
        started = time.perf_counter()
        try:
            if options["backend"] == "pyspark":
                from engines.batch.spark_runner import spark_session

                session = spark_session(options["master"])
            frame = compute_platform(
                {name: path for name, path in tables.items() if path.exists()},
                years,
                backend=options["backend"],
                session=session,
            )
        except SparkUnavailableError as error:
            self.stderr.write(f"error: {error}")
            sys.exit(2)
        finally:
            if session is not None:
                session.stop()
        seconds = time.perf_counter() - started
        if options["output"]:
            frame.write_parquet(options["output"])
        totals = frame.filter((frame["dimension"] == "") & (frame["level"] == "province"))
        for row in totals.filter(totals["year"] == max(years)).iter_rows(named=True):
            value = "" if row["value"] is None else f"{row['value']:.6g}"
            self.stdout.write(f"{row['indicator']:<34} {row['region_code']} {row['year']} {value}")
        self.stdout.write(f"{frame.height} rows on {options['backend']} in {seconds:.2f} s")
