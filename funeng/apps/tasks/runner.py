"""The one django-tasks task: run a TaskRun's handler in the worker and record how it ended."""

from __future__ import annotations

import logging
import os

from django.utils import translation
from django.utils.translation import gettext_noop
from django_tasks import task

from funeng.apps.tasks.progress import TaskProgress
from funeng.apps.tasks.registry import task_kind
from funeng.apps.tasks.services import TaskFailure, task_mark_done, task_mark_failed, task_mark_running

logger = logging.getLogger(__name__)
# Set by `funeng worker`; anything else running tasks (a test's in-process worker) is "inline".
WORKER_ID_ENV = "FUNENG_WORKER_ID"
UNEXPECTED = gettext_noop(
    "The task stopped on an unexpected error; the operators have the details in the log."
)


@task()
def run_task_run(run_id: str) -> None:
    """Run one queued TaskRun; failures are recorded on the run, never raised to django-tasks."""
    run = task_mark_running(run_id=run_id, worker_id=os.environ.get(WORKER_ID_ENV, "inline"))
    if run is None:
        return
    try:
        with translation.override(run.language or None):
            result = task_kind(run.kind).handler(run, TaskProgress(run))
    except TaskFailure as failure:
        task_mark_failed(run=run, error=failure.message, params=failure.params, detail=failure.detail)
    except Exception:
        logger.exception("task %s (%s) failed", run.pk, run.kind)
        task_mark_failed(run=run, error=UNEXPECTED)
    else:
        task_mark_done(run=run, result=result)
