"""Background work of shared manufacturing: solving a plan version."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from funeng.apps.shared_manufacturing.models import Plan
from funeng.apps.shared_manufacturing.planning import plan_solve
from funeng.apps.tasks.models import TaskRun
from funeng.apps.tasks.progress import Progress
from funeng.apps.tasks.registry import register

PLAN_SOLVE = "shared_manufacturing.plan"


@register(PLAN_SOLVE, _("Plan a production order across factories"))
def plan_solve_task(run: TaskRun, progress: Progress) -> dict[str, Any]:
    """Solve the plan version named in the params; a retry after it was stored does nothing twice."""
    plan = Plan.objects.get(pk=run.params["plan"])
    plan = plan_solve(plan=plan, actor=run.started_by, progress=progress)
    return {
        "url": reverse("shared_manufacturing:plan", args=[plan.pk]),
        "status": plan.status,
        "makespan_minutes": plan.makespan_minutes,
    }
