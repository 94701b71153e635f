"""`funeng schedule_fjsp`: plan a flexible job shop from a `.fjs` or JSPLIB file (engines/schedule).

It reads no database and no secret, so funeng/cli.py runs it before Django is set up. The JSON
answer (`--json`) is a contract used by acceptance checks; keep it stable:

    {"makespan": int, "lower_bound": int, "status": "optimal|feasible",
     "operations": [{"job": j, "op": o, "machine": m, "start": s, "end": e}, ...]}

with `job` and `op` counted from 0 in file order and `machine` numbered as in the file (1-based for
`.fjs`, 0-based for JSPLIB). A malformed file, a missing file or a time limit that is not positive
is one line on stderr and exit code 2; no plan found is exit code 1. Without OR-Tools (the
`schedule` extra) the greedy planner answers alone, and says so on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from engines.schedule.errors import InstanceError, ScheduleInputError
from engines.schedule.greedy import plan as greedy_plan
from engines.schedule.instance import Instance, Schedule
from engines.schedule.ortools_loader import available
from engines.schedule.readers import read_instance


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funeng schedule_fjsp",
        description="Plan a (flexible) job shop from a .fjs (Brandimarte) or JSPLIB file with CP-SAT and LNS.",
        epilog="Machines are printed as the file numbers them (1-based for .fjs, 0-based for JSPLIB).",
    )
    parser.add_argument(
        "--instance", type=Path, required=True, help="the instance file (.fjs or JSPLIB, detected)"
    )
    parser.add_argument("--time-limit", type=float, required=True, help="seconds of search (more than 0)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT worker threads (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the search (default 0)")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON on stdout")
    return parser


def _fail(message: str) -> int:
    sys.stderr.write(f"error: {message}\n")
    return 2


def _solve(instance: Instance, args: argparse.Namespace) -> Schedule:
    if not available():
        sys.stderr.write(
            "note: OR-Tools is not installed (pip install 'funeng[schedule]'): greedy plan only\n"
        )
        return greedy_plan(instance, seed=args.seed)
    from engines.schedule.cpsat import solve

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        transient=True,
        disable=args.json or not sys.stderr.isatty(),
        console=None,
    ) as bar:
        task = bar.add_task(instance.name or "plan", total=args.time_limit, status="")

        def progress(seconds: float, incumbent: int, bound: int) -> None:
            bar.update(task, completed=seconds, status=f"makespan {incumbent}, bound {bound}")

        return solve(
            instance, time_limit=args.time_limit, workers=args.workers, seed=args.seed, on_progress=progress
        )


def _as_json(instance: Instance, schedule: Schedule) -> str:
    operations = [
        {
            "job": a.job,
            "op": a.op,
            "machine": a.machine + instance.first_machine,
            "start": a.start,
            "end": a.end,
        }
        for a in sorted(schedule.assignments, key=lambda a: (a.job, a.op))
    ]
    answer = {
        "makespan": schedule.makespan,
        "lower_bound": schedule.lower_bound,
        "status": schedule.status,
        "operations": operations,
    }
    return json.dumps(answer, separators=(",", ":"))


def _summary(instance: Instance, schedule: Schedule) -> str:
    gap = (schedule.makespan - schedule.lower_bound) / schedule.makespan if schedule.makespan else 0.0
    lines = [
        f"{instance.name}: {len(instance.jobs)} jobs, {len(instance.machines)} machines, "
        f"{instance.operation_count} operations",
        f"{schedule.status}: makespan {schedule.makespan}, lower bound {schedule.lower_bound} "
        f"(gap {gap:.1%}), {schedule.seconds:.1f} s, {schedule.solver}",
    ]
    by_machine: dict[int, list[str]] = {}
    for a in sorted(schedule.assignments, key=lambda a: (a.machine, a.start)):
        by_machine.setdefault(a.machine, []).append(f"j{a.job}.{a.op}@{a.start}-{a.end}")
    for machine, items in sorted(by_machine.items()):
        lines.append(f"  machine {machine + instance.first_machine}: " + " ".join(items))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, read the instance, plan it, print the answer; return the exit code."""
    args = _parser().parse_args(argv)
    if not args.time_limit > 0:
        return _fail(f"--time-limit must be more than 0 seconds, got {args.time_limit:g}")
    if args.workers < 1:
        return _fail(f"--workers must be at least 1, got {args.workers}")
    try:
        instance = read_instance(args.instance)
    except FileNotFoundError:
        return _fail(f"{args.instance}: no such file")
    except IsADirectoryError:
        return _fail(f"{args.instance}: is a directory, not an instance file")
    except ScheduleInputError as exc:
        return _fail(f"{args.instance}: {exc}")
    try:
        schedule = _solve(instance, args)
    except InstanceError as exc:
        return _fail(f"{args.instance}: {exc}")
    if schedule.status not in ("optimal", "feasible"):
        sys.stderr.write(f"no plan ({schedule.status}): {schedule.reason}\n")
        return 1
    sys.stdout.write(_as_json(instance, schedule) + "\n" if args.json else _summary(instance, schedule))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
