"""Benchmark assessment scoring: batch-score 1,000,000 responses from Parquet, loop the one path on 20,000.

Run: .venv/bin/python benchmarks/assessment.py [--rows 1000000] [--loop-rows 20000] [--framework ID]

Targets (issue 4): 1M responses in under 10 s with the batch path, and at least 50x the per-response loop.
Responses are random but valid (numpy, seed 1), about 5 % of answers missing; the Parquet file is
cached under var/bench/. The batch time includes reading the Parquet file.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from engines.maturity import get_framework, score_frame, score_response  # noqa: E402
from engines.maturity.framework import Framework  # noqa: E402

SEED = 1
TARGET_SECONDS = 10.0
TARGET_RATIO = 50.0


def generate(framework: Framework, rows: int, seed: int = SEED) -> pl.DataFrame:
    """Random valid responses, vectorized; about 5 % of answers are missing."""
    rng = np.random.default_rng(seed)
    columns: dict[str, pl.Series] = {}

    def holes(series: pl.Series) -> pl.Series:
        return pl.select(
            pl.when(pl.lit(pl.Series(rng.random(rows) < 0.05))).then(None).otherwise(series)
        ).to_series()

    for q in framework.questions:
        if q.type == "single":
            ids = np.array([o.id for o in q.options])
            columns[q.id] = holes(pl.Series(q.id, ids[rng.integers(0, len(ids), rows)]))
        elif q.type == "multiple":
            plain = [o.id for o in q.options if not o.exclusive]
            picks = rng.random((rows, len(plain))) < 0.5
            frame = pl.DataFrame({o: pl.Series(picks[:, i]) for i, o in enumerate(plain)})
            lists = frame.select(
                pl.concat_list(
                    [pl.when(pl.col(o)).then(pl.lit(o)).otherwise(None) for o in plain]
                ).list.drop_nulls()
            ).to_series()
            columns[q.id] = holes(lists.alias(q.id))
        elif q.type == "number":
            high = q.max_value if q.max_value is not None else 100.0
            columns[q.id] = holes(pl.Series(q.id, rng.uniform(0, high, rows)))
        elif q.type == "before_after":
            high = q.max_value if q.max_value is not None else 100.0
            before = rng.uniform(1, high * 0.9, rows)
            after = np.clip(before * rng.uniform(0.8, 1.25, rows), 0, high)
            missing = rng.random(rows) < 0.05
            columns[f"{q.id}__before"] = pl.Series(np.where(missing, np.nan, before)).fill_nan(None)
            columns[f"{q.id}__after"] = pl.Series(np.where(missing, np.nan, after)).fill_nan(None)
        else:
            columns[q.id] = holes(pl.Series(q.id, rng.integers(0, 5, rows)))
    return pl.DataFrame(columns).with_row_index("response_id")


def to_answers(frame: pl.DataFrame, framework: Framework) -> list[dict[str, object]]:
    """Answer mappings for the one path (built before timing starts)."""
    result: list[dict[str, object]] = []
    for row in frame.iter_rows(named=True):
        answers: dict[str, object] = {}
        for q in framework.questions:
            if q.type == "before_after":
                if row[f"{q.id}__before"] is not None:
                    answers[q.id] = {"before": row[f"{q.id}__before"], "after": row[f"{q.id}__after"]}
            elif row[q.id] is not None:
                answers[q.id] = row[q.id]
        result.append(answers)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loop-rows", type=int, default=20_000)
    parser.add_argument("--framework", default="miit-2024-manufacturing")
    args = parser.parse_args()
    framework = get_framework(args.framework)
    path = ROOT / "var" / "bench" / f"maturity_{args.framework}_{args.rows}_seed{SEED}.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(framework, args.rows).write_parquet(path)
        print(f"generated {args.rows:,} responses in {time.perf_counter() - started:.1f} s → {path}")
    score_frame(framework, pl.read_parquet(path, n_rows=1000))  # warm-up
    started = time.perf_counter()
    scored = score_frame(framework, pl.read_parquet(path))
    batch_seconds = time.perf_counter() - started
    batch_rate = scored.height / batch_seconds

    sample = to_answers(pl.read_parquet(path, n_rows=args.loop_rows), framework)
    started = time.perf_counter()
    for answers in sample:
        score_response(framework, answers)
    loop_seconds = time.perf_counter() - started
    loop_rate = len(sample) / loop_seconds
    ratio = batch_rate / loop_rate
    levels = scored.get_column("level").value_counts().sort("level")
    print(f"framework: {framework.id} {framework.version}")
    print(
        f"batch: {scored.height:,} responses in {batch_seconds:.2f} s = {batch_rate:,.0f}/s (target < {TARGET_SECONDS:.0f} s)"
    )
    print(f"one path loop: {len(sample):,} responses in {loop_seconds:.2f} s = {loop_rate:,.0f}/s")
    print(f"ratio: {ratio:.0f}x (target ≥ {TARGET_RATIO:.0f}x)")
    print("levels:", dict(levels.iter_rows()))
    met = batch_seconds < TARGET_SECONDS * scored.height / 1_000_000 and ratio >= TARGET_RATIO
    print("targets met" if met else "TARGETS MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
