"""Re-planning after a disruption moves what it must, keeps what it can, and never drops work silently."""

from __future__ import annotations

import sys

from engines.schedule.check import check
from engines.schedule.instance import (
    Alternative,
    Assignment,
    Factory,
    Instance,
    Job,
    Machine,
    Operation,
    Weights,
)
from engines.schedule.reschedule import Disruption, Downtime, reschedule
from tests.engines.schedule.instances import chain

# Machines 0 and 1 are twins (1 stands idle in the published plan); machine 2 is another process.
SHOP = Instance(
    jobs=(
        chain(((0, 4), (1, 4)), ((2, 3),)),
        chain(((0, 5), (1, 5)), ((2, 2),)),
        chain(((2, 2),), ((0, 6), (1, 6))),
    ),
    machines=(Machine(label="lathe A"), Machine(label="lathe B"), Machine(label="mill")),
    factories=(Factory("Ningbo"),),
)
PUBLISHED = (
    Assignment(0, 0, 0, 0, 4),
    Assignment(0, 1, 2, 4, 7),
    Assignment(1, 0, 0, 4, 9),
    Assignment(1, 1, 2, 9, 11),
    Assignment(2, 0, 2, 0, 2),
    Assignment(2, 1, 0, 9, 15),
)


def _by_key(assignments):
    return {(a.job, a.op): a for a in assignments}


def test_the_published_plan_is_valid():
    from engines.schedule.instance import Schedule

    assert check(SHOP, Schedule(PUBLISHED, 15, 0, "feasible")) == []


def test_a_downed_machine_hands_its_work_to_its_twin_and_nothing_else_moves():
    replan = reschedule(SHOP, PUBLISHED, Disruption(downtimes=(Downtime(0, 5),)), now=5, time_limit=10)
    schedule = replan.schedule
    assert schedule.status in ("optimal", "feasible")
    assert check(replan.instance, schedule) == []
    placed = _by_key(schedule.assignments)
    # job 1's first operation was running on lathe A when it went down: done again on lathe B
    assert replan.interrupted == ((1, 0),)
    assert placed[1, 0].machine == 1 and placed[1, 0].start >= 5
    assert placed[2, 1].machine == 1
    assert placed[0, 0] == PUBLISHED[0]  # finished before the breakdown: untouched
    changed = {(c.job, c.op) for c in replan.changes}
    assert {(1, 0), (2, 1)} <= changed
    assert all(placed[k] == a for k, a in _by_key(PUBLISHED).items() if k not in changed)
    interrupted = next(c for c in replan.changes if (c.job, c.op) == (1, 0))
    assert interrupted.reason_en.startswith("Interrupted") and "中断" in interrupted.reason_zh
    assert not any(a.machine == 0 and a.end > 5 for a in schedule.assignments)


def test_operations_started_before_now_stay_as_published():
    replan = reschedule(SHOP, PUBLISHED, Disruption(downtimes=(Downtime(2, 20, 30),)), now=6, time_limit=10)
    placed = _by_key(replan.schedule.assignments)
    for a in PUBLISHED:
        if a.start < 6:
            assert placed[a.job, a.op] == a
    assert replan.changes == ()  # a later downtime that touches nothing changes nothing


def test_an_urgent_job_is_added_and_reported():
    urgent = chain(((2, 3),), ((0, 2), (1, 2)))
    replan = reschedule(SHOP, PUBLISHED, Disruption(urgent_jobs=(urgent,)), now=3, time_limit=10)
    assert replan.schedule.status in ("optimal", "feasible")
    added = [c for c in replan.changes if c.old_machine is None]
    assert {(c.job, c.op) for c in added} == {(3, 0), (3, 1)}
    assert all(c.reason_en == "Added: an urgent job." for c in added)
    assert all(a.start >= 3 for a in replan.schedule.assignments if a.job == 3)
    assert check(replan.instance, replan.schedule) == []


def test_a_factory_declining_every_operation_makes_the_order_unschedulable_with_the_reason():
    instance = Instance(
        jobs=(Job((Operation((Alternative(1, 4),), label="welding"),), label="bracket order"),),
        machines=(Machine(factory=0), Machine(factory=1)),
        factories=(Factory("Ningbo"), Factory("Cixi")),
    )
    published = (Assignment(0, 0, 1, 10, 14),)
    replan = reschedule(
        instance, published, Disruption(excluded_factories=frozenset({1})), now=0, time_limit=5
    )
    assert replan.schedule.status == "infeasible"
    assert "job 0 (bracket order), operation 0 (welding)" in replan.schedule.reason
    assert replan.schedule.reason_zh
    assert replan.changes == ()


def test_an_excluded_machine_keeps_work_already_started_and_loses_the_rest():
    replan = reschedule(SHOP, PUBLISHED, Disruption(excluded_machines=frozenset({0})), now=5, time_limit=10)
    placed = _by_key(replan.schedule.assignments)
    assert placed[1, 0] == PUBLISHED[2]  # started at 4 on lathe A: it goes on
    assert placed[2, 1].machine == 1
    moved = next(c for c in replan.changes if (c.job, c.op) == (2, 1))
    assert "no longer takes this work" in moved.reason_en


def test_without_or_tools_the_greedy_planner_replans(monkeypatch):
    monkeypatch.setitem(sys.modules, "ortools.sat.python.cp_model", None)
    replan = reschedule(
        SHOP,
        PUBLISHED,
        Disruption(downtimes=(Downtime(0, 5),)),
        now=5,
        time_limit=10,
        weights=Weights(stability=1),
    )
    assert replan.schedule.solver == "greedy"
    assert check(replan.instance, replan.schedule) == []
    assert not any(a.machine == 0 and a.end > 5 for a in replan.schedule.assignments)
