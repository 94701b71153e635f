"""/api/v1/manufacturing: the capacity registry, orders with routings, plans and the factories' decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import field_validator

from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import NO_NUL, IsoDate, RequestBody, problems
from funeng.apps.core.identity import is_platform_admin
from funeng.apps.enterprises.access import enterprises_visible_to
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_manufacturing.access import (
    access_factory_for_user,
    access_machine_for_user,
    access_order_for_user,
    access_plan_for_user,
    access_share_for_user,
    factories_visible_to,
    member_enterprise_id,
    orders_visible_to,
    plan_rows_for,
    sees_whole_order,
    shares_visible_to,
)
from funeng.apps.shared_manufacturing.models import Factory, Machine, Order, Plan
from funeng.apps.shared_manufacturing.planning import current_plan, plan_start
from funeng.apps.shared_manufacturing.processes import processes
from funeng.apps.shared_manufacturing.services import (
    OperationInput,
    downtime_report,
    factory_create,
    machine_create,
    order_create,
    share_decide,
)
from funeng.apps.shared_manufacturing.tasks import PLAN_SOLVE
from funeng.apps.tasks.services import task_enqueue

router = Router(tags=["manufacturing"])
Weekday = Literal[0, 1, 2, 3, 4, 5, 6]
MONDAY_TO_SATURDAY: tuple[Weekday, ...] = (0, 1, 2, 3, 4, 5)
BEIJING = dt.timezone(dt.timedelta(hours=8))


class ProcessOut(Schema):
    id: str
    name_zh: str
    name_en: str
    industries: list[str]


class MachineOut(Schema):
    id: int
    name: str
    processes: list[str]
    speed_factor: Decimal
    price_per_hour: Decimal
    offered_share: int
    is_active: bool


class FactoryOut(Schema):
    id: int
    name: str
    enterprise: str = Field(alias="enterprise.name")
    region_code: str
    address: str
    shift_start: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="HH:MM, local time")
    shift_end: str = Field(..., pattern=r"^\d{2}:\d{2}$", description="HH:MM, local time")
    working_weekdays: list[int]
    is_active: bool

    @staticmethod
    def resolve_shift_start(obj: Any) -> str:
        return _hhmm(obj["shift_start"] if isinstance(obj, dict) else obj.shift_start)

    @staticmethod
    def resolve_shift_end(obj: Any) -> str:
        return _hhmm(obj["shift_end"] if isinstance(obj, dict) else obj.shift_end)


def _hhmm(value: dt.time | str) -> str:
    return value if isinstance(value, str) else value.strftime("%H:%M")


class FactoryDetailOut(FactoryOut):
    machines: list[MachineOut]


class FactoryQuery(Schema):
    process: str | None = Field(None, max_length=32, pattern=r"^[a-z_]+$")
    region: str | None = Field(None, pattern=r"^\d{2,6}$", description="GB/T 2260 code or its prefix")


class FactoryIn(RequestBody):
    name: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)
    region_code: str = Field(..., pattern=r"^\d{6}$")
    address: str = Field("", max_length=300, pattern=NO_NUL)
    shift_start: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local time")
    shift_end: str = Field("20:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local time")
    working_weekdays: list[Weekday] = Field(default_factory=lambda: list(MONDAY_TO_SATURDAY), max_length=7)


class MachineIn(RequestBody):
    name: str = Field(..., min_length=1, max_length=120, pattern=NO_NUL)
    processes: list[str] = Field(..., min_length=1, max_length=20)
    speed_factor: Decimal = Field(Decimal("1.00"), strict=False, ge=Decimal("0.10"), le=Decimal("10"))
    price_per_hour: Decimal = Field(..., strict=False, ge=Decimal(0), le=Decimal(100000))
    offered_share: int = Field(100, ge=0, le=100)


class DowntimeIn(RequestBody):
    kind: Literal["maintenance", "breakdown"]
    starts_at: dt.datetime = Field(..., strict=False, description="ISO 8601 with a UTC offset")
    ends_at: dt.datetime | None = Field(
        None, strict=False, description="ISO 8601; empty: until further notice"
    )
    reason: str = Field("", max_length=300, pattern=NO_NUL)

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _a_real_moment(cls, value: dt.datetime | None) -> dt.datetime | None:
        """A moment with a real UTC offset (±14 h) in 2000–2100; a naive one is read as Beijing time."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=BEIJING)
        offset = value.utcoffset() or dt.timedelta(0)
        if abs(offset) > dt.timedelta(hours=14) or not 2000 <= value.year <= 2100:
            raise ValueError("give a time in 2000–2100 with a UTC offset of at most ±14 hours")
        return value.astimezone(dt.UTC)


class DowntimeOut(Schema):
    id: int
    replans: list[int]


class OperationIn(RequestBody):
    code: str = Field(..., min_length=1, max_length=16, pattern=NO_NUL)
    name: str = Field(..., min_length=1, max_length=120, pattern=NO_NUL)
    process: str = Field(..., max_length=32)
    setup_minutes: int = Field(0, ge=0, le=1440)
    run_minutes_per_unit: Decimal = Field(..., strict=False, gt=Decimal(0), le=Decimal(1440))
    lot_splitting: bool = False
    after: list[str] = Field(default_factory=list, max_length=60)


class OrderIn(RequestBody):
    customer_credit_code: str | None = Field(
        None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="Operators only: the customer enterprise"
    )
    reference: str = Field(
        "", max_length=64, pattern=NO_NUL, description="Your order number; a resend returns the order"
    )
    product: str = Field(..., min_length=1, max_length=200, pattern=NO_NUL)
    quantity: int = Field(..., ge=1, le=10_000_000)
    order_date: IsoDate
    due_date: IsoDate
    quality_requirements: str = Field("", max_length=2000, pattern=NO_NUL)
    operations: list[OperationIn] = Field(..., min_length=1, max_length=60)


class OperationOut(Schema):
    code: str
    name: str
    process: str
    setup_minutes: int
    run_minutes_per_unit: Decimal
    lot_splitting: bool
    after: list[str]


class OrderOut(Schema):
    id: int
    number: str
    reference: str
    customer: str = Field(alias="customer.name")
    product: str
    quantity: int
    order_date: dt.date
    due_date: dt.date
    quality_requirements: str
    status: str


class OrderDetailOut(OrderOut):
    operations: list[OperationOut]
    current_plan: int | None


class PlannedOperationOut(Schema):
    step: str
    lot: int
    lots: int
    quantity: int
    factory: str
    machine: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    changed: bool


class ShareOut(Schema):
    id: int
    factory: str
    state: str
    operations: int
    machine_minutes: int
    cost: Decimal
    reason: str


class PlanOut(Schema):
    id: int
    order: str
    version: int
    status: str
    cause: str
    origin: dt.datetime
    makespan_minutes: int | None
    objective: int | None
    objective_bound: int | None
    solver_status: str
    reason: str
    processing_cost: Decimal | None
    transport_cost: Decimal | None
    changed_operations: int
    shares: list[ShareOut]
    operations: list[PlannedOperationOut]


class PlanStarted(Schema):
    plan: int
    status: str


class ShareDecisionIn(RequestBody):
    accept: bool
    reason: str = Field("", max_length=300, pattern=NO_NUL)


class ShareDecisionOut(Schema):
    state: str
    replan: int | None


@router.get(
    "/processes", response=list[ProcessOut], summary="List the process taxonomy", openapi_extra=problems(401)
)
def processes_list(request: HttpRequest) -> list[dict[str, Any]]:
    """What machines can run and operations need, with the GB/T 4754 codes where each is typical work."""
    return [
        {"id": p.id, "name_zh": p.zh, "name_en": p.en, "industries": list(p.industries)} for p in processes()
    ]


@router.get(
    "/factories",
    response=list[FactoryOut],
    summary="List factories offering capacity",
    openapi_extra=problems(401, 422),
)
@paginated()
def factories_list(request: HttpRequest, query: Query[FactoryQuery]) -> QuerySet[Factory]:
    """The capacity registry: active factories (and the caller's own), by process and region."""
    factories = factories_visible_to(request.user).select_related("enterprise")
    if query.region:
        factories = factories.filter(region_code__startswith=query.region.rstrip("0") or query.region)
    if query.process:
        with_process = [
            m.factory_id
            for m in Machine.objects.filter(factory__in=factories, is_active=True)
            if query.process in m.processes
        ]
        factories = factories.filter(pk__in=with_process)
    return factories.order_by("region_code", "name", "pk")


@router.get(
    "/factories/{factory_id}",
    response=FactoryDetailOut,
    summary="Get a factory with its machines",
    openapi_extra=problems(401, 404),
)
def factory_detail(request: HttpRequest, factory_id: Path[int]) -> Any:
    factory = access_factory_for_user(request.user, factory_id)
    machines = factory.machines.all()
    if member_enterprise_id(request.user) != factory.enterprise_id and not is_platform_admin(request.user):
        machines = machines.filter(is_active=True)
    return {
        "id": factory.pk,
        "name": factory.name,
        "enterprise.name": factory.enterprise.name,
        "region_code": factory.region_code,
        "address": factory.address,
        "shift_start": factory.shift_start,
        "shift_end": factory.shift_end,
        "working_weekdays": factory.working_weekdays,
        "is_active": factory.is_active,
        "machines": list(machines),
    }


@router.post(
    "/factories",
    response={201: FactoryOut},
    summary="Register a factory",
    openapi_extra=problems(400, 401, 403, 422),
)
def factory_new(request: HttpRequest, payload: FactoryIn) -> Status[Factory]:
    """A site of the caller's enterprise."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    data: dict[str, object] = payload.dict()
    data["working_weekdays"] = list(payload.working_weekdays)
    data["shift_start"] = dt.time.fromisoformat(payload.shift_start)
    data["shift_end"] = dt.time.fromisoformat(payload.shift_end)
    return Status(201, factory_create(actor=request.user, enterprise=enterprise, data=data))


@router.post(
    "/factories/{factory_id}/machines",
    response={201: MachineOut},
    summary="Add a machine to a factory",
    openapi_extra=problems(400, 401, 403, 404, 422),
)
def machine_new(request: HttpRequest, factory_id: Path[int], payload: MachineIn) -> Status[Machine]:
    factory = access_factory_for_user(request.user, factory_id, write=True)
    return Status(201, machine_create(actor=request.user, factory=factory, data=payload.dict()))


@router.post(
    "/machines/{machine_id}/downtime",
    response={201: DowntimeOut},
    summary="Report a machine down",
    openapi_extra=problems(400, 401, 403, 404, 422),
)
def downtime_new(request: HttpRequest, machine_id: Path[int], payload: DowntimeIn) -> Status[dict[str, Any]]:
    """Record maintenance or a breakdown; every current plan using the machine then is planned again."""
    machine = access_machine_for_user(request.user, machine_id, write=True)
    result = downtime_report(actor=request.user, machine=machine, **payload.dict())
    for plan in result.replans:
        task_enqueue(
            kind=PLAN_SOLVE,
            started_by=request.user,
            params={"plan": plan.pk},
            region_code=plan.order.region_code,
        )
    return Status(201, {"id": result.downtime.pk, "replans": [plan.pk for plan in result.replans]})


@router.get("/orders", response=list[OrderOut], summary="List orders", openapi_extra=problems(401))
@paginated()
def orders_list(request: HttpRequest) -> QuerySet[Order]:
    """Orders the caller may see: as customer, as a factory with a share, in their region, or all."""
    return orders_visible_to(request.user).select_related("customer").order_by("-created_at", "-pk")


def _order_detail(request: HttpRequest, order: Order) -> dict[str, Any]:
    whole = sees_whole_order(request.user, order)
    operations = order.operations.prefetch_related("predecessors") if whole else []
    plan = current_plan(order)
    return {
        **{
            field: getattr(order, field)
            for field in ("id", "number", "product", "quantity", "order_date", "due_date")
        },
        "reference": order.reference if whole else "",
        "customer.name": order.customer.name,
        "quality_requirements": order.quality_requirements,
        "status": order.status,
        "operations": [
            {
                "code": op.code,
                "name": op.name,
                "process": op.process,
                "setup_minutes": op.setup_minutes,
                "run_minutes_per_unit": op.run_minutes_per_unit,
                "lot_splitting": op.lot_splitting,
                "after": [before.code for before in op.predecessors.all()],
            }
            for op in operations
        ],
        "current_plan": plan.pk if plan is not None else None,
    }


@router.get(
    "/orders/{order_id}", response=OrderDetailOut, summary="Get an order", openapi_extra=problems(401, 404)
)
def order_detail(request: HttpRequest, order_id: Path[int]) -> dict[str, Any]:
    """The order; the routing only for its customer, officials and operators."""
    return _order_detail(request, access_order_for_user(request.user, order_id))


@router.post(
    "/orders",
    response={201: OrderDetailOut},
    summary="Place an order",
    openapi_extra=problems(400, 401, 403, 404, 422),
)
def order_new(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    """An order with its routing; every row is checked first, and a resent `reference` returns the same order."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is not None:
        customer = Enterprise.objects.get(pk=enterprise_id)
    else:
        customer = get_object_or_404(
            enterprises_visible_to(request.user), credit_code=payload.customer_credit_code or ""
        )
    order = order_create(
        actor=request.user,
        customer=customer,
        product=payload.product,
        quantity=payload.quantity,
        order_date=payload.order_date,
        due_date=payload.due_date,
        quality_requirements=payload.quality_requirements,
        reference=payload.reference,
        operations=[
            OperationInput(
                code=op.code,
                name=op.name,
                process=op.process,
                setup_minutes=op.setup_minutes,
                run_minutes_per_unit=op.run_minutes_per_unit,
                lot_splitting=op.lot_splitting,
                after=tuple(op.after),
            )
            for op in payload.operations
        ],
    )
    return Status(201, _order_detail(request, order))


@router.post(
    "/orders/{order_id}/plan",
    response={201: PlanStarted},
    summary="Plan an order in the background",
    openapi_extra=problems(401, 403, 404, 422),
)
def order_plan(request: HttpRequest, order_id: Path[int]) -> Status[dict[str, Any]]:
    """Create a plan version and solve it in the background (or return the one being solved); poll the plan."""
    order = access_order_for_user(request.user, order_id, write=True)
    plan = plan_start(order=order, actor=request.user, cause="manual" if current_plan(order) else "initial")
    task_enqueue(
        kind=PLAN_SOLVE, started_by=request.user, params={"plan": plan.pk}, region_code=order.region_code
    )
    return Status(201, {"plan": plan.pk, "status": plan.status})


@router.get("/plans/{plan_id}", response=PlanOut, summary="Get a plan", openapi_extra=problems(401, 404))
def plan_detail(request: HttpRequest, plan_id: Path[int]) -> dict[str, Any]:
    """A plan version; a factory sees its own operations and shares only, and no costs of others."""
    plan: Plan = access_plan_for_user(request.user, plan_id)
    whole = sees_whole_order(request.user, plan.order)
    return {
        "id": plan.pk,
        "order": plan.order.number,
        "version": plan.version,
        "status": plan.status,
        "cause": plan.cause,
        "origin": plan.origin,
        "makespan_minutes": plan.makespan_minutes,
        "objective": plan.objective,
        "objective_bound": plan.objective_bound,
        "solver_status": plan.solver_status,
        "reason": plan.reason,
        "processing_cost": plan.processing_cost if whole else None,
        "transport_cost": plan.transport_cost if whole else None,
        "changed_operations": plan.changed_operations,
        "shares": [
            {
                "id": s.pk,
                "factory": s.factory.name,
                "state": s.state,
                "operations": s.operations,
                "machine_minutes": s.machine_minutes,
                "cost": s.cost,
                "reason": s.reason,
            }
            for s in shares_visible_to(request.user, plan)
        ],
        "operations": [
            {
                "step": row.operation.code,
                "lot": row.lot,
                "lots": row.lots,
                "quantity": row.quantity,
                "factory": row.factory.name,
                "machine": row.machine.name,
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "changed": row.changed,
            }
            for row in plan_rows_for(request.user, plan)
        ],
    }


@router.post(
    "/shares/{share_id}/decision",
    response=ShareDecisionOut,
    summary="Accept or decline a factory's share of a plan",
    openapi_extra=problems(400, 401, 404, 422),
)
def share_decision(request: HttpRequest, share_id: Path[int], payload: ShareDecisionIn) -> dict[str, Any]:
    """A decline (with a reason) starts a replan without the factory; the new plan's id is returned."""
    share = access_share_for_user(request.user, share_id)
    replan = share_decide(actor=request.user, share=share, accept=payload.accept, reason=payload.reason)
    if replan is not None:
        task_enqueue(
            kind=PLAN_SOLVE,
            started_by=request.user,
            params={"plan": replan.pk},
            region_code=replan.order.region_code,
        )
    share.refresh_from_db()
    return {"state": share.state, "replan": replan.pk if replan is not None else None}
