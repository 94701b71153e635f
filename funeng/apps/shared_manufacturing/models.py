"""Capacity registry (factories, machines, calendars, downtime) and orders with their plans.

A plan belongs to one order: the platform splits the order into operations (lots where lot
splitting is allowed) and places them on machines of any factory that offers the process, around
the working time already taken by the other orders' plans. Each factory accepts or declines its
share; a decline or a machine going down makes a new plan version that moves as little as it can.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.fields import acting_user_field
from funeng.apps.core.validators import validate_region_code
from funeng.apps.shared_manufacturing.const import (
    MAX_QUANTITY,
    DowntimeKind,
    OrderStatus,
    PlanCause,
    PlanStatus,
    ShareState,
)
from funeng.apps.shared_manufacturing.processes import process_name


def _default_weekdays() -> list[int]:
    return [0, 1, 2, 3, 4, 5]  # Monday to Saturday


class Factory(models.Model):
    """A production site of an enterprise, with its working hours."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="factories",
        verbose_name=_("enterprise"),
    )
    name = models.CharField(_("name"), max_length=200)
    region_code = models.CharField(
        _("region"), max_length=6, validators=[validate_region_code], db_index=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    shift_start = models.TimeField(_("work starts"), default=dt.time(8, 0))
    shift_end = models.TimeField(_("work ends"), default=dt.time(20, 0))
    working_weekdays = models.JSONField(
        _("working days"), default=_default_weekdays, help_text=_("Monday is 0, Sunday is 6")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("factory")
        verbose_name_plural = _("factories")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="factory_name_unique_per_enterprise"),
            # One shift a day that does not cross midnight; a round-the-clock site says 00:00–23:59.
            models.CheckConstraint(
                condition=Q(shift_end__gt=F("shift_start")), name="factory_shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shift_minutes(self) -> int:
        """Working minutes of one working day."""
        start = self.shift_start.hour * 60 + self.shift_start.minute
        end = self.shift_end.hour * 60 + self.shift_end.minute
        return max(0, end - start)


class FactoryClosure(models.Model):
    """Days a factory does not work besides its weekly rest days (holidays, shutdowns)."""

    factory = models.ForeignKey(
        Factory, on_delete=models.CASCADE, related_name="closures", verbose_name=_("factory")
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("factory closure")
        verbose_name_plural = _("factory closures")
        ordering = ["first_day", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="closure_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.factory} {self.first_day}–{self.last_day}"


class Machine(models.Model):
    """A machine or work centre: the processes it runs, how fast, at what price, how much is shared."""

    factory = models.ForeignKey(
        Factory, on_delete=models.PROTECT, related_name="machines", verbose_name=_("factory")
    )
    name = models.CharField(_("name"), max_length=120)
    processes = models.JSONField(_("processes"), default=list)
    speed_factor = models.DecimalField(
        _("speed factor"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("10.00"))],
        help_text=_(
            "Run time is divided by this: 1.25 runs a quarter faster than the routing's standard machine"
        ),
    )
    price_per_hour = models.DecimalField(
        _("price per hour (CNY)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100000"))],
    )
    offered_share = models.PositiveSmallIntegerField(
        _("capacity offered to the platform (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "共享产能: the share of this machine's working time the platform may plan; 0 takes it off"
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("machine")
        verbose_name_plural = _("machines")
        ordering = ["factory__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["factory", "name"], name="machine_name_unique_per_factory"),
            models.CheckConstraint(
                condition=Q(offered_share__lte=100), name="machine_offered_share_at_most_100"
            ),
            models.CheckConstraint(condition=Q(speed_factor__gt=0), name="machine_speed_factor_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.factory.name} · {self.name}"

    @property
    def process_names(self) -> list[str]:
        """The machine's processes by name, in the active language."""
        return [process_name(code) for code in self.processes]


class MachineDowntime(models.Model):
    """A period a machine cannot work: planned maintenance or a breakdown (open-ended until repaired)."""

    machine = models.ForeignKey(
        Machine, on_delete=models.CASCADE, related_name="downtimes", verbose_name=_("machine")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DowntimeKind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty: until further notice")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reported_by = acting_user_field(_("reported by"))
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("machine downtime")
        verbose_name_plural = _("machine downtimes")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="downtime_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class Order(models.Model):
    """A production order placed through the platform: product, quantity, dates, quality requirements."""

    number = models.CharField(_("order number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="production_orders",
        verbose_name=_("customer"),
    )
    # Copied from the customer: officials of the region see the order in their figures.
    region_code = models.CharField(_("region"), max_length=6, db_index=True)
    reference = models.CharField(
        _("customer's reference"),
        max_length=64,
        blank=True,
        help_text=_("The customer's own order number; sending the same one again returns this order"),
    )
    product = models.CharField(_("product"), max_length=200)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    order_date = models.DateField(_("order date"))
    due_date = models.DateField(_("due date"))
    quality_requirements = models.TextField(_("quality requirements"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.OPEN, db_index=True
    )
    created_by = acting_user_field(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("production order")
        verbose_name_plural = _("production orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=F("order_date")), name="order_due_not_before_order_date"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_quantity_positive"),
            models.UniqueConstraint(
                fields=["customer", "reference"],
                condition=~Q(reference=""),
                name="order_reference_unique_per_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.product}"


class Operation(models.Model):
    """One step of an order's routing: the process, setup and run time, what must finish first."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="operations", verbose_name=_("order")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("step"), max_length=16)
    name = models.CharField(_("name"), max_length=120)
    process = models.CharField(_("process"), max_length=32)
    setup_minutes = models.PositiveIntegerField(_("setup (minutes)"), default=0)
    run_minutes_per_unit = models.DecimalField(
        _("run time per unit (minutes)"),
        max_digits=9,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_("On a machine with speed factor 1"),
    )
    lot_splitting = models.BooleanField(
        _("lot splitting allowed"),
        default=False,
        help_text=_("The quantity may run in several lots on several machines"),
    )
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="successors", verbose_name=_("after")
    )

    class Meta:
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        ordering = ["order", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "code"], name="operation_code_unique_per_order"),
            models.UniqueConstraint(fields=["order", "position"], name="operation_position_unique_per_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def process_label(self) -> str:
        """The process by name, in the active language."""
        return process_name(self.process)


class Plan(models.Model):
    """One version of an order's plan: the solver's answer, its quality and how the search went."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="plans", verbose_name=_("order"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.SOLVING, db_index=True
    )
    cause = models.CharField(_("cause"), max_length=16, choices=PlanCause.choices, default=PlanCause.INITIAL)
    cause_detail = models.CharField(_("what happened"), max_length=300, blank=True)
    replan_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("replaces")
    )
    origin = models.DateTimeField(_("plan starts"))
    # Factories this plan may not use: those that declined a share of an earlier version.
    excluded_factories = models.JSONField(_("factories left out"), default=list, blank=True)
    makespan_minutes = models.PositiveIntegerField(_("makespan (minutes)"), null=True, blank=True)
    # The engine's objective (OBJECTIVE_WEIGHTS) and the bound it proved on it: equal when optimal.
    objective = models.BigIntegerField(_("objective"), null=True, blank=True)
    objective_bound = models.BigIntegerField(_("proven bound of the objective"), null=True, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=16, blank=True)
    solver = models.CharField(_("solver"), max_length=32, blank=True)
    solve_seconds = models.FloatField(_("solve time (s)"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    trace = models.JSONField(_("search progress"), default=list, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    processing_cost = models.DecimalField(
        _("processing cost (CNY)"), max_digits=14, decimal_places=2, default=0
    )
    transport_cost = models.DecimalField(
        _("transport cost (CNY)"), max_digits=14, decimal_places=2, default=0
    )
    tardiness_minutes = models.PositiveIntegerField(_("lateness (minutes)"), default=0)
    changed_operations = models.PositiveIntegerField(_("operations moved"), default=0)
    created_by = acting_user_field(_("planned by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["order", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["order", "version"], name="plan_version_unique_per_order")
        ]

    def __str__(self) -> str:
        return f"{self.order.number} v{self.version}"

    @property
    def finishes_at(self) -> dt.datetime | None:
        """When the last operation ends."""
        if self.makespan_minutes is None:
            return None
        return self.origin + dt.timedelta(minutes=self.makespan_minutes)


class PlannedOperation(models.Model):
    """Where and when one lot of one operation runs in a plan; `changed` marks a move from the plan before."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("plan")
    )
    operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="+", verbose_name=_("operation")
    )
    lot = models.PositiveSmallIntegerField(_("lot"), default=1)
    lots = models.PositiveSmallIntegerField(_("lots"), default=1)
    quantity = models.PositiveIntegerField(_("quantity"))
    machine = models.ForeignKey(
        Machine, on_delete=models.PROTECT, related_name="+", verbose_name=_("machine")
    )
    factory = models.ForeignKey(
        Factory, on_delete=models.PROTECT, related_name="+", verbose_name=_("factory")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    start_minute = models.PositiveIntegerField(_("start (minute)"))
    end_minute = models.PositiveIntegerField(_("end (minute)"))
    cost = models.DecimalField(_("processing cost (CNY)"), max_digits=12, decimal_places=2, default=0)
    changed = models.BooleanField(_("moved"), default=False)
    previous_machine = models.ForeignKey(
        Machine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("was on")
    )
    previous_starts_at = models.DateTimeField(_("was starting"), null=True, blank=True)

    class Meta:
        verbose_name = _("planned operation")
        verbose_name_plural = _("planned operations")
        ordering = ["plan", "start_minute", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "operation", "lot"], name="planned_operation_unique_lot"),
            models.CheckConstraint(
                condition=Q(end_minute__gt=F("start_minute")), name="planned_operation_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation} #{self.lot} @ {self.machine}"


class FactoryShare(models.Model):
    """A factory's share of a plan, which it accepts or declines as a whole."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="shares", verbose_name=_("plan"))
    factory = models.ForeignKey(
        Factory, on_delete=models.PROTECT, related_name="plan_shares", verbose_name=_("factory")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ShareState.choices, default=ShareState.PENDING
    )
    operations = models.PositiveIntegerField(_("operations"), default=0)
    machine_minutes = models.PositiveIntegerField(_("machine minutes"), default=0)
    cost = models.DecimalField(_("processing cost (CNY)"), max_digits=14, decimal_places=2, default=0)
    decided_by = acting_user_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("factory share")
        verbose_name_plural = _("factory shares")
        ordering = ["plan", "factory__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "factory"], name="factory_share_unique_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.factory}"
