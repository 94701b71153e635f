"""Cheap bounds from the routings alone: each operation's earliest start and remaining work, and the makespan.

With every operation at its shortest duration and every transport at its shortest leg, an operation
cannot start before its *head* (release plus the longest predecessor path) and the plan cannot end
before its start plus its *tail* (its own duration plus the longest successor path). The solvers
use these as redundant constraints and as a priority (most work remaining); the lower bound they
give is valid whatever the calendars, which only delay things.
"""

from __future__ import annotations

from dataclasses import dataclass

from engines.schedule.instance import Instance, Operation
from engines.schedule.validate import topological_order

Key = tuple[int, int]


@dataclass(frozen=True)
class RoutingBounds:
    """Per (job, op): the earliest start (`head`) and the shortest remaining path including itself (`tail`)."""

    head: dict[Key, int]
    tail: dict[Key, int]
    min_duration: dict[Key, int]

    def path_bound(self) -> int:
        """The longest head + tail over all operations: no plan ends earlier."""
        return max((self.head[key] + self.tail[key] for key in self.head), default=0)


def _min_travel(instance: Instance, before: Operation, after: Operation) -> int:
    factories = instance.machines
    return min(
        (
            instance.travel_time(factories[a.machine].factory, factories[b.machine].factory)
            for a in before.alternatives
            for b in after.alternatives
        ),
        default=0,
    )


def routing_bounds(instance: Instance) -> RoutingBounds:
    """Heads and tails of every operation (validate the instance first: routings must be acyclic)."""
    head: dict[Key, int] = {}
    tail: dict[Key, int] = {}
    shortest: dict[Key, int] = {}
    for j, job in enumerate(instance.jobs):
        order = topological_order(job, j)
        successors: dict[int, list[int]] = {o: [] for o in range(len(job.operations))}
        for o, operation in enumerate(job.operations):
            shortest[j, o] = min((a.duration for a in operation.alternatives), default=0)
            for p in operation.predecessors:
                successors[p].append(o)
        for o in order:
            operation = job.operations[o]
            head[j, o] = max(
                [job.release]
                + [
                    head[j, p] + shortest[j, p] + _min_travel(instance, job.operations[p], operation)
                    for p in operation.predecessors
                ]
            )
        for o in reversed(order):
            operation = job.operations[o]
            tail[j, o] = shortest[j, o] + max(
                [0]
                + [tail[j, s] + _min_travel(instance, operation, job.operations[s]) for s in successors[o]]
            )
    return RoutingBounds(head, tail, shortest)


def makespan_lower_bound(instance: Instance, bounds: RoutingBounds | None = None) -> int:
    """A makespan no plan can beat: the longest routing path, total work over all machines, fixed loads."""
    bounds = bounds or routing_bounds(instance)
    work = sum(bounds.min_duration.values())
    machines = max(1, len(instance.machines))
    fixed_load = [0] * len(instance.machines)
    for job in instance.jobs:
        for operation in job.operations:
            if len(operation.alternatives) == 1:
                fixed_load[operation.alternatives[0].machine] += operation.alternatives[0].duration
    return max([bounds.path_bound(), -(-work // machines), *fixed_load])
