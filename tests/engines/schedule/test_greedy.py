"""The greedy planner always returns a plan the checker accepts, or says why no plan can exist."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from engines.schedule.check import check
from engines.schedule.errors import InstanceError
from engines.schedule.greedy import greedy_plans, plan
from engines.schedule.instance import (
    FOREVER,
    Alternative,
    Instance,
    Job,
    Machine,
    Operation,
    Schedule,
    Weights,
)
from engines.schedule.objective import evaluate
from tests.engines.schedule.instances import chain, ft06, two_factories
from tests.engines.schedule.strategies import instances


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances(max_jobs=6, max_ops=6))
def test_it_always_returns_a_plan_the_checker_accepts(instance):
    schedule = plan(instance)
    assert schedule.status == "feasible"
    assert check(instance, schedule) == []
    assert schedule.lower_bound <= schedule.makespan


def test_every_rule_gives_a_valid_plan_and_the_best_one_is_returned():
    instance = ft06()
    plans = greedy_plans(instance, rollouts=3)
    assert {p.rule for p in plans} >= {"mwkr", "eft", "spt"}
    assert [p.evaluation.objective for p in plans] == sorted(p.evaluation.objective for p in plans)
    assert plan(instance, rollouts=3).makespan == plans[0].evaluation.makespan
    for p in plans:
        schedule = Schedule(p.assignments, p.evaluation.makespan, 0, "feasible")
        assert check(instance, schedule) == [], p.rule
        assert evaluate(instance, p.assignments).makespan == p.evaluation.makespan


def test_it_waits_for_transport_between_factories():
    instance = two_factories(travel=10)
    for p in greedy_plans(instance):
        placed = {(a.job, a.op): a for a in p.assignments}
        for j in range(2):
            first, second = placed[j, 0], placed[j, 1]
            gap = 10 if first.machine != second.machine else 0
            assert second.start >= first.end + gap


def test_it_pushes_an_operation_to_the_next_window_that_fits():
    instance = Instance(
        jobs=(chain(((0, 5),)), chain(((0, 3),))),
        machines=(Machine(unavailable=((4, 10), (13, 20))),),
    )
    placed = sorted((a.start, a.end) for a in plan(instance).assignments)
    # 0–4 holds neither the 5 nor (after the 3) anything long; 10–13 holds the 3; the 5 waits until 20
    assert placed in ([(0, 3), (20, 25)], [(10, 13), (20, 25)])
    assert check(instance, plan(instance)) == []


def test_it_honours_release_dates_and_dag_predecessors():
    job = Job(
        operations=(
            Operation((Alternative(0, 4),)),
            Operation((Alternative(1, 6),)),
            Operation((Alternative(0, 2),), predecessors=(0, 1)),
        ),
        release=7,
    )
    schedule = plan(Instance(jobs=(job,), machines=(Machine(), Machine())))
    placed = {a.op: a for a in schedule.assignments}
    assert placed[0].start >= 7 and placed[1].start >= 7
    assert placed[2].start >= max(placed[0].end, placed[1].end) == 13


def test_it_keeps_fixed_assignments_and_starts_the_rest_after_not_before():
    instance = ft06()
    first = plan(instance)
    fixed = [a for a in first.assignments if a.start < 10]
    again = plan(instance, fixed=fixed, not_before=10)
    assert check(instance, again) == []
    placed = set(again.assignments)
    assert set(fixed) <= placed
    assert all(a.start >= 10 for a in placed - set(fixed))


def test_it_says_infeasible_when_an_operation_has_no_machine():
    instance = Instance(
        jobs=(chain(((0, 3),)), Job((Operation(()),), label="rush order")), machines=(Machine(),)
    )
    schedule = plan(instance)
    assert schedule.status == "infeasible"
    assert "No machine can do job 1 (rush order), operation 0" in schedule.reason
    assert "没有可用机器" in schedule.reason_zh
    assert schedule.assignments == ()


def test_it_says_infeasible_when_a_calendar_has_no_working_time():
    instance = Instance(
        jobs=(chain(((0, 3),)),), machines=(Machine(unavailable=((0, FOREVER),), label="lathe"),)
    )
    schedule = plan(instance)
    assert schedule.status == "infeasible"
    assert "has no working time" in schedule.reason and "0 (lathe)" in schedule.reason


def test_it_says_infeasible_when_an_operation_is_longer_than_every_window():
    instance = Instance(
        jobs=(chain(((0, 8),)),), machines=(Machine(unavailable=((5, 10), (15, 30))),), horizon=30
    )
    schedule = plan(instance)
    assert schedule.status == "infeasible"
    assert "longer than every working window" in schedule.reason


def test_it_rejects_a_cyclic_routing_with_a_clear_error():
    job = Job(
        operations=(
            Operation((Alternative(0, 1),), predecessors=(2,)),
            Operation((Alternative(0, 1),), predecessors=(0,)),
            Operation((Alternative(0, 1),), predecessors=(1,)),
        ),
        label="bracket",
    )
    with pytest.raises(InstanceError) as caught:
        plan(Instance(jobs=(job,), machines=(Machine(),)))
    assert "cycle through operations 0, 1, 2" in str(caught.value)
    assert "成环" in caught.value.message_zh


@pytest.mark.parametrize(
    ("instance", "words"),
    [
        (Instance(jobs=(chain(((3, 1),)),), machines=(Machine(),)), "machine 3 does not exist"),
        (Instance(jobs=(chain(((0, -1),)),), machines=(Machine(),)), "negative time"),
        (
            Instance(jobs=(chain(((0, 1),), release=10, due=5),), machines=(Machine(),)),
            "due at 5, before its release",
        ),
        (Instance(jobs=(chain(((0, 1),)),), machines=(Machine(unavailable=((5, 5),)),)), "empty"),
        (Instance(jobs=(chain(((0, 1),)),), machines=(Machine(factory=2),)), "factory 2"),
    ],
)
def test_it_rejects_instances_that_make_no_sense(instance, words):
    with pytest.raises(InstanceError, match=words):
        plan(instance)


def test_the_published_rule_leaves_published_operations_where_they_were():
    instance = ft06()
    published = plan(instance).assignments
    plans = {p.rule: p for p in greedy_plans(instance, published=published, weights=Weights(stability=1))}
    assert plans["published"].evaluation.changed == 0
    assert set(plans["published"].assignments) == set(published)


def test_a_plan_with_nothing_to_do_is_empty():
    schedule = plan(Instance(jobs=(), machines=(Machine(),)))
    assert schedule.status == "feasible" and schedule.assignments == () and schedule.makespan == 0
    assert check(Instance(jobs=(), machines=(Machine(),)), schedule) == []


def test_its_lower_bound_never_exceeds_the_known_optimum():
    schedule = plan(ft06())
    assert schedule.lower_bound == 47  # the longest job: job 1 works 8 + 5 + 10 + 10 + 10 + 4
    assert schedule.makespan >= 55


def test_it_tries_only_the_rules_it_is_given_and_names_an_unknown_one():
    instance = ft06()
    plans = greedy_plans(instance, rules=("mwkr",), rollouts=0)
    assert [p.rule for p in plans] == ["mwkr"]
    schedule = Schedule(plans[0].assignments, plans[0].evaluation.makespan, 0, "feasible")
    assert check(instance, schedule) == []
    with pytest.raises(ValueError, match="unknown dispatching rules: fifo"):
        greedy_plans(instance, rules=("mwkr", "fifo"))
