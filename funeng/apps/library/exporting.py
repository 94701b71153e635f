"""A document's measures as XLSX: one row per target (or per measure without targets)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from funeng.apps.core.xlsx import header_row, text_cell
from funeng.apps.library.models import PolicyDocument


def measures_workbook(document: PolicyDocument) -> bytes:
    """The XLSX bytes; every cell is written as a string or number, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Measures"))
    header = [
        _("No."),
        _("Measure"),
        _("Lead unit"),
        _("Responsible units"),
        _("Target year"),
        _("Comparison"),
        _("Value"),
        _("Unit"),
        _("What is counted"),
        _("Source text"),
        _("Clause id"),
    ]
    sheet.append(header_row(sheet, header))
    for measure in document.measures.order_by("position").prefetch_related("targets"):
        texts = (measure.title, measure.lead_unit, "、".join(measure.units))
        targets = list(measure.targets.order_by("position"))
        if not targets:
            base = [measure.no, *(text_cell(sheet, text) for text in texts)]
            sheet.append([*base, None, None, None, None, None, None, text_cell(sheet, measure.clause_key)])
        for target in targets:
            sheet.append(
                [
                    measure.no,
                    *(text_cell(sheet, text) for text in texts),
                    target.year,
                    text_cell(sheet, target.op),
                    float(target.value),
                    text_cell(sheet, target.unit),
                    text_cell(sheet, target.what),
                    text_cell(sheet, target.raw),
                    text_cell(sheet, target.clause_key),
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
