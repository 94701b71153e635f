"""The checker catches every kind of broken plan, and its one-at-a-time and whole-frame paths agree."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.schedule.check import CODES, assignments_frame, check, check_assignments, check_frame
from engines.schedule.greedy import plan as greedy_plan
from engines.schedule.instance import Assignment, Instance, Machine, Schedule
from tests.engines.schedule.instances import chain, ft06, two_factories
from tests.engines.schedule.strategies import instances, perturbed


def _codes(instance: Instance, assignments: list[Assignment], makespan: int | None = None) -> list[tuple]:
    return [(v.code, v.job, v.op) for v in check_assignments(instance, assignments, makespan)]


def _valid_two_factories() -> tuple[Instance, list[Assignment]]:
    instance = two_factories(travel=10)
    plan = [
        Assignment(0, 0, 0, 0, 5),  # A
        Assignment(0, 1, 1, 15, 20),  # B, after 10 of transport
        Assignment(1, 0, 0, 5, 9),
        Assignment(1, 1, 0, 9, 13),
    ]
    return instance, plan


def test_it_accepts_a_valid_plan():
    instance, plan = _valid_two_factories()
    assert check_assignments(instance, plan, 20) == []


def test_it_reports_each_kind_of_violation_with_both_languages():
    instance, plan = _valid_two_factories()
    cases = {
        "unassigned": (plan[:3], [("unassigned", 1, 1)]),
        "duplicate": (plan + [plan[3]], [("duplicate", 1, 1), ("overlap", 1, 1)]),
        "unknown": (plan + [Assignment(5, 0, 0, 30, 35)], [("unknown", 5, 0)]),
        # on B (which cannot do it), and then 10 of transport back to A before operation 1
        "ineligible": (
            [*plan[:2], Assignment(1, 0, 1, 5, 9), plan[3]],
            [("ineligible", 1, 0), ("precedence", 1, 1)],
        ),
        "duration": ([*plan[:3], Assignment(1, 1, 0, 9, 14)], [("duration", 1, 1)]),
        # transport: 5 + 10 = 15, so a start at 14 is too early even though op 0 ended at 5
        "precedence": ([plan[0], Assignment(0, 1, 1, 14, 19), *plan[2:]], [("precedence", 0, 1)]),
        "overlap": ([*plan[:2], Assignment(1, 0, 0, 4, 8), Assignment(1, 1, 0, 9, 13)], [("overlap", 1, 0)]),
    }
    for name, (assignments, expected) in cases.items():
        found = check_assignments(instance, assignments)
        assert [(v.code, v.job, v.op) for v in found] == expected, name
        assert all(v.message_en and v.message_zh and v.message_en != v.message_zh for v in found)


def test_it_reports_release_calendar_horizon_and_makespan():
    instance = Instance(
        jobs=(chain(((0, 5),), release=3),),
        machines=(Machine(unavailable=((10, 20),)),),
        horizon=30,
    )
    assert _codes(instance, [Assignment(0, 0, 0, 2, 7)]) == [("release", 0, 0)]
    assert _codes(instance, [Assignment(0, 0, 0, 8, 13)]) == [("calendar", 0, 0)]
    assert _codes(instance, [Assignment(0, 0, 0, 5, 10)]) == []  # half-open: ends as the period starts
    assert _codes(instance, [Assignment(0, 0, 0, 20, 25)]) == []
    assert _codes(instance, [Assignment(0, 0, 0, 27, 32)]) == [("horizon", 0, 0)]
    assert _codes(instance, [Assignment(0, 0, 0, 20, 25)], 24) == [("makespan", None, None)]
    schedule = Schedule((Assignment(0, 0, 0, 20, 25),), makespan=25, lower_bound=0, status="feasible")
    assert check(instance, schedule) == []


def test_it_lets_an_operation_of_zero_duration_share_a_busy_moment():
    instance = Instance(jobs=(chain(((0, 4),)), chain(((0, 0),))), machines=(Machine(unavailable=((4, 6),)),))
    assert _codes(instance, [Assignment(0, 0, 0, 0, 4), Assignment(1, 0, 0, 2, 2)]) == []
    assert _codes(instance, [Assignment(0, 0, 0, 0, 4), Assignment(1, 0, 0, 5, 5)]) == []


def test_it_flags_the_later_of_two_overlapping_operations_and_names_when_the_machine_is_free():
    instance = ft06()
    plan = list(greedy_plan(instance).assignments)
    first, second = sorted((a for a in plan if a.machine == 0), key=lambda a: a.start)[:2]
    moved = dataclasses.replace(
        second, start=first.start + 1, end=first.start + 1 + (second.end - second.start)
    )
    found = [
        v
        for v in check_assignments(instance, [moved if a == second else a for a in plan])
        if v.code == "overlap"
    ]
    assert [(v.job, v.op) for v in found] == [(second.job, second.op)]
    assert f"until {first.end}" in found[0].message_en


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), instance=instances())
def test_it_gives_the_same_violations_one_at_a_time_and_over_a_frame(data, instance):
    schedule = greedy_plan(instance)
    plan = list(schedule.assignments)
    if data.draw(st.booleans()):
        plan = data.draw(perturbed(plan, instance))
    makespan = data.draw(st.none() | st.just(max((a.end for a in plan), default=0)) | st.integers(0, 200))
    one = check_assignments(instance, plan, makespan)
    batch = check_frame(instance, assignments_frame(plan), makespan)
    assert one == batch
    assert {v.code for v in one} <= set(CODES)


def test_the_frame_path_catches_each_kind_too():
    instance, plan = _valid_two_factories()
    broken = [plan[0], Assignment(0, 1, 1, 14, 19), Assignment(1, 0, 1, 5, 9), plan[3], plan[3]]
    codes = [(v.code, v.job, v.op) for v in check_frame(instance, assignments_frame(broken), 5)]
    assert codes == [
        ("duplicate", 1, 1),
        ("ineligible", 1, 0),
        ("precedence", 0, 1),
        ("precedence", 1, 1),
        ("overlap", 1, 1),
        ("makespan", None, None),
    ]
