"""Shared-manufacturing writes: factories, machines, closures, downtime, orders, the factories' decisions.

Each write checks everything first, then writes in one transaction and is audited. Planning itself
(plan versions and their solve) is in planning.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    Actor,
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.core.validators import validate_region_code
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_manufacturing.access import (
    can_create_order,
    can_manage_factory,
    can_manage_order,
    member_enterprise_id,
)
from funeng.apps.shared_manufacturing.const import (
    MAX_MINUTES_PER_UNIT,
    MAX_OPERATIONS_PER_ORDER,
    MAX_QUANTITY,
    OrderStatus,
    PlanCause,
    PlanStatus,
    ShareState,
)
from funeng.apps.shared_manufacturing.models import (
    Factory,
    FactoryClosure,
    FactoryShare,
    Machine,
    MachineDowntime,
    Operation,
    Order,
    Plan,
)
from funeng.apps.shared_manufacturing.planning import plan_start
from funeng.apps.shared_manufacturing.processes import processes_by_id

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)
FACTORY_FIELDS = (
    "enterprise",
    "name",
    "region_code",
    "address",
    "shift_start",
    "shift_end",
    "working_weekdays",
    "is_active",
)
MACHINE_FIELDS = (
    "factory",
    "name",
    "processes",
    "speed_factor",
    "price_per_hour",
    "offered_share",
    "is_active",
)
ORDER_FIELDS = (
    "number",
    "customer",
    "reference",
    "product",
    "quantity",
    "order_date",
    "due_date",
    "quality_requirements",
)


# ---------------------------------------------------------------- capacity registry


def _checked_factory(data: dict[str, object]) -> dict[str, object]:
    errors: dict[str, str | ValidationError] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Name the factory.")
    region = str(data.get("region_code") or "").strip()
    try:
        validate_region_code(region)
    except ValidationError:
        errors["region_code"] = _("Give the factory's county as a six-digit GB/T 2260 code.")
    start, end = data.get("shift_start"), data.get("shift_end")
    if not isinstance(start, dt.time) or not isinstance(end, dt.time):
        errors["shift_start"] = _("Give the working hours as HH:MM.")
    elif end <= start:
        errors["shift_end"] = _(
            "Work must end after it starts on the same day (a round-the-clock site: 00:00–23:59)."
        )
    given = data.get("working_weekdays") or []
    weekdays = [d for d in given if isinstance(d, int) and 0 <= d <= 6] if isinstance(given, list) else []
    if not isinstance(given, list) or len(weekdays) != len(given):
        errors["working_weekdays"] = _("Working days are weekdays 0 (Monday) to 6 (Sunday).")
    elif not weekdays:
        errors["working_weekdays"] = _(
            "A factory with no working day has no working time; choose at least one day."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:200],
        "region_code": region,
        "address": str(data.get("address") or "").strip()[:300],
        "shift_start": start,
        "shift_end": end,
        "working_weekdays": sorted(set(weekdays)),
        "is_active": bool(data.get("is_active", True)),
    }


def _saved_once(obj: M, *, same_name: QuerySet[M], message: StrOrPromise) -> M:
    """Save a new object whose name is unique in its scope; a duplicate (or a racing one) is a field error."""
    if same_name.exists():
        raise ValidationError({"name": message})
    try:
        with transaction.atomic():  # a savepoint: a racing twin meets the unique constraint here
            obj.save()
    except IntegrityError:
        raise ValidationError({"name": message}) from None
    return obj


def _updated(actor: Actor, obj: M, values: dict[str, object], fields: tuple[str, ...]) -> M:
    """Apply checked values to an object, save it, and audit what changed."""
    before = snapshot(obj, fields)
    for key, value in values.items():
        setattr(obj, key, value)
    obj.save()
    changes = field_diff(before, snapshot(obj, fields))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=obj, changes=changes)
    return obj


@transaction.atomic
def factory_create(*, actor: Actor, enterprise: Enterprise, data: dict[str, object]) -> Factory:
    """Register a site of the enterprise; a second site of the same name is refused."""
    if actor is None or not can_manage_factory(actor, Factory(enterprise=enterprise)):
        raise PermissionDenied
    values = _checked_factory(data)
    factory = _saved_once(
        Factory(enterprise=enterprise, **values),
        same_name=Factory.objects.filter(enterprise=enterprise, name=values["name"]),
        message=_("This enterprise already has a factory of that name."),
    )
    audit_created(actor=actor, obj=factory, fields=FACTORY_FIELDS)
    return factory


@transaction.atomic
def factory_update(*, actor: Actor, factory: Factory, data: dict[str, object]) -> Factory:
    """Change a factory's details or working hours; plans already made keep theirs until replanned."""
    if actor is None or not can_manage_factory(actor, factory):
        raise PermissionDenied
    values = _checked_factory(data)
    if (
        Factory.objects.filter(enterprise=factory.enterprise, name=values["name"])
        .exclude(pk=factory.pk)
        .exists()
    ):
        raise ValidationError({"name": _("This enterprise already has a factory of that name.")})
    _updated(actor, factory, values, FACTORY_FIELDS)
    return factory


@transaction.atomic
def closure_add(
    *, actor: Actor, factory: Factory, first_day: dt.date, last_day: dt.date, reason: str = ""
) -> FactoryClosure:
    """Close a factory for some days (holiday, shutdown)."""
    if actor is None or not can_manage_factory(actor, factory):
        raise PermissionDenied
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day cannot be before the first day.")})
    closure = FactoryClosure.objects.create(
        factory=factory, first_day=first_day, last_day=last_day, reason=reason.strip()[:200]
    )
    audit_created(actor=actor, obj=closure, fields=("factory", "first_day", "last_day", "reason"))
    return closure


def _checked_machine(data: dict[str, object]) -> dict[str, object]:
    errors: dict[str, str | ValidationError] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Name the machine or work centre.")
    chosen = [str(p) for p in (data.get("processes") or [])]  # type: ignore[attr-defined]
    unknown = [p for p in chosen if p not in processes_by_id()]
    if not chosen:
        errors["processes"] = _("Choose at least one process the machine runs.")
    elif unknown:
        errors["processes"] = _problem(gettext_lazy("Unknown process: %(codes)s."), codes=", ".join(unknown))
    try:
        speed = Decimal(str(data.get("speed_factor", "1")))
        if not Decimal("0.10") <= speed <= Decimal("10"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["speed_factor"] = _(
            "The speed factor is a number from 0.10 to 10 (1 = the routing's standard)."
        )
        speed = Decimal(1)
    try:
        price = Decimal(str(data.get("price_per_hour", "")))
        if not Decimal(0) <= price <= Decimal(100000):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["price_per_hour"] = _("The price per hour is an amount in yuan from 0 to 100,000.")
        price = Decimal(0)
    share = data.get("offered_share", 100)
    if not isinstance(share, int) or not 0 <= share <= 100:
        errors["offered_share"] = _("The share offered is a percentage from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:120],
        "processes": list(dict.fromkeys(chosen)),
        "speed_factor": speed.quantize(Decimal("0.01")),
        "price_per_hour": price.quantize(Decimal("0.01")),
        "offered_share": share,
        "is_active": bool(data.get("is_active", True)),
    }


@transaction.atomic
def machine_create(*, actor: Actor, factory: Factory, data: dict[str, object]) -> Machine:
    """Add a machine to a factory; a second one of the same name is refused."""
    if actor is None or not can_manage_factory(actor, factory):
        raise PermissionDenied
    values = _checked_machine(data)
    machine = _saved_once(
        Machine(factory=factory, **values),
        same_name=Machine.objects.filter(factory=factory, name=values["name"]),
        message=_("This factory already has a machine of that name."),
    )
    audit_created(actor=actor, obj=machine, fields=MACHINE_FIELDS)
    return machine


@transaction.atomic
def machine_update(*, actor: Actor, machine: Machine, data: dict[str, object]) -> Machine:
    """Change a machine's processes, speed, price or share offered."""
    if actor is None or not can_manage_factory(actor, machine.factory):
        raise PermissionDenied
    values = _checked_machine(data)
    if Machine.objects.filter(factory=machine.factory, name=values["name"]).exclude(pk=machine.pk).exists():
        raise ValidationError({"name": _("This factory already has a machine of that name.")})
    _updated(actor, machine, values, MACHINE_FIELDS)
    return machine


@dataclass
class DowntimeResult:
    """A reported downtime and the plans it hits (replans already started for them)."""

    downtime: MachineDowntime
    replans: list[Plan] = field(default_factory=list)


@transaction.atomic
def downtime_report(
    *,
    actor: Actor,
    machine: Machine,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    reason: str = "",
) -> DowntimeResult:
    """Record a machine's downtime and start a replan of every current plan that uses it in that time."""
    if actor is None or not can_manage_factory(actor, machine.factory):
        raise PermissionDenied
    if not 2000 <= starts_at.year <= 2100:
        raise ValidationError({"starts_at": _("Give a time between the years 2000 and 2100.")})
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The machine must be back after it went down.")})
    downtime = MachineDowntime.objects.create(
        machine=machine,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip()[:300],
        reported_by_id=acting_user_id(actor),
    )
    audit_created(actor=actor, obj=downtime, fields=("machine", "kind", "starts_at", "ends_at", "reason"))
    hit = Plan.objects.filter(
        status=PlanStatus.PROPOSED, assignments__machine=machine, assignments__ends_at__gt=starts_at
    )
    if ends_at is not None:
        hit = hit.filter(assignments__starts_at__lt=ends_at)
    detail = f"{machine} {downtime.get_kind_display()} {timezone.localtime(starts_at):%Y-%m-%d %H:%M}"
    replans = [
        plan_start(order=plan.order, actor=actor, cause=PlanCause.DISRUPTION, detail=detail)
        for plan in hit.select_related("order").distinct()
    ]
    return DowntimeResult(downtime=downtime, replans=replans)


# ---------------------------------------------------------------- orders


@dataclass(frozen=True)
class OperationInput:
    """One routing row as entered: its step code, what it is, times, and the steps it follows."""

    code: str
    name: str
    process: str
    setup_minutes: int
    run_minutes_per_unit: Decimal
    lot_splitting: bool = False
    after: tuple[str, ...] = ()


def routing_cycle(rows: Sequence[OperationInput]) -> list[str] | None:
    """A cycle in the routing's precedence as step codes (first repeated at the end), or None."""
    after = {row.code: row.after for row in rows}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(code: str) -> list[str] | None:
        state[code] = 1
        path.append(code)
        for before in after.get(code, ()):
            if state.get(before) == 1:
                return [*path[path.index(before) :], before]
            if state.get(before) is None and before in after:
                found = visit(before)
                if found:
                    return found
        state[code] = 2
        path.pop()
        return None

    for code in after:
        if code not in state:
            found = visit(code)
            if found:
                return found
    return None


def _problem(message: StrOrPromise, **params: object) -> ValidationError:
    """A translatable error with its parameters kept apart, so each reader sees it in their language."""
    return ValidationError(message, params=params)


def routing_errors(rows: Sequence[OperationInput]) -> dict[str, ValidationError]:
    """Every problem of a routing, keyed `operations` or `N.field` (row N from 1), before anything is written."""
    errors: dict[str, ValidationError] = {}
    if not rows:
        return {"operations": _problem(gettext_lazy("Enter at least one operation."))}
    if len(rows) > MAX_OPERATIONS_PER_ORDER:
        return {
            "operations": _problem(
                gettext_lazy("An order has at most %(limit)s operations."), limit=MAX_OPERATIONS_PER_ORDER
            )
        }
    codes = [row.code for row in rows]
    for row_number, row in enumerate(rows, start=1):
        at = {"row": row_number}
        if not row.code or len(row.code) > 16:
            errors[f"{row_number}.code"] = _problem(
                gettext_lazy("Operation %(row)s: give a step code of 1–16 characters, e.g. OP10."), **at
            )
        elif codes.count(row.code) > 1:
            errors[f"{row_number}.code"] = _problem(
                gettext_lazy("Operation %(row)s: step %(code)s appears twice."), code=row.code, **at
            )
        if not row.name.strip():
            errors[f"{row_number}.name"] = _problem(
                gettext_lazy("Operation %(row)s: name the operation."), **at
            )
        if row.process not in processes_by_id():
            errors[f"{row_number}.process"] = _problem(
                gettext_lazy("Operation %(row)s: choose a process from the list."), **at
            )
        if not 0 <= row.setup_minutes <= MAX_MINUTES_PER_UNIT:
            errors[f"{row_number}.setup_minutes"] = _problem(
                gettext_lazy("Operation %(row)s: setup is 0 to %(limit)s minutes."),
                limit=MAX_MINUTES_PER_UNIT,
                **at,
            )
        if not Decimal("0.001") <= row.run_minutes_per_unit <= MAX_MINUTES_PER_UNIT:
            errors[f"{row_number}.run_minutes_per_unit"] = _problem(
                gettext_lazy(
                    "Operation %(row)s: run time per unit is more than 0 and at most %(limit)s minutes."
                ),
                limit=MAX_MINUTES_PER_UNIT,
                **at,
            )
        unknown = [code for code in row.after if code not in codes]
        if unknown:
            errors[f"{row_number}.after"] = _problem(
                gettext_lazy("Operation %(row)s: follows %(codes)s, which is not a step of this order."),
                codes=", ".join(unknown),
                **at,
            )
        elif row.code in row.after:
            errors[f"{row_number}.after"] = _problem(
                gettext_lazy("Operation %(row)s: a step cannot follow itself."), **at
            )
    if not errors:
        cycle = routing_cycle(rows)
        if cycle:
            errors["operations"] = _problem(
                gettext_lazy("The routing has a cycle: %(cycle)s. Each step must come after steps that end."),
                cycle=" → ".join(reversed(cycle)),
            )
    return errors


def _new_number(today: dt.date) -> str:
    return f"SO{today:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


@transaction.atomic
def order_create(
    *,
    actor: Actor,
    customer: Enterprise,
    product: str,
    quantity: int,
    order_date: dt.date,
    due_date: dt.date,
    operations: Sequence[OperationInput],
    quality_requirements: str = "",
    reference: str = "",
) -> Order:
    """Enter an order with its routing, all checked first; the customer's reference makes a resend return it."""
    if actor is None or not can_create_order(actor):
        raise PermissionDenied
    if member_enterprise_id(actor) not in (None, customer.pk):
        raise PermissionDenied
    return order_write(
        actor=actor,
        customer=customer,
        product=product,
        quantity=quantity,
        order_date=order_date,
        due_date=due_date,
        operations=operations,
        quality_requirements=quality_requirements,
        reference=reference,
    )


@transaction.atomic
def order_write(
    *,
    actor: Actor,
    customer: Enterprise,
    product: str,
    quantity: int,
    order_date: dt.date,
    due_date: dt.date,
    operations: Sequence[OperationInput],
    quality_requirements: str = "",
    reference: str = "",
) -> Order:
    """order_create's checks and writes without asking who acts: for generated data (actor None)."""
    reference = reference.strip()[:64]
    if reference:
        existing = Order.objects.filter(customer=customer, reference=reference).first()
        if existing is not None:
            return existing
    errors: dict[str, str | ValidationError] = {}
    product = product.strip()
    if not product:
        errors["product"] = _("Name the product.")
    if not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = _problem(
            gettext_lazy("The quantity is a whole number from 1 to %(limit)s."), limit=f"{MAX_QUANTITY:,}"
        )
    if due_date < order_date:
        errors["due_date"] = _("The due date cannot be before the order date.")
    errors.update(routing_errors(operations))
    if errors:
        raise ValidationError(errors)
    order = Order(
        number=_new_number(timezone.localdate()),
        customer=customer,
        region_code=customer.region_code,
        reference=reference,
        product=product[:200],
        quantity=quantity,
        order_date=order_date,
        due_date=due_date,
        quality_requirements=quality_requirements.strip()[:2000],
        created_by_id=acting_user_id(actor),
    )
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        # Two posts with the same reference raced past the lookup: the first one stands.
        return Order.objects.get(customer=customer, reference=reference)
    by_code = {}
    for position, row in enumerate(operations, start=1):
        by_code[row.code] = Operation.objects.create(
            order=order,
            position=position,
            code=row.code,
            name=row.name.strip()[:120],
            process=row.process,
            setup_minutes=row.setup_minutes,
            run_minutes_per_unit=row.run_minutes_per_unit,
            lot_splitting=row.lot_splitting,
        )
    for row in operations:
        if row.after:
            by_code[row.code].predecessors.set([by_code[code] for code in row.after])
    audit_created(actor=actor, obj=order, fields=ORDER_FIELDS)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=order,
        changes={
            "routing": [None, [f"{r.code} {r.process} after {','.join(r.after) or '-'}" for r in operations]]
        },
    )
    return order


@transaction.atomic
def order_cancel(*, actor: Actor, order: Order) -> Order:
    """Cancel an order: its plan stops holding machine time."""
    if actor is None or not can_manage_order(actor, order):
        raise PermissionDenied
    if order.status == OrderStatus.CANCELLED:
        return order
    before = order.status
    order.status = OrderStatus.CANCELLED
    order.save(update_fields=["status"])
    order.plans.filter(status__in=[PlanStatus.PROPOSED, PlanStatus.SOLVING]).update(
        status=PlanStatus.SUPERSEDED
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=order, changes={"status": [before, OrderStatus.CANCELLED]}
    )
    return order


# ---------------------------------------------------------------- the factories' decisions


@transaction.atomic
def share_decide(*, actor: Actor, share: FactoryShare, accept: bool, reason: str = "") -> Plan | None:
    """A factory accepts or declines its share; a decline starts a replan without that factory (returned)."""
    share = (
        FactoryShare.objects.select_for_update()
        .select_related("plan", "plan__order", "factory")
        .get(pk=share.pk)
    )
    if actor is None or not can_manage_factory(actor, share.factory):
        raise PermissionDenied
    if share.plan.status != PlanStatus.PROPOSED:
        raise ValidationError(_("This plan has been replaced; decide on the current one."))
    if share.state != ShareState.PENDING:
        if (share.state == ShareState.ACCEPTED) == accept:
            return None  # the same decision twice (a double click): nothing more to do
        raise ValidationError(_("Your factory has already decided on this plan."))
    reason = reason.strip()[:300]
    if not accept and not reason:
        raise ValidationError(
            {"reason": _("Say why the factory declines, so the planner and the customer know.")}
        )
    share.state = ShareState.ACCEPTED if accept else ShareState.DECLINED
    share.decided_by_id = acting_user_id(actor)
    share.decided_at = timezone.now()
    share.reason = reason
    share.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=share,
        changes={
            "state": [ShareState.PENDING, share.state],
            **({"reason": [None, reason]} if reason else {}),
        },
    )
    order = share.plan.order
    if accept:
        if not share.plan.shares.exclude(state=ShareState.ACCEPTED).exists():
            Order.objects.filter(pk=order.pk).update(status=OrderStatus.CONFIRMED)
        return None
    return plan_start(
        order=order,
        actor=actor,
        cause=PlanCause.DECLINE,
        detail=f"{share.factory.name}: {reason}",
        exclude_factory=share.factory_id,
    )
