"""`funeng policy_fields`: the enterprise field dictionary the policy rules read."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.rules.fields import FIELDS


class Command(BaseCommand):
    help = "Print the enterprise field dictionary (name, type, unit, meaning; null = unknown)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [spec.as_dict() for spec in FIELDS.values()]
        if options["json"]:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write("".join(f"{r['name']}\t{r['type']}\t{r['unit']}\t{r['zh']}\n" for r in rows))
