"""Planning an order: start a plan version, solve it with the engine, store the answer.

`plan_start` (in the request) writes the new version as "solving"; `plan_solve` (in the background
task, or directly in the demo and tests) builds the problem, runs the engine with progress and
stores the plan, the factories' shares and what moved. A replan after a decline or a breakdown
starts from the published plan with the same origin, so minutes compare and the engine's
stability term keeps what it can where it was.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from engines.schedule.instance import Schedule, Weights
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import Actor, acting_user_id, audit_record
from funeng.apps.shared_manufacturing.calendar import at_minute, minutes_from
from funeng.apps.shared_manufacturing.const import (
    OBJECTIVE_WEIGHTS,
    SOLVE_SECONDS,
    OrderStatus,
    PlanCause,
    PlanStatus,
    ShareState,
)
from funeng.apps.shared_manufacturing.models import FactoryShare, Order, Plan, PlannedOperation
from funeng.apps.shared_manufacturing.problem import (
    Problem,
    Unschedulable,
    build_problem,
    plan_origin,
    problem_downtimes,
    published_assignments,
)
from funeng.apps.tasks.progress import Progress

WEIGHTS = Weights(**OBJECTIVE_WEIGHTS)
# The live chart needs the search's course, not every improvement: write the trace at most this often.
TRACE_WRITE_SECONDS = 1.0


def current_plan(order: Order) -> Plan | None:
    """The order's plan in force (proposed to the factories), if any."""
    return order.plans.filter(status=PlanStatus.PROPOSED).order_by("-version").first()


@transaction.atomic
def plan_start(
    *,
    order: Order,
    actor: Actor,
    cause: str = PlanCause.INITIAL,
    detail: str = "",
    exclude_factory: int | None = None,
) -> Plan:
    """A new plan version waiting for its solve; the one being solved is returned instead of a second."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    solving = order.plans.filter(status=PlanStatus.SOLVING).first()
    if solving is not None:
        return solving
    previous = current_plan(order)
    excluded = sorted(
        {*(previous.excluded_factories if previous else []), *([exclude_factory] if exclude_factory else [])}
    )
    last = order.plans.order_by("-version").values_list("version", flat=True).first() or 0
    plan = Plan.objects.create(
        order=order,
        version=last + 1,
        status=PlanStatus.SOLVING,
        cause=cause,
        cause_detail=detail[:300],
        replan_of=previous,
        origin=previous.origin if previous else plan_origin(order, timezone.now()),
        excluded_factories=excluded,
        created_by_id=acting_user_id(actor),
    )
    order.status = OrderStatus.PLANNING
    order.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        changes={"order": [None, order.number], "version": [None, plan.version], "cause": [None, cause]},
    )
    return plan


def _progress_writer(plan: Plan, progress: Progress, time_limit: float) -> Callable[[float, int, int], None]:
    trace: list[list[float]] = []
    written = [0.0]

    def on_progress(elapsed: float, incumbent: int, bound: int) -> None:
        trace.append([round(elapsed, 2), int(incumbent), int(bound)])
        progress.update(min(int(elapsed), int(time_limit)), int(time_limit), "Searching for a better plan")
        now = time.monotonic()
        if now - written[0] >= TRACE_WRITE_SECONDS:
            written[0] = now
            Plan.objects.filter(pk=plan.pk).update(trace=trace)

    return on_progress


def plan_solve(
    *,
    plan: Plan,
    actor: Actor,
    progress: Progress | None = None,
    time_limit: float = SOLVE_SECONDS,
    workers: int = 2,
) -> Plan:
    """Solve a plan version and store it; an order that cannot be planned is marked so, with the reason."""
    from engines.schedule.cpsat import solve
    from engines.schedule.errors import InstanceError, SolverUnavailableError
    from engines.schedule.reschedule import Disruption, reschedule

    progress = progress or Progress()
    plan = Plan.objects.select_related("order", "replan_of").get(pk=plan.pk)
    if plan.status != PlanStatus.SOLVING:
        return plan  # a retried task after the work was stored: nothing to do twice
    order = plan.order
    previous = plan.replan_of
    lots_of = None
    if previous is not None:
        lots_of = dict(previous.assignments.values_list("operation_id", "lots").distinct())
    try:
        problem = build_problem(
            order, origin=plan.origin, exclude_factories=plan.excluded_factories, lots_of=lots_of
        )
    except Unschedulable as error:
        return _store_unschedulable(plan, actor, error.reason_en, error.reason_zh)
    on_progress = _progress_writer(plan, progress, time_limit)
    started = time.monotonic()
    try:
        if previous is None:
            schedule = solve(
                problem.instance,
                time_limit=time_limit,
                workers=workers,
                weights=WEIGHTS,
                on_progress=on_progress,
            )
        else:
            # Started work stays where it is unless a breakdown interrupted it (the engine decides
            # which, from the downtimes); everything else may move, at the stability weight's cost.
            replan = reschedule(
                problem.instance,
                published_assignments(problem, previous.assignments.all()),
                Disruption(downtimes=problem_downtimes(problem)),
                now=max(0, minutes_from(plan.origin, timezone.now())),
                time_limit=time_limit,
                workers=workers,
                weights=WEIGHTS,
                on_progress=on_progress,
            )
            schedule = replan.schedule
    except (InstanceError, SolverUnavailableError) as error:
        zh = getattr(error, "message_zh", str(error))
        return _store_unschedulable(plan, actor, str(error), zh, status=PlanStatus.FAILED)
    if schedule.status not in ("optimal", "feasible"):
        return _store_unschedulable(
            plan,
            actor,
            schedule.reason or "No plan fits the machines' working time.",
            schedule.reason_zh or "设备的工作时间内排不下本订单。",
            # Proven impossible, or only not found in the time (then planning again may succeed).
            status=PlanStatus.INFEASIBLE if schedule.status == "infeasible" else PlanStatus.FAILED,
        )
    return _store_schedule(plan, problem, schedule, actor, seconds=time.monotonic() - started)


@transaction.atomic
def _store_unschedulable(
    plan: Plan, actor: Actor, reason_en: str, reason_zh: str, status: str = PlanStatus.INFEASIBLE
) -> Plan:
    plan.status = status
    plan.reason = reason_en
    plan.explanation = {"reason": reason_zh, "reason_en": reason_en}
    plan.save(update_fields=["status", "reason", "explanation"])
    if plan.replan_of_id:
        Plan.objects.filter(pk=plan.replan_of_id).update(status=PlanStatus.SUPERSEDED)
    # Proven impossible: unschedulable until something changes; not solved in time: open to plan again.
    order_status = OrderStatus.UNSCHEDULABLE if status == PlanStatus.INFEASIBLE else OrderStatus.OPEN
    Order.objects.filter(pk=plan.order_id).update(status=order_status)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        changes={"status": ["solving", status], "reason": [None, reason_en]},
    )
    return plan


@transaction.atomic
def _store_schedule(
    plan: Plan, problem: Problem, schedule: Schedule, actor: Actor, *, seconds: float
) -> Plan:
    previous = plan.replan_of
    before: dict[tuple[int, int], PlannedOperation] = {}
    if previous is not None:
        before = {(row.operation_id, row.lot): row for row in previous.assignments.all()}
    rows = []
    for assignment in schedule.assignments:
        unit = problem.units[assignment.op]
        machine = problem.machines[assignment.machine]
        minutes = assignment.end - assignment.start
        old = before.get((unit.operation.pk, unit.lot))
        starts_at = at_minute(plan.origin, assignment.start)
        moved = old is not None and (old.machine_id != machine.pk or old.starts_at != starts_at)
        rows.append(
            PlannedOperation(
                plan=plan,
                operation=unit.operation,
                lot=unit.lot,
                lots=unit.lots,
                quantity=unit.quantity,
                machine=machine,
                factory=machine.factory,
                starts_at=starts_at,
                ends_at=at_minute(plan.origin, assignment.end),
                start_minute=assignment.start,
                end_minute=assignment.end,
                cost=(machine.price_per_hour * minutes / 60).quantize(Decimal("0.01")),
                changed=moved,
                previous_machine=old.machine if moved and old else None,
                previous_starts_at=old.starts_at if moved and old else None,
            )
        )
    PlannedOperation.objects.bulk_create(rows)
    shares: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"operations": 0, "minutes": 0, "cost": Decimal(0), "moved": 0}
    )
    for row in rows:
        share = shares[row.factory_id]
        share["operations"] += 1
        share["minutes"] += row.end_minute - row.start_minute
        share["cost"] += row.cost
        old = before.get((row.operation_id, row.lot))
        # A moved operation, or one new to this factory, needs the factory's decision again.
        share["moved"] += row.changed or old is None or old.factory_id != row.factory_id
    kept_acceptance: set[int] = set()
    if previous is not None:
        accepted = set(previous.shares.filter(state=ShareState.ACCEPTED).values_list("factory_id", flat=True))
        # A factory keeps its acceptance when none of its operations moved and it gained none.
        kept_acceptance = {f for f in accepted if f in shares and shares[f]["moved"] == 0}
    FactoryShare.objects.bulk_create(
        [
            FactoryShare(
                plan=plan,
                factory_id=factory_id,
                state=ShareState.ACCEPTED if factory_id in kept_acceptance else ShareState.PENDING,
                operations=share["operations"],
                machine_minutes=share["minutes"],
                cost=share["cost"],
            )
            for factory_id, share in shares.items()
        ]
    )
    plan.status = PlanStatus.PROPOSED
    plan.makespan_minutes = schedule.makespan
    plan.objective = schedule.objective
    plan.objective_bound = schedule.lower_bound
    plan.solver_status = schedule.status
    plan.solver = schedule.solver
    plan.solve_seconds = round(seconds, 2)
    plan.trace = [list(point) for point in schedule.trace]
    plan.processing_cost = sum((row.cost for row in rows), Decimal(0))
    plan.explanation = explain_schedule(problem, schedule)
    plan.transport_cost = Decimal(sum(leg["cost"] for leg in plan.explanation["transport"]))
    plan.tardiness_minutes = max(0, schedule.makespan - (problem.instance.jobs[0].due or schedule.makespan))
    plan.changed_operations = sum(row.changed for row in rows)
    plan.save()
    if previous is not None:
        Plan.objects.filter(pk=previous.pk).update(status=PlanStatus.SUPERSEDED)
    all_accepted = len(kept_acceptance) == len(shares)
    Order.objects.filter(pk=plan.order_id).update(
        status=OrderStatus.CONFIRMED if all_accepted else OrderStatus.PLANNED
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        changes={
            "status": ["solving", PlanStatus.PROPOSED],
            "makespan_minutes": [None, schedule.makespan],
            "changed_operations": [None, plan.changed_operations],
        },
    )
    return plan


def explain_schedule(problem: Problem, schedule: Schedule) -> dict[str, Any]:
    """The engine's account of the plan that the page shows beyond the rows: the transport legs."""
    from engines.schedule.explain import explain

    account = explain(problem.instance, schedule)
    return {
        "summary_en": account.summary_en,
        "summary_zh": account.summary_zh,
        "transport": [
            {
                "from": problem.factories[leg.from_factory].name,
                "to": problem.factories[leg.to_factory].name,
                "minutes": leg.time,
                "cost": leg.cost,
                "text_en": leg.text_en,
                "text_zh": leg.text_zh,
            }
            for leg in account.legs
        ],
    }
