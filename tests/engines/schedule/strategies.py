"""Hypothesis strategies: random multi-factory instances (DAG routings, calendars, transport) and plans."""

from __future__ import annotations

from hypothesis import strategies as st

from engines.schedule.instance import Alternative, Assignment, Factory, Instance, Job, Machine, Operation


@st.composite
def instances(draw, *, max_jobs: int = 5, max_ops: int = 5, calendars: bool = True) -> Instance:
    """A small valid instance: 1–3 factories, 1–5 machines, acyclic routings, optional calendars and transport."""
    factories = draw(st.integers(1, 3))
    machines = tuple(
        Machine(
            factory=draw(st.integers(0, factories - 1)),
            unavailable=tuple(
                (start, start + length)
                for start, length in draw(
                    st.lists(
                        st.tuples(st.integers(0, 60), st.integers(1, 15)), max_size=3 if calendars else 0
                    )
                )
            ),
        )
        for _ in range(draw(st.integers(1, 5)))
    )
    jobs = []
    for _ in range(draw(st.integers(1, max_jobs))):
        operations = []
        for o in range(draw(st.integers(1, max_ops))):
            eligible = draw(st.sets(st.integers(0, len(machines) - 1), min_size=1, max_size=len(machines)))
            operations.append(
                Operation(
                    alternatives=tuple(
                        Alternative(m, draw(st.integers(0, 12)), cost=draw(st.integers(0, 5)))
                        for m in sorted(eligible)
                    ),
                    predecessors=tuple(sorted(draw(st.sets(st.integers(0, o - 1), max_size=2)))) if o else (),
                )
            )
        release = draw(st.integers(0, 20))
        due = draw(st.none() | st.integers(release, release + 80))
        jobs.append(Job(tuple(operations), release=release, due=due, weight=draw(st.integers(1, 3))))
    travel = tuple(
        tuple(0 if f == g else draw(st.integers(0, 10)) for g in range(factories)) for f in range(factories)
    )
    cost = tuple(
        tuple(0 if f == g else draw(st.integers(0, 9)) for g in range(factories)) for f in range(factories)
    )
    return Instance(
        jobs=tuple(jobs),
        machines=machines,
        factories=tuple(Factory(f"F{f}") for f in range(factories)),
        transport_time=travel if factories > 1 else None,
        transport_cost=cost if factories > 1 else None,
    )


@st.composite
def perturbed(draw, plan: list[Assignment], instance: Instance) -> list[Assignment]:
    """A plan with a few random edits: dropped, duplicated, shifted, moved, stretched or unknown operations."""
    plan = list(plan)
    machines = len(instance.machines)
    for _ in range(draw(st.integers(1, 4))):
        if not plan:
            break
        i = draw(st.integers(0, len(plan) - 1))
        a = plan[i]
        edit = draw(st.sampled_from(["drop", "duplicate", "shift", "move", "stretch", "unknown", "swap"]))
        if edit == "drop":
            plan.pop(i)
        elif edit == "duplicate":
            plan.insert(draw(st.integers(0, len(plan))), a)
        elif edit == "shift":
            delta = draw(st.integers(-15, 15))
            plan[i] = Assignment(a.job, a.op, a.machine, a.start + delta, a.end + delta)
        elif edit == "move":
            plan[i] = Assignment(a.job, a.op, draw(st.integers(-1, machines)), a.start, a.end)
        elif edit == "stretch":
            plan[i] = Assignment(a.job, a.op, a.machine, a.start, a.end + draw(st.integers(-3, 3)))
        elif edit == "unknown":
            plan.append(Assignment(a.job + draw(st.integers(0, 1)), a.op + 50, a.machine, a.start, a.end))
        else:
            j = draw(st.integers(0, len(plan) - 1))
            b = plan[j]
            plan[i] = Assignment(a.job, a.op, a.machine, b.start, b.start + (a.end - a.start))
    return plan
