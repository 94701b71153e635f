"""Re-plan after a disruption, moving as little of the published plan as the new situation allows.

A disruption is any mix of: machines down for a period (or until further notice), urgent jobs to
add, machines or whole factories excluded (a factory declined its operations). At `now`:

- an operation that started before `now` stays where it was published, unless its machine goes
  down before it ends: then it is *interrupted* and planned again from scratch (said so in its change);
- every other operation starts at or after `now`; with `weights.stability` each published operation
  that moves (machine or start) costs that much in the objective, so the solver keeps what it can;
- an excluded machine takes no operation that has not started; an operation nobody can do any more
  makes the answer "infeasible", naming the operation (it is never dropped silently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from engines.schedule.greedy import plan as greedy_plan
from engines.schedule.instance import FOREVER, Assignment, Instance, Job, Schedule, Weights
from engines.schedule.ortools_loader import available

if TYPE_CHECKING:
    from engines.schedule.cpsat import Progress

Key = tuple[int, int]
# Moving one published operation weighs as much as 60 time units (an hour on the platform) of makespan.
RESCHEDULE_WEIGHTS = Weights(makespan=1, stability=60)


@dataclass(frozen=True)
class Downtime:
    """A machine out of service from `start` until `end` (None: until further notice)."""

    machine: int
    start: int
    end: int | None = None


@dataclass(frozen=True)
class Disruption:
    """What changed since the plan was published."""

    downtimes: tuple[Downtime, ...] = ()
    urgent_jobs: tuple[Job, ...] = ()
    excluded_machines: frozenset[int] = field(default_factory=frozenset)
    excluded_factories: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Change:
    """One operation the new plan places differently (old_* None: it was not in the published plan)."""

    job: int
    op: int
    old_machine: int | None
    old_start: int | None
    new_machine: int
    new_start: int
    reason_en: str
    reason_zh: str


@dataclass(frozen=True)
class Replan:
    """The new plan, the instance it is for (disruption applied, urgent jobs appended) and what moved."""

    schedule: Schedule
    instance: Instance
    changes: tuple[Change, ...]
    interrupted: tuple[Key, ...] = ()


def _excluded(instance: Instance, disruption: Disruption) -> set[int]:
    return set(disruption.excluded_machines) | {
        m for m, machine in enumerate(instance.machines) if machine.factory in disruption.excluded_factories
    }


def _down(disruption: Disruption, machine: int, start: int, end: int) -> bool:
    return any(
        d.machine == machine and d.start < end and start < (FOREVER if d.end is None else d.end)
        for d in disruption.downtimes
    )


def disrupted_instance(
    instance: Instance, disruption: Disruption, kept: set[Key], published: dict[Key, Assignment]
) -> Instance:
    """The instance after the disruption: downtimes in the calendars, excluded machines removed from
    the operations not kept (kept operations keep their published machine), urgent jobs appended."""
    excluded = _excluded(instance, disruption)
    machines = list(instance.machines)
    for d in disruption.downtimes:
        period = (d.start, FOREVER if d.end is None else d.end)
        machines[d.machine] = replace(
            machines[d.machine], unavailable=(*machines[d.machine].unavailable, period)
        )
    jobs = []
    for j, job in enumerate((*instance.jobs, *disruption.urgent_jobs)):
        operations = []
        for o, operation in enumerate(job.operations):
            if (j, o) in kept:
                keep = tuple(a for a in operation.alternatives if a.machine == published[j, o].machine)
            else:
                keep = tuple(a for a in operation.alternatives if a.machine not in excluded)
            operations.append(replace(operation, alternatives=keep))
        jobs.append(replace(job, operations=tuple(operations)))
    return replace(instance, jobs=tuple(jobs), machines=tuple(machines))


def _kept_and_interrupted(
    instance: Instance, published: dict[Key, Assignment], disruption: Disruption, now: int
) -> tuple[set[Key], list[Key]]:
    """Operations that stay as published (started before `now`, not hit by a downtime) and those interrupted."""
    started = {k for k, a in published.items() if a.start < now}
    interrupted = {
        k for k in started if _down(disruption, published[k].machine, published[k].start, published[k].end)
    }
    # A successor cannot stand when the work it waited for must be redone.
    changed = True
    while changed:
        changed = False
        for j, o in sorted(started - interrupted):
            if any((j, p) in interrupted for p in instance.jobs[j].operations[o].predecessors):
                interrupted.add((j, o))
                changed = True
    return started - interrupted, sorted(interrupted)


def _reason(
    key: Key, old: Assignment | None, instance: Instance, disruption: Disruption, interrupted: set[Key]
) -> tuple[str, str]:
    if old is None:
        return "Added: an urgent job.", "新增：紧急作业。"
    if key in interrupted:
        return (
            f"Interrupted: machine {old.machine} went down while it ran; it is done again from the start.",
            f"已中断：加工期间机器 {old.machine} 停机，需从头重新加工。",
        )
    if old.machine in _excluded(instance, disruption):
        return (
            f"Moved off machine {old.machine}, which no longer takes this work.",
            f"已从不再承接此工作的机器 {old.machine} 移出。",
        )
    if _down(disruption, old.machine, old.start, old.end):
        return (
            f"Moved: machine {old.machine} is down at the published time.",
            f"已调整：机器 {old.machine} 在原定时间停机。",
        )
    return "Moved to make room for the changes above.", "为上述变化腾出位置而调整。"


def reschedule(
    instance: Instance,
    published: Sequence[Assignment],
    disruption: Disruption,
    *,
    now: int,
    time_limit: float,
    workers: int = 2,
    weights: Weights = RESCHEDULE_WEIGHTS,
    seed: int = 0,
    on_progress: Progress | None = None,
) -> Replan:
    """A new plan for the disrupted instance, and every operation it changes against `published`."""
    if not time_limit > 0:
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    by_key = {(a.job, a.op): a for a in published}
    kept, interrupted = _kept_and_interrupted(instance, by_key, disruption, now)
    new_instance = disrupted_instance(instance, disruption, kept, by_key)
    still_published = [a for a in published if (a.job, a.op) not in set(interrupted)]
    if available():
        from engines.schedule.cpsat import solve

        schedule = solve(
            new_instance,
            time_limit=time_limit,
            workers=workers,
            weights=weights,
            published=still_published,
            frozen=kept,
            not_before=now,
            seed=seed,
            on_progress=on_progress,
        )
    else:
        schedule = greedy_plan(
            new_instance,
            weights=weights,
            published=still_published,
            fixed=[by_key[k] for k in sorted(kept)],
            not_before=now,
            seed=seed,
        )
    if schedule.status not in ("optimal", "feasible"):
        return Replan(schedule, new_instance, (), tuple(interrupted))
    gone = set(interrupted)
    changes = []
    for a in schedule.assignments:
        old = by_key.get((a.job, a.op))
        if (
            old is not None
            and old.machine == a.machine
            and old.start == a.start
            and (a.job, a.op) not in gone
        ):
            continue
        en, zh = _reason((a.job, a.op), old, instance, disruption, gone)
        changes.append(
            Change(
                a.job,
                a.op,
                None if old is None else old.machine,
                None if old is None else old.start,
                a.machine,
                a.start,
                en,
                zh,
            )  # fmt: skip
        )
    return Replan(schedule, new_instance, tuple(changes), tuple(interrupted))
