"""`funeng matching_import_solutions FILE`: solutions JSONL (issue 6 format), all lines or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funeng.apps.matching.interchange import ImportRejected, solutions_import
from funeng.apps.matching.management.commands._common import acting_user, report_rejection


class Command(BaseCommand):
    help = (
        "Import solutions from a JSONL file; every line is checked first and nothing is written if any "
        "is bad. A line whose id was imported before updates that solution."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="solutions JSONL")
        parser.add_argument(
            "--create-providers",
            action="store_true",
            help="create unknown providers as applications awaiting vetting (their solutions stay drafts)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every line and write nothing")
        parser.add_argument("--user", default="", help="username recorded in the audit log (default: system)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=1)
        user = acting_user(options["user"])
        try:
            report = solutions_import(
                path=path,
                acting_user=user,
                create_providers=options["create_providers"],
                dry_run=options["dry_run"],
            )
        except ImportRejected as error:
            raise report_rejection(self, error) from None
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(f"{path.name}: {verb} {report.created} new and {report.updated} updated solutions")
        if report.providers_created:
            self.stdout.write(
                f"providers created as applications awaiting vetting: {', '.join(report.providers_created)}"
            )
        if report.drafts:
            self.stdout.write(f"{report.drafts} solutions kept as drafts until their provider is approved")
