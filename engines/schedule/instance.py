"""The scheduling problem and its answer as plain data: jobs of operations on machines in factories.

Times are whole units (minutes for the platform's plans, the file's unit for benchmark instances)
counted from the plan's origin 0. Indices are positions in the tuples: `Alternative.machine` is an
index into `Instance.machines`, `Machine.factory` into `Instance.factories`, and an operation's
`predecessors` are indices into its own job's `operations`. Readers and the platform translate
their own ids to and from these positions; the ids and labels ride along for explanations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The end of an open-ended unavailable period (a machine down "until further notice"): later than
# any plan, small enough for CP-SAT's 64-bit arithmetic to add durations to it without overflow.
FOREVER = 2**40


@dataclass(frozen=True)
class Alternative:
    """One machine that can run an operation, and how long the operation takes there."""

    machine: int
    duration: int
    cost: int = 0  # processing cost on this machine (price per hour × hours), for explanations


@dataclass(frozen=True)
class Operation:
    """One step of a job: runs once, uninterrupted, on exactly one of its alternatives.

    `predecessors` may name several operations of the same job (a DAG, not only a chain); the
    operation starts after every one of them ends, plus transport when they ran in another factory.
    """

    alternatives: tuple[Alternative, ...]
    predecessors: tuple[int, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Job:
    """An order's operations with its release time, due date and tardiness weight."""

    operations: tuple[Operation, ...]
    release: int = 0
    due: int | None = None
    weight: int = 1
    label: str = ""


@dataclass(frozen=True)
class Machine:
    """A machine in a factory, with the periods it cannot work (shifts off, holidays, maintenance).

    `unavailable` holds half-open `[start, end)` periods; an operation never overlaps one (no
    operation is paused and resumed). A period ending at `FOREVER` never ends.
    """

    factory: int = 0
    unavailable: tuple[tuple[int, int], ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Factory:
    """A site; transport between two sites takes time and costs money."""

    label: str = ""


@dataclass(frozen=True)
class Instance:
    """A flexible job shop over one or several factories.

    `transport_time[a][b]` and `transport_cost[a][b]` apply between two consecutive operations of
    a job (a precedence arc) when the first ran in factory `a` and the second in factory `b`; the
    diagonal is normally 0. Both default to zero everywhere (one factory, or transport ignored).

    `horizon`, when given, is the end of the planning period: every operation must end by then, and
    the calendars say nothing about later times. `first_machine` is the number the source file
    gives machine 0 (1 for `.fjs` files), so answers can be printed in the file's own numbering.
    """

    jobs: tuple[Job, ...]
    machines: tuple[Machine, ...]
    factories: tuple[Factory, ...] = (Factory(),)
    transport_time: tuple[tuple[int, ...], ...] | None = None
    transport_cost: tuple[tuple[int, ...], ...] | None = None
    name: str = ""
    horizon: int | None = None
    first_machine: int = 0

    def travel_time(self, a: int, b: int) -> int:
        """Transport time from factory `a` to factory `b` (0 when none is given)."""
        return 0 if self.transport_time is None else self.transport_time[a][b]

    def travel_cost(self, a: int, b: int) -> int:
        """Transport cost from factory `a` to factory `b` (0 when none is given)."""
        return 0 if self.transport_cost is None else self.transport_cost[a][b]

    @property
    def operation_count(self) -> int:
        """How many operations the instance holds, over all jobs."""
        return sum(len(job.operations) for job in self.jobs)


@dataclass(frozen=True)
class Weights:
    """How the objective weighs its terms (all integers, so CP-SAT optimises exactly).

    objective = makespan·makespan_weight + Σ weight_j·tardiness_j·tardiness_weight
              + Σ transport cost·transport_weight + changed operations·stability_weight
    """

    makespan: int = 1
    tardiness: int = 0
    transport: int = 0
    stability: int = 0


# Makespan alone: the benchmark's objective and every signature's default.
DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Assignment:
    """Where and when one operation runs."""

    job: int
    op: int
    machine: int
    start: int
    end: int


@dataclass(frozen=True)
class Schedule:
    """A solver's answer: the assignments, their quality, and how the search went.

    `status` is "optimal" (proven for the objective), "feasible" (best found in the time),
    "infeasible" (proven: nothing fits; `reason` and `reason_zh` say why when known) or "unknown"
    (no plan found in the time, none proven impossible). `lower_bound` bounds the objective (the
    makespan under the default weights). `trace` holds `(seconds, incumbent objective, best bound)`
    as the search improved.
    """

    assignments: tuple[Assignment, ...]
    makespan: int
    lower_bound: int
    status: str
    objective: int = 0
    reason: str = ""
    solver: str = ""
    seconds: float = 0.0
    trace: tuple[tuple[float, int, int], ...] = field(default=())
    reason_zh: str = ""
