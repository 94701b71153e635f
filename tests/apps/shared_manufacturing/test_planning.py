"""Planning orders across factories: stored plans are feasible, declines and breakdowns replan honestly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engines.schedule.check import check
from funeng.apps.shared_manufacturing.calendar import minutes_from
from funeng.apps.shared_manufacturing.const import OrderStatus, PlanCause, PlanStatus
from funeng.apps.shared_manufacturing.models import FactoryShare, Order, PlannedOperation
from funeng.apps.shared_manufacturing.planning import plan_solve, plan_start
from funeng.apps.shared_manufacturing.problem import build_problem, published_assignments
from funeng.apps.shared_manufacturing.services import (
    OperationInput,
    downtime_report,
    order_create,
    share_decide,
)

pytestmark = pytest.mark.django_db
SECONDS = 3


def planned(order, actor, **kwargs):
    return plan_solve(plan=plan_start(order=order, actor=actor, **kwargs), actor=actor, time_limit=SECONDS)


def assert_feasible(plan):
    """The stored plan, rebuilt as the engine's problem, passes the engine's independent checker."""
    problem = build_problem(
        plan.order,
        origin=plan.origin,
        exclude_factories=plan.excluded_factories,
        lots_of=dict(plan.assignments.values_list("operation_id", "lots").distinct()),
    )
    rows = list(plan.assignments.all())
    assignments = published_assignments(problem, rows)
    assert len(assignments) == len(problem.units) == len(rows)
    from engines.schedule.instance import Schedule

    makespan = max(a.end for a in assignments)
    # Rebuilt after the fact, the problem holds the machines for other orders' plans only, never
    # for this order's own, so the stored plan must pass as it stands.
    violations = check(
        problem.instance,
        Schedule(assignments=assignments, makespan=makespan, lower_bound=0, status="feasible"),
    )
    assert violations == [], violations


def test_an_order_is_planned_across_factories_within_working_hours(world, order):
    plan = planned(order, world["enterprise_a"])
    assert plan.status == PlanStatus.PROPOSED, plan.reason
    order.refresh_from_db()
    assert order.status == OrderStatus.PLANNED
    rows = list(plan.assignments.select_related("operation", "factory"))
    assert {row.operation.code for row in rows} == {"OP10", "OP20", "OP30", "OP40"}
    for row in rows:
        local_start, local_end = timezone.localtime(row.starts_at), timezone.localtime(row.ends_at)
        assert local_start.date() == local_end.date(), "an operation runs inside one working day"
        assert dt.time(8, 0) <= local_start.time() and local_end.time() <= dt.time(20, 0)
    by_code = {row.operation.code: row for row in rows}
    assert by_code["OP20"].starts_at >= by_code["OP10"].ends_at
    assert by_code["OP40"].starts_at >= max(by_code["OP20"].ends_at, by_code["OP30"].ends_at)
    shares = {share.factory_id: share for share in plan.shares.all()}
    assert set(shares) == {row.factory_id for row in rows}
    assert sum(share.operations for share in shares.values()) == len(rows)
    assert plan.makespan_minutes == max(row.end_minute for row in rows)
    assert_feasible(plan)


def test_accepting_every_share_confirms_and_a_second_click_changes_nothing(world, order):
    plan = planned(order, world["enterprise_a"])
    admins = {world["fc"].pk: world["factory_c_admin"], world["fd"].pk: world["factory_d_admin"]}
    for share in plan.shares.all():
        share_decide(actor=admins[share.factory_id], share=share, accept=True)
        assert share_decide(actor=admins[share.factory_id], share=share, accept=True) is None
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_a_decline_replans_without_the_factory(world, order):
    plan = planned(order, world["enterprise_a"])
    share = (
        plan.shares.get(factory=world["fd"])
        if plan.shares.filter(factory=world["fd"]).exists()
        else plan.shares.first()
    )
    admin = world["factory_d_admin"] if share.factory_id == world["fd"].pk else world["factory_c_admin"]
    with pytest.raises(ValidationError):
        share_decide(actor=admin, share=share, accept=False, reason="")  # a decline says why
    replan = share_decide(actor=admin, share=share, accept=False, reason="产能已满")
    assert replan is not None and replan.cause == PlanCause.DECLINE
    if share.factory_id == world["fd"].pk:
        # Only D has an EDM machine: without it the order cannot be made, and says so.
        replan = plan_solve(plan=replan, actor=admin, time_limit=SECONDS)
        assert replan.status == PlanStatus.INFEASIBLE
        assert "OP30" in replan.reason
        assert Order.objects.get(pk=order.pk).status == OrderStatus.UNSCHEDULABLE
    else:
        replan = plan_solve(plan=replan, actor=admin, time_limit=SECONDS)
        assert replan.status == PlanStatus.PROPOSED
        assert not replan.assignments.filter(factory_id=share.factory_id).exists()
        assert_feasible(replan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    with pytest.raises(ValidationError):
        share_decide(actor=admin, share=FactoryShare.objects.get(pk=share.pk), accept=True)


def test_a_breakdown_moves_what_it_must_and_marks_it(world, order):
    plan = planned(order, world["enterprise_a"])
    busiest = plan.assignments.order_by("start_minute").first()
    machine = busiest.machine
    result = downtime_report(
        actor=world["factory_c_admin"] if machine.factory_id == world["fc"].pk else world["factory_d_admin"],
        machine=machine,
        kind="breakdown",
        starts_at=busiest.starts_at - dt.timedelta(minutes=1),
        ends_at=None,
        reason="主轴故障",
    )
    assert [p.order_id for p in result.replans] == [order.pk]
    replan = plan_solve(plan=result.replans[0], actor=None, time_limit=SECONDS)
    if replan.status == PlanStatus.PROPOSED:
        assert not replan.assignments.filter(machine=machine, ends_at__gt=busiest.starts_at).exists()
        moved = replan.assignments.filter(changed=True)
        assert moved.exists() and replan.changed_operations == moved.count()
        assert all(row.previous_machine_id is not None for row in moved)
        assert_feasible(replan)
    else:
        # The broken machine was the only one for a step: the reason names that step.
        assert replan.status == PlanStatus.INFEASIBLE and replan.reason


def test_an_operation_no_machine_can_do_is_reported_with_its_step(world):
    today = timezone.localdate()
    order = order_create(
        actor=world["enterprise_a"],
        customer=world["a"],
        product="布",
        quantity=10,
        order_date=today,
        due_date=today + dt.timedelta(days=3),
        operations=[OperationInput("W1", "织造", "weaving", 0, Decimal(1))],
    )
    plan = planned(order, world["enterprise_a"])
    assert plan.status == PlanStatus.INFEASIBLE
    assert "W1" in plan.reason and plan.explanation["reason"]
    assert not PlannedOperation.objects.filter(plan=plan).exists()


def test_too_long_without_lots_is_refused_and_with_lots_is_split(world):
    today = timezone.localdate()
    rows = [OperationInput("OP10", "铣削", "cnc_milling", 0, Decimal(3))]
    long = order_create(
        actor=world["enterprise_a"],
        customer=world["a"],
        product="件",
        quantity=600,
        order_date=today,
        due_date=today + dt.timedelta(days=20),
        operations=rows,
    )
    refused = planned(long, world["enterprise_a"])
    assert refused.status == PlanStatus.INFEASIBLE and "OP10" in refused.reason
    split_rows = [OperationInput("OP10", "铣削", "cnc_milling", 0, Decimal(3), lot_splitting=True)]
    split = order_create(
        actor=world["enterprise_a"],
        customer=world["a"],
        product="件",
        quantity=600,
        order_date=today,
        due_date=today + dt.timedelta(days=20),
        operations=split_rows,
    )
    plan = planned(split, world["enterprise_a"])
    assert plan.status == PlanStatus.PROPOSED, plan.reason
    lots = list(plan.assignments.all())
    assert len(lots) > 1 and sum(row.quantity for row in lots) == 600
    assert {row.lots for row in lots} == {len(lots)}
    assert_feasible(plan)


def test_a_second_order_plans_around_the_first(world, order):
    first = planned(order, world["enterprise_a"])
    today = timezone.localdate()
    second_order = order_create(
        actor=world["enterprise_a"],
        customer=world["a"],
        product="模具二",
        quantity=2,
        order_date=today,
        due_date=today + dt.timedelta(days=10),
        operations=[OperationInput("OP10", "铣削", "cnc_milling", 30, Decimal(60))],
    )
    second = planned(second_order, world["enterprise_a"])
    assert second.status == PlanStatus.PROPOSED
    taken = [(r.machine_id, r.starts_at, r.ends_at) for r in first.assignments.all()]
    for row in second.assignments.all():
        for machine_id, start, end in taken:
            if machine_id == row.machine_id:
                assert row.ends_at <= start or row.starts_at >= end, "two orders on one machine at once"


def test_starting_twice_returns_the_plan_being_solved(world, order):
    one = plan_start(order=order, actor=world["enterprise_a"])
    two = plan_start(order=order, actor=world["enterprise_a"])
    assert one.pk == two.pk
    assert one.status == PlanStatus.SOLVING and order.plans.count() == 1
    assert minutes_from(one.origin, timezone.localtime(one.origin)) == 0


def test_no_plan_found_in_the_time_is_stored_as_such_not_as_an_empty_plan(world, order, monkeypatch):
    from engines.schedule import cpsat
    from engines.schedule.instance import Schedule

    def nothing_found(instance, **kwargs):
        return Schedule(
            (), 0, 0, "unknown", reason="No plan found in the time.", reason_zh="在给定时间内没有找到计划。"
        )

    monkeypatch.setattr(cpsat, "solve", nothing_found)
    plan = planned(order, world["enterprise_a"])
    assert plan.status == PlanStatus.FAILED and plan.reason == "No plan found in the time."
    assert not plan.assignments.exists() and not plan.shares.exists()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.OPEN  # planning again may succeed
