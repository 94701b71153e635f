"""Benchmark the classification engine: batch size + DE classes over a 1,000,000-row region snapshot.

Run: .venv/bin/python benchmarks/classify.py [--rows 1000000] [--parquet PATH]

The snapshot comes from the demo generator (seed 1) and is cached as Parquet under var/bench/, so
later runs time only the load and the engines. Each batch step is timed best of 3 after a warm-up;
the one-at-a-time path runs on 10,000 rows for comparison.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from engines.classify import digital_economy_class, size_class  # noqa: E402
from engines.classify.batch import digital_economy_class_batch, size_class_batch  # noqa: E402
from funeng.apps.demo import generator  # noqa: E402
from funeng.apps.demo.generator import generate_enterprises  # noqa: E402

SEED = 1
TARGET_ROWS = 1_000_000
TARGET_SECONDS = 2.0
ONE_PATH_ROWS = 10_000
SIZE_COLUMNS = ("industry_code", "employees", "revenue_cny", "assets_cny")


def default_path(rows: int) -> Path:
    label = "1m" if rows == 1_000_000 else str(rows)
    return ROOT / "var" / "bench" / f"enterprises_{label}_seed{SEED}.parquet"


def best_of(function: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """Seconds of the fastest of `runs` calls, after one untimed warm-up call."""
    result = function()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def snapshot(rows: int, path: Path) -> Path:
    """Generate the snapshot unless an up-to-date Parquet file with the right row count is already there."""
    fresh = path.exists() and path.stat().st_mtime >= Path(generator.__file__).stat().st_mtime
    if fresh and pl.scan_parquet(path).select(pl.len()).collect().item() == rows:
        print(f"snapshot: {path} (cached, {rows:,} rows)")
        return path
    started = time.perf_counter()
    frame = generate_enterprises(rows, SEED)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    print(
        f"snapshot: generated {rows:,} rows (seed {SEED}) into {path} in {time.perf_counter() - started:.2f} s"
    )
    return path


def one_at_a_time(frame: pl.DataFrame) -> None:
    for code, employees, revenue, assets in frame.select(SIZE_COLUMNS).iter_rows():
        size_class(code, employees, revenue, assets)
        digital_economy_class(code)


def line(label: str, seconds: float, rows: int) -> None:
    print(f"{label:<28} {seconds:8.3f} s  {rows / seconds:>14,.0f} rows/s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=TARGET_ROWS, help="rows in the snapshot (default 1,000,000)"
    )
    parser.add_argument("--parquet", type=Path, help="read (or create) the snapshot at this path")
    args = parser.parse_args(argv)
    path = snapshot(args.rows, args.parquet or default_path(args.rows))

    load_s, frame = best_of(lambda: pl.read_parquet(path))
    rows = frame.height
    sizing = frame.select(SIZE_COLUMNS)
    codes = frame.select("industry_code")
    size_s, sized = best_of(lambda: size_class_batch(sizing))
    de_s, _ = best_of(lambda: digital_economy_class_batch(codes))
    combined = size_s + de_s

    sample = frame.head(ONE_PATH_ROWS)
    started = time.perf_counter()
    one_at_a_time(sample)
    one_s = time.perf_counter() - started

    print(f"rows: {rows:,}  (best of 3 after one warm-up)")
    line("load Parquet", load_s, rows)
    line("size_class_batch", size_s, rows)
    line("digital_economy_class_batch", de_s, rows)
    line("size + DE (batch)", combined, rows)
    line(f"size + DE one path ({sample.height:,})", one_s, sample.height)
    print(
        f"one path would take ~{one_s / sample.height * rows:,.0f} s for {rows:,} rows "
        f"(batch is {one_s / sample.height * rows / combined:,.0f}x faster)"
    )
    counts = sized.group_by("size_class").len().sort("size_class").iter_rows()
    print("size classes: " + ", ".join(f"{name} {count:,}" for name, count in counts))

    scaled = combined * TARGET_ROWS / rows
    verdict = "PASS" if scaled < TARGET_SECONDS else "FAIL"
    note = "" if rows == TARGET_ROWS else f" (scaled from {rows:,} rows: {scaled:.3f} s)"
    print(f"target: size + DE for 1,000,000 rows < {TARGET_SECONDS} s: {combined:.3f} s{note} {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
