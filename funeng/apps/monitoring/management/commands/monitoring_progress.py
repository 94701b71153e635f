"""`funeng monitoring_progress --input FILE.csv [--json]`: the progress of each indicator towards its target."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engines.monitoring.progress import STATUS_LABELS, ProgressInputError, progress_batch, read_observations
from funeng.apps.enterprises.management.commands._cli import fail_usage


def _ratio_text(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _rate_text(value: float | None, method: str | None) -> str:
    if value is None:
        return ""
    return f"{value * 100:+.1f}%" if method == "growth" else f"{value:+.4g}"


class Command(BaseCommand):
    help = (
        "Progress of each indicator towards its target, from a CSV of baselines, targets and latest values."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--input",
            required=True,
            help="CSV file with the columns indicator, direction, baseline_year, baseline_value, "
            "target_year, target_value, year, value",
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["input"])
        if not path.is_file():
            fail_usage(f"{path}: no such file; give the path of a progress CSV file with --input")
        try:
            frame = read_observations(path)
        except ProgressInputError as exc:
            for problem in exc.problems:
                sys.stderr.write(f"error: {problem}\n")
            raise SystemExit(2) from None
        except OSError as exc:
            fail_usage(f"{path}: {exc.strerror or exc}")
        rows = progress_batch(frame).to_dicts()
        if options["json"]:
            payload = [
                {
                    "indicator": row["indicator"],
                    "status": row["status"],
                    "ratio": row["ratio"],
                    "observed_rate": row["observed_rate"],
                    "required_rate": row["required_rate"],
                }
                for row in rows
            ]
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
            return
        table = [("indicator", "status", "ratio", "observed", "required", "method")]
        for row in rows:
            zh, en = STATUS_LABELS[row["status"]]
            table.append(
                (
                    row["indicator"],
                    f"{en} {zh}",
                    _ratio_text(row["ratio"]),
                    _rate_text(row["observed_rate"], row["method"]),
                    _rate_text(row["required_rate"], row["method"]),
                    row["method"] or "",
                )
            )
        widths = [max(_width(line[i]) for line in table) for i in range(len(table[0]))]
        for line in table:
            cells = [cell + " " * (width - _width(cell)) for cell, width in zip(line, widths, strict=True)]
            sys.stdout.write("  ".join(cells).rstrip() + "\n")


def _width(text: str) -> int:
    """Columns a terminal gives the text: a Chinese character takes two."""
    return sum(2 if "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" else 1 for char in text)
