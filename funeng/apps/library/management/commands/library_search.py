"""`funeng library_search "QUERY" [--k 10] [filters] [--json]`: ranked clauses with snippets."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.library.search import SearchFilters
from funeng.apps.enterprises.management.commands._cli import fail_usage
from funeng.apps.library.selectors import library_search, search_row


class Command(BaseCommand):
    help = "Search the library's clauses (jieba words and character bigrams, BM25)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query")
        parser.add_argument("--k", type=int, default=10, help="how many clauses (1–100)")
        parser.add_argument("--issuer", default=None)
        parser.add_argument("--level", default=None)
        parser.add_argument("--region", default=None, help="GB/T 2260 code or prefix")
        parser.add_argument("--year-from", type=int, default=None)
        parser.add_argument("--year-to", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["k"] <= 100:
            fail_usage(f"--k must be between 1 and 100, not {options['k']}")
        if not options["query"].strip():
            fail_usage("the query is empty")
        filters = SearchFilters(
            issuer=options["issuer"],
            level=options["level"],
            region_code=options["region"],
            year_from=options["year_from"],
            year_to=options["year_to"],
        )
        results = library_search(options["query"], k=options["k"], filters=filters)
        rows = [search_row(r) for r in results]
        if options["json"]:
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
            return
        for row in rows:
            sys.stdout.write(f"{row['score']:.2f}\t{row['clause']}\t{row['snippet']}\n")
