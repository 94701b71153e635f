"""Benchmark the credit engine: scorecard fit, batch scoring, one applicant with reasons, German credit.

Run: .venv/bin/python benchmarks/credit.py [--fit-rows 100000] [--score-rows 1000000]

Targets (issue 14): batch scoring of 1,000,000 applicants < 2 s; one applicant with reasons < 10 ms;
fit time on 100,000 rows is reported (no target). Also prints the held-out AUC and KS on the public
German credit data (target AUC >= 0.80 with every numeric bin monotone) and the collateral value of
a synthetic evidence book in batch. Timings are best of 3 after a warm-up; data is synthetic
(engines.credit.synthetic) with fixed seeds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from engines.credit.fit import fit_scorecard  # noqa: E402
from engines.credit.metrics import auc, ks, stratified_split  # noqa: E402
from engines.credit.score import reasons_json, score_batch, score_one  # noqa: E402
from engines.credit.synthetic import BAD, TARGET, loan_book  # noqa: E402

GERMAN = ROOT / "benchmarks" / "data" / "credit" / "german_credit.csv"
SPLIT_SEED = 20261207
BATCH_TARGET, ONE_TARGET_MS = 2.0, 10.0


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    work()
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-rows", type=int, default=100_000)
    parser.add_argument("--score-rows", type=int, default=1_000_000)
    args = parser.parse_args()

    frame = pl.read_csv(GERMAN)
    bad = (frame.get_column("creditability") == "bad").to_numpy()
    test = stratified_split(bad, 0.3, SPLIT_SEED)
    german = fit_scorecard(frame.filter(pl.Series(~test)), "creditability", "bad")
    held_out = frame.filter(pl.Series(test))
    risk = score_batch(german.model, held_out).get_column("pd").to_numpy()
    test_auc = auc(bad[test], risk)
    print(
        f"German credit (1,000 loans, stratified 70/30, seed {SPLIT_SEED}): train AUC {german.auc:.4f}, "
        f"test AUC {test_auc:.4f}, test KS {ks(bad[test], risk):.4f}, {len(german.model.variables)} variables, "
        f"monotone {german.summary()['monotone']}  [target test AUC >= 0.80: {verdict(test_auc >= 0.80)}]"
    )
    spread = []
    for seed in range(10):
        mask = stratified_split(bad, 0.3, seed)
        model = fit_scorecard(frame.filter(pl.Series(~mask)), "creditability", "bad").model
        spread.append(
            auc(bad[mask], score_batch(model, frame.filter(pl.Series(mask))).get_column("pd").to_numpy())
        )
    print(
        f"  the same fit on 10 other 70/30 splits: test AUC mean {statistics.mean(spread):.4f}, "
        f"min {min(spread):.4f}, max {max(spread):.4f}"
    )

    book = loan_book(args.fit_rows, 1)
    start = time.perf_counter()
    report = fit_scorecard(book, TARGET, BAD)
    fit_seconds = time.perf_counter() - start
    print(
        f"fit on {args.fit_rows:,} synthetic loans ({book.width - 1} candidates): {fit_seconds:.2f} s, "
        f"train AUC {report.auc:.4f}, {len(report.model.variables)} variables kept"
    )

    applicants = loan_book(args.score_rows, 2).drop(TARGET)
    seconds, scored = best_of(3, lambda: score_batch(report.model, applicants))
    print(
        f"batch scoring of {args.score_rows:,} applicants (score, pd, 4 reasons as columns): {seconds:.3f} s  "
        f"[target < {BATCH_TARGET:g} s: {verdict(seconds < BATCH_TARGET)}]"
    )
    json_seconds, _ = best_of(3, lambda: reasons_json(scored))
    print(f"  + reasons as JSON text for the CSV output: {json_seconds:.3f} s")

    rows = [applicants.row(i, named=True) for i in range(2_000)]
    latencies = []
    for row in rows:
        start = time.perf_counter()
        score_one(report.model, row)
        latencies.append((time.perf_counter() - start) * 1000)
    p50, p99 = float(np.percentile(latencies, 50)), float(np.percentile(latencies, 99))
    print(
        f"one applicant with reasons and explanation: median {p50:.3f} ms, p99 {p99:.3f} ms  "
        f"[target < {ONE_TARGET_MS:g} ms: {verdict(p99 < ONE_TARGET_MS)}]"
    )

    try:
        from engines.credit.collateral import value_batch
    except ImportError:
        return
    rng = np.random.default_rng(3)
    n = args.score_rows
    evidence = pl.DataFrame(
        {
            "credit_code": [f"E{i % (n // 10):07d}" for i in range(n)],
            "kind": "cloud_usage",
            "category": rng.choice(["compute", "storage", "saas", "industrial_internet", "other"], n),
            "amount_cny": np.round(rng.lognormal(np.log(5_000), 1.0, n), 2),
            "on": pl.Series(np.datetime64("2026-11-01") - rng.integers(0, 700, n).astype("timedelta64[D]")),
            "provenance": "provider_reported",
        }
    ).with_columns(pl.col("on").cast(pl.Date).dt.month_start())
    seconds, _ = best_of(3, lambda: value_batch(evidence, dt.date(2026, 12, 1)))
    print(f"collateral value of {n:,} bill lines for {n // 10:,} enterprises in batch: {seconds:.3f} s")


if __name__ == "__main__":
    main()
