"""Neighbourhoods for the large-neighbourhood search: which operations to free around an incumbent plan.

Every neighbourhood returns a set of about `size` (job, op) keys; the sub-solve re-plans those
freely (any eligible machine, any time) while every other operation keeps its machine and its order
on that machine, not its time: the rest of the plan slides around them.

(Tried and dropped: neighbourhoods that only resequence operations on their machines, with a few
freed entirely. They reach further for the same effort but, on Mk06 and Mk10, found no better plans.)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from engines.schedule.instance import Assignment, Instance

Key = tuple[int, int]
Neighbourhood = Callable[[Instance, Sequence[Assignment], random.Random, int], set[Key]]


def random_jobs(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> set[Key]:
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


def random_machines(
    instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int
) -> set[Key]:
    """All operations on randomly drawn machines."""
    by_machine: dict[int, list[Key]] = {}
    for a in plan:
        by_machine.setdefault(a.machine, []).append((a.job, a.op))
    chosen: set[Key] = set()
    for machine in rng.sample(sorted(by_machine), len(by_machine)):
        if len(chosen) >= size:
            break
        chosen.update(by_machine[machine])
    return chosen


def time_window(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> set[Key]:
    """The operations that start in a window of the plan, from a random point onwards."""
    ordered = sorted(plan, key=lambda a: (a.start, a.job, a.op))
    first = rng.randrange(max(1, len(ordered) - size + 1))
    return {(a.job, a.op) for a in ordered[first : first + size]}


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


def critical(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> set[Key]:
    """Operations of a critical path, then the ones running around them in time."""
    path = critical_path(plan, instance, rng)
    chosen = set(rng.sample(path, min(len(path), max(1, size // 2))))
    placed = {(a.job, a.op): a for a in plan}
    others = [a for a in plan if (a.job, a.op) not in chosen]
    while len(chosen) < size and others:
        anchor = placed[rng.choice(sorted(chosen))]
        nearest = min(others, key=lambda a: (abs(a.start - anchor.start), rng.random()))
        chosen.add((nearest.job, nearest.op))
        others.remove(nearest)
    return chosen


def late_jobs(instance: Instance, plan: Sequence[Assignment], rng: random.Random, size: int) -> set[Key]:
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
        chosen |= random_jobs(instance, plan, rng, size - len(chosen))
    return chosen


NEIGHBOURHOODS: dict[str, Neighbourhood] = {
    "jobs": random_jobs,
    "machines": random_machines,
    "window": time_window,
    "critical": critical,
    "late": late_jobs,  # used when tardiness counts and some job has a due date
}
