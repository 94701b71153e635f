"""`funeng assessment_score`: score one response (.json) or many (.jsonl → Parquet) with the maturity engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.maturity import AnswerError, answers_frame, score_frame, score_response
from funeng.apps.assessment.management.commands._cli import emit, fail_usage, framework_or_fail


def _read_json(path: Path, line: int | None, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{path}" if line is None else f"{path} line {line}"
        fail_usage(f"{where}: not valid JSON ({exc.msg})")


class Command(BaseCommand):
    help = "Score answers: FILE.json → result JSON; FILE.jsonl with --output FILE.parquet → one row per line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="framework id, e.g. miit-2024-manufacturing")
        parser.add_argument(
            "--answers", required=True, type=Path, help="answers .json (one) or .jsonl (batch)"
        )
        parser.add_argument("--output", type=Path, help="Parquet file for batch results")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = framework_or_fail(options["framework"])
        path: Path = options["answers"]
        if not path.is_file():
            fail_usage(f"{path}: no such file")
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".jsonl" or options["output"] is not None:
            self._batch(framework, path, text, options["output"])
            return
        answers = _read_json(path, None, text)
        if not isinstance(answers, dict):
            fail_usage(f"{path}: expected a JSON object mapping question id → answer")
        try:
            result = score_response(framework, answers)
        except AnswerError as exc:
            fail_usage("; ".join(str(e) for e in exc.errors))
        if options["json"]:
            emit(result.as_dict())
        else:
            self.stdout.write(f"{result.score} {result.level_name_zh}: {result.explanation_text}")

    def _batch(self, framework: Any, path: Path, text: str, output: Path | None) -> None:
        if output is None:
            fail_usage("batch scoring of .jsonl needs --output FILE.parquet")
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                value = _read_json(path, number, line)
                if not isinstance(value, dict):
                    fail_usage(f"{path} line {number}: expected a JSON object")
                rows.append(value)
        try:
            scored = score_frame(framework, answers_frame(framework, rows))
        except AnswerError as exc:
            # rows are 0-based in the engine; people count file lines from 1
            fail_usage(
                "; ".join(
                    f"line {e.row + 1 if e.row is not None else '?'}: {e.question_id}: {e.reason}"
                    for e in exc.errors
                )
            )
        scored.write_parquet(output)
        self.stdout.write(f"{output}: {scored.height} responses scored")
