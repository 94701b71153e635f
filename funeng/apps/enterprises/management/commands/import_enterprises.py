"""`funeng import_enterprises FILE [--dry-run]`: all rows or none; the report goes to stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from funeng.apps.enterprises.importing import enterprises_import, issue_line
from funeng.apps.tasks.progress import ConsoleProgress


class Command(BaseCommand):
    help = "Import enterprises from a CSV (UTF-8, UTF-8 with BOM or GBK) or XLSX file; exit 1 on any error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .csv or .xlsx file made from the import template")
        parser.add_argument("--dry-run", action="store_true", help="validate every row and write nothing")
        parser.add_argument("--user", default="", help="username recorded in the audit log (default: system)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=1)
        acting_user = None
        if options["user"]:
            try:
                acting_user = get_user_model().objects.get_by_natural_key(options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user {options['user']!r}", returncode=1) from None
        # A bar on a terminal; nothing when the output goes to a file or a pipe (scripts, tests).
        with ConsoleProgress(path.name, enabled=sys.stderr.isatty()) as progress:
            report = enterprises_import(
                path=path, acting_user=acting_user, dry_run=options["dry_run"], progress=progress
            )
        for issue in report.errors:
            self.stderr.write(f"error: {issue_line(issue)}")
        if report.error_count > len(report.errors):
            self.stderr.write(f"error: … {report.error_count - len(report.errors)} more errors not listed")
        for issue in report.warnings:
            self.stderr.write(f"warning: {issue_line(issue)}")
        if report.warning_count > len(report.warnings):
            self.stderr.write(
                f"warning: … {report.warning_count - len(report.warnings)} more warnings not listed"
            )
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)
        self.stdout.write(report.summary())
