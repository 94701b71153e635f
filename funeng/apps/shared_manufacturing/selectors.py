"""Read models for the pages: shared-factory flags, the Gantt chart and the live search chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from funeng.apps.designations.const import DesignationKindChoice, EntryStatus
from funeng.apps.designations.models import DesignationEntry
from funeng.apps.shared_manufacturing.models import Plan, PlannedOperation


def shared_factory_enterprise_ids() -> set[int]:
    """Enterprises listed as 共享工厂 (an approved designation entry): their factories carry the flag."""
    return set(
        DesignationEntry.objects.filter(
            kind=DesignationKindChoice.SHARED_FACTORY, status=EntryStatus.APPROVED
        ).values_list("enterprise_id", flat=True)
    )


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
