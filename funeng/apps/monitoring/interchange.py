"""Reported values in and figures out: the XLSX import template, reading an import, the dashboard export."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from engines.monitoring.indicators import load_indicators
from engines.tabular.files import open_table
from engines.tabular.problems import FileInvalid, render
from engines.tabular.table import is_blank
from funeng.apps.audit.services import Actor
from funeng.apps.core.xlsx import header_row, text_cell
from funeng.apps.monitoring.services import ValueInput, value_check

# Column key, Chinese heading, English heading: either heading (or the key) is accepted on import.
COLUMNS = (
    ("indicator", "指标", "Indicator"),
    ("region_code", "地区代码", "Region code"),
    ("year", "年份", "Year"),
    ("value", "数值", "Value"),
    ("source", "来源文件", "Source document"),
    ("note", "备注", "Note"),
)
REQUIRED = ("indicator", "region_code", "year", "value", "source")


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong with one cell (or the file): file, row, column, reason."""

    file: str
    row: int | None
    column: str
    message: str


def _heading_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for key, zh, en in COLUMNS:
        for name in (key, zh, en):
            keys[name.strip().lower()] = key
    return keys


def values_template() -> bytes:
    """The import template: the columns, an example row, and a sheet of the reportable indicators."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(header_row(sheet, [zh for _key, zh, _en in COLUMNS]))
    reported = [i for i in load_indicators().values() if i.source == "reported"]
    if reported:
        example = reported[0]
        sheet.append(
            [
                text_cell(sheet, example.id),
                text_cell(sheet, "330000"),
                2024,
                0,
                text_cell(sheet, "浙江省统计公报"),
            ]
        )
    ref = book.create_sheet("indicators")
    ref.append(header_row(ref, ["指标", "名称", "Name", "单位", "责任单位"]))
    for item in reported:
        ref.append(
            [
                text_cell(ref, item.id),
                text_cell(ref, item.name_zh),
                text_cell(ref, item.name_en),
                text_cell(ref, item.unit),
                text_cell(ref, "、".join(item.responsible_units)),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _indicator_key(raw: str) -> str:
    known = load_indicators()
    if raw in known:
        return raw
    by_name = {i.name_zh: i.id for i in known.values()} | {i.name_en.lower(): i.id for i in known.values()}
    return by_name.get(raw, by_name.get(raw.lower(), raw))


def read_values(path: Path, filename: str, actor: Actor) -> tuple[list[ValueInput], list[ImportProblem]]:
    """Every row checked as value_report would check it; all problems are collected, nothing is stored."""
    try:
        table = open_table(path, filename)
        rows = list(table.rows())
    except FileInvalid as error:
        return [], [
            ImportProblem(
                filename, error.row, "", _(error.message) % error.params if error.params else _(error.message)
            )
        ]
    if not rows or all(is_blank(v) for v in rows[0].values):
        return [], [
            ImportProblem(filename, 1, "", _("Row 1 should hold the headers of the import template."))
        ]
    header = rows[0]
    keys = _heading_keys()
    columns: dict[str, int] = {}
    problems: list[ImportProblem] = []
    for index, cell in enumerate(header.values):
        if is_blank(cell):
            continue
        key = keys.get(str(cell).strip().lower())
        if key is None:
            problems.append(
                ImportProblem(filename, 1, str(cell), _("Unknown column: use the template's headings."))
            )
        elif key in columns:
            problems.append(ImportProblem(filename, 1, str(cell), _("The column appears twice.")))
        else:
            columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            label = next(zh for k, zh, _en in COLUMNS if k == key)
            problems.append(ImportProblem(filename, 1, label, _("This column is missing.")))
    if problems:
        return [], problems
    labels = {key: str(header.values[index]).strip() for key, index in columns.items()}
    items: list[ValueInput] = []
    seen: dict[tuple[str, str, int], int] = {}
    for raw in rows[1:]:
        if all(is_blank(v) for v in raw.values):
            continue

        def cell(key: str, values: object = raw.values) -> str:
            index = columns.get(key)
            cells = list(values)  # type: ignore[call-overload]
            value = cells[index] if index is not None and index < len(cells) else None
            if value is None:
                return ""
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value).strip()

        row_problems: list[ImportProblem] = []
        for key in REQUIRED:
            if not cell(key):
                row_problems.append(
                    ImportProblem(filename, raw.number, labels[key], _("This cell is empty."))
                )
        try:
            number = Decimal(cell("value")) if cell("value") else Decimal(0)
        except InvalidOperation:
            row_problems.append(ImportProblem(filename, raw.number, labels["value"], _("Enter a number.")))
            number = Decimal(0)
        year_text = cell("year")
        if year_text and not year_text.isdigit():
            row_problems.append(
                ImportProblem(filename, raw.number, labels["year"], _("Enter a year such as 2024."))
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        item = ValueInput(
            indicator_key=_indicator_key(cell("indicator")),
            region_code=cell("region_code"),
            year=int(year_text),
            value=number,
            source=cell("source"),
            note=cell("note"),
        )
        try:
            item = value_check(actor, item)
        except PermissionDenied:
            problems.append(ImportProblem(filename, raw.number, "", _("You may not report values.")))
            continue
        except ValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for field, messages in fields.items():
                column = labels.get({"indicator_key": "indicator"}.get(field, field), "")
                problems.extend(ImportProblem(filename, raw.number, column, message) for message in messages)
            continue
        key3 = (item.indicator_key, item.region_code, item.year)
        if key3 in seen:
            problems.append(
                ImportProblem(
                    filename,
                    raw.number,
                    labels["year"],
                    _("The same indicator, region and year is already on row %(row)s.") % {"row": seen[key3]},
                )
            )
            continue
        seen[key3] = raw.number
        items.append(item)
    return items, problems


def render_problem(message: str) -> str:
    """A problem message as shown (already translated)."""
    return render(message, {})
