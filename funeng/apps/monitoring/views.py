"""Monitoring pages: the regional dashboard, an indicator, a responsible unit, targets, reporting values."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engines.monitoring.indicators import Indicator
from funeng.apps.core.i18n import is_english
from funeng.apps.core.pages import form_errors_from, submit_once
from funeng.apps.core.templatetags.funeng import region_name
from funeng.apps.core.uploads import FILE_TYPES, stored_file_response
from funeng.apps.library.models import Clause
from funeng.apps.monitoring.access import (
    NATIONWIDE,
    access_region_for_user,
    access_target_for_user,
    can_manage_target,
    home_region_of,
    region_in_scope,
    require_monitoring_scope,
)
from funeng.apps.monitoring.exporting import dashboard_workbook
from funeng.apps.monitoring.forms import (
    TargetConfirmForm,
    TargetCreateForm,
    TargetRejectForm,
    ValueReportForm,
    ValuesImportForm,
)
from funeng.apps.monitoring.interchange import read_values, values_template
from funeng.apps.monitoring.models import IndicatorValue, TargetStatus
from funeng.apps.monitoring.selectors import (
    ancestors_of,
    children_of,
    disaggregation,
    indicators,
    last_run,
    region_values,
    rollup_by_region,
    rollup_by_unit,
    series,
    series_many,
    status_counts,
    target_rows,
    targets_for_region,
    targets_visible_to,
    untargeted_rows,
    value_history,
)
from funeng.apps.monitoring.services import (
    ValueInput,
    target_confirm,
    target_create,
    target_reject,
    value_report,
    values_report_many,
)
from funeng.apps.monitoring.tasks import MONITORING_RECOMPUTE
from funeng.apps.tasks.services import task_enqueue

# The services name the indicator `indicator_key`; the forms call the field `indicator`.
INDICATOR_FIELD = {"indicator_key": "indicator"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _name(indicator: Indicator) -> str:
    return indicator.name_en if is_english() else indicator.name_zh


def _region(request: HttpRequest) -> str:
    """The region asked for (?region=), checked against the user's scope; their own by default."""
    code = request.GET.get("region", "").strip()
    if not code:
        return home_region_of(request.user)
    if not (code.isdigit() and len(code) == 6):
        raise Http404
    return access_region_for_user(request.user, code)


def _region_choices(scope: str, region: str) -> list[tuple[str, str]]:
    """Regions to switch to: above (context), the scope, and the regions directly below the current one."""
    codes: list[str] = []
    for code in reversed(ancestors_of(region)):
        if code == NATIONWIDE and scope != "":
            continue
        codes.append(code)
    codes += [c for c in children_of(region) if c not in codes]
    return [(code, region_name(code)) for code in codes]


def _trend_chart(
    indicator: Indicator, region: str, values: dict[int, Decimal], targets: list[Any]
) -> dict[str, Any]:
    years = sorted(values)
    goals = [
        {"name": f"{t.target_year} {region_name(t.region_code)}", "value": float(t.target_value)}
        for t in targets
        if t.indicator_key == indicator.id
    ]
    return {
        "type": "line",
        "labels": [str(y) for y in years],
        "series": [{"name": region_name(region), "values": [round(float(values[y]), 2) for y in years]}],
        "goals": goals,
        "unit": indicator.unit,
    }


@login_required
def monitoring_home_view(request: HttpRequest) -> HttpResponse:
    """The regional dashboard: targets with status, roll-ups, platform figures, ranking and trend."""
    scope = require_monitoring_scope(request.user)
    region = _region(request)
    known = indicators()
    targets = targets_for_region(region)
    rows = target_rows(targets)
    platform = [i for i in known.values() if i.source == "platform"]
    values = series_many((i.id, region) for i in platform)
    tiles = []
    for item in platform:
        by_year = values[(item.id, region)]
        year = max(by_year) if by_year else None
        tiles.append((item, year, by_year.get(year) if year else None))
    chosen_key = request.GET.get("indicator", "")
    chosen = known.get(chosen_key) or (platform[0] if platform else None)
    ranking_chart: dict[str, Any] | None = None
    trend_chart: dict[str, Any] | None = None
    ranking: list[tuple[str, Decimal]] = []
    if chosen is not None:
        trend_values = series(chosen.id, region)
        trend_chart = _trend_chart(chosen, region, trend_values, targets)
        children = children_of(region)
        year = max(trend_values) if trend_values else timezone.localdate().year
        by_child = region_values(chosen.id, children, year)
        ranking = sorted(by_child.items(), key=lambda item: (-item[1], item[0]))
        ranking_chart = {
            "type": "hbar",
            "labels": [region_name(code) for code, _value in ranking],
            "values": [float(value) for _code, value in ranking],
        }
    proposed = targets_visible_to(scope).filter(status=TargetStatus.PROPOSED).count()
    return render(
        request,
        "monitoring/home.html",
        {
            "region": region,
            "regions": _region_choices(scope, region),
            "rows": rows,
            "untargeted": untargeted_rows(region, {t.indicator_key for t in targets}),
            "counts": status_counts(rows),
            "units": rollup_by_unit(rows),
            "by_region": rollup_by_region(region),
            "tiles": tiles,
            "chosen": chosen,
            "choices": [(i.id, _name(i)) for i in known.values()],
            "ranking": [(code, region_name(code), value) for code, value in ranking],
            "ranking_chart": ranking_chart,
            "trend_chart": trend_chart,
            "run": last_run(),
            "proposed": proposed,
            "can_write": region_in_scope(scope, region),
        },
    )


@login_required
def indicator_view(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """One indicator: definition, source clause, values with provenance and revisions, disaggregations."""
    require_monitoring_scope(request.user)
    key = indicator_id
    indicator = indicators().get(key)
    if indicator is None:
        raise Http404
    region = _region(request)
    values = series(key, region)
    targets = [t for t in targets_for_region(region) if t.indicator_key == key]
    year = max(values) if values else None
    clause = Clause.objects.select_related("document").filter(key=indicator.clause_id).first()
    return render(
        request,
        "monitoring/indicator.html",
        {
            "indicator": indicator,
            "clause": clause,
            "region": region,
            "rows": target_rows(targets),
            "history": value_history(key, region)[:200],
            "disaggregation": disaggregation(key, region, year) if year else {},
            "year": year,
            "trend_chart": _trend_chart(indicator, region, values, targets) if values else None,
            "children": [
                (code, region_name(code), value)
                for code, value in sorted(region_values(key, children_of(region), year).items())
            ]
            if year
            else [],
        },
    )


@login_required
def unit_view(request: HttpRequest) -> HttpResponse:
    """A responsible unit's targets with their statuses, across the regions the user sees."""
    scope = require_monitoring_scope(request.user)
    unit = request.GET.get("unit", "").strip()
    targets = [
        t
        for t in targets_visible_to(scope).filter(status=TargetStatus.CONFIRMED)
        if t.lead_unit == unit or unit in (t.co_units or [])
    ]
    if not unit or not targets:
        raise Http404
    rows = target_rows(targets)
    return render(
        request,
        "monitoring/unit.html",
        {"unit": unit, "rows": rows, "counts": status_counts(rows)},
    )


@login_required
def targets_view(request: HttpRequest) -> HttpResponse:
    """Targets by status: proposed ones wait for an official to check them against their clause."""
    scope = require_monitoring_scope(request.user)
    status = request.GET.get("status", TargetStatus.PROPOSED)
    if status not in TargetStatus.values:
        status = TargetStatus.PROPOSED
    targets = list(targets_visible_to(scope).filter(status=status))
    known = indicators()
    return render(
        request,
        "monitoring/targets.html",
        {
            "status": status,
            "statuses": TargetStatus.choices,
            "targets": [(t, known.get(t.indicator_key), can_manage_target(request.user, t)) for t in targets],
        },
    )


@login_required
@submit_once
def target_view(request: HttpRequest, target_id: int) -> HttpResponse:
    """One target: where it comes from, its progress, and the confirm and reject forms."""
    target = access_target_for_user(request.user, target_id)
    indicator = indicators().get(target.indicator_key)
    if indicator is None:
        raise Http404
    manage = can_manage_target(request.user, target)
    initial = {
        "baseline_year": target.baseline_year,
        "baseline_value": target.baseline_value,
        "target_year": target.target_year,
        "target_value": target.target_value,
        "note": target.decision_note,
    }
    confirm = TargetConfirmForm(initial=initial)
    reject = TargetRejectForm()
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "confirm":
                confirm = TargetConfirmForm(request.POST)
                if confirm.is_valid():
                    data = confirm.cleaned_data
                    target_confirm(
                        actor=request.user,
                        target=target,
                        baseline_year=data["baseline_year"],
                        baseline_value=data["baseline_value"],
                        target_year=data["target_year"],
                        target_value=data["target_value"],
                        note=data["note"],
                    )
                    messages.success(request, _("The target is confirmed; progress now uses it."))
                    return redirect("monitoring:target", target.pk)
            elif action == "reject":
                reject = TargetRejectForm(request.POST)
                if reject.is_valid():
                    target_reject(actor=request.user, target=target, note=reject.cleaned_data["note"])
                    messages.success(request, _("The target is rejected."))
                    return redirect("monitoring:target", target.pk)
        except ValidationError as error:
            form_errors_from(confirm if action == "confirm" else reject, error)
    values = series(target.indicator_key, target.region_code)
    from funeng.apps.monitoring.selectors import target_progress

    return render(
        request,
        "monitoring/target.html",
        {
            "target": target,
            "indicator": indicator,
            "row": target_progress(target, indicator, values),
            "manage": manage,
            "confirm": confirm,
            "reject": reject,
        },
    )


@login_required
@submit_once
def target_create_view(request: HttpRequest) -> HttpResponse:
    """A region's own target (a city's or county's plan): entered by its official, confirmed at once."""
    scope = require_monitoring_scope(request.user)
    _reported, regions = _report_choices(scope)
    choices = [(i.id, f"{_name(i)} ({i.unit})") for i in indicators().values()]
    form = TargetCreateForm(request.POST or None, indicators=choices, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = target_create(
                actor=request.user,
                indicator_key=data["indicator"],
                region_code=data["region_code"],
                baseline_year=data["baseline_year"],
                baseline_value=data["baseline_value"],
                target_year=data["target_year"],
                target_value=data["target_value"],
                lead_unit=data["lead_unit"],
                co_units=re.split(r"[、,，;；]", data["co_units"]),
                source_text=data["source_text"],
                note=data["note"],
            )
        except ValidationError as error:
            form_errors_from(form, error, INDICATOR_FIELD)
        else:
            messages.success(request, _("The target is set and confirmed."))
            return redirect("monitoring:target", target.pk)
    return render(request, "monitoring/target_new.html", {"form": form})


def _report_choices(scope: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    reported = [(i.id, f"{_name(i)} ({i.unit})") for i in indicators().values() if i.source == "reported"]
    home = scope or NATIONWIDE
    regions = [(home, region_name(home))] + [(c, region_name(c)) for c in children_of(home) if c != home]
    return reported, regions


@login_required
@submit_once
def report_view(request: HttpRequest) -> HttpResponse:
    """Report a value of a reported indicator, with its source document; a correction adds a revision."""
    scope = require_monitoring_scope(request.user)
    reported, regions = _report_choices(scope)
    initial = {"indicator": request.GET.get("indicator", ""), "year": timezone.localdate().year - 1}
    form = ValueReportForm(
        request.POST or None, request.FILES or None, indicators=reported, regions=regions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = ValueInput(
            indicator_key=data["indicator"],
            region_code=data["region_code"],
            year=data["year"],
            value=data["value"],
            source=data["source"],
            note=data["note"],
        )
        try:
            stored = value_report(actor=request.user, item=item, source_file=data.get("source_file"))
        except ValidationError as error:
            form_errors_from(form, error, INDICATOR_FIELD)
        else:
            if stored is None:
                messages.info(request, _("That value is already recorded; nothing was changed."))
            else:
                messages.success(
                    request, _("The value is recorded (revision %(n)s).") % {"n": stored.revision}
                )
            return redirect(
                f"{reverse('monitoring:indicator', args=[item.indicator_key])}?region={item.region_code}"
            )
    return render(request, "monitoring/report.html", {"form": form})


@login_required
def value_source_view(request: HttpRequest, value_id: int) -> FileResponse:
    """The source document attached to a reported value, as a download, for whoever sees the value."""
    value = IndicatorValue.objects.filter(pk=value_id).exclude(source_file="").first()
    if value is None:
        raise Http404
    access_region_for_user(request.user, value.region_code)
    content_type = FILE_TYPES.get(value.source_file_kind, ("application/octet-stream", ""))[0]
    return stored_file_response(
        value.source_file, filename=value.source_file_name or "source", content_type=content_type
    )


@login_required
def template_view(request: HttpRequest) -> HttpResponse:
    """The XLSX template for importing reported values."""
    require_monitoring_scope(request.user)
    response = HttpResponse(values_template(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote(
        "monitoring-values-template.xlsx"
    )
    return response


@login_required
@submit_once
def import_view(request: HttpRequest) -> HttpResponse:
    """Import reported values from the template: every row checked first; any problem stores nothing."""
    require_monitoring_scope(request.user)
    form = ValuesImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name or "values.xlsx").name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / ("upload" + Path(name).suffix.lower())
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            items, problems = read_values(path, name, request.user)
        if not problems and not items:
            form.add_error("file", _("The file has headers but no values."))
        elif not problems:
            try:
                stored = values_report_many(actor=request.user, items=items)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(rows)s rows read; %(stored)s new values or revisions recorded.")
                    % {"rows": len(items), "stored": stored},
                )
                return redirect("monitoring:home")
    return render(request, "monitoring/import.html", {"form": form, "problems": problems})


@login_required
@require_POST
@submit_once
def recompute_view(request: HttpRequest) -> HttpResponse:
    """Start a recompute of the platform indicators in the background; the task page shows progress."""
    scope = require_monitoring_scope(request.user)
    task = task_enqueue(
        kind=MONITORING_RECOMPUTE, started_by=request.user, params={}, region_code=scope or ""
    )
    return redirect("tasks:detail", task.pk)


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    """Everything the dashboard shows for a region, as XLSX."""
    require_monitoring_scope(request.user)
    region = _region(request)
    content = dashboard_workbook(region)
    response = HttpResponse(content, content_type=XLSX)
    name = f"monitoring-{region}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    """The monthly report of a region as PDF: targets with status, units behind, platform figures."""
    require_monitoring_scope(request.user)
    region = _region(request)
    from funeng.apps.monitoring.pdf import monthly_report_pdf

    response = HttpResponse(monthly_report_pdf(region), content_type="application/pdf")
    name = f"monitoring-report-{region}-{timezone.localdate():%Y%m}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
