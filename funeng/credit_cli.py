"""`funeng credit_fit`, `credit_score` and `credit_monitor`: a bank analyst's scorecard commands.

They read files and no database, so funeng/cli.py runs them before Django is set up. Bad input,
a model that is not monotone where required, or a column the model needs that the data lacks is
one line on stderr and exit code 2; nothing is written then.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import polars as pl

from engines.credit.fit import (
    MONOTONE,
    FitOptions,
    NotMonotoneError,
    TrainingDataError,
    bad_outcome,
    fit_scorecard,
)
from engines.credit.metrics import auc, gini, ks
from engines.credit.model import ModelFileError, Scorecard, load
from engines.credit.monitor import score_stability, variable_stability
from engines.credit.score import MissingColumnError, reasons_json, score_batch


class InputError(ValueError):
    """A data file that cannot be read."""


def read_table(path: Path) -> pl.DataFrame:
    """A CSV (UTF-8, header row) or Parquet file; every column's type is inferred from all its rows."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path)
        return pl.read_csv(path, infer_schema_length=None, null_values=[""], encoding="utf8")
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: {error}") from None


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def _validation(model: Scorecard, frame: pl.DataFrame) -> dict[str, Any]:
    bad = bad_outcome(frame, model.target, model.bad_value)
    risk = score_batch(model, frame).get_column("pd").to_numpy()
    value = auc(bad, risk)
    return {
        "rows": frame.height,
        "auc": round(value, 4),
        "ks": round(ks(bad, risk), 4),
        "gini": round(gini(value), 4),
    }


def _print_table(model: Scorecard, summary: dict[str, Any]) -> None:
    out = sys.stdout.write
    out(f"train: AUC {summary['auc']:.4f}  KS {summary['ks']:.4f}  Gini {summary['gini']:.4f}\n")
    if "validation" in summary:
        v = summary["validation"]
        out(f"validation ({v['rows']} rows): AUC {v['auc']:.4f}  KS {v['ks']:.4f}  Gini {v['gini']:.4f}\n")
    for variable in model.variables:
        out(f"\n{variable.name}  ({variable.kind}, IV {variable.iv:.4f}, bad rate {variable.trend})\n")
        out(f"  {'bin':<40} {'count':>7} {'bad rate':>9} {'WOE':>8} {'points':>8}\n")
        for b in variable.bins:
            rate = "" if b.bad_rate is None else f"{b.bad_rate:.3f}"
            out(f"  {b.label[:40]:<40} {b.count:>7} {rate:>9} {b.woe:>8.3f} {b.points:>8.1f}\n")
    for item in summary["excluded"]:
        out(f"left out: {item['name']}: {item['reason']}\n")
    for warning in summary["warnings"]:
        out(f"warning: {warning}\n")


def fit_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="funeng credit_fit",
        description="Fit a WOE scorecard with monotone optimal bins; every column but the target is a candidate.",
    )
    parser.add_argument(
        "--data", type=Path, required=True, help="training file (CSV with a header row, or Parquet)"
    )
    parser.add_argument("--target", required=True, help="the outcome column")
    parser.add_argument("--bad", required=True, help="the target value that means the bad outcome")
    parser.add_argument("--model", type=Path, required=True, help="where to write the model (JSON)")
    parser.add_argument("--monotone", choices=MONOTONE, default="auto", help="bad-rate trend of numeric bins")
    parser.add_argument("--validation", type=Path, help="a held-out file to report AUC, KS and Gini on")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    try:
        frame = read_table(args.data)
        validation = read_table(args.validation) if args.validation else None
        report = fit_scorecard(
            frame,
            args.target,
            args.bad,
            FitOptions(monotone=args.monotone),
            data_sha256=hashlib.sha256(args.data.read_bytes()).hexdigest(),
        )
        summary = report.summary()
        if validation is not None:
            summary["validation"] = _validation(report.model, validation)
            report.model.metadata["validation"] = summary["validation"]
    except (InputError, TrainingDataError, NotMonotoneError, MissingColumnError, ValueError) as error:
        return _fail(str(error))
    report.model.save(args.model)
    for warning in report.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    if args.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    else:
        _print_table(report.model, summary)
    return 0


def score_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="funeng credit_score",
        description="Score a file with a scorecard: score, pd and up to four reasons per row, in input order.",
    )
    parser.add_argument("--model", type=Path, required=True, help="a model written by credit_fit")
    parser.add_argument(
        "--data", type=Path, required=True, help="applicants (CSV or Parquet); other columns are ignored"
    )
    parser.add_argument("--output", type=Path, required=True, help="CSV to write: score, pd, reasons")
    args = parser.parse_args(argv)
    try:
        model = load(args.model)
        frame = read_table(args.data)
        scored = score_batch(model, frame)
    except (InputError, ModelFileError, MissingColumnError, ValueError) as error:
        return _fail(str(error))
    scored.select(pl.col("score").round(2), pl.col("pd").round(6)).with_columns(
        reasons_json(scored)
    ).write_csv(args.output)
    sys.stdout.write(f"scored {scored.height} rows -> {args.output}\n")
    return 0


def monitor_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="funeng credit_monitor",
        description="Population stability of the score (PSI) and of each variable (CSI), baseline against recent.",
    )
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--baseline", type=Path, required=True, help="the population the model was built on")
    parser.add_argument("--recent", type=Path, required=True, help="a recent population of applicants")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        model = load(args.model)
        baseline, recent = read_table(args.baseline), read_table(args.recent)
        score = score_stability(model, baseline, recent)
        variables = variable_stability(model, baseline, recent)
    except (InputError, ModelFileError, MissingColumnError, ValueError) as error:
        return _fail(str(error))
    if args.json:
        result = {"psi": score.as_dict(), "csi": [v.as_dict() for v in variables]}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"score PSI {score.value:.4f} ({score.band})\n")
        for v in variables:
            sys.stdout.write(f"  {v.name:<40} CSI {v.value:.4f} ({v.band})\n")
    return 0
