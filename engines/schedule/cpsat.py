"""CP-SAT planning: the plain anchor model, and the real one with hints, redundancy and an LNS loop.

`solve` starts from the best dispatching-rule plan (engines.schedule.greedy) and then:

1. *quick look*: solves the model without redundant constraints (below) for a moment; small
   instances end here, proven optimal.
2. *probe*: solves the full model (engines.schedule.model: redundant constraints, symmetry
   breaking) on every worker for a tenth of the time, hinted with the best plan so far. Most
   instances of a few hundred operations end here, proven optimal.
3. *side by side* until the time is up or the incumbent is proven optimal (CP-SAT releases Python's
   lock while it searches, so threads run truly in parallel):
   - the *large-neighbourhood search* on `workers - 1` threads: free part of the incumbent (random
     jobs, random machines, a time window, a critical path and what runs around it), keep every
     other operation on its machine and in its order there, and re-solve that sub-model briefly
     from the incumbent (every variable hinted, so CP-SAT starts from it at once). A better plan,
     or an equally good one that the sub-solve's secondary aim prefers, becomes the incumbent. With
     makespan alone, that aim is to end as little as possible past one less than the incumbent's
     makespan, so a neighbourhood that cannot shorten the plan still takes jobs off its critical
     end. A sub-solve stops when it has found nothing new for a moment; each neighbourhood's size
     grows after sub-solves that prove their best and shrinks after the others.
   - on one thread, the *full solve* again, which raises the proven bound; it restarts with the
     tighter bound whenever the LNS improves the incumbent (so proving the last step is quick) and,
     when it makes no progress for a while, lends its thread to the LNS for a turn.
   With one worker the LNS and the full solve take turns instead.

Every returned plan passes the independent checker (engines.schedule.check); a violation raises,
as it would be a bug here.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from engines.schedule.check import check
from engines.schedule.greedy import greedy_plans, unschedulable_reason
from engines.schedule.instance import DEFAULT_WEIGHTS, FOREVER, Assignment, Instance, Schedule, Weights
from engines.schedule.lns import NEIGHBOURHOODS
from engines.schedule.model import Model, build, canonical
from engines.schedule.objective import evaluate
from engines.schedule.ortools_loader import cp_model
from engines.schedule.validate import validate

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
    # The clock starts before the model is built (after OR-Tools is loaded), as in `solve`, so the
    # two times compare like for like.
    started = time.perf_counter()
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
class Tuning:
    """The search's knobs (module default `TUNING`; the benchmark and tests keep it as is)."""

    # First, the model without redundant constraints or symmetry breaking, on every worker, for this
    # share of the time (≥ 0.3 s): on small instances those constraints cost more propagation than
    # they save, and this lean model proves them optimal about twice as fast (0 skips the step).
    quick_share: float = 0.01
    probe_share: float = 0.1  # then the full model on every worker for this share of the time (≥ 1 s)
    stall_share: float = 0.1  # a full solve with no progress for this share (≥ 5 s) hands its thread to LNS…
    lns_turn_share: float = 0.6  # …for this share, then tries again with the newest incumbent
    sub_seconds: tuple[float, float] = (0.5, 2.0)  # an LNS sub-solve's time: time limit / 40 within these
    first_size: float = 0.15  # a neighbourhood's first size, as a share of the operations
    grow: float = 1.15  # its size after a sub-solve that finished (proved its best) in time…
    shrink: float = 0.85  # …and after one that ran out of time
    compact: str = "target"  # a sub-solve's secondary aim: "target", "ends" or "" (see Model.restricted)
    strict_restart: bool = True  # a restarted full solve asks for strictly better than the incumbent
    patience: float | None = 0.3  # stop a sub-solve this long after its last new solution
    neighbourhoods: tuple[str, ...] = ("jobs", "machines", "window", "critical")
    sub_parameters: dict[str, Any] = field(
        # no LP, no probing, one presolve pass: a sub-solve starts from its hint in ~0.1 s instead of ~0.3 s
        default_factory=lambda: {
            "linearization_level": 0,
            "cp_model_probing_level": 0,
            "max_presolve_iterations": 1,
        }
    )


TUNING = Tuning()


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
    values: list[int] | None = None  # every model variable's value for `plan`, when known
    objective: int = FOREVER
    bound: int = 0
    trace: list[tuple[float, int, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    lns_improved: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    full_progress: float = 0.0  # when the full solve last found a plan or raised the bound

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

    def hint(self, model: Model) -> tuple[list[Assignment] | None, list[int] | None, int]:
        """The incumbent with every variable's value (completed once when a plan came without)."""
        with self.lock:
            plan, values, objective = self.plan, self.values, self.objective
        if plan is not None and values is None:
            values = model.complete(plan)
            with self.lock:
                if self.plan is plan:
                    self.values = values
        return plan, values, objective

    def offer(
        self, plan: list[Assignment], values: list[int] | None = None, *, from_lns: bool = False
    ) -> bool:
        """Keep `plan` if it beats the incumbent (LNS plans also when they tie it); True if it improved."""
        value = evaluate(self.instance, plan, self.weights, self.published).objective
        with self.lock:
            if value < self.objective:
                self.plan, self.values, self.objective = plan, values, value
                self._record()
                if from_lns:
                    self.lns_improved.set()
                else:
                    self.full_progress = time.perf_counter()
                return True
            if value == self.objective and from_lns:
                self.plan, self.values = plan, values  # a step across a plateau: start elsewhere next
            return False

    def raise_bound(self, bound: int) -> None:
        with self.lock:
            if bound > self.bound:
                self.bound = min(bound, self.objective)
                self.full_progress = time.perf_counter()
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
    # (ft10's optimality with the optimum known: ~1 s instead of 30–60 s on one worker).
    solver.parameters.use_dynamic_precedence_in_disjunctive = True
    return solver


def _full(
    search: _Search,
    model: Model,
    workers: int,
    seed: int,
    *,
    until: float,
    restart: bool,
    stall: float | None,
    strict: bool = False,
) -> None:
    """Solve the whole model until `until`, restarting it with the tighter bound when the LNS improves
    (with `restart`); return early when it made no progress for `stall` seconds."""
    cp = cp_model()
    search.full_progress = time.perf_counter()
    while not search.done() and time.perf_counter() < until:
        plan, values, upper = search.hint(model)
        lower = search.bound
        copy = model.model.clone()
        if plan is not None:
            # `<= upper` keeps the hint feasible, which helps CP-SAT find plans; `<= upper - 1` (strict,
            # after the LNS improved) makes it prove there is nothing better, which it does faster
            copy.add(model.objective <= upper - 1 if strict else model.objective <= upper)
            model.add_hint(copy, plan, values)
        copy.add(model.objective >= lower)
        solver = _solver(cp, min(search.remaining(), until - time.perf_counter()), workers, seed)
        search.lns_improved.clear()

        class _Found(cp.CpSolverSolutionCallback):  # type: ignore[misc,name-defined]
            def on_solution_callback(self) -> None:
                search.offer(model.plan(self.value), list(self.response_proto.solution))

        solver.best_bound_callback = lambda bound: search.raise_bound(math.ceil(bound - 1e-6))
        finished = threading.Event()
        stalled = threading.Event()
        watcher = threading.Thread(
            target=_stop_when, args=(search, solver, finished, stalled, restart, stall), daemon=True
        )
        watcher.start()
        status = solver.solve(copy, _Found())
        finished.set()
        watcher.join()
        if status == cp.OPTIMAL:
            search.offer(model.plan(solver.value), list(solver.response_proto.solution))
            search.raise_bound(int(solver.objective_value))
        elif status == cp.INFEASIBLE and plan is None:
            search.raise_bound(FOREVER)  # nothing fits at all
            search.stopped.set()
        elif status == cp.INFEASIBLE and strict:
            search.raise_bound(upper)  # nothing beats the incumbent
        elif status == cp.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejects the model: {copy.validate()}")
        if stalled.is_set():
            return
        seed += 1


def _stop_when(
    search: _Search,
    solver: Any,
    finished: threading.Event,
    stalled: threading.Event,
    restart: bool,
    stall: float | None,
) -> None:
    """Stop a full solve when the search is over, when the LNS improved (with `restart`) or on a stall."""
    while not finished.wait(0.05):
        if stall is not None and time.perf_counter() - search.full_progress > stall:
            stalled.set()
        if search.done() or (restart and search.lns_improved.is_set()) or stalled.is_set():
            solver.stop_search()
            return


@dataclass
class _Arm:
    """One kind of neighbourhood and its adaptive size."""

    name: str
    size: float
    tries: int = 0
    wins: int = 0


@dataclass
class _Lns:
    """The LNS state one thread keeps between its turns: random stream and neighbourhood sizes."""

    search: _Search
    model: Model
    seed: int
    tuning: Tuning
    rng: random.Random = field(init=False)
    arms: list[_Arm] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        instance = self.search.instance
        count = instance.operation_count
        first = min(count, max(4.0, count * self.tuning.first_size))
        self.arms = [_Arm(name, first) for name in self.tuning.neighbourhoods]
        if self.search.weights.tardiness and any(job.due is not None for job in instance.jobs):
            self.arms.append(_Arm("late", first))

    def run(self, until: float) -> None:
        """Free a neighbourhood of the incumbent, re-solve it briefly, keep what is as good or better."""
        cp = cp_model()
        search, tuning, rng = self.search, self.tuning, self.rng
        instance = search.instance
        count = instance.operation_count
        low, high = tuning.sub_seconds
        sub_seconds = min(high, max(low, (search.deadline - search.started) / 40))
        while not search.done() and time.perf_counter() < until:
            plan, values, upper = search.hint(self.model)
            if plan is None:
                time.sleep(0.05)
                continue
            arm = rng.choice(self.arms)
            size = max(2, int(arm.size))
            relaxed = NEIGHBOURHOODS[arm.name](instance, plan, rng, size)
            copy = self.model.restricted(
                plan, relaxed, objective_below=upper, compact=tuning.compact, values=values
            )
            seconds = min(sub_seconds, search.remaining(), max(0.05, until - time.perf_counter()))
            solver = _solver(cp, seconds, 1, rng.randrange(1 << 30))
            for key, value in tuning.sub_parameters.items():
                setattr(solver.parameters, key, value)
            status = _solve_patiently(cp, solver, copy, tuning.patience)
            arm.tries += 1
            won = status in (cp.OPTIMAL, cp.FEASIBLE) and search.offer(
                self.model.plan(solver.value), list(solver.response_proto.solution), from_lns=True
            )
            if won:
                arm.wins += 1
            if status in (cp.OPTIMAL, cp.INFEASIBLE):
                arm.size = min(float(count), arm.size * tuning.grow + 1)
            else:
                arm.size = max(2.0, arm.size * tuning.shrink)


def _solve_patiently(cp: Any, solver: Any, model: Any, patience: float | None) -> Any:
    """Solve, but stop once `patience` seconds pass without a new solution (the neighbourhood is spent)."""
    if patience is None:
        return solver.solve(model)
    last = [time.perf_counter()]

    class _Seen(cp.CpSolverSolutionCallback):  # type: ignore[misc]
        def on_solution_callback(self) -> None:
            last[0] = time.perf_counter()

    finished = threading.Event()

    def watch() -> None:
        while not finished.wait(0.02):
            if time.perf_counter() - last[0] > patience:
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    status = solver.solve(model, _Seen())
    finished.set()
    watcher.join()
    return status


def _second_thread(search: _Search, model: Model, lns: _Lns, seed: int, tuning: Tuning, limit: float) -> None:
    """The full solve beside the LNS; when it stalls it lends its thread to the LNS for a turn."""
    stall = max(5.0, tuning.stall_share * limit)
    turn = max(5.0, tuning.lns_turn_share * limit)
    while not search.done():
        _full(
            search,
            model,
            1,
            seed,
            until=search.deadline,
            restart=True,
            stall=stall,
            strict=tuning.strict_restart,
        )
        seed += 1
        lns.run(time.perf_counter() + turn)


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
) -> Schedule:
    """The best plan CP-SAT and the LNS find in `time_limit` seconds, checked before it is returned.

    `published` is the plan people already have: with `weights.stability` each operation it placed
    that moves (machine or start) costs that much. `frozen` (job, op) keys keep their published
    assignment exactly (started or accepted work); every other operation starts at or after
    `not_before`. `on_progress(seconds, incumbent, bound)` is called whenever either improves.
    With `workers` ≥ 2, the full solve and the LNS run side by side; with 1 they take turns.
    """
    _require_time(time_limit)
    cp_model()  # fail early and clearly when the extra is missing
    validate(instance)
    started = time.perf_counter()
    tuning = TUNING
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
    symmetric = not published_map and not frozen_keys
    search = _Search(instance, weights, published, started, started + time_limit, on_progress)
    model_for = partial(
        build, instance, weights=weights, published=published, frozen=frozen_keys, not_before=not_before
    )
    plans = greedy_plans(
        instance, weights=weights, published=published, fixed=fixed, not_before=not_before, seed=seed
    )
    first = canonical(instance, plans[0].assignments, active=symmetric) if plans else []
    if first:
        search.offer(first)
    if tuning.quick_share > 0:
        lean = model_for(incumbent=first, redundant=False)
        search.raise_bound(lean.lower_bound)
        quick = started + max(0.3, tuning.quick_share * time_limit)
        _full(search, lean, workers, seed, until=min(quick, search.deadline), restart=False, stall=None)
        with search.lock:
            if search.plan is not None:
                # relabel interchangeable machines as the full model's symmetry breaking wants them;
                # the values are the lean model's variables, so the full model completes its own
                search.plan, search.values = canonical(instance, search.plan, active=symmetric), None
        if search.done():
            return _verified(instance, _answer(search, time.perf_counter() - started))
    incumbent = list(search.incumbent()[0] or [])
    model = model_for(incumbent=incumbent)
    search.raise_bound(model.lower_bound)
    probe = started + max(1.0, tuning.probe_share * time_limit)
    _full(search, model, workers, seed, until=probe, restart=False, stall=None)
    lns = _Lns(search, model, seed + 1, tuning)
    if workers >= 2:
        threads = [
            threading.Thread(target=_second_thread, args=(search, model, lns, seed + 2, tuning, time_limit)),
            *(
                threading.Thread(
                    target=_Lns(search, model, seed + 3 + k, tuning).run, args=(search.deadline,)
                )
                for k in range(workers - 1)
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        turn = max(2.0, 0.1 * time_limit)
        while not search.done():
            lns.run(time.perf_counter() + turn)
            _full(search, model, 1, seed, until=time.perf_counter() + turn / 2, restart=False, stall=None)
            seed += 1
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
