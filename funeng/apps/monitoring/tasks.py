"""Background work of monitoring: recomputing the platform indicators from live data."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from funeng.apps.monitoring.access import monitoring_scope_of
from funeng.apps.monitoring.recompute import platform_recompute
from funeng.apps.tasks.models import TaskRun
from funeng.apps.tasks.progress import Progress
from funeng.apps.tasks.registry import register

MONITORING_RECOMPUTE = "monitoring.recompute"


@register(
    MONITORING_RECOMPUTE,
    _("Recompute the platform indicators"),
    launchable_by=lambda user: monitoring_scope_of(user) is not None,
)
def monitoring_recompute_task(run: TaskRun, progress: Progress) -> dict[str, Any]:
    """Recompute and store; safe to run again: unchanged figures are not stored twice."""
    result = platform_recompute(actor=run.started_by, progress=progress)
    return {
        "url": reverse("monitoring:home"),
        "values": result.values_written,
        "enterprises": result.enterprises,
    }
