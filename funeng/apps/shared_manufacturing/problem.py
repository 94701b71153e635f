"""An order as the scheduling engine's problem: operations split into lots, eligible machines, calendars.

The engine works in positions and minutes; this module keeps the translation both ways (`Problem`)
so a schedule comes back as machines, factories and moments, and a published plan goes in as the
engine's assignments for a replan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from engines.schedule.instance import FOREVER, Alternative, Assignment, Instance, Job
from engines.schedule.instance import Factory as EngineFactory
from engines.schedule.instance import Machine as EngineMachine
from engines.schedule.instance import Operation as EngineOperation
from engines.schedule.reschedule import Downtime
from funeng.apps.shared_manufacturing.calendar import factory_closed_periods, merged, minutes_from
from funeng.apps.shared_manufacturing.const import (
    HORIZON_DAYS_AFTER_DUE,
    MAX_LOTS,
    TRANSPORT_TIERS,
    PlanStatus,
)
from funeng.apps.shared_manufacturing.models import (
    Factory,
    Machine,
    MachineDowntime,
    Operation,
    Order,
    PlannedOperation,
)
from funeng.apps.shared_manufacturing.processes import process_name


class Unschedulable(Exception):
    """The order cannot be planned; the reason names the operation and what is missing (zh and en)."""

    def __init__(self, reason_en: str, reason_zh: str) -> None:
        super().__init__(reason_en)
        self.reason_en = reason_en
        self.reason_zh = reason_zh


@dataclass(frozen=True)
class Unit:
    """One engine operation: a lot of an operation of the order."""

    operation: Operation
    lot: int
    lots: int
    quantity: int


@dataclass
class Problem:
    """The engine's instance with the objects behind its positions."""

    instance: Instance
    origin: dt.datetime
    units: list[Unit]
    machines: list[Machine]
    factories: list[Factory]
    index_of_unit: dict[tuple[int, int], int] = field(default_factory=dict)
    index_of_machine: dict[int, int] = field(default_factory=dict)


def transport_tier(a: Factory, b: Factory) -> str:
    """How far apart two factories are, from their GB/T 2260 codes (we hold no road distances)."""
    if a.pk == b.pk:
        return "same_site"
    if a.region_code == b.region_code:
        return "same_county"
    if a.region_code[:4] == b.region_code[:4]:
        return "same_prefecture"
    if a.region_code[:2] == b.region_code[:2]:
        return "same_province"
    return "other"


def run_minutes(operation: Operation, machine: Machine, quantity: int) -> int:
    """Setup plus run time of `quantity` units on the machine (rounded up to whole minutes)."""
    run = operation.run_minutes_per_unit * quantity / Decimal(machine.speed_factor)
    return operation.setup_minutes + max(1, math.ceil(run))


def lot_sizes(quantity: int, lots: int) -> list[int]:
    """The quantity in `lots` near-equal lots, larger ones first."""
    base, extra = divmod(quantity, lots)
    return [base + (1 if i < extra else 0) for i in range(lots)]


def _lot_count(operation: Operation, quantity: int, machines: Sequence[Machine]) -> int:
    """How many lots an operation runs in: one, or enough to fit a working day and use parallel machines."""
    if not operation.lot_splitting or quantity < 2:
        return 1
    for lots in range(1, min(MAX_LOTS, quantity) + 1):
        biggest = lot_sizes(quantity, lots)[0]
        fits = [m for m in machines if run_minutes(operation, m, biggest) <= m.factory.shift_minutes]
        # Enough lots to fit a working day, and as many as there are machines to run them side by side.
        if fits and lots >= min(len(fits), MAX_LOTS, quantity):
            return lots
    return min(MAX_LOTS, quantity)


def _feeding_lots(predecessor_lots: list[int], unit: Unit) -> list[int]:
    """The lots of a predecessor a lot waits for: the same-numbered one when both split alike
    (lot k moves on as soon as it is done: transfer batches), else all of them."""
    if len(predecessor_lots) == unit.lots and unit.lots > 1:
        return [predecessor_lots[unit.lot - 1]]
    return predecessor_lots


def eligible_machines(operation: Operation, exclude_factories: Iterable[int] = ()) -> list[Machine]:
    """Active machines offered to the platform that run the operation's process, outside excluded factories."""
    excluded = set(exclude_factories)
    machines = (
        Machine.objects.filter(is_active=True, factory__is_active=True, offered_share__gt=0)
        .select_related("factory")
        .order_by("factory__name", "name", "pk")
    )
    return [m for m in machines if operation.process in (m.processes or []) and m.factory_id not in excluded]


def occupied_periods(
    machine_ids: Iterable[int], origin: dt.datetime, *, other_than_order: int, horizon: int
) -> dict[int, list[tuple[int, int]]]:
    """Minutes the machines are already held by other orders' current plans."""
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = (
        PlannedOperation.objects.filter(machine_id__in=list(machine_ids), plan__status=PlanStatus.PROPOSED)
        .exclude(plan__order_id=other_than_order)
        .values_list("machine_id", "starts_at", "ends_at")
    )
    for machine_id, starts_at, ends_at in rows:
        a, b = minutes_from(origin, starts_at), -(-int((ends_at - origin).total_seconds()) // 60)
        if b > 0 and a < horizon:
            held[machine_id].append((max(a, 0), min(b, horizon)))
    return held


def downtime_periods(
    machine_ids: Iterable[int], origin: dt.datetime, horizon: int
) -> dict[int, list[tuple[int, int]]]:
    """Minutes the machines are down (maintenance, breakdowns; open-ended ones never end)."""
    down: dict[int, list[tuple[int, int]]] = defaultdict(list)
    end_of_horizon = origin + dt.timedelta(minutes=horizon)
    rows = MachineDowntime.objects.filter(
        machine_id__in=list(machine_ids), starts_at__lt=end_of_horizon
    ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=origin))
    for downtime in rows:
        a = minutes_from(origin, downtime.starts_at)
        b = (
            FOREVER
            if downtime.ends_at is None
            else -(-int((downtime.ends_at - origin).total_seconds()) // 60)
        )
        down[downtime.machine_id].append((max(a, 0), b))
    return down


def problem_downtimes(problem: Problem) -> tuple[Downtime, ...]:
    """The problem's machine downtimes as the engine's disruption (positions and minutes)."""
    horizon = problem.instance.horizon or FOREVER
    found = downtime_periods(problem.index_of_machine, problem.origin, horizon)
    return tuple(
        Downtime(
            machine=problem.index_of_machine[machine_id], start=start, end=None if end >= FOREVER else end
        )
        for machine_id, periods in found.items()
        for start, end in periods
    )


def plan_origin(order: Order, now: dt.datetime) -> dt.datetime:
    """When a first plan may start: now rounded up to the half hour, not before the order date."""
    local = timezone.localtime(now).replace(second=0, microsecond=0)
    local += dt.timedelta(minutes=(30 - local.minute % 30) % 30)
    start_of_order = dt.datetime.combine(order.order_date, dt.time(0, 0), tzinfo=local.tzinfo)
    return max(local, start_of_order)


def _end_of_day(day: dt.date, origin: dt.datetime) -> int:
    zone = timezone.localtime(origin).tzinfo
    return minutes_from(origin, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone))


def build_problem(
    order: Order,
    *,
    origin: dt.datetime,
    exclude_factories: Iterable[int] = (),
    lots_of: dict[int, int] | None = None,
) -> Problem:
    """The order as one engine job over every eligible machine; Unschedulable names what cannot be placed."""
    excluded = set(exclude_factories)
    operations = list(order.operations.order_by("position", "pk").prefetch_related("predecessors"))
    if not operations:
        raise Unschedulable("The order has no operations to plan.", "订单没有可排的工序。")
    due = _end_of_day(order.due_date, origin)
    horizon = max(due, 0) + HORIZON_DAYS_AFTER_DUE * 24 * 60
    candidates = {op.pk: eligible_machines(op, excluded) for op in operations}
    for op in operations:
        if not candidates[op.pk]:
            reason = (
                "no factory offers this process" if not excluded else "every factory offering it declined"
            )
            reason_zh = "没有工厂提供该工艺" if not excluded else "提供该工艺的工厂均已拒绝"
            raise Unschedulable(
                f"Operation {op.code} ({process_name(op.process)}) cannot be placed: {reason}.",
                f"工序 {op.code}（{process_name(op.process)}）无法安排：{reason_zh}。",
            )
    machines = sorted(
        {m.pk: m for ms in candidates.values() for m in ms}.values(),
        key=lambda m: (m.factory.name, m.name, m.pk),
    )
    index_of_machine = {m.pk: i for i, m in enumerate(machines)}
    factories = sorted({m.factory_id: m.factory for m in machines}.values(), key=lambda f: (f.name, f.pk))
    index_of_factory = {f.pk: i for i, f in enumerate(factories)}

    units: list[Unit] = []
    index_of_unit: dict[tuple[int, int], int] = {}
    lots_by_operation: dict[int, list[int]] = {}
    for op in operations:
        lots = (lots_of or {}).get(op.pk) or _lot_count(op, order.quantity, candidates[op.pk])
        sizes = lot_sizes(order.quantity, lots)
        lots_by_operation[op.pk] = []
        for lot, quantity in enumerate(sizes, start=1):
            index_of_unit[(op.pk, lot)] = len(units)
            lots_by_operation[op.pk].append(len(units))
            units.append(Unit(operation=op, lot=lot, lots=lots, quantity=quantity))

    engine_operations = []
    for unit in units:
        op = unit.operation
        alternatives = []
        for machine in candidates[op.pk]:
            minutes = run_minutes(op, machine, unit.quantity)
            if minutes > machine.factory.shift_minutes:
                continue  # longer than the machine's working day: it could never run there uninterrupted
            cost = int((machine.price_per_hour * minutes / 60).to_integral_value())
            alternatives.append(
                Alternative(machine=index_of_machine[machine.pk], duration=minutes, cost=cost)
            )
        if not alternatives:
            longest = max(m.factory.shift_minutes for m in candidates[op.pk])
            fastest = min(run_minutes(op, m, unit.quantity) for m in candidates[op.pk])
            hint_en = "" if op.lot_splitting else "; allow lot splitting or shorten it"
            hint_zh = "" if op.lot_splitting else "；请允许分批或缩短工时"
            raise Unschedulable(
                f"Operation {op.code} ({process_name(op.process)}) takes {fastest} minutes on the fastest machine, "
                f"longer than any working day of the factories offering it ({longest} minutes){hint_en}.",
                f"工序 {op.code}（{process_name(op.process)}）在最快的设备上也需 {fastest} 分钟，"
                f"超过提供该工艺的工厂单日最长工作时间（{longest} 分钟）{hint_zh}。",
            )
        predecessors = tuple(
            index
            for predecessor in op.predecessors.all()
            for index in _feeding_lots(lots_by_operation.get(predecessor.pk, []), unit)
        )
        label = op.code if unit.lots == 1 else f"{op.code}#{unit.lot}"
        engine_operations.append(
            EngineOperation(alternatives=tuple(alternatives), predecessors=predecessors, label=label)
        )

    machine_ids = [m.pk for m in machines]
    closures: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for factory in factories:
        closures[factory.pk] = list(factory.closures.values_list("first_day", "last_day"))
    closed = {f.pk: factory_closed_periods(f, closures[f.pk], origin, horizon) for f in factories}
    held = occupied_periods(machine_ids, origin, other_than_order=order.pk, horizon=horizon)
    down = downtime_periods(machine_ids, origin, horizon)
    engine_machines = tuple(
        EngineMachine(
            factory=index_of_factory[m.factory_id],
            unavailable=merged([*closed[m.factory_id], *held.get(m.pk, []), *down.get(m.pk, [])]),
            label=str(m),
        )
        for m in machines
    )
    tiers = [[TRANSPORT_TIERS[transport_tier(a, b)] for b in factories] for a in factories]
    instance = Instance(
        jobs=(
            Job(
                operations=tuple(engine_operations), release=0, due=max(due, 0), weight=1, label=order.number
            ),
        ),
        machines=engine_machines,
        factories=tuple(EngineFactory(label=f.name) for f in factories),
        transport_time=tuple(tuple(t for t, _ in row) for row in tiers),
        transport_cost=tuple(tuple(c for _, c in row) for row in tiers),
        name=order.number,
        horizon=horizon,
    )
    return Problem(
        instance=instance,
        origin=origin,
        units=units,
        machines=machines,
        factories=factories,
        index_of_unit=index_of_unit,
        index_of_machine=index_of_machine,
    )


def published_assignments(problem: Problem, rows: Iterable[PlannedOperation]) -> tuple[Assignment, ...]:
    """A stored plan as the engine's assignments on this problem (rows whose machine left are dropped)."""
    assignments = []
    for row in rows:
        op_index = problem.index_of_unit.get((row.operation_id, row.lot))
        machine_index = problem.index_of_machine.get(row.machine_id)
        if op_index is None or machine_index is None:
            continue
        start = minutes_from(problem.origin, row.starts_at)
        end = minutes_from(problem.origin, row.ends_at)
        assignments.append(Assignment(job=0, op=op_index, machine=machine_index, start=start, end=end))
    return tuple(assignments)
