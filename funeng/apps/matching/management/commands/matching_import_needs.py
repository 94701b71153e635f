"""`funeng matching_import_needs FILE`: needs JSONL (issue 6 format), all lines or none; then ranked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funeng.apps.matching.interchange import ImportRejected, needs_import
from funeng.apps.matching.management.commands._common import acting_user, report_rejection


class Command(BaseCommand):
    help = (
        "Import needs from a JSONL file; every line is checked first and nothing is written if any is bad. "
        "Imported open needs are ranked against the catalogue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="needs JSONL")
        parser.add_argument("--dry-run", action="store_true", help="check every line and write nothing")
        parser.add_argument("--no-rank", action="store_true", help="do not rank the imported needs now")
        parser.add_argument("--user", default="", help="username recorded in the audit log (default: system)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=1)
        user = acting_user(options["user"])
        try:
            report = needs_import(
                path=path, acting_user=user, dry_run=options["dry_run"], rank=not options["no_rank"]
            )
        except ImportRejected as error:
            raise report_rejection(self, error) from None
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(f"{path.name}: {verb} {report.created} new and {report.updated} updated needs")
        if report.ranked:
            self.stdout.write(f"ranked {report.ranked} open needs")
