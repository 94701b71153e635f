"""Neighbourhoods for the large-neighbourhood search: which operations to free around an incumbent plan.

Every neighbourhood returns two sets of (job, op) keys, about `size` operations in all: *relaxed*
ones, which the sub-solve re-plans freely (any eligible machine, any time), and *resequenced* ones,
which keep their machine but may change places in its sequence. Every other operation keeps its
machine and its order on that machine, not its time: the rest of the plan slides around them.
Resequencing is much cheaper for CP-SAT than a free choice of machine, so the neighbourhoods that
use it can reach further in the plan for the same effort.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from engines.schedule.instance import Assignment, Instance

Key = tuple[int, int]
Freed = tuple[set[Key], set[Key]]  # (relaxed, resequenced)
Neighbourhood = Callable[[Instance, Sequence[Assignment], random.Random, int], Freed]
RELAXED_SHARE = 0.3  # of a resequencing neighbourhood's operations, this share is freed entirely


def _jobs(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> set[Key]:
    """All operations of randomly drawn jobs."""
    by_job: dict[int, list[Key]] = {}
    for a in plan:
        by_job.setdefault(a.job, []).append((a.job, a.op))
    chosen: set[Key] = set()
    for job in rng.sample(sorted(by_job), len(by_job)):
        if len(chosen) >= size:
            break
        chosen.update(by_job[job])
    return chosen


def random_machines(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> Freed:
    """All operations on randomly drawn machines."""
    by_machine: dict[int, list[Key]] = {}
    for a in plan:
        by_machine.setdefault(a.machine, []).append((a.job, a.op))
    chosen: set[Key] = set()
    for machine in rng.sample(sorted(by_machine), len(by_machine)):
        if len(chosen) >= size:
            break
        chosen.update(by_machine[machine])
    return chosen, set()


def random_jobs(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> Freed:
    """All operations of randomly drawn jobs, relaxed."""
    return _jobs(instance, plan, rng, size), set()


def _split(keys: set[Key], rng: random.Random) -> Freed:
    relaxed = {key for key in sorted(keys) if rng.random() < RELAXED_SHARE}
    return relaxed, keys - relaxed


def time_window(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> Freed:
    """The operations that start in a window of the plan (from a random point): resequenced, some relaxed."""
    ordered = sorted(plan, key=lambda a: (a.start, a.job, a.op))
    first = rng.randrange(max(1, len(ordered) - size + 1))
    return _split({(a.job, a.op) for a in ordered[first : first + size]}, rng)


def machine_window(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> Freed:
    """On half the machines, the operations in a time window around a random one: resequenced, some relaxed."""
    machines = sorted({a.machine for a in plan})
    chosen = set(rng.sample(machines, max(1, len(machines) // 2)))
    on = sorted((a for a in plan if a.machine in chosen), key=lambda a: (a.start, a.job, a.op))
    if not on:
        return set(), set()
    first = rng.randrange(max(1, len(on) - size + 1))
    return _split({(a.job, a.op) for a in on[first : first + size]}, rng)


def critical_path(plan: Sequence[Assignment], instance: Instance, rng: random.Random) -> list[Key]:
    """A chain of operations, each starting exactly when its job or machine predecessor ends, to the makespan."""
    placed = {(a.job, a.op): a for a in plan}
    by_machine_end: dict[tuple[int, int], list[Key]] = {}
    for key, a in placed.items():
        by_machine_end.setdefault((a.machine, a.end), []).append(key)
    makespan = max((a.end for a in plan), default=0)
    current = rng.choice(sorted(k for k, a in placed.items() if a.end == makespan)) if plan else None
    path: list[Key] = []
    while current is not None and current not in path:
        path.append(current)
        a = placed[current]
        operation = instance.jobs[current[0]].operations[current[1]]
        tight = [
            (current[0], p)
            for p in operation.predecessors
            if placed[current[0], p].end
            + instance.travel_time(
                instance.machines[placed[current[0], p].machine].factory, instance.machines[a.machine].factory
            )
            == a.start
        ]
        tight += by_machine_end.get((a.machine, a.start), [])
        current = rng.choice(sorted(tight)) if tight else None
    return path


def critical(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> Freed:
    """Operations of a critical path (relaxed), then the ones running around them in time."""
    path = critical_path(plan, instance, rng)
    chosen = set(rng.sample(path, min(len(path), max(1, size // 2))))
    placed = {(a.job, a.op): a for a in plan}
    others = [a for a in plan if (a.job, a.op) not in chosen]
    around: set[Key] = set()
    while len(chosen) + len(around) < size and others:
        anchor = placed[rng.choice(sorted(chosen))]
        nearest = min(others, key=lambda a: (abs(a.start - anchor.start), rng.random()))
        around.add((nearest.job, nearest.op))
        others.remove(nearest)
    if RESEQUENCE_AROUND_CRITICAL:
        return chosen, around
    return chosen | around, set()


def late_jobs(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> Freed:
    """Operations of tardy jobs (most tardy first), topped up with random jobs."""
    completion: dict[int, int] = {}
    for a in plan:
        completion[a.job] = max(completion.get(a.job, 0), a.end)
    tardy = sorted(
        (job for job, end in completion.items() if (due := instance.jobs[job].due) is not None and end > due),
        key=lambda job: -(completion[job] - (instance.jobs[job].due or 0)),
    )
    chosen: set[Key] = set()
    for job in tardy:
        if len(chosen) >= size // 2:
            break
        chosen.update((job, o) for o in range(len(instance.jobs[job].operations)))
    if len(chosen) < size:
        chosen |= _jobs(instance, plan, rng, size - len(chosen))
    return chosen, set()


RESEQUENCE_AROUND_CRITICAL = False
NEIGHBOURHOODS: dict[str, Neighbourhood] = {
    "jobs": random_jobs,
    "machines": random_machines,
    "window": time_window,
    "critical": critical,
}
ALL_NEIGHBOURHOODS: dict[str, Neighbourhood] = {**NEIGHBOURHOODS, "machine window": machine_window}
