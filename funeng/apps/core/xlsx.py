"""Cells every XLSX export writes: a bold header row, and text that a spreadsheet never runs as a formula."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

_BOLD = Font(bold=True)


def bold_cell(sheet: Any, title: str) -> WriteOnlyCell:
    """A header cell."""
    cell = WriteOnlyCell(sheet, value=title)
    cell.font = _BOLD
    return cell


def header_row(sheet: Any, titles: Iterable[str]) -> list[WriteOnlyCell]:
    """A row of header cells, for sheet.append."""
    return [bold_cell(sheet, title) for title in titles]


def text_cell(sheet: Any, value: object) -> WriteOnlyCell:
    """A text cell; never a formula, whatever the text starts with ("=", "+", "-", "@")."""
    cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
    cell.data_type = "s"
    return cell
