"""`funeng library_measures --document ID [--json]`: a document's measures with units and targets."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.library.management.commands._library_cli import document_or_fail, target_json


class Command(BaseCommand):
    help = "List a document's numbered measures: title, lead and co-responsible units, numeric targets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", required=True, help="document id")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        document = document_or_fail(options["document"])
        rows: list[dict[str, Any]] = [
            {
                "no": m.no,
                "title": m.title,
                "clause": m.clause_key,
                "lead_unit": m.lead_unit,
                "units": list(m.units),
                "targets": [target_json(t) for t in m.targets.order_by("position")],
            }
            for m in document.measures.order_by("position").prefetch_related("targets")
        ]
        if options["json"]:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
            return
        for row in rows:
            sys.stdout.write(
                f"{row['no']}\t{row['title']}\t{'、'.join(row['units'])}\t{len(row['targets'])}\n"
            )
