"""Background work of the assessment app: the region's latest reports as PDFs in one archive."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from funeng.apps.assessment.access import assessments_visible_to
from funeng.apps.assessment.selectors import region_list, report_of
from funeng.apps.consents.const import ReadChannel
from funeng.apps.core.i18n import active_language
from funeng.apps.tasks.models import TaskRun
from funeng.apps.tasks.progress import Progress
from funeng.apps.tasks.registry import register
from funeng.apps.tasks.services import TaskFailure

REPORTS_PDF = "assessment.reports_pdf"
EXPORTS = "task-outputs"


@register(REPORTS_PDF, _("Assessment reports of the region as PDF files"))
def reports_pdf_task(run: TaskRun, progress: Progress) -> dict[str, Any]:
    """One PDF per enterprise (its latest result in the family), zipped; the archive appears only when complete."""
    from funeng.apps.assessment.pdf import report_pdf_bytes  # WeasyPrint loads pango: only here
    from funeng.apps.assessment.services import assessment_read_log

    if run.started_by is None:
        raise TaskFailure(gettext_noop("The person who asked for these reports no longer has an account."))
    family = run.params["family"]
    rows = region_list(assessments_visible_to(run.started_by), family, None)
    if not rows:
        raise TaskFailure(gettext_noop("No submitted assessment of this kind in your region yet."))
    folder = Path(settings.MEDIA_ROOT) / EXPORTS
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{run.pk}.zip"
    language = active_language()
    # Written under a temporary name in the same folder, renamed when complete: a killed worker
    # leaves no archive that looks finished, and a rerun starts from scratch.
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as handle:
        partial = Path(handle.name)
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, row in enumerate(rows, start=1):
                assessment = row["assessment"]
                report = report_of(assessment, language, with_answers=True)
                name = f"{assessment.enterprise.credit_code}-{assessment.round_label}.pdf"
                archive.writestr(name, report_pdf_bytes(None, report))
                assessment_read_log(reader=run.started_by, assessment=assessment, channel=ReadChannel.EXPORT)
                progress.update(done, len(rows), gettext_noop("Writing the reports"))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return {
        "file": f"{EXPORTS}/{target.name}",
        "filename": f"assessment-reports-{family}.zip",
        "reports": len(rows),
    }
