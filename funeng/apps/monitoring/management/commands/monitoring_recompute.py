"""`funeng monitoring_recompute`: recompute the platform indicators from the live data, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.monitoring.recompute import platform_recompute
from funeng.apps.tasks.progress import ConsoleProgress


class Command(BaseCommand):
    help = (
        "Recompute every platform indicator for every region and year from the live data (DuckDB) "
        "and store the figures that changed; the page's background task does the same."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        with ConsoleProgress("recomputing indicators", enabled=not options["no_progress"]) as progress:
            run = platform_recompute(actor=None, progress=progress)
        self.stdout.write(
            f"{run.enterprises} enterprises, {run.values_written} values changed, "
            f"computed in {run.seconds:.2f} s ({run.backend})"
        )
