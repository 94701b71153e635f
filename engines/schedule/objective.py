"""The value of a plan under `Weights`: makespan, weighted tardiness, transport cost, changed operations.

objective = makespan × weights.makespan + Σ job weight × tardiness × weights.tardiness
          + Σ transport cost × weights.transport + changed operations × weights.stability

Tardiness of a job is how far its last operation ends after its due date (0 when on time or when it
has no due date). Transport cost is paid on every precedence arc, from the factory of the earlier
operation to the factory of the later one (the matrix' diagonal, normally 0, included). An operation
is changed when a published plan placed it and the new plan moves it to another machine or start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engines.schedule.instance import DEFAULT_WEIGHTS, Assignment, Instance, Weights

Key = tuple[int, int]


@dataclass(frozen=True)
class Evaluation:
    """The terms of the objective for one plan, and their weighted sum."""

    makespan: int
    tardiness: int  # Σ job weight × tardiness
    transport_cost: int
    changed: int
    objective: int


def by_operation(assignments: Iterable[Assignment]) -> dict[Key, Assignment]:
    """Assignments keyed by (job, op)."""
    return {(a.job, a.op): a for a in assignments}


def changed_operations(placed: Mapping[Key, Assignment], published: Mapping[Key, Assignment]) -> int:
    """How many published operations sit on another machine or start at another time."""
    return sum(
        1
        for key, old in published.items()
        if key in placed and (placed[key].machine != old.machine or placed[key].start != old.start)
    )


def evaluate(
    instance: Instance,
    assignments: Iterable[Assignment],
    weights: Weights = DEFAULT_WEIGHTS,
    published: Iterable[Assignment] | None = None,
) -> Evaluation:
    """Score a complete plan (every operation assigned) under `weights`."""
    placed = by_operation(assignments)
    makespan = max((a.end for a in placed.values()), default=0)
    tardiness = 0
    transport = 0
    for j, job in enumerate(instance.jobs):
        if job.due is not None and job.operations:
            completion = max(placed[j, o].end for o in range(len(job.operations)))
            tardiness += job.weight * max(0, completion - job.due)
        for o, operation in enumerate(job.operations):
            to = instance.machines[placed[j, o].machine].factory
            for p in operation.predecessors:
                transport += instance.travel_cost(instance.machines[placed[j, p].machine].factory, to)
    changed = changed_operations(placed, by_operation(published or ()))
    objective = (
        makespan * weights.makespan
        + tardiness * weights.tardiness
        + transport * weights.transport
        + changed * weights.stability
    )
    return Evaluation(makespan, tardiness, transport, changed, objective)
