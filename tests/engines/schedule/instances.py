"""Small instances the scheduling tests share: ft06 inline, the benchmark folder, tiny builders."""

from __future__ import annotations

from engines.schedule.instance import Alternative, Factory, Instance, Job, Machine, Operation
from engines.schedule.readers import read_jsplib
from tests.support.paths import ROOT

# The standard benchmark instances live beside the repository (../shared), as the benchmark reads them.
BENCHMARKS = ROOT / "benchmarks" / "data" / "scheduling"  # vendored from ../shared (README there)

# Fisher and Thompson's 6×6 job shop (OR-Library, via JSPLIB): optimal makespan 55.
FT06 = """\
# instance ft06
# Fisher and Thompson 6x6 instance, alternate name (mt06)
6 6
2  1  0  3  1  6  3  7  5  3  4  6
1  8  2  5  4 10  5 10  0 10  3  4
2  5  3  4  5  8  0  9  1  1  4  7
1  5  0  5  2  5  3  3  4  8  5  9
2  9  1  3  4  5  5  4  0  3  3  1
1  3  3  3  5  9  0 10  4  4  2  1
"""


def ft06() -> Instance:
    return read_jsplib(FT06, "ft06")


def chain(*steps: tuple[tuple[int, int], ...], release: int = 0, due: int | None = None) -> Job:
    """A job whose operations follow each other; each step lists (machine, duration) alternatives."""
    return Job(
        operations=tuple(
            Operation(
                alternatives=tuple(Alternative(machine, duration) for machine, duration in step),
                predecessors=(o - 1,) if o else (),
            )
            for o, step in enumerate(steps)
        ),
        release=release,
        due=due,
    )


def two_factories(travel: int = 10, cost: int = 7) -> Instance:
    """Two factories one machine each; job 0 is quicker split across them than kept in one."""
    return Instance(
        jobs=(
            chain(((0, 5), (1, 9)), ((0, 9), (1, 5))),
            chain(((0, 4),), ((0, 4), (1, 8))),
        ),
        machines=(Machine(factory=0, label="A1"), Machine(factory=1, label="B1")),
        factories=(Factory("A"), Factory("B")),
        transport_time=((0, travel), (travel, 0)),
        transport_cost=((0, cost), (cost, 0)),
        name="two-factories",
    )
