"""Read models: shared-factory flags, the Gantt chart, the live search chart and the monitoring snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from engines.monitoring.snapshot import SNAPSHOT_TABLES
from funeng.apps.designations.const import DesignationKindChoice, EntryStatus
from funeng.apps.designations.models import DesignationEntry
from funeng.apps.shared_manufacturing.models import Factory, Machine, Plan, PlannedOperation


def shared_factory_enterprise_ids() -> set[int]:
    """Enterprises listed as 共享工厂 (an approved designation entry): their factories carry the flag."""
    return set(
        DesignationEntry.objects.filter(
            kind=DesignationKindChoice.SHARED_FACTORY, status=EntryStatus.APPROVED
        ).values_list("enterprise_id", flat=True)
    )


def factories_snapshot() -> pl.DataFrame:
    """One row per registered factory for the monitoring snapshot (engines.monitoring.snapshot).

    A factory counts from the year it was registered; one no longer active stopped in the year of
    its last change (the registry keeps no earlier date). It offers capacity while it is active and
    has an active machine with a share above 0 for the platform, as registered now.
    """
    offering = Machine.objects.filter(factory=OuterRef("pk"), is_active=True, offered_share__gt=0)
    rows = (
        Factory.objects.annotate(offering=Exists(offering))
        .order_by("pk")
        .values_list(
            "enterprise__credit_code", "region_code", "is_active", "offering", "created_at", "updated_at"
        )
    )
    data = [
        (
            code,
            region,
            bool(active and offering),
            timezone.localtime(created).year,
            None if active else timezone.localtime(updated).year,
        )
        for code, region, active, offering, created, updated in rows
    ]
    return pl.DataFrame(data, schema=SNAPSHOT_TABLES["factories"], orient="row")


def _ms(moment: Any) -> int:
    """The platform's local wall-clock time as epoch milliseconds read as UTC.

    The chart draws its axis in UTC (useUTC), so every viewer sees the factories' local times
    (Asia/Shanghai), whatever their browser's time zone.
    """
    wall = timezone.localtime(moment).replace(tzinfo=dt.UTC)
    return int(wall.timestamp() * 1000)


def gantt_spec(plan: Plan, rows: Sequence[PlannedOperation]) -> dict[str, Any]:
    """The plan as a Gantt chart for charts.js: one line per machine (grouped by factory), one bar per lot."""
    machines = sorted({(row.factory.name, row.machine.name, row.machine_id) for row in rows})
    line_of = {machine_id: i for i, (_f, _m, machine_id) in enumerate(machines)}
    items = []
    for row in rows:
        label = row.operation.code if row.lots == 1 else f"{row.operation.code} #{row.lot}/{row.lots}"
        start, end = timezone.localtime(row.starts_at), timezone.localtime(row.ends_at)
        tip = f"{label} {row.operation.name} · {row.quantity} · {start:%m-%d %H:%M}–{end:%m-%d %H:%M}"
        if row.changed:
            tip += " · " + _("moved")
        items.append(
            {
                "row": line_of[row.machine_id],
                "start": _ms(row.starts_at),
                "end": _ms(row.ends_at),
                "name": label,
                "group": row.operation.code,
                "changed": row.changed,
                "tip": tip,
            }
        )
    return {
        "type": "gantt",
        "rows": [f"{factory} · {machine}" for factory, machine, _id in machines],
        "items": items,
        "due": _ms(
            timezone.make_aware(
                dt.datetime.combine(plan.order.due_date + dt.timedelta(days=1), dt.time(0, 0))
            )
        ),
        "due_label": _("Due date"),
    }


def trace_spec(plan: Plan) -> dict[str, Any]:
    """How the search went, for charts.js: the best plan's objective and the proven bound over seconds."""
    return {
        "type": "trace",
        "points": plan.trace or [],
        "incumbent": _("Best plan found (objective)"),
        "bound": _("Proven lower bound"),
        "seconds": _("seconds"),
    }
