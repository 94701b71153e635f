"""Background work of the registry: a bulk import from an uploaded file."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from funeng.apps.enterprises.importing import enterprises_import
from funeng.apps.tasks.models import TaskRun
from funeng.apps.tasks.progress import Progress
from funeng.apps.tasks.registry import register

ENTERPRISES_IMPORT = "enterprises.import"
# Uploads wait here for the worker; only the task that imports a file reads and then removes it.
INPUTS = "task-inputs"


def upload_keep(upload: UploadedFile) -> str:
    """Store an uploaded file for a task under a random name; return its path relative to MEDIA_ROOT."""
    suffix = Path(upload.name or "").suffix.lower()
    relative = Path(INPUTS) / f"{uuid.uuid4().hex}{suffix}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return str(relative)


@register(
    ENTERPRISES_IMPORT,
    _("Import of enterprises"),
    result_template="enterprises/_import_task_result.html",
)
def enterprises_import_task(run: TaskRun, progress: Progress) -> dict[str, Any]:
    """Check every row, then write all enterprises in one transaction, or none; keep the report."""
    path = Path(settings.MEDIA_ROOT) / run.params["input"]
    report = enterprises_import(
        path=path,
        filename=run.params["filename"],
        acting_user=run.started_by,
        dry_run=run.params.get("dry_run", False),
        progress=progress,
    )
    # Kept after a failure or a crash, so "start again" has the file; gone once the work is done.
    path.unlink(missing_ok=True)
    return {"report": {**dataclasses.asdict(report), "ok": report.ok}}
