"""The dashboard as XLSX: targets with progress, values of every indicator for the region and below."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from engines.monitoring.progress import STATUS_LABELS
from funeng.apps.core.i18n import is_english
from funeng.apps.core.templatetags.funeng import region_name
from funeng.apps.core.xlsx import header_row, text_cell
from funeng.apps.monitoring.models import IndicatorValue
from funeng.apps.monitoring.selectors import children_of, indicators, target_rows, targets_for_region


def _label(status: str) -> str:
    zh, en = STATUS_LABELS[status]
    return en if is_english() else zh


def dashboard_workbook(region: str) -> bytes:
    """Targets (with status and ratio) and the current values of the region and the regions below it."""
    known = indicators()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Targets"))
    sheet.append(
        header_row(
            sheet,
            [
                _("Indicator"),
                _("Region"),
                _("Lead unit"),
                _("Baseline year"),
                _("Baseline"),
                _("Latest year"),
                _("Latest value"),
                _("Target year"),
                _("Target"),
                _("Unit"),
                _("Status"),
                _("Ratio"),
                _("Clause id"),
            ],
        )
    )
    for row in target_rows(targets_for_region(region)):
        t = row.target
        name = row.indicator.name_en if is_english() else row.indicator.name_zh
        sheet.append(
            [
                text_cell(sheet, name),
                text_cell(sheet, region_name(t.region_code)),
                text_cell(sheet, t.lead_unit),
                row.baseline[0] if row.baseline else None,
                float(row.baseline[1]) if row.baseline else None,
                row.latest[0] if row.latest else None,
                float(row.latest[1]) if row.latest else None,
                t.target_year,
                float(t.target_value),
                text_cell(sheet, row.indicator.unit),
                text_cell(sheet, _label(row.progress.status)),
                row.progress.ratio,
                text_cell(sheet, t.clause_key),
            ]
        )
    values = book.create_sheet(_("Values"))
    values.append(
        header_row(
            values,
            [
                _("Indicator"),
                _("Region"),
                _("Year"),
                _("Value"),
                _("Unit"),
                _("Numerator"),
                _("Denominator"),
                _("Provenance"),
                _("Source document"),
                _("Revision"),
                _("Recorded at"),
            ],
        )
    )
    regions = [region, *children_of(region)]
    rows = IndicatorValue.objects.filter(current=True, dimension="", region_code__in=regions).order_by(
        "indicator_key", "region_code", "year"
    )
    for value in rows:
        indicator = known.get(value.indicator_key)
        if indicator is None:
            continue
        values.append(
            [
                text_cell(values, indicator.name_en if is_english() else indicator.name_zh),
                text_cell(values, region_name(value.region_code)),
                value.year,
                float(value.value) if value.value is not None else None,
                text_cell(values, indicator.unit),
                value.numerator,
                value.denominator,
                text_cell(values, value.get_provenance_display()),
                text_cell(values, value.source),
                value.revision,
                text_cell(values, value.recorded_at.strftime("%Y-%m-%d %H:%M")),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
