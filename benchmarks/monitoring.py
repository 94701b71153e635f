"""Benchmark the platform indicators: 10,000,000 enterprises × every platform indicator × every county.

Run: .venv/bin/python benchmarks/monitoring.py [--enterprises 10000000] [--no-spark] [--master local[2]]

The snapshot is engines.monitoring.synthetic (Zhejiang's 90 counties, 60 % on cloud, 30 % assessed
1–3 times, 5 % with a deal, 1 % designated with some exits), generated once and cached as Parquet
under var/bench/monitoring/; generation is timed when it runs. Each figure is one end-to-end
`compute_platform` for the latest year: registering the Parquet files, the one Ibis expression
(county level, the total and three disaggregations), fetching the result and the Polars rollup to
cities and the province. DuckDB runs first (best of 2); then Spark (local[2]) in one session
started and warmed up on a small snapshot before the clock starts, its start-up printed apart.
Target (issue 16, item 6): DuckDB under 30 s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import ibis  # noqa: E402
import polars as pl  # noqa: E402

from engines.monitoring.compute import compute_platform  # noqa: E402
from engines.monitoring.indicators import platform_indicators  # noqa: E402
from engines.monitoring.synthetic import LAST_YEAR, county_codes, synthetic_snapshot  # noqa: E402

SEED = 1
TARGET_S = 30.0
CACHE = ROOT / "var" / "bench" / "monitoring"


def _snapshot(enterprises: int) -> dict[str, Path]:
    directory = CACHE / f"snapshot_{enterprises}_seed{SEED}"
    done = directory / "_COMPLETE"
    if not done.exists():
        shutil.rmtree(directory, ignore_errors=True)
        started = time.perf_counter()
        synthetic_snapshot(enterprises, SEED, directory)
        done.touch()
        print(
            f"generated the snapshot ({enterprises:,} enterprises) in {time.perf_counter() - started:.1f} s"
        )
    return {p.stem: p for p in sorted(directory.glob("*.parquet"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=10_000_000)
    parser.add_argument("--no-spark", action="store_true", help="DuckDB only (Spark is an optional extra)")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()

    paths = _snapshot(args.enterprises)
    rows = {name: pl.scan_parquet(path).select(pl.len()).collect().item() for name, path in paths.items()}
    indicators = platform_indicators()
    print(
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"Polars {pl.__version__}, Ibis {ibis.__version__}, DuckDB {duckdb.__version__}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        "snapshot rows: " + ", ".join(f"{name} {count:,}" for name, count in rows.items())
        + f"; {len(indicators)} platform indicators, {len(county_codes())} counties, year {LAST_YEAR}"
    )  # fmt: skip

    times: dict[str, float] = {}
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        result = compute_platform(paths, [LAST_YEAR], indicators)
        runs.append(time.perf_counter() - started)
    times["duckdb"] = min(runs)
    print(
        f"DuckDB: {times['duckdb']:.1f} s (runs {', '.join(f'{r:.1f}' for r in runs)}), "
        f"{result.height:,} result rows ({result.filter(pl.col('level') == 'county').height:,} county rows)",
        flush=True,
    )

    if not args.no_spark:
        from engines.batch.spark_runner import spark_session, spark_version

        started = time.perf_counter()
        session = spark_session(args.master)
        warm = _snapshot(10_000)
        compute_platform(warm, [LAST_YEAR], indicators, backend="pyspark", session=session)
        print(
            f"Spark {spark_version()} {args.master}: session and warm-up in "
            f"{time.perf_counter() - started:.0f} s (not counted)"
        )
        started = time.perf_counter()
        on_spark = compute_platform(paths, [LAST_YEAR], indicators, backend="pyspark", session=session)
        times["spark"] = time.perf_counter() - started
        session.stop()
        same = on_spark.equals(result)
        print(f"Spark: {times['spark']:.1f} s, {on_spark.height:,} result rows, identical to DuckDB: {same}")

    print()
    print(f"{'engine':8} {'seconds':>8} {'enterprises/s':>14}  target")
    for engine, seconds in times.items():
        verdict = ("met" if seconds < TARGET_S else "MISSED") if engine == "duckdb" else "(parity, no target)"
        target = f"< {TARGET_S:.0f} s {verdict}" if engine == "duckdb" else verdict
        print(f"{engine:8} {seconds:8.1f} {args.enterprises / seconds:14,.0f}  {target}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
