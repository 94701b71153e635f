"""Task pages: a task's progress (polled with htmx while it runs), the list of mine, retry; /healthz."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record
from funeng.apps.core.pages import submit_once
from funeng.apps.tasks.access import access_task_run_for_user, can_retry_task_run, task_runs_visible_to
from funeng.apps.tasks.const import FINISHED_STATES, TaskState
from funeng.apps.tasks.models import WorkerHeartbeat
from funeng.apps.tasks.registry import launchable_kinds, task_kinds
from funeng.apps.tasks.services import STALE_AFTER, task_enqueue, task_retry

PAGE_SIZE = 50


def _title(kind: str) -> str:
    registered = task_kinds().get(kind)
    return str(registered.title) if registered else kind


@never_cache
@login_required
def task_detail_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """One task: what it does, how far it is, and its result or error; the progress part polls."""
    run = access_task_run_for_user(request.user, run_id)
    kind = task_kinds().get(run.kind)
    context = {
        "run": run,
        "title": _title(run.kind),
        "result_template": kind.result_template if kind else "",
        "finished": run.state in FINISHED_STATES,
        "can_retry": can_retry_task_run(request.user, run),
    }
    template = "tasks/_progress.html" if request.headers.get("HX-Request") else "tasks/detail.html"
    return render(request, template, context)


@login_required
def task_list_view(request: HttpRequest) -> HttpResponse:
    """The tasks the user may see, newest first, and the work the user may start from here."""
    runs = task_runs_visible_to(request.user).select_related("started_by")[:PAGE_SIZE]
    rows = [(run, _title(run.kind)) for run in runs]
    return render(request, "tasks/list.html", {"rows": rows, "launchable": launchable_kinds(request.user)})


@require_POST
@login_required
@submit_once
def task_start_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Start a parameterless task (re-rank every need, train the ranking model…) for those allowed."""
    registered = task_kinds().get(kind)
    if registered is None or registered.launchable_by is None or not registered.launchable_by(request.user):
        raise Http404
    run = task_enqueue(kind=kind, started_by=request.user)
    return redirect("tasks:detail", run.pk)


@login_required
@require_GET
def task_file_view(request: HttpRequest, run_id: uuid.UUID) -> FileResponse:
    """The file a finished task produced (an archive of reports), for those who may see the task."""
    run = access_task_run_for_user(request.user, run_id)
    relative = (run.result or {}).get("file", "")
    path = Path(settings.MEDIA_ROOT) / relative
    if run.state != TaskState.DONE or not relative or not path.is_file():
        raise Http404
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=run, changes={"file": [None, path.name]})
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=(run.result or {}).get("filename", path.name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def task_retry_view(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """Start a failed task's work again."""
    run = access_task_run_for_user(request.user, run_id)
    if not can_retry_task_run(request.user, run):
        raise PermissionDenied
    try:
        again = task_retry(run=run, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("tasks:detail", run.pk)
    return redirect("tasks:detail", again.pk)


# Twice the reaper's patience: a worker busy with a long step still beats every few seconds.
HEARTBEAT_RECENT = 2 * STALE_AFTER


@never_cache
@require_GET
def healthz_view(request: HttpRequest) -> JsonResponse:
    """Database reachable, migrations applied, a task worker alive: JSON, 200 when all hold, else 503."""
    checks: dict[str, dict[str, object]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:  # any driver error means "not reachable" to a load balancer
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    if checks["database"]["ok"]:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["migrations"] = {"ok": not pending, "pending": len(pending)}
        newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        age = (timezone.now() - newest).total_seconds() if newest else None
        checks["worker"] = {
            "ok": age is not None and age <= HEARTBEAT_RECENT.total_seconds(),
            "last_seen_seconds_ago": None if age is None else round(age, 1),
        }
    healthy = all(check["ok"] for check in checks.values()) and len(checks) == 3
    body = {"status": "ok" if healthy else "fail", "checks": checks, "time": timezone.now().isoformat()}
    return JsonResponse(body, status=200 if healthy else 503)
