"""Import, template and export pages of the enterprise registry."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.pages import submit_once
from funeng.apps.enterprises.access import (
    can_export_enterprises,
    can_import_enterprises,
    enterprises_visible_to,
)
from funeng.apps.enterprises.exporting import FORMATS, enterprise_template, enterprises_export
from funeng.apps.enterprises.selectors import EnterpriseFilter, enterprise_list
from funeng.apps.enterprises.tasks import ENTERPRISES_IMPORT, upload_keep
from funeng.apps.tasks.services import task_enqueue

MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # about 600,000 rows of CSV
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"))
    dry_run = forms.BooleanField(label=_("Check only, write nothing (dry run)"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB; split it into several files."))
        return upload


@login_required
@submit_once
def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a file; the worker checks every row and imports all rows or none; its page shows the report."""
    if not can_import_enterprises(request.user):
        raise Http404
    if request.method == "POST":
        form = EnterpriseImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            task = task_enqueue(
                kind=ENTERPRISES_IMPORT,
                started_by=request.user,
                params={
                    "input": upload_keep(upload),
                    "filename": Path(upload.name).name,
                    "dry_run": form.cleaned_data["dry_run"],
                },
            )
            return redirect("tasks:detail", task.pk)
    else:
        form = EnterpriseImportForm()
    return render(request, "enterprises/import.html", {"form": form})


@login_required
def enterprise_template_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The empty import template: CSV headers, or XLSX headers with a 说明 sheet."""
    if fmt not in FORMATS:
        raise Http404
    return HttpResponse(
        enterprise_template(fmt),
        content_type=CONTENT_TYPES[fmt],
        headers={"Content-Disposition": content_disposition_header(True, f"企业导入模板.{fmt}")},
    )


@login_required
def enterprise_export_view(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Download the enterprises the user may see, filtered like the list page, as CSV or XLSX."""
    if fmt not in FORMATS or not can_export_enterprises(request.user):
        raise Http404
    queryset = enterprise_list(enterprises_visible_to(request.user), EnterpriseFilter.from_query(request.GET))
    # Written to an anonymous temporary file, then streamed: memory stays flat for a whole region.
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it once sent)
    enterprises_export(queryset=queryset, fmt=fmt, path_or_stream=handle)
    handle.seek(0)
    filename = f"enterprises-{timezone.localdate():%Y%m%d}.{fmt}"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])
