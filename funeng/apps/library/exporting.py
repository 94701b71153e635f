"""A document's measures as XLSX: one row per target (or per measure without targets)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from funeng.apps.library.models import PolicyDocument


def _text(value: object) -> str:
    # A cell starting with = would be a formula in a spreadsheet; keep everything as plain text.
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@")) else text


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
    bold = Font(bold=True)
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for measure in document.measures.order_by("position").prefetch_related("targets"):
        base = [measure.no, _text(measure.title), _text(measure.lead_unit), _text("、".join(measure.units))]
        targets = list(measure.targets.order_by("position"))
        if not targets:
            sheet.append([*base, None, None, None, None, None, None, _text(measure.clause_key)])
        for target in targets:
            sheet.append(
                [
                    *base,
                    target.year,
                    target.op,
                    float(target.value),
                    _text(target.unit),
                    _text(target.what),
                    _text(target.raw),
                    _text(target.clause_key),
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
