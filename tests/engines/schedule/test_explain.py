"""Explanations: each factory's share, every transport leg, every job's lateness, in both languages."""

from __future__ import annotations

from engines.schedule.explain import explain
from engines.schedule.instance import Assignment, Schedule
from tests.engines.schedule.instances import two_factories
from tests.support.i18n import CJK

INSTANCE = two_factories(travel=3, cost=7)
PLAN = Schedule(
    assignments=(
        Assignment(0, 0, 0, 0, 5),
        Assignment(0, 1, 1, 8, 13),
        Assignment(1, 0, 0, 5, 9),
        Assignment(1, 1, 0, 9, 13),
    ),
    makespan=13,
    lower_bound=13,
    status="optimal",
)


def test_it_splits_the_plan_by_factory():
    shares = explain(INSTANCE, PLAN).shares
    assert [(s.label, s.operations, s.machine_time) for s in shares] == [("A", 3, 13), ("B", 1, 5)]
    assert sum(s.operations for s in shares) == len(PLAN.assignments)


def test_it_lists_each_transport_leg_with_time_and_cost():
    legs = explain(INSTANCE, PLAN).legs
    assert [
        (leg.job, leg.from_op, leg.to_op, leg.from_factory, leg.to_factory, leg.time, leg.cost)
        for leg in legs
    ] == [(0, 0, 1, 0, 1, 3, 7)]
    assert "from A to B" in legs[0].text_en and "从A运往B" in legs[0].text_zh


def test_it_reports_lateness_against_due_dates():
    from dataclasses import replace

    instance = replace(INSTANCE, jobs=(replace(INSTANCE.jobs[0], due=10), INSTANCE.jobs[1]))
    lateness = explain(instance, PLAN).lateness
    assert [(item.job, item.completion, item.due, item.tardiness) for item in lateness] == [
        (0, 13, 10, 3),
        (1, 13, None, 0),
    ]
    assert "3 after its due date" in lateness[0].text_en and "晚 3" in lateness[0].text_zh


def test_every_text_comes_in_english_and_chinese():
    story = explain(INSTANCE, PLAN)
    items = [*story.shares, *story.legs, *story.lateness]
    assert items
    for item in items:
        assert item.text_en and not CJK.search(item.text_en)
        assert CJK.search(item.text_zh)
    assert "1 transport legs" in story.summary_en and CJK.search(story.summary_zh)
