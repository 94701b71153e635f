"""Import, template and export pages (placeholder until the import/export module lands)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    return HttpResponseNotFound()


def enterprise_template_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return HttpResponseNotFound()


def enterprise_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    return HttpResponseNotFound()
