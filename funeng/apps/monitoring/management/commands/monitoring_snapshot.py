"""`funeng monitoring_snapshot --out DIR`: write the platform's data as the monitoring snapshot (Parquet)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.monitoring.snapshot import platform_snapshot


class Command(BaseCommand):
    help = (
        "Write the four snapshot tables (enterprises, assessments, deals, designations) as Parquet files "
        "into DIR, for `funeng monitoring_compute` here or on a Spark cluster."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", required=True, type=Path, help="directory to write the Parquet files into"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in platform_snapshot().items():
            path = out / f"{name}.parquet"
            frame.write_parquet(path)
            self.stdout.write(f"{path}: {frame.height} rows")
