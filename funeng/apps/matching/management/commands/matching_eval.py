"""`funeng matching_eval`: NDCG@10, Recall@50 and MRR of the engine and of plain BM25 on judged needs.

With --model FILE, the engine re-scored by a learned re-ranker is a third column ("engine+ltr").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.match import MatchInputError, read_needs, read_qrels, read_solutions
from engines.match.evaluate import LOW_OVERLAP, engine_runs, evaluate
from engines.match.ltr import ModelError, load
from engines.match.metrics import score_runs
from funeng.apps.enterprises.management.commands._cli import fail_usage


class Command(BaseCommand):
    help = "Evaluate the ranking engine against graded judgments, next to a plain BM25 baseline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--solutions", required=True, type=Path, help="solutions JSONL")
        parser.add_argument("--needs", required=True, type=Path, help="needs JSONL")
        parser.add_argument(
            "--qrels", required=True, type=Path, help="judgments TSV: need_id, solution_id, grade"
        )
        parser.add_argument(
            "--model", type=Path, default=None, help="learned re-ranker file: adds an engine+ltr column"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            solutions = read_solutions(options["solutions"])
            needs = read_needs(options["needs"])
            qrels = read_qrels(
                options["qrels"], need_ids={n.id for n in needs}, solution_ids={s.id for s in solutions}
            )
            model = load(options["model"]) if options["model"] is not None else None
        except (MatchInputError, ModelError) as exc:
            fail_usage(str(exc))
        if not solutions:
            fail_usage(f"{options['solutions'].name}: no solutions to rank")
        if not any(g >= 1 for judged in qrels.values() for g in judged.values()):
            fail_usage(f"{options['qrels'].name}: no judgment with grade 1-3, nothing to evaluate")
        result = evaluate(solutions, needs, qrels)
        ltr = ltr_low = None
        if model is not None:
            runs = engine_runs(solutions, needs, model=model)
            ltr = score_runs(runs, qrels, [n.id for n in needs])
            ltr_low = score_runs(runs, qrels, result.low_overlap_ids)
        if options["json"]:
            payload = result.as_dict()
            if ltr is not None and ltr_low is not None:
                payload["engine_ltr"] = ltr.as_dict()
                low = payload["low_overlap"]
                assert isinstance(low, dict)
                low["engine_ltr"] = ltr_low.as_dict()
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        rows = [
            (f"all needs ({result.engine.needs})", result.engine, result.bm25, ltr),
            (
                f"low overlap ≤ {LOW_OVERLAP:g} ({result.low_engine.needs})",
                result.low_engine,
                result.low_bm25,
                ltr_low,
            ),
        ]
        self.stdout.write(f"{'':32} {'':10} {'NDCG@10':>8} {'Recall@50':>10} {'MRR':>7}")
        for label, engine, bm25, learned in rows:
            columns = [("engine", engine), ("bm25", bm25)]
            if learned is not None:
                columns.insert(1, ("engine+ltr", learned))
            for name, scores in columns:
                self.stdout.write(
                    f"{label:32} {name:10} {scores.ndcg10:8.4f} {scores.recall50:10.4f} {scores.mrr:7.4f}"
                )
                label = ""
