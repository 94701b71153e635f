"""`funeng matching_rank`: rank the solutions of a JSONL catalogue for every need of a JSONL file (no database)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.match import MatchInputError, build_index, rank_needs, read_needs, read_solutions
from funeng.apps.enterprises.management.commands._cli import fail_usage


class Command(BaseCommand):
    help = "Rank solutions for needs (interchange JSONL files) and explain every result."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--solutions", required=True, type=Path, help="solutions JSONL")
        parser.add_argument("--needs", required=True, type=Path, help="needs JSONL")
        parser.add_argument("--k", type=int, default=10, help="results per need (default 10)")
        parser.add_argument("--json", action="store_true", help="print JSON: a list, one object per need")

    def handle(self, *args: Any, **options: Any) -> None:
        k: int = options["k"]
        if k < 1:
            fail_usage(f"--k must be at least 1, got {k}")
        try:
            solutions = read_solutions(options["solutions"])
            needs = read_needs(options["needs"])
        except MatchInputError as exc:
            fail_usage(str(exc))
        if not solutions:
            fail_usage(f"{options['solutions'].name}: no solutions to rank")
        rankings = rank_needs(build_index(solutions), needs, k)
        if options["json"]:
            sys.stdout.write(json.dumps([r.as_dict() for r in rankings], ensure_ascii=False) + "\n")
            return
        titles = {n.id: n.title for n in needs}
        for ranking in rankings:
            self.stdout.write(f"{ranking.need_id} {titles[ranking.need_id]}")
            if not ranking.matches:
                self.stdout.write("  (no matching solution)")
            for match in ranking.matches:
                self.stdout.write(
                    f"  {match.rank:>2}. {match.solution_id} {match.score:.3f} {match.title} — {match.explanation_zh}"
                )
