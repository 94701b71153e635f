"""Task writes: start long work in the background, record its progress and outcome, retry, reap."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record
from funeng.apps.tasks.const import TaskState
from funeng.apps.tasks.models import TaskRun, WorkerHeartbeat
from funeng.apps.tasks.registry import task_kind

logger = logging.getLogger(__name__)
Actor = AbstractBaseUser | AnonymousUser | None

# A worker writes its heartbeat every few seconds; one silent this long has died (kill -9, OOM,
# a lost machine) and the work it held is given up.
STALE_AFTER = dt.timedelta(seconds=30)
WORKER_DIED = gettext_noop(
    "The worker stopped while running this task; nothing from it was saved. Start it again."
)


class TaskFailure(Exception):
    """A task ends in failure with a message for people (an English msgid with its parameters)."""

    def __init__(self, message: str, params: dict[str, Any] | None = None, *, detail: Any = None) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params or {}
        self.detail = detail


@transaction.atomic
def task_enqueue(
    *,
    kind: str,
    started_by: Actor,
    params: dict[str, Any] | None = None,
    region_code: str = "",
    enterprise_id: int | None = None,
    retry_of: TaskRun | None = None,
) -> TaskRun:
    """Queue work for the background worker; the same work already queued or running is returned.

    The queue row of django-tasks is written in this same transaction, so a rolled-back request
    starts nothing, and a double submit (two clicks, back and resubmit) starts the work once.
    """
    from funeng.apps.tasks.runner import run_task_run

    task_kind(kind)  # an unknown kind fails here, in the request, not later in the worker
    params = params or {}
    starter_id = started_by.pk if started_by is not None and started_by.is_authenticated else None
    key = hashlib.sha256(
        json.dumps([kind, params, starter_id], sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    same = TaskRun.objects.select_for_update().filter(
        same_work_key=key, state__in=[TaskState.QUEUED, TaskState.RUNNING]
    )
    existing = same.first()
    if existing is not None:
        return existing
    run = TaskRun.objects.create(
        language=translation.get_language() or "",
        kind=kind,
        params=params,
        same_work_key=key,
        started_by_id=starter_id,
        region_code=region_code,
        enterprise_id=enterprise_id,
        retry_of=retry_of,
    )
    result = run_task_run.enqueue(str(run.pk))
    TaskRun.objects.filter(pk=run.pk).update(task_result_id=str(result.id))
    run.task_result_id = str(result.id)
    audit_record(
        actor=started_by,
        action=AuditAction.CREATE,
        obj=run,
        changes={"kind": [None, kind], "params": [None, params]},
    )
    return run


def task_retry(*, run: TaskRun, acting_user: Actor) -> TaskRun:
    """Start a failed task's work again with the same parameters."""
    if run.state != TaskState.FAILED:
        raise ValidationError(_("Only a failed task can be started again."), code="not_failed")
    return task_enqueue(
        kind=run.kind,
        started_by=acting_user,
        params=run.params,
        region_code=run.region_code,
        enterprise_id=run.enterprise_id,
        retry_of=run,
    )


def task_mark_running(*, run_id: str, worker_id: str) -> TaskRun | None:
    """Claim a queued run for this worker; None when it is no longer queued (reaped, duplicate)."""
    with transaction.atomic():
        claimed = TaskRun.objects.filter(pk=run_id, state=TaskState.QUEUED).update(
            state=TaskState.RUNNING, worker_id=worker_id, started_at=timezone.now()
        )
    return TaskRun.objects.get(pk=run_id) if claimed else None


def task_mark_done(*, run: TaskRun, result: dict[str, Any]) -> None:
    """Record the outcome of a run that finished, with its last progress (updates are throttled)."""
    with transaction.atomic():
        TaskRun.objects.filter(pk=run.pk, state=TaskState.RUNNING).update(
            state=TaskState.DONE,
            result=result,
            finished_at=timezone.now(),
            message="",
            done=run.done,
            total=run.total,
        )


def task_mark_failed(
    *, run: TaskRun, error: str, params: dict[str, Any] | None = None, detail: Any = None
) -> None:
    """Record why a run failed: an English msgid with its parameters, and detail as JSON (a report)."""
    with transaction.atomic():
        TaskRun.objects.filter(pk=run.pk).exclude(state=TaskState.DONE).update(
            state=TaskState.FAILED,
            error=error,
            result={"error_params": params or {}, "detail": detail},
            finished_at=timezone.now(),
        )


def worker_heartbeat(*, worker_id: str, pid: int, host: str, started_at: dt.datetime) -> None:
    """Say that this worker is alive."""
    now = timezone.now()
    with transaction.atomic():
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id, defaults={"pid": pid, "host": host, "started_at": started_at, "seen_at": now}
        )


def task_runs_reap(
    *, now: dt.datetime | None = None, stale_after: dt.timedelta = STALE_AFTER, alive_worker: str = ""
) -> int:
    """Fail the runs whose worker stopped sending heartbeats; return how many.

    A handler writes its result in one transaction at the end (or in idempotent steps), so a
    killed worker left nothing half-written; the person sees the failure and starts it again.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    # The worker asking is alive by definition, whatever its last written beat says.
    alive = [alive_worker] + list(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - stale_after).values_list("worker_id", flat=True)
    )
    stale = TaskRun.objects.filter(state=TaskState.RUNNING).exclude(worker_id__in=alive)
    reaped = 0
    for run in stale:
        with transaction.atomic():
            updated = TaskRun.objects.filter(pk=run.pk, state=TaskState.RUNNING).update(
                state=TaskState.FAILED, error=WORKER_DIED, finished_at=now
            )
            if updated and run.task_result_id:
                DBTaskResult.objects.filter(pk=run.task_result_id, status="RUNNING").update(
                    status="FAILED", finished_at=now
                )
        if updated:
            logger.warning("task %s (%s) failed: worker %s stopped", run.pk, run.kind, run.worker_id)
            reaped += 1
    WorkerHeartbeat.objects.filter(seen_at__lt=now - 10 * stale_after).delete()
    return reaped
