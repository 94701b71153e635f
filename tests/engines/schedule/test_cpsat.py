"""The CP-SAT planner: proven optima on small cases, transport and calendars respected, every plan checked."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings

from engines.schedule.check import check
from engines.schedule.cpsat import solve, solve_plain
from engines.schedule.errors import SolverUnavailableError
from engines.schedule.greedy import plan as greedy_plan
from engines.schedule.instance import Alternative, Instance, Job, Machine, Operation, Weights
from engines.schedule.model import canonical
from tests.engines.schedule.instances import chain, ft06, two_factories
from tests.engines.schedule.strategies import instances


def _crosses(instance: Instance, schedule) -> bool:
    placed = {(a.job, a.op): instance.machines[a.machine].factory for a in schedule.assignments}
    return any(
        placed[j, p] != placed[j, o]
        for j, job in enumerate(instance.jobs)
        for o, op in enumerate(job.operations)
        for p in op.predecessors
    )


def test_it_proves_ft06_optimal_at_55():
    schedule = solve(ft06(), time_limit=20)
    assert (schedule.status, schedule.makespan, schedule.lower_bound) == ("optimal", 55, 55)
    assert check(ft06(), schedule) == []
    assert schedule.solver == "cp-sat"
    assert schedule.trace[-1][1:] == (55, 55)


def test_the_plain_model_also_finds_55_on_ft06():
    schedule = solve_plain(ft06(), time_limit=20)
    assert (schedule.status, schedule.makespan) == ("optimal", 55)


def test_it_splits_a_job_across_factories_only_when_transport_allows():
    quick = two_factories(travel=0)
    schedule = solve(quick, time_limit=10)
    assert (schedule.status, schedule.makespan) == ("optimal", 13)
    assert _crosses(quick, schedule)

    far = two_factories(travel=100)
    schedule = solve(far, time_limit=10)
    # crossing would cost 100 of travel: each job stays in one factory (job 0 in B, job 1 in A)
    assert (schedule.status, schedule.makespan) == ("optimal", 14)
    assert not _crosses(far, schedule)
    assert check(far, schedule) == []


def test_it_waits_out_the_transport_leg_when_crossing_pays():
    instance = two_factories(travel=3)
    schedule = solve(instance, time_limit=10)
    placed = {(a.job, a.op): a for a in schedule.assignments}
    assert (schedule.status, schedule.makespan) == ("optimal", 13)
    assert placed[0, 0].machine == 0 and placed[0, 1].machine == 1
    assert placed[0, 1].start >= placed[0, 0].end + 3
    assert check(instance, schedule) == []


def test_transport_cost_in_the_objective_keeps_work_in_one_factory():
    instance = two_factories(travel=3, cost=7)
    schedule = solve(instance, time_limit=10, weights=Weights(makespan=1, transport=1))
    # crossing saves 1 of makespan but costs 7 of transport
    assert (schedule.status, schedule.objective, schedule.makespan) == ("optimal", 14, 14)
    assert not _crosses(instance, schedule)


def test_tardiness_weights_put_the_urgent_job_first():
    instance = Instance(
        jobs=(chain(((0, 10),), due=40), chain(((0, 10),), due=10)),
        machines=(Machine(),),
    )
    schedule = solve(instance, time_limit=10, weights=Weights(makespan=0, tardiness=1))
    placed = {a.job: a for a in schedule.assignments}
    assert (schedule.status, schedule.objective) == ("optimal", 0)
    assert placed[1].end == 10 and placed[0].start == 10


def test_it_keeps_operations_clear_of_unavailable_periods():
    instance = Instance(
        jobs=(chain(((0, 6), (1, 6)), ((0, 4),)), chain(((0, 5), (1, 8)))),
        machines=(Machine(unavailable=((3, 9), (20, 30))), Machine(unavailable=((0, 4),))),
    )
    schedule = solve(instance, time_limit=10)
    assert schedule.status == "optimal"
    assert check(instance, schedule) == []
    assert schedule.makespan >= greedy_plan(instance).lower_bound


def test_symmetry_breaking_keeps_the_optimum_of_identical_machines():
    # P2||Cmax with 3, 3, 2, 2, 2: optimum 6 (3+3 | 2+2+2)
    jobs = tuple(chain(((0, d), (1, d))) for d in (3, 3, 2, 2, 2))
    instance = Instance(jobs=jobs, machines=(Machine(), Machine()))
    schedule = solve(instance, time_limit=10)
    assert (schedule.status, schedule.makespan) == ("optimal", 6)
    relabelled = canonical(instance, schedule.assignments)
    assert sorted(relabelled, key=lambda a: (a.job, a.op)) == sorted(
        schedule.assignments, key=lambda a: (a.job, a.op)
    )


def test_frozen_operations_keep_their_published_place_and_the_rest_starts_after_now():
    instance = ft06()
    published = solve(instance, time_limit=10).assignments
    frozen = {(a.job, a.op) for a in published if a.start < 12}
    schedule = solve(instance, time_limit=10, published=published, frozen=frozen, not_before=12)
    placed = {(a.job, a.op): a for a in schedule.assignments}
    assert all(placed[a.job, a.op] == a for a in published if (a.job, a.op) in frozen)
    assert all(a.start >= 12 for key, a in placed.items() if key not in frozen)
    assert check(instance, schedule) == []


def test_stability_leaves_an_optimal_published_plan_as_it_is():
    instance = ft06()
    published = solve(instance, time_limit=10).assignments
    schedule = solve(instance, time_limit=10, published=published, weights=Weights(makespan=1, stability=5))
    assert schedule.status == "optimal" and schedule.objective == 55
    assert set(schedule.assignments) == set(published)


def test_it_reports_an_operation_no_machine_can_do_as_infeasible():
    instance = Instance(jobs=(chain(((0, 3),)), Job((Operation(()),))), machines=(Machine(),))
    schedule = solve(instance, time_limit=5)
    assert schedule.status == "infeasible"
    assert "job 1, operation 0" in schedule.reason


@pytest.mark.parametrize("limit", [0, -1, 0.0])
def test_it_refuses_a_time_limit_that_is_not_positive(limit):
    with pytest.raises(ValueError, match="positive number of seconds"):
        solve(ft06(), time_limit=limit)
    with pytest.raises(ValueError, match="positive number of seconds"):
        solve_plain(ft06(), time_limit=limit)


def test_it_says_how_to_install_or_tools_when_it_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "ortools.sat.python.cp_model", None)
    with pytest.raises(SolverUnavailableError, match=r"pip install 'funeng\[schedule\]'"):
        solve(ft06(), time_limit=1)


def test_it_reports_progress_as_the_search_improves():
    seen = []
    solve(
        ft06(), time_limit=10, on_progress=lambda seconds, incumbent, bound: seen.append((incumbent, bound))
    )
    assert seen and seen[-1] == (55, 55)
    assert all(bound <= incumbent for incumbent, bound in seen)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances(max_jobs=4, max_ops=4))
def test_every_plan_it_returns_passes_the_checker(instance):
    schedule = solve(instance, time_limit=0.5, weights=Weights(makespan=1, tardiness=1, transport=1))
    assert schedule.status in ("optimal", "feasible")
    assert check(instance, schedule) == []
    assert schedule.lower_bound <= schedule.objective


def test_a_dag_routing_runs_its_branches_in_parallel():
    job = Job(
        operations=(
            Operation((Alternative(0, 5),)),
            Operation((Alternative(1, 7),)),
            Operation((Alternative(2, 3),), predecessors=(0, 1)),
        )
    )
    schedule = solve(Instance(jobs=(job,), machines=(Machine(), Machine(), Machine())), time_limit=5)
    assert (schedule.status, schedule.makespan) == ("optimal", 10)


@pytest.mark.parametrize("quick_share", [0.0, 0.01, 1.0])
def test_the_quick_look_with_the_lean_model_changes_speed_not_answers(monkeypatch, quick_share):
    # 0: straight to the full model; 1.0: the lean model alone for the whole time
    from engines.schedule import cpsat

    monkeypatch.setattr(cpsat, "TUNING", cpsat.Tuning(quick_share=quick_share))
    schedule = solve(ft06(), time_limit=20)
    assert (schedule.status, schedule.makespan, schedule.lower_bound) == ("optimal", 55, 55)
    jobs = tuple(chain(((0, d), (1, d))) for d in (3, 3, 2, 2, 2))
    identical = Instance(jobs=jobs, machines=(Machine(), Machine()))
    schedule = solve(identical, time_limit=10)
    assert (schedule.status, schedule.makespan) == ("optimal", 6)
    assert sorted(canonical(identical, schedule.assignments), key=lambda a: (a.job, a.op)) == sorted(
        schedule.assignments, key=lambda a: (a.job, a.op)
    )
    assert check(identical, schedule) == []
