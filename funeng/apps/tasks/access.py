"""Who may watch or restart which background task.

Not visible → Http404 (existence is not revealed). A task is visible to whoever started it and
to platform administrators; people of the enterprise or region it works on see it too.
"""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from engines.reference.regions import region_prefix
from funeng.apps.core.const import Role
from funeng.apps.core.identity import User, is_platform_admin, membership_of
from funeng.apps.tasks.models import TaskRun


def task_runs_visible_to(user: User) -> QuerySet[TaskRun]:
    """Runs the user started, and runs on the user's enterprise or within an official's region."""
    if is_platform_admin(user):
        return TaskRun.objects.all()
    if not user.is_authenticated:
        return TaskRun.objects.none()
    mine = Q(started_by_id=user.pk)
    membership = membership_of(user)
    if membership is not None and membership.role == Role.ENTERPRISE and membership.enterprise_id:
        mine |= Q(enterprise_id=membership.enterprise_id)
    if membership is not None and membership.role == Role.OFFICIAL:
        mine |= Q(region_code__startswith=region_prefix(membership.region_code)) & ~Q(region_code="")
    return TaskRun.objects.filter(mine)


def access_task_run_for_user(user: User, run_id: uuid.UUID | str) -> TaskRun:
    """The run if the user may see it (Http404 otherwise)."""
    run = task_runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def can_retry_task_run(user: User, run: TaskRun) -> bool:
    """Who started it, or an operator, may start failed work again."""
    return is_platform_admin(user) or (user.is_authenticated and run.started_by_id == user.pk)
