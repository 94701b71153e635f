"""A seeded multi-factory instance: three factories, transport between them, shifts, DAG routings.

Times are minutes from Monday 00:00 of the plan's first week. Each factory works its own shifts
(two shifts 06:00–22:00 or one 08:00–17:00, Monday to Saturday) and some machines have a
maintenance stop; the calendar is spelled out to the end of the planning horizon. Machines of one
process type may sit in several factories at different speeds and prices, so where an operation
runs is a real choice between a faster machine and the transport to reach it. A job's routing makes
two parts in parallel (turning and milling, say), joins them at assembly and then finishes them, so
routings are DAGs and not only chains. The same seed always gives the same instance.
"""

from __future__ import annotations

import random

from engines.schedule.instance import Alternative, Factory, Instance, Job, Machine, Operation

DAY = 24 * 60
PROCESSES = ("turning", "milling", "grinding", "welding", "assembly", "heat treatment", "inspection")
# (label, shift pattern, {process: machine count})
FACTORIES = (
    ("Ningbo mould works", "two", {"turning": 2, "milling": 2, "grinding": 1, "inspection": 1}),
    ("Yuyao precision", "one", {"milling": 2, "welding": 1, "assembly": 2, "grinding": 1}),
    (
        "Cixi shared factory",
        "two",
        {"turning": 1, "heat treatment": 1, "assembly": 1, "inspection": 1, "welding": 1},
    ),
)
# minutes by truck between the three sites, and the cost of a trip (yuan)
TRANSPORT_TIME = ((0, 90, 60), (90, 0, 45), (60, 45, 0))
TRANSPORT_COST = ((0, 600, 400), (600, 0, 300), (400, 300, 0))
SHIFTS = {"two": (6 * 60, 22 * 60), "one": (8 * 60, 17 * 60)}


def _calendar(pattern: str, days: int, rng: random.Random) -> tuple[tuple[int, int], ...]:
    """Off-shift periods (and Sundays) for `days` days, plus now and then a maintenance stop."""
    opens, closes = SHIFTS[pattern]
    off: list[tuple[int, int]] = []
    for day in range(days):
        base = day * DAY
        if day % 7 == 6:
            off.append((base, base + DAY))
            continue
        off.append((base, base + opens))
        off.append((base + closes, base + DAY))
    if rng.random() < 0.4:
        day = rng.randrange(1, days - 1)
        if day % 7 != 6:
            start = day * DAY + opens + rng.randrange(0, 4) * 60
            off.append((start, start + 120))
    return tuple(sorted(off))


def _routing(rng: random.Random) -> list[tuple[str, tuple[int, ...]]]:
    """(process, predecessors) of one job: two branches joined at assembly, then finishing steps."""
    first = rng.choice(("turning", "milling"))
    second = rng.choice(("milling", "grinding", "welding"))
    steps: list[tuple[str, tuple[int, ...]]] = [(first, ()), (second, ())]
    if rng.random() < 0.5:
        steps.append(("grinding", (0,)))
        join: tuple[int, ...] = (2, 1)
    else:
        join = (0, 1)
    steps.append(("assembly", join))
    tail = len(steps) - 1
    if rng.random() < 0.6:
        steps.append(("heat treatment", (tail,)))
        tail += 1
    steps.append(("inspection", (tail,)))
    return steps


def synthetic_instance(seed: int = 1, jobs: int = 30, days: int = 21) -> Instance:
    """The benchmark's multi-factory case: 3 factories, transport, `jobs` jobs with DAG routings, shifts."""
    rng = random.Random(seed)
    machines: list[Machine] = []
    kinds: list[tuple[str, float, int]] = []  # process, speed factor, price per hour
    for f, (label, pattern, counts) in enumerate(FACTORIES):
        for process, count in counts.items():
            for k in range(count):
                machines.append(
                    Machine(
                        factory=f,
                        unavailable=_calendar(pattern, days, rng),
                        label=f"{label} {process} {k + 1}",
                    )
                )
                kinds.append((process, rng.choice((0.8, 1.0, 1.0, 1.25)), rng.choice((60, 80, 120, 150))))
    job_list = []
    for j in range(jobs):
        operations = []
        for process, predecessors in _routing(rng):
            base = rng.randrange(30, 241, 15)
            alternatives = tuple(
                Alternative(m, duration=round(base * speed), cost=round(base * speed * price / 60))
                for m, (kind, speed, price) in enumerate(kinds)
                if kind == process
            )
            operations.append(Operation(alternatives=alternatives, predecessors=predecessors, label=process))
        release = rng.randrange(0, 4) * DAY
        work = sum(min(a.duration for a in op.alternatives) for op in operations)
        due = release + DAY * (2 + work // 480) + rng.randrange(0, 3) * DAY
        job_list.append(
            Job(
                operations=tuple(operations),
                release=release,
                due=due,
                weight=rng.choice((1, 1, 2, 3)),
                label=f"order {j + 1}",
            )
        )
    return Instance(
        jobs=tuple(job_list),
        machines=tuple(machines),
        factories=tuple(Factory(label) for label, _, _ in FACTORIES),
        transport_time=TRANSPORT_TIME,
        transport_cost=TRANSPORT_COST,
        name=f"synthetic-3-factories-{jobs}-jobs-seed-{seed}",
        horizon=days * DAY,
    )
