"""Export enterprises to CSV (UTF-8 with BOM, for Excel) or XLSX, in the columns import reads back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from engines.rules.derive import derive_record
from funeng.apps.core.xlsx import bold_cell
from funeng.apps.enterprises.columns import (
    BOOL,
    CHOICE,
    CODE,
    COLUMNS,
    DATE,
    DERIVED_COLUMNS,
    INT,
    MONEY,
    NO,
    RATIO,
    SIZE_CLASS_LABELS,
    TEXT,
    YES,
    Column,
    DerivedColumn,
)
from funeng.apps.enterprises.models import Enterprise

FORMATS = ("csv", "xlsx")
DATA_SHEET = "企业"
NOTES_SHEET = "说明"
_KIND_LABEL = {
    TEXT: "文本",
    CODE: "代码（文本）",
    INT: "整数",
    MONEY: "金额（元）",
    DATE: "日期",
    CHOICE: "选项",
    RATIO: "比率（小数或 %）",
    BOOL: "是/否",
}
# Excel runs a cell that starts with one of these as a formula (CSV injection); import strips the '.
_FORMULA_START = ("=", "+", "-", "@")
_DERIVED_FIELDS = ("size_class", "de_core", "classified_with")
# Ratios in a workbook: a number Excel shows as a percentage with all six decimals of the ratio.
_PERCENT_FORMAT = "0.0000%"


class _Ratio(Decimal):
    """A ratio on its way to a cell: written as a number with a percent format in XLSX."""


def _headers() -> list[str]:
    return [column.header_zh for column in COLUMNS] + [column.header_zh for column in DERIVED_COLUMNS]


def _values(enterprise: Enterprise) -> Iterator[tuple[Column | None, Any]]:
    facts: dict[str, Any] = {}
    for column in COLUMNS:
        value = facts[column.key] = getattr(enterprise, column.key)
        if column.kind == CHOICE:
            value = dict(column.choices).get(value, "")
        elif column.kind == BOOL:
            value = "" if value is None else YES if value else NO
        elif column.kind == RATIO and value is not None:
            value = _Ratio(value)
        yield column, value
    derived = derive_record(facts)
    for derived_column in DERIVED_COLUMNS:
        if derived_column.key in derived:
            ratio = derived[derived_column.key]
            yield None, None if ratio is None else _Ratio(ratio)
    yield None, SIZE_CLASS_LABELS.get(enterprise.size_class, enterprise.size_class)
    yield None, YES if enterprise.de_core else NO
    yield None, enterprise.classified_with


def _csv_cell(column: Column | None, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if column is not None and column.kind == TEXT and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _write_csv(rows: Iterator[Enterprise] | list[Enterprise], stream: IO[bytes]) -> int:
    # utf-8-sig writes the BOM Excel needs to open the file as UTF-8 instead of the ANSI code page.
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(_headers())
    count = 0
    for enterprise in rows:
        writer.writerow([_csv_cell(column, value) for column, value in _values(enterprise)])
        count += 1
    text.flush()
    text.detach()  # leave the caller's stream open
    return count


def _float_exact(value: Decimal) -> bool:
    """True when Excel keeps the amount to the cent; otherwise it is written as text.

    Excel holds a double but keeps only 15 significant digits when it saves a workbook again.
    """
    return Decimal(format(float(value), ".15g")) == value


def _xlsx_cells(sheet: Any, enterprise: Enterprise) -> list[WriteOnlyCell]:
    cells = []
    for column, value in _values(enterprise):
        cell = WriteOnlyCell(sheet, value=None)
        if isinstance(value, Decimal):
            if _float_exact(value):
                cell.value = float(value)
                cell.number_format = _PERCENT_FORMAT if isinstance(value, _Ratio) else "#,##0.00"
            else:
                cell.value = format(value, "f")
        elif isinstance(value, dt.date):
            cell.value = value
            cell.number_format = "yyyy-mm-dd"
        else:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
                if column is not None and column.kind == CODE:
                    cell.number_format = "@"
        cells.append(cell)
    return cells


def _add_data_sheet(workbook: Workbook, *, derived: bool) -> Any:
    sheet = workbook.create_sheet(DATA_SHEET)
    sheet.freeze_panes = "A2"
    columns: tuple[Column | DerivedColumn, ...] = (*COLUMNS, *DERIVED_COLUMNS) if derived else COLUMNS
    header = []
    for index, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = max(12, len(column.header_zh) * 2 + 2)
        if isinstance(column, Column) and column.kind == CODE:
            dimension.number_format = "@"  # cells typed into code columns stay text: 0111 keeps its 0
        cell = bold_cell(sheet, column.header_zh)
        if not isinstance(column, Column):
            cell.fill = PatternFill("solid", fgColor="E4E7EB")  # derived, read-only
        header.append(cell)
    sheet.append(header)
    return sheet


def _add_notes_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(NOTES_SHEET)
    for letter, width in zip("ABCDE", (28, 28, 14, 8, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append([bold_cell(sheet, title) for title in ("列名", "英文字段名", "类型", "必填", "说明")])
    for column in COLUMNS:
        sheet.append(
            [
                column.header_zh,
                column.key,
                _KIND_LABEL[column.kind],
                "是" if column.required else "",
                column.note,
            ]
        )
    for derived in DERIVED_COLUMNS:
        sheet.append([derived.header_zh, derived.key, "只读", "", derived.note])
    sheet.append([])
    wrap = Alignment(wrap_text=True)
    for line in (
        "第 1 行是表头，第 2 行起每行一家企业；表头可用中文列名或英文字段名，列的顺序不限。",
        "金额单位一律为元（不是万元）；空单元格表示未知。",
        "只导入第一个工作表；不要合并单元格，不要使用公式（请粘贴为数值）。",
        "导入只新增企业：统一社会信用代码已在企业库中或在文件中重复，整份文件都不会写入。",
    ):
        cell = WriteOnlyCell(sheet, value=line)
        cell.alignment = wrap
        sheet.append([cell])


def _write_xlsx(rows: Iterator[Enterprise] | list[Enterprise], target: str | Path | IO[bytes]) -> int:
    workbook = Workbook(write_only=True)  # streams rows to a temporary file, memory stays flat
    sheet = _add_data_sheet(workbook, derived=True)
    count = 0
    for enterprise in rows:
        sheet.append(_xlsx_cells(sheet, enterprise))
        count += 1
    _add_notes_sheet(workbook)
    workbook.save(target)
    return count


def enterprises_export(
    *, queryset: QuerySet[Enterprise], fmt: str, path_or_stream: str | Path | IO[bytes]
) -> int:
    """Write the enterprises of an access-checked queryset as CSV or XLSX; return how many rows."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {FORMATS}")
    fields = [column.key for column in COLUMNS] + list(_DERIVED_FIELDS)
    rows = queryset.only(*fields).iterator(chunk_size=2000)
    if fmt == "xlsx":
        return _write_xlsx(rows, path_or_stream)
    if isinstance(path_or_stream, str | Path):
        with Path(path_or_stream).open("wb") as handle:
            return _write_csv(rows, handle)
    return _write_csv(rows, path_or_stream)


def enterprise_template(fmt: str) -> bytes:
    """An empty import file: the headers (CSV), or the headers and a 说明 sheet per column (XLSX)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown template format {fmt!r}; use one of {FORMATS}")
    buffer = io.BytesIO()
    if fmt == "csv":
        text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
        csv.writer(text).writerow([column.header_zh for column in COLUMNS])
        text.flush()
        text.detach()
        return buffer.getvalue()
    workbook = Workbook(write_only=True)
    _add_data_sheet(workbook, derived=False)
    _add_notes_sheet(workbook)
    workbook.save(buffer)
    return buffer.getvalue()
