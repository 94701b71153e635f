"""CP-SAT planning: the plain anchor model, and the real one with hints, redundancy and an LNS loop.

`solve` starts from the best dispatching-rule plan (engines.schedule.greedy), then runs two things
side by side until the time is up or the incumbent is proven optimal:

- a *full* solve of the complete model (engines.schedule.model), hinted with the incumbent, which
  finds plans on its own and, above all, raises the proven lower bound;
- a *large-neighbourhood search*: free a part of the incumbent (random jobs, random machines, a time
  window, a critical path and what runs around it), keep every other operation on its machine and in
  its order there, and re-solve that sub-model for a moment with the incumbent as a hint; a better
  (or equally good, so the search walks across plateaus) plan becomes the incumbent. Each
  neighbourhood's size grows when its sub-solves finish in time and shrinks when they do not.

CP-SAT releases Python's lock while it searches, so the two run on two threads: `workers` is split
between them (one each with the default two). Every returned plan passes the independent checker
(engines.schedule.check); a violation raises, as it would be a bug here.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engines.schedule.check import check
from engines.schedule.greedy import greedy_plans, unschedulable_reason
from engines.schedule.instance import DEFAULT_WEIGHTS, FOREVER, Assignment, Instance, Schedule, Weights
from engines.schedule.lns import NEIGHBOURHOODS, late_jobs
from engines.schedule.model import Model, build, canonical
from engines.schedule.objective import evaluate
from engines.schedule.ortools_loader import cp_model
from engines.schedule.validate import validate

_DEBUG = bool(os.environ.get("SCHED_DEBUG"))
_COMPACT = bool(os.environ.get("SCHED_COMPACT"))
Key = tuple[int, int]
Progress = Callable[[float, int, int], None]


class ScheduleCheckError(RuntimeError):
    """The solver returned a plan the independent checker rejects: a bug in the engine."""


def _require_time(time_limit: float) -> None:
    if not time_limit > 0:
        raise ValueError(
            f"time_limit must be a positive number of seconds, got {time_limit!r}: give the solver some time"
        )


def _verified(instance: Instance, schedule: Schedule) -> Schedule:
    if schedule.status in ("optimal", "feasible"):
        violations = check(instance, schedule)
        if violations:
            listed = "; ".join(v.message_en for v in violations[:5])
            raise ScheduleCheckError(f"the {schedule.solver} plan fails the checker: {listed}")
    return schedule


def solve_plain(instance: Instance, time_limit: float, workers: int = 2) -> Schedule:
    """The issue's anchor: optional intervals per eligible machine, makespan, no hints, nothing more.

    It models releases and precedences only (no calendars, transport or other objectives): it exists
    for the benchmark's side-by-side.
    """
    _require_time(time_limit)
    validate(instance)
    if any(m.unavailable for m in instance.machines) or instance.transport_time is not None:
        raise ValueError("solve_plain models the plain flexible job shop: no calendars, no transport")
    cp = cp_model()
    model = cp.CpModel()
    horizon = sum(
        max((a.duration for a in op.alternatives), default=0) for j in instance.jobs for op in j.operations
    )
    horizon += max((job.release for job in instance.jobs), default=0)
    start: dict[Key, Any] = {}
    end: dict[Key, Any] = {}
    presence: dict[Key, dict[int, Any]] = {}
    per_machine: dict[int, list[Any]] = {m: [] for m in range(len(instance.machines))}
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            key = (j, o)
            start[key] = model.new_int_var(job.release, horizon, "")
            end[key] = model.new_int_var(0, horizon, "")
            presence[key] = {}
            for a in operation.alternatives:
                literal = model.new_bool_var("")
                presence[key][a.machine] = literal
                per_machine[a.machine].append(
                    model.new_optional_interval_var(start[key], a.duration, end[key], literal, "")
                )
            model.add_exactly_one(presence[key].values())
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            for p in operation.predecessors:
                model.add(end[j, p] <= start[j, o])
    for intervals in per_machine.values():
        model.add_no_overlap(intervals)
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, list(end.values()))
    model.minimize(makespan)
    solver = cp.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    trace: list[tuple[float, int, int]] = []
    started = time.perf_counter()

    class _Trace(cp.CpSolverSolutionCallback):  # type: ignore[misc,name-defined]
        def on_solution_callback(self) -> None:
            trace.append(
                (time.perf_counter() - started, int(self.objective_value), int(self.best_objective_bound))
            )

    status = solver.solve(model, _Trace())
    seconds = time.perf_counter() - started
    if status not in (cp.OPTIMAL, cp.FEASIBLE):
        infeasible = status == cp.INFEASIBLE
        return Schedule(
            (), 0, 0, "infeasible" if infeasible else "unknown", solver="cp-sat plain", seconds=seconds
        )
    assignments = []
    for key, machines in presence.items():
        machine = next(m for m, literal in machines.items() if solver.boolean_value(literal))
        assignments.append(
            Assignment(key[0], key[1], machine, solver.value(start[key]), solver.value(end[key]))
        )
    value = int(solver.objective_value)
    schedule = Schedule(
        assignments=tuple(sorted(assignments, key=lambda a: (a.job, a.op))),
        makespan=value,
        lower_bound=int(solver.best_objective_bound),
        status="optimal" if status == cp.OPTIMAL else "feasible",
        objective=value,
        solver="cp-sat plain",
        seconds=seconds,
        trace=tuple(trace),
    )
    return _verified(instance, schedule)


@dataclass
class _Search:
    """What the threads share: the incumbent, the proven bound, the trace, the clock."""

    instance: Instance
    weights: Weights
    published: Sequence[Assignment] | None
    started: float
    deadline: float
    on_progress: Progress | None
    plan: list[Assignment] | None = None
    objective: int = FOREVER
    bound: int = 0
    trace: list[tuple[float, int, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    lns_improved: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)

    def remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def done(self) -> bool:
        return (
            self.stopped.is_set()
            or self.remaining() <= 0
            or (self.plan is not None and self.bound >= self.objective)
        )

    def incumbent(self) -> tuple[list[Assignment] | None, int, int]:
        with self.lock:
            return self.plan, self.objective, self.bound

    def offer(self, plan: list[Assignment], *, from_lns: bool = False) -> bool:
        """Keep `plan` if it beats the incumbent (LNS plans also when they tie it); True if it improved."""
        value = evaluate(self.instance, plan, self.weights, self.published).objective
        with self.lock:
            if value < self.objective:
                self.plan, self.objective = plan, value
                self._record()
                if from_lns:
                    self.lns_improved.set()
                return True
            if value == self.objective and from_lns:
                self.plan = plan  # a step across a plateau: the next neighbourhood starts elsewhere
            return False

    def raise_bound(self, bound: int) -> None:
        with self.lock:
            if bound > self.bound:
                self.bound = min(bound, self.objective)
                self._record()

    def _record(self) -> None:
        if self.plan is None:
            return
        elapsed = time.perf_counter() - self.started
        self.trace.append((round(elapsed, 3), self.objective, self.bound))
        if self.on_progress is not None:
            self.on_progress(elapsed, self.objective, self.bound)


def _solver(cp: Any, seconds: float, workers: int, seed: int) -> Any:
    solver = cp.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Branching on the order of two operations on a machine proves job-shop bounds many times faster
    # (ft10's optimality: ~1 s instead of 30–60 s on one worker).
    solver.parameters.use_dynamic_precedence_in_disjunctive = os.environ.get("SCHED_DYN", "1") == "1"
    return solver


def _full(search: _Search, model: Model, workers: int, seed: int, restart: bool) -> None:
    """Solve the whole model; restart it with the tighter bound when the LNS finds a better plan."""
    cp = cp_model()
    while not search.done():
        plan, upper, lower = search.incumbent()
        copy = model.model.clone()
        if plan is not None:
            copy.add(model.objective <= upper - 1)
            model.add_hint(copy, plan)
        copy.add(model.objective >= lower)
        solver = _solver(cp, search.remaining(), workers, seed)
        search.lns_improved.clear()

        class _Found(cp.CpSolverSolutionCallback):  # type: ignore[misc,name-defined]
            def on_solution_callback(self) -> None:
                if search.offer(model.plan(self.value)) and _DEBUG:
                    print(f"FULL found {search.objective}", flush=True)

        solver.best_bound_callback = lambda bound: search.raise_bound(math.ceil(bound - 1e-6))
        finished = threading.Event()
        watcher = threading.Thread(target=_stop_when, args=(search, solver, finished, restart), daemon=True)
        watcher.start()
        status = solver.solve(copy, _Found())
        finished.set()
        watcher.join()
        if status == cp.OPTIMAL:
            search.offer(model.plan(solver.value))
            search.raise_bound(int(solver.objective_value))
        elif status == cp.INFEASIBLE:
            # nothing beats the incumbent (or, without one, nothing fits at all)
            search.raise_bound(upper if plan is not None else FOREVER)
            if plan is None:
                search.stopped.set()
        elif status == cp.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejects the model: {copy.validate()}")
        seed += 1


def _stop_when(search: _Search, solver: Any, finished: threading.Event, restart: bool) -> None:
    """Stop the full solve when the search is over or, with `restart`, when the LNS improved the incumbent."""
    while not finished.wait(0.05):
        if search.done() or (restart and search.lns_improved.is_set()):
            solver.stop_search()
            return


@dataclass
class _Arm:
    """One kind of neighbourhood and its adaptive size."""

    name: str
    size: float
    tries: int = 0
    wins: int = 0


def _lns(search: _Search, model: Model, workers: int, seed: int, sub_seconds: float) -> None:
    """Free a neighbourhood of the incumbent, re-solve it briefly, keep what is as good or better."""
    cp = cp_model()
    rng = random.Random(seed)
    instance = search.instance
    count = instance.operation_count
    arms = [_Arm(name, min(count, max(4.0, count * 0.15))) for name in NEIGHBOURHOODS]
    if search.weights.tardiness and any(job.due is not None for job in instance.jobs):
        arms.append(_Arm("late", min(count, max(4.0, count * 0.15))))
    while not search.done():
        plan, upper, _ = search.incumbent()
        if plan is None:
            time.sleep(0.05)
            continue
        arm = rng.choice(arms)
        size = max(2, int(arm.size))
        pick = late_jobs if arm.name == "late" else NEIGHBOURHOODS[arm.name]
        relaxed = pick(instance, plan, rng, size)
        copy = model.restricted(plan, relaxed, objective_below=upper, compact=_COMPACT)
        solver = _solver(cp, min(sub_seconds, search.remaining()), workers, rng.randrange(1 << 30))
        for item in os.environ.get("SCHED_SUBPARAMS", "").split(","):
            if item:
                key, value = item.split("=")
                setattr(
                    solver.parameters,
                    key,
                    type(getattr(solver.parameters, key))(int(value) if value.isdigit() else value),
                )
        status = solver.solve(copy)
        arm.tries += 1
        won = status in (cp.OPTIMAL, cp.FEASIBLE) and search.offer(model.plan(solver.value), from_lns=True)
        if won:
            arm.wins += 1
        if _DEBUG:
            print(
                f"lns {arm.name:9} size {size:4} {solver.status_name(status):10} {solver.wall_time:5.2f}s {'WIN ' + str(search.objective) if won else ''}",
                flush=True,
            )
        if status in (cp.OPTIMAL, cp.INFEASIBLE):
            arm.size = min(count, arm.size * 1.15 + 1)
        else:
            arm.size = max(2.0, arm.size * 0.85)


def solve(
    instance: Instance,
    *,
    time_limit: float,
    workers: int = 2,
    weights: Weights = DEFAULT_WEIGHTS,
    published: Sequence[Assignment] | None = None,
    frozen: Iterable[Key] = (),
    on_progress: Progress | None = None,
    seed: int = 0,
    not_before: int = 0,
    restart_full: bool = False,
) -> Schedule:
    """The best plan CP-SAT and the LNS find in `time_limit` seconds, checked before it is returned.

    `published` is the plan people already have: with `weights.stability` each operation it placed
    that moves (machine or start) costs that much. `frozen` (job, op) keys keep their published
    assignment exactly (started or accepted work); every other operation starts at or after
    `not_before`. `on_progress(seconds, incumbent, bound)` is called whenever either improves.
    """
    _require_time(time_limit)
    cp_model()  # fail early and clearly when the extra is missing
    validate(instance)
    started = time.perf_counter()
    frozen_keys = frozenset(frozen)
    published_map = {(a.job, a.op): a for a in published or ()}
    missing = sorted(k for k in frozen_keys if k not in published_map)
    if missing:
        raise ValueError(f"frozen operations need a published assignment; none for {missing[:5]}")
    fixed = [published_map[k] for k in sorted(frozen_keys)]
    reason = unschedulable_reason(instance, not_before, frozen_keys)
    if reason is not None:
        return Schedule(
            (), 0, 0, "infeasible", reason=reason[0], reason_zh=reason[1], solver="cp-sat",
            seconds=time.perf_counter() - started,
        )  # fmt: skip
    if instance.operation_count == 0:
        return Schedule((), 0, 0, "optimal", solver="cp-sat")
    plans = greedy_plans(
        instance, weights=weights, published=published, fixed=fixed, not_before=not_before, seed=seed
    )
    symmetric = not published_map and not frozen_keys
    first = canonical(instance, plans[0].assignments, active=symmetric) if plans else []
    model = build(
        instance,
        incumbent=first,
        weights=weights,
        published=published,
        frozen=frozen_keys,
        not_before=not_before,
    )
    lean = model
    if os.environ.get("SCHED_LEAN") == "1":
        lean = build(
            instance,
            incumbent=first,
            weights=weights,
            published=published,
            frozen=frozen_keys,
            not_before=not_before,
            redundant=False,
        )
    search = _Search(instance, weights, published, started, started + time_limit, on_progress)
    search.raise_bound(model.lower_bound)
    if first:
        search.offer(first)
    search.raise_bound(model.lower_bound)
    if not search.done():
        lns_workers = max(1, workers // 2)
        full_workers = max(1, workers - lns_workers)
        sub_seconds = float(os.environ.get("SCHED_SUB", min(5.0, max(0.5, time_limit / 40))))
        threads = []
        if os.environ.get("SCHED_FULL", "1") == "1":
            threads.append(
                threading.Thread(target=_full, args=(search, model, full_workers, seed, restart_full))
            )
        for k in range(int(os.environ.get("SCHED_LNS", "1"))):
            threads.append(
                threading.Thread(target=_lns, args=(search, lean, lns_workers, seed + 1 + k, sub_seconds))
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return _verified(instance, _answer(search, time.perf_counter() - started))


def _answer(search: _Search, seconds: float) -> Schedule:
    plan, objective, bound = search.incumbent()
    if plan is None:
        proven = bound >= FOREVER
        return Schedule(
            (),
            0,
            0,
            "infeasible" if proven else "unknown",
            reason="No plan fits every operation in the planning horizon."
            if proven
            else "No plan found in the time.",
            reason_zh="没有任何计划能在计划期内排下全部工序。" if proven else "在给定时间内没有找到计划。",
            solver="cp-sat",
            seconds=seconds,
        )
    assignments = tuple(sorted(plan, key=lambda a: (a.job, a.op)))
    return Schedule(
        assignments=assignments,
        makespan=max(a.end for a in assignments),
        lower_bound=min(bound, objective),
        status="optimal" if bound >= objective else "feasible",
        objective=objective,
        solver="cp-sat",
        seconds=seconds,
        trace=tuple(search.trace),
    )
