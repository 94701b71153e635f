"""`funeng matching_export_needs FILE`: needs as JSONL (issue 6 format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.matching.const import NeedStatus
from funeng.apps.matching.interchange import needs_export
from funeng.apps.matching.models import Need

ALL = "all"


class Command(BaseCommand):
    help = "Export needs as JSONL (default: open ones); FILE '-' writes to standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="output file, or - for standard output")
        parser.add_argument(
            "--status",
            choices=[*NeedStatus.values, ALL],
            default=NeedStatus.OPEN,
            help="which needs (default: open)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        needs = Need.objects.select_related("enterprise").order_by("pk")
        if options["status"] != ALL:
            needs = needs.filter(status=options["status"])
        if options["file"] == "-":
            needs_export(self.stdout, needs.iterator(chunk_size=2000))
            return
        path = Path(options["file"])
        with path.open("w", encoding="utf-8") as out:
            count = needs_export(out, needs.iterator(chunk_size=2000))
        self.stdout.write(f"wrote {count} needs to {path}")
