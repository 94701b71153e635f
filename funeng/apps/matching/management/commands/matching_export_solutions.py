"""`funeng matching_export_solutions FILE`: the catalogue as solutions JSONL (issue 6 format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.matching.const import SolutionStatus
from funeng.apps.matching.interchange import solutions_export
from funeng.apps.matching.models import Solution

ALL = "all"


class Command(BaseCommand):
    help = "Export solutions as JSONL (default: published ones); FILE '-' writes to standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="output file, or - for standard output")
        parser.add_argument(
            "--status",
            choices=[*SolutionStatus.values, ALL],
            default=SolutionStatus.PUBLISHED,
            help="which solutions (default: published)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        solutions = Solution.objects.select_related("provider").order_by("pk")
        if options["status"] != ALL:
            solutions = solutions.filter(status=options["status"])
        if options["file"] == "-":
            solutions_export(self.stdout, solutions.iterator(chunk_size=2000))
            return
        path = Path(options["file"])
        with path.open("w", encoding="utf-8") as out:
            count = solutions_export(out, solutions.iterator(chunk_size=2000))
        self.stdout.write(f"wrote {count} solutions to {path}")
