"""Benchmark the scheduling engine: our CP-SAT + LNS against the plain CP-SAT model, instance by instance.

Run: .venv/bin/python benchmarks/scheduling.py [--time-limit 60] [--workers 2] [--only Mk06 ...] [--dir PATH]

Every instance in benchmarks/data/scheduling/ (a copy of ../shared/benchmarks/scheduling/: JSPLIB ft06, ft10, la01–la05; Brandimarte
Mk01–Mk10) is solved twice in the same run with the same limits: by `solve_plain` (the issue's
anchor: optional intervals per eligible machine, makespan, no hints) and by `solve` (dispatching-rule
hints, redundant constraints, symmetry breaking, LNS beside a full solve). For each: makespan, time
to the best plan, total time (the time of the proof when optimal), proven lower bound, gap to the
best known value, and the independent checker's verdict. Then the multi-factory case
(engines.schedule.synthetic: 3 factories, transport, 30 jobs with DAG routings, shifts) with
makespan, weighted tardiness and transport cost in the objective.

Targets (issue 17, item 8): optimal wherever plain CP-SAT proves optimality, in less time;
Mk05 ≤ 172, Mk06 ≤ 58, Mk07 ≤ 139, Mk10 ≤ 205 within 60 s; the multi-factory case to a checked plan
in 60 s. The machine is shared: the load average is printed at the start and at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engines.schedule.check import check  # noqa: E402
from engines.schedule.cpsat import solve, solve_plain  # noqa: E402
from engines.schedule.explain import explain  # noqa: E402
from engines.schedule.instance import Instance, Schedule, Weights  # noqa: E402
from engines.schedule.readers import read_instance  # noqa: E402
from engines.schedule.synthetic import synthetic_instance  # noqa: E402

DEFAULT_DIR = ROOT / "benchmarks" / "data" / "scheduling"  # vendored copy of ../shared/benchmarks/scheduling
# Published optimal or best-known makespans (the folder's README); Mk10's best known is an upper bound.
BEST_KNOWN = {
    "ft06": 55, "ft10": 930, "la01": 666, "la02": 655, "la03": 597, "la04": 590, "la05": 593,
    "Mk01": 40, "Mk02": 26, "Mk03": 204, "Mk04": 60, "Mk05": 172, "Mk06": 57, "Mk07": 139,
    "Mk08": 523, "Mk09": 307, "Mk10": 193,
}  # fmt: skip
TARGETS = {"Mk05": 172, "Mk06": 58, "Mk07": 139, "Mk10": 205}
MULTI_FACTORY_WEIGHTS = Weights(makespan=1, tardiness=1, transport=1)


@dataclass(frozen=True)
class Run:
    """One solver's result on one instance."""

    makespan: int
    bound: int
    optimal: bool
    to_best: float
    seconds: float
    verdict: str


def _run(instance: Instance, schedule: Schedule) -> Run:
    violations = check(instance, schedule)
    to_best = next((t for t, value, _ in schedule.trace if value == schedule.objective), schedule.seconds)
    return Run(
        schedule.makespan,
        schedule.lower_bound,
        schedule.status == "optimal",
        to_best,
        schedule.seconds,
        "ok" if not violations else f"{len(violations)} violations",
    )


def _cell(run: Run, best: int) -> str:
    gap = (run.makespan - best) / best
    proof = "optimal" if run.optimal else "feasible"
    return (
        f"{run.makespan:>5} {run.to_best:6.2f} {run.seconds:6.2f} {run.bound:>5} {gap:7.1%} "
        f"{proof:>8} {run.verdict:>4}"
    )


def _instances(directory: Path, only: list[str]) -> list[tuple[str, Path]]:
    paths = sorted(p for p in directory.glob("*/*") if p.suffix in (".fjs", ".txt"))
    order = {name: i for i, name in enumerate(BEST_KNOWN)}
    found = sorted(((p.stem, p) for p in paths), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return [(name, path) for name, path in found if not only or name in only]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        type=Path,
        default=DEFAULT_DIR,
        help="folder of instances (default benchmarks/data/scheduling)",
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only", action="append", default=[], help="instance name (repeatable); 'synthetic' too"
    )
    parser.add_argument("--no-plain", action="store_true", help="skip the plain model (while tuning)")
    args = parser.parse_args()

    from ortools import __version__ as ortools_version

    print(
        f"machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"OR-Tools {ortools_version}, {args.workers} workers, {args.time_limit:g} s per solve, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    header = f"{'makespan':>5} {'best@s':>6} {'time s':>6} {'bound':>5} {'gap':>7} {'proof':>8} {'check':>4}"
    print(f"{'instance':8} {'known':>5} | plain: {header} | ours: {header}")
    missed: list[str] = []
    for name, path in _instances(args.dir, args.only):
        instance = read_instance(path)
        best = BEST_KNOWN.get(name, 0) or 1
        plain = (
            None if args.no_plain else _run(instance, solve_plain(instance, args.time_limit, args.workers))
        )
        ours = _run(instance, solve(instance, time_limit=args.time_limit, workers=args.workers))
        plain_cell = _cell(plain, best) if plain else "(skipped)".ljust(len(header))
        print(f"{name:8} {best:>5} |        {plain_cell} |       {_cell(ours, best)}", flush=True)
        if ours.verdict != "ok":
            missed.append(f"{name}: the checker rejects our plan")
        if plain and plain.optimal and not (ours.optimal and ours.seconds < plain.seconds):
            missed.append(f"{name}: plain proves optimality in {plain.seconds:.2f} s; ours "
                          + (f"in {ours.seconds:.2f} s" if ours.optimal else "does not"))  # fmt: skip
        if name in TARGETS and ours.makespan > TARGETS[name]:
            missed.append(f"{name}: {ours.makespan} > target {TARGETS[name]}")
    if not args.only or "synthetic" in args.only:
        instance = synthetic_instance(seed=1)
        schedule = solve(
            instance, time_limit=args.time_limit, workers=args.workers, weights=MULTI_FACTORY_WEIGHTS
        )
        violations = check(instance, schedule)
        story = explain(instance, schedule)
        transport = sum(leg.cost for leg in story.legs)
        late = sum(item.tardiness * instance.jobs[item.job].weight for item in story.lateness)
        print(
            f"\nmulti-factory ({instance.name}: {len(instance.factories)} factories, {len(instance.machines)} machines, "
            f"{len(instance.jobs)} jobs, {instance.operation_count} operations, shifts over {instance.horizon} min):\n"
            f"  {schedule.status}, objective {schedule.objective} (bound {schedule.lower_bound}) = makespan "
            f"{schedule.makespan} min + weighted tardiness {late} + transport cost {transport} "
            f"({len(story.legs)} legs); {schedule.seconds:.1f} s; checker: "
            + ("ok" if not violations else f"{len(violations)} violations")
        )  # fmt: skip
        if violations or schedule.status not in ("optimal", "feasible"):
            missed.append("multi-factory: no checked plan")
    print()
    print("targets: " + ("all met" if not missed else "MISSED — " + "; ".join(missed)))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
