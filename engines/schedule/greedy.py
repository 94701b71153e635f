"""Pure-Python list scheduling with dispatching rules: a feasible plan in milliseconds, no solver needed.

Each rule builds a plan operation by operation: among the operations whose predecessors are placed,
it takes the candidates that could start before the earliest possible finish of any of them (which
keeps the plan *active*, as Giffler and Thompson's algorithm does) and picks one by its priority;
the operation goes to the machine where it finishes first, in the first gap of that machine's
timeline (other operations and unavailable periods) long enough to hold it, after its release,
after `not_before`, and after each predecessor's end plus the transport from that predecessor's
factory. `plan` runs every rule (and a few seeded randomised rollouts) and keeps the best.

Rules: "mwkr" most work remaining in the job, "spt" shortest processing time, "eft" earliest
finish, "edd" earliest due date (then most work), "published" the published order and machines
(for rescheduling: it leaves published operations where they were whenever it can).
"""

from __future__ import annotations

import random
import time
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engines.schedule.bounds import RoutingBounds, makespan_lower_bound, routing_bounds
from engines.schedule.instance import DEFAULT_WEIGHTS, FOREVER, Assignment, Instance, Schedule, Weights
from engines.schedule.objective import Evaluation, evaluate
from engines.schedule.validate import validate

Key = tuple[int, int]
RULES = ("mwkr", "eft", "spt", "edd", "published")


class _Timeline:
    """A machine's busy periods, sorted and disjoint, with a first-fit gap search."""

    def __init__(self, periods: Iterable[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(periods):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def earliest(self, at: int, duration: int, limit: int) -> int | None:
        """The first start >= `at` where `duration` fits before `limit`, or None."""
        start = at
        for i in range(bisect_right(self.ends, at), len(self.starts)):
            if start + duration <= self.starts[i] or duration == 0 and start < self.starts[i]:
                break
            start = max(start, self.ends[i])
        return start if start + duration <= limit else None

    def occupy(self, start: int, end: int) -> None:
        if end > start:
            i = bisect_right(self.starts, start)
            self.starts.insert(i, start)
            self.ends.insert(i, end)  # still sorted: placements go into gaps, never overlapping


@dataclass(frozen=True)
class _Problem:
    instance: Instance
    bounds: RoutingBounds
    successors: dict[Key, list[Key]]
    limit: int
    not_before: int


def _limit(instance: Instance) -> int:
    return FOREVER if instance.horizon is None else instance.horizon


def _windows_fit(instance: Instance, machine: int, duration: int, earliest: int) -> bool:
    """Whether `duration` fits anywhere in the machine's calendar after `earliest` (no other work)."""
    periods = instance.machines[machine].unavailable
    return _Timeline(periods).earliest(earliest, duration, _limit(instance)) is not None


def unschedulable_reason(
    instance: Instance, not_before: int = 0, fixed: Iterable[Key] = ()
) -> tuple[str, str] | None:
    """Why some operation can never run, in English and Chinese; None when each fits somewhere alone."""
    reason, reason_zh = _unschedulable(instance, not_before, set(fixed))
    return None if reason is None else (reason, reason_zh or reason)


def _unschedulable(instance: Instance, not_before: int, fixed: set[Key]) -> tuple[str | None, str | None]:
    bounds = routing_bounds(instance)
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            name = f"job {j}{f' ({job.label})' if job.label else ''}, operation {o}"
            name_zh = f"作业 {j}{f'（{job.label}）' if job.label else ''} 的工序 {o}"
            if operation.label:
                name += f" ({operation.label})"
                name_zh += f"（{operation.label}）"
            if not operation.alternatives:
                return (
                    f"No machine can do {name}: it has no eligible machine (every machine that could do it "
                    "is excluded or missing).",
                    f"{name_zh}没有可用机器（能做它的机器都被排除或不存在）。",
                )
            if (j, o) in fixed:
                continue
            earliest = max(bounds.head[j, o], not_before)
            if any(_windows_fit(instance, a.machine, a.duration, earliest) for a in operation.alternatives):
                continue
            idle = [
                a.machine
                for a in operation.alternatives
                if _Timeline(instance.machines[a.machine].unavailable).earliest(0, 1, _limit(instance))
                is None
            ]
            if len(idle) == len(operation.alternatives):
                listed = ", ".join(_machine_name(instance, m) for m in idle)
                return (
                    f"{name.capitalize()} cannot run: the calendar of every machine that can do it ({listed}) "
                    "has no working time.",
                    f"{name_zh}无法安排：能做它的机器（{listed}）的日历中没有任何工作时间。",
                )
            return (
                f"{name.capitalize()} cannot run: it is longer than every working window of every machine "
                "that can do it (an operation is never interrupted).",
                f"{name_zh}无法安排：它比所有可用机器的每个工作时段都长（工序不可中断）。",
            )
    return None, None


def _machine_name(instance: Instance, machine: int) -> str:
    label = instance.machines[machine].label
    return f"{machine} ({label})" if label and label != str(machine) else str(machine)


def _rollout(
    problem: _Problem,
    rule: str,
    rng: random.Random | None,
    fixed: Mapping[Key, Assignment],
    preferred: Mapping[Key, Assignment],
) -> list[Assignment] | None:
    instance = problem.instance
    timelines = [_Timeline(m.unavailable) for m in instance.machines]
    placed: dict[Key, Assignment] = {}
    for key, assignment in fixed.items():
        placed[key] = assignment
        timelines[assignment.machine].occupy(assignment.start, assignment.end)
    waiting = {
        (j, o): sum(1 for p in operation.predecessors if (j, p) not in placed)
        for j, job in enumerate(instance.jobs)
        for o, operation in enumerate(job.operations)
        if (j, o) not in placed
    }
    ready = {key for key, count in waiting.items() if count == 0}
    noise = {key: rng.random() for key in waiting} if rng else {}

    def best_position(key: Key, keep_published: bool) -> tuple[int, int, int] | None:
        """(end, start, machine) where the operation finishes first; None when it fits nowhere."""
        j, o = key
        job = instance.jobs[j]
        operation = job.operations[o]
        release = max(job.release, problem.not_before)
        wanted = preferred.get(key) if keep_published else None
        best: tuple[int, int, int] | None = None
        for alternative in operation.alternatives:
            if wanted is not None and alternative.machine != wanted.machine:
                continue
            factory = instance.machines[alternative.machine].factory
            at = release if wanted is None else max(release, wanted.start)
            for p in operation.predecessors:
                before = placed[j, p]
                at = max(
                    at, before.end + instance.travel_time(instance.machines[before.machine].factory, factory)
                )
            start = timelines[alternative.machine].earliest(at, alternative.duration, problem.limit)
            if start is not None and (best is None or (start + alternative.duration, start) < best[:2]):
                best = (start + alternative.duration, start, alternative.machine)
        if best is None and wanted is not None:
            return best_position(key, False)
        return best

    bounds = problem.bounds
    while ready:
        positions = {key: best_position(key, rule == "published") for key in ready}
        if any(position is None for position in positions.values()):
            return None
        finish = {key: pos for key, pos in positions.items() if pos is not None}
        if rule == "published":
            key = min(
                ready,
                key=lambda k: (preferred[k].start if k in preferred else FOREVER, -bounds.tail[k], k),
            )
        else:
            first_finish = min(pos[0] for pos in finish.values())
            candidates = [k for k, pos in finish.items() if pos[1] < first_finish] or list(finish)
            key = min(candidates, key=lambda k: _priority(rule, k, finish[k], problem, noise))
        end, start, machine = finish[key]
        placed[key] = Assignment(key[0], key[1], machine, start, end)
        timelines[machine].occupy(start, end)
        ready.discard(key)
        for succ in problem.successors[key]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                ready.add(succ)
    return [placed[key] for key in sorted(placed)]


def _priority(
    rule: str, key: Key, position: tuple[int, int, int], problem: _Problem, noise: Mapping[Key, float]
) -> tuple[float, ...]:
    bounds = problem.bounds
    jitter = noise.get(key, 0.0)
    if rule == "spt":
        return (bounds.min_duration[key] * (1 + jitter), position[0], key[0])
    if rule == "eft":
        return (position[0] * (1 + 0.2 * jitter), -bounds.tail[key], key[0])
    if rule == "edd":
        due = problem.instance.jobs[key[0]].due
        slack = (FOREVER if due is None else due) - position[1] - bounds.tail[key]
        return (slack * (1 + jitter), -bounds.tail[key], key[0])
    # mwkr (and the randomised rollouts): the job with the longest remaining path goes first
    return (-bounds.tail[key] * (1 + 0.3 * jitter), position[0], key[0])


def _successors(instance: Instance) -> dict[Key, list[Key]]:
    successors: dict[Key, list[Key]] = {
        (j, o): [] for j, job in enumerate(instance.jobs) for o in range(len(job.operations))
    }
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            for p in operation.predecessors:
                successors[j, p].append((j, o))
    return successors


@dataclass(frozen=True)
class GreedyPlan:
    """One greedy plan, the rule that built it, and its score."""

    rule: str
    assignments: tuple[Assignment, ...]
    evaluation: Evaluation


def greedy_plans(
    instance: Instance,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    published: Sequence[Assignment] | None = None,
    fixed: Iterable[Assignment] = (),
    not_before: int = 0,
    rollouts: int = 4,
    seed: int = 0,
    rules: Sequence[str] = RULES,
) -> list[GreedyPlan]:
    """Every rule's plan (and `rollouts` randomised ones), best first; empty when none fits.

    `rules` narrows the dispatching rules tried (the default is all of them).

    `fixed` assignments are kept as given; every other operation starts at or after `not_before`.
    """
    validate(instance)
    fixed_map = {(a.job, a.op): a for a in fixed}
    problem = _Problem(
        instance, routing_bounds(instance), _successors(instance), _limit(instance), not_before
    )
    preferred = {(a.job, a.op): a for a in published or ()}
    unknown = sorted(set(rules) - set(RULES))
    if unknown:
        raise ValueError(f"unknown dispatching rules: {', '.join(unknown)}")
    rules = [rule for rule in rules if rule != "published" or preferred]
    if not any(job.due is not None for job in instance.jobs) and "edd" in rules:
        rules.remove("edd")
    rng = random.Random(seed)
    runs: list[tuple[str, random.Random | None]] = [(rule, None) for rule in rules]
    runs += [("mwkr", random.Random(rng.random())) for _ in range(rollouts)]
    plans = []
    for rule, noise in runs:
        assignments = _rollout(problem, rule, noise, fixed_map, preferred)
        if assignments is not None:
            plans.append(
                GreedyPlan(rule, tuple(assignments), evaluate(instance, assignments, weights, published))
            )
    plans.sort(key=lambda plan: (plan.evaluation.objective, plan.evaluation.makespan))
    return plans


def plan(
    instance: Instance,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    published: Sequence[Assignment] | None = None,
    fixed: Iterable[Assignment] = (),
    not_before: int = 0,
    rollouts: int = 4,
    seed: int = 0,
) -> Schedule:
    """The best dispatching-rule plan (solver "greedy"), or status "infeasible"/"unknown" with a reason."""
    started = time.perf_counter()
    fixed = tuple(fixed)
    validate(instance)
    reason, reason_zh = _unschedulable(instance, not_before, {(a.job, a.op) for a in fixed})
    if reason is not None:
        return Schedule((), 0, 0, "infeasible", reason=reason, reason_zh=reason_zh or "", solver="greedy")
    plans = greedy_plans(
        instance,
        weights=weights,
        published=published,
        fixed=fixed,
        not_before=not_before,
        rollouts=rollouts,
        seed=seed,
    )
    seconds = time.perf_counter() - started
    if not plans:
        return Schedule(
            (),
            0,
            0,
            "unknown",
            reason="No dispatching rule fits every operation before the end of the planning horizon; "
            "a longer horizon or the CP-SAT solver may.",
            reason_zh="没有任何调度规则能在计划期结束前排下全部工序；延长计划期或使用 CP-SAT 求解器也许可以。",
            solver="greedy",
            seconds=seconds,
        )
    best = plans[0]
    bound = makespan_lower_bound(instance) * weights.makespan
    return Schedule(
        assignments=best.assignments,
        makespan=best.evaluation.makespan,
        lower_bound=min(bound, best.evaluation.objective),
        status="feasible",
        objective=best.evaluation.objective,
        solver="greedy",
        seconds=seconds,
        trace=((seconds, best.evaluation.objective, bound),),
    )
