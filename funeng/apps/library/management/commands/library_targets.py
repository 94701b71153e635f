"""`funeng library_targets --document ID [--json]`: every numeric target of a document, in order."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.library.management.commands._library_cli import document_or_fail, target_json


class Command(BaseCommand):
    help = "List a document's numeric targets: value (base unit), unit, year, comparison, what, source text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--document", required=True, help="document id")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        document = document_or_fail(options["document"])
        rows = [target_json(t) for t in document.targets.order_by("position")]
        if options["json"]:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
            return
        for row in rows:
            sys.stdout.write(f"{row['year']}\t{row['op']}\t{row['value']}\t{row['unit']}\t{row['what']}\n")
