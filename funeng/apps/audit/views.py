"""The audit log page (filters, results, htmx partial) and its CSV download; nothing here changes a row."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from funeng.apps.audit.access import audit_events_visible_to, can_browse_audit
from funeng.apps.audit.models import AuditEvent
from funeng.apps.audit.selectors import (
    AuditFilter,
    ChangeFormatter,
    action_label,
    audit_event_list,
    audit_filter_choices,
    object_type_label,
)
from funeng.apps.audit.services import audit_log_export_record

PAGE_SIZE = 50
# Beyond this a spreadsheet is no longer a way to read the log; the API pages through everything.
EXPORT_MAX = 100_000
# Rows whose related objects' names are looked up together in the CSV download.
EXPORT_CHUNK = 2000
# Cells Excel would run as a formula; an apostrophe makes them text (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _filtered(request: HttpRequest) -> tuple[QuerySet[AuditEvent], AuditFilter, Any]:
    if not can_browse_audit(request.user):
        raise PermissionDenied
    visible = audit_events_visible_to(request.user)
    choices = audit_filter_choices(visible)
    filters = AuditFilter.from_query(request.GET, choices=choices)
    return audit_event_list(visible, filters), filters, choices


@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    """The audit rows the user may read, filtered and paginated; htmx requests get the results only."""
    queryset, filters, choices = _filtered(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(page.object_list)
    formatter = ChangeFormatter(events)
    rows = [
        {
            "event": event,
            "action_label": action_label(event.action),
            "type_label": object_type_label(event.object_type),
            "changes": formatter.lines(event),
        }
        for event in events
    ]
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "choices": choices,
        "querystring": filters.querystring(),
        "export_max": EXPORT_MAX,
    }
    # A history restore asks for the whole page even though htmx sends it.
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    response = render(request, "audit/_results.html" if partial else "audit/list.html", context)
    # The same URL answers with a fragment or a page; caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _chunks(events: Iterator[AuditEvent], size: int) -> Iterator[list[AuditEvent]]:
    chunk: list[AuditEvent] = []
    for event in events:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _csv_row(writer: Any, event: AuditEvent, formatter: ChangeFormatter) -> str:
    changes = "; ".join(str(line) for line in formatter.lines(event))
    row: str = writer.writerow(
        [
            timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
            _cell(event.actor_label),
            str(action_label(event.action)),
            str(object_type_label(event.object_type)),
            event.object_type,
            _cell(event.object_id),
            _cell(event.object_repr),
            _cell(changes),
            event.region_code,
        ]
    )
    return row


def _csv_lines(events: Iterator[AuditEvent], *, truncated: bool, language: str) -> Iterator[str]:
    # The body is produced after the view has returned; keep the request's language for labels.
    with translation.override(language):
        writer = csv.writer(_Echo())
        # The BOM makes Excel read the file as UTF-8 instead of the ANSI code page.
        yield "\ufeff" + writer.writerow(
            [
                _("Time"),
                _("Actor"),
                _("Action"),
                _("Object type"),
                _("Model label"),
                _("Object id"),
                _("Object"),
                _("Changes"),
                _("Region code"),
            ]
        )
        formatter = ChangeFormatter()
        for chunk in _chunks(events, EXPORT_CHUNK):
            formatter.prefetch(chunk)
            for event in chunk:
                yield _csv_row(writer, event, formatter)
        if truncated:
            yield writer.writerow(
                [
                    _(
                        "Only the newest %(limit)s rows are included in the download; narrow the filters for the rest."
                    )
                    % {"limit": f"{EXPORT_MAX:,}"}
                ]
            )


@login_required
def audit_export_view(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered rows as CSV (UTF-8 with BOM), newest first, at most EXPORT_MAX of them."""
    queryset, filters, _choices = _filtered(request)
    # Fix the set before recording the export, so the file matches the count in its own audit row.
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    queryset = queryset.filter(id__lte=newest)
    total = queryset.count()
    audit_log_export_record(
        acting_user=request.user, query=filters.querystring(), rows=min(total, EXPORT_MAX)
    )
    events = queryset[:EXPORT_MAX].iterator(chunk_size=2000)
    response = StreamingHttpResponse(
        _csv_lines(events, truncated=total > EXPORT_MAX, language=translation.get_language() or "zh-hans"),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"audit-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
