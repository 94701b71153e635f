"""Background task runs (who started what, its progress and outcome) and worker heartbeats."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from funeng.apps.tasks.const import TaskState


class TaskRun(models.Model):
    """One run of a long piece of work in the background worker, shown with its progress.

    The django-tasks row only says when the worker picked the work up; this row carries what a
    person needs: the kind of work, who started it, how far it is, and its result or error.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The same work by the same person (kind, parameters, starter), for the double-submit guard.
    # The starter's language: messages a task writes (an import report) are in it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    same_work_key = models.CharField(_("same-work key"), max_length=64, db_index=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    # Who besides the starter may watch it: the officials of this region, the enterprise's users.
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    enterprise_id = models.IntegerField(_("enterprise id"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=TaskState.choices, default=TaskState.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    task_result_id = models.CharField(_("queue entry"), max_length=64, blank=True)
    retry_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("retry of")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.state})"

    def error_text(self) -> str:
        """Why it failed, in the reader's language (stored as an English msgid with parameters)."""
        if not self.error:
            return ""
        params = (self.result or {}).get("error_params") or {}
        return gettext(self.error) % params if params else gettext(self.error)

    @property
    def percent(self) -> int:
        """Progress in whole percent; 0 while the total is unknown."""
        return min(100, self.done * 100 // self.total) if self.total else 0


class WorkerHeartbeat(models.Model):
    """A worker process says it is alive every few seconds; /healthz and the reaper read it."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    pid = models.PositiveIntegerField(_("process id"))
    host = models.CharField(_("host"), max_length=255)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
