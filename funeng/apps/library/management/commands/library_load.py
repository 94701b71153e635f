"""`funeng library_load [--json]`: store the library's shipped documents (the seeds); unchanged ones stay."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.library.content import library_load_seeds


class Command(BaseCommand):
    help = "Ingest the policy documents shipped with Funeng (engines/library/content/manifest.yaml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [
            {
                "id": o.document.slug,
                "title": o.document.title,
                "version": o.document.version,
                "changed": o.changed,
                "clauses": o.clauses,
                "measures": o.measures,
                "targets": o.targets,
            }
            for o in library_load_seeds()
        ]
        if options["json"]:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
            return
        stored = sum(1 for row in rows if row["changed"])
        sys.stdout.write(f"library: {len(rows)} documents, {stored} stored or updated\n")
