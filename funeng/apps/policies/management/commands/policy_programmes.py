"""`funeng policy_programmes`: the policy programmes the rules engine knows, with the fields they read."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.rules.loader import RuleError, load_programmes
from funeng.apps.enterprises.management.commands._cli import fail_usage


class Command(BaseCommand):
    help = "List policy programmes (id, name, region, version, fields read)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programmes = load_programmes()
        except RuleError as exc:
            fail_usage(str(exc))
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "name_en": p.name_en,
                "issuing_body": p.issuing_body,
                "region_code": p.region_code,
                "version": p.version,
                "effective_from": p.effective_from.isoformat(),
                "effective_to": p.effective_to.isoformat() if p.effective_to else None,
                "fields": p.fields(),
            }
            for p in programmes.values()
        ]
        if options["json"]:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(
                "".join(f"{r['id']}\t{r['region_code']}\t{r['version']}\t{r['name']}\n" for r in rows)
            )
