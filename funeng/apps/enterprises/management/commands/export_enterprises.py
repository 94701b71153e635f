"""`funeng export_enterprises FILE`: the whole registry as .csv (UTF-8 with BOM) or .xlsx, by extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funeng.apps.enterprises.exporting import FORMATS, enterprises_export
from funeng.apps.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "Export every enterprise to FILE; the format follows the extension (.csv or .xlsx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="target file ending in .csv or .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(f"{path}: the file name must end in .csv or .xlsx", returncode=1)
        # The CLI runs with shell access to the database, so it exports the whole registry.
        count = enterprises_export(queryset=Enterprise.objects.order_by("id"), fmt=fmt, path_or_stream=path)
        self.stdout.write(f"{path}: {count} enterprises exported")
