"""A routing from a file (CSV or XLSX): every row checked, problems by file, row, column and reason."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook

from engines.tabular.files import open_table
from engines.tabular.problems import FileInvalid
from engines.tabular.table import is_blank
from funeng.apps.core.xlsx import header_row, text_cell
from funeng.apps.shared_manufacturing.processes import processes
from funeng.apps.shared_manufacturing.services import OperationInput, routing_errors

# Column key, Chinese heading, English heading: either heading (or the key) is accepted on import.
COLUMNS = (
    ("code", "工序号", "Step"),
    ("name", "工序名称", "Operation"),
    ("process", "工艺", "Process"),
    ("setup_minutes", "准备时间（分钟）", "Setup (minutes)"),
    ("run_minutes_per_unit", "单件工时（分钟）", "Run per unit (minutes)"),
    ("after", "前序工序", "After steps"),
    ("lot_splitting", "允许分批", "Lot splitting"),
)
REQUIRED = ("code", "name", "process", "run_minutes_per_unit")
YES = {"1", "y", "yes", "true", "是", "允许", "✓"}


@dataclass(frozen=True)
class RoutingProblem:
    """What is wrong with one cell (or the file): file, row, column, reason."""

    file: str
    row: int | None
    column: str
    message: str


def routing_template() -> bytes:
    """The routing template: the columns, an example routing, and a sheet of the processes."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("routing")
    sheet.append(header_row(sheet, [zh for _key, zh, _en in COLUMNS]))
    for row in (
        ("OP10", "模架铣削", "cnc_milling", 30, 60, "", "否"),
        ("OP20", "精磨", "grinding", 20, 30, "OP10", "否"),
        ("OP30", "电火花", "edm", 20, 45, "OP10", "否"),
        ("OP40", "检测", "inspection", 10, 15, "OP20,OP30", "否"),
    ):
        sheet.append([text_cell(sheet, v) if isinstance(v, str) else v for v in row])
    ref = book.create_sheet("processes")
    ref.append(header_row(ref, ["工艺", "名称", "Name"]))
    for process in processes():
        ref.append([text_cell(ref, process.id), text_cell(ref, process.zh), text_cell(ref, process.en)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for key, zh, en in COLUMNS:
        for name in (key, zh, en):
            keys[name.strip().lower()] = key
    return keys


def _process_id(raw: str) -> str:
    by_name = {p.zh: p.id for p in processes()} | {p.en.lower(): p.id for p in processes()}
    return by_name.get(raw, by_name.get(raw.lower(), raw))


def read_routing(path: Path, filename: str) -> tuple[list[OperationInput], list[RoutingProblem]]:
    """The routing's rows, or every problem found in them (then no row is returned)."""
    try:
        rows = list(open_table(path, filename).rows())
    except FileInvalid as error:
        message = _(error.message) % error.params if error.params else _(error.message)
        return [], [RoutingProblem(filename, error.row, "", message)]
    if not rows or all(is_blank(v) for v in rows[0].values):
        return [], [
            RoutingProblem(filename, 1, "", _("Row 1 should hold the headers of the routing template."))
        ]
    keys = _keys()
    columns: dict[str, int] = {}
    problems: list[RoutingProblem] = []
    for index, cell in enumerate(rows[0].values):
        if is_blank(cell):
            continue
        key = keys.get(str(cell).strip().lower())
        if key is None:
            problems.append(
                RoutingProblem(filename, 1, str(cell), _("Unknown column: use the template's headings."))
            )
        elif key in columns:
            problems.append(RoutingProblem(filename, 1, str(cell), _("The column appears twice.")))
        else:
            columns[key] = index
    for key in REQUIRED:
        if key not in columns:
            label = next(zh for k, zh, _en in COLUMNS if k == key)
            problems.append(RoutingProblem(filename, 1, label, _("This column is missing.")))
    if problems:
        return [], problems
    labels = {key: str(rows[0].values[index]).strip() for key, index in columns.items()}
    operations: list[OperationInput] = []
    file_rows: list[int] = []
    for raw in rows[1:]:
        if all(is_blank(v) for v in raw.values):
            continue
        values = list(raw.values)

        def cell(key: str, values: list[object] = values) -> str:
            index = columns.get(key)
            value = values[index] if index is not None and index < len(values) else None
            if value is None:
                return ""
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value).strip()

        row_problems = [
            RoutingProblem(filename, raw.number, labels[key], _("This cell is empty."))
            for key in REQUIRED
            if not cell(key)
        ]
        try:
            run = Decimal(cell("run_minutes_per_unit") or "0")
        except InvalidOperation:
            row_problems.append(
                RoutingProblem(filename, raw.number, labels["run_minutes_per_unit"], _("Enter a number."))
            )
            run = Decimal(0)
        setup_text = cell("setup_minutes") or "0"
        if not setup_text.isdigit():
            row_problems.append(
                RoutingProblem(
                    filename, raw.number, labels.get("setup_minutes", ""), _("Enter whole minutes, e.g. 30.")
                )
            )
        problems.extend(row_problems)
        operations.append(
            OperationInput(
                code=cell("code"),
                name=cell("name"),
                process=_process_id(cell("process")),
                setup_minutes=int(setup_text) if setup_text.isdigit() else 0,
                run_minutes_per_unit=run,
                lot_splitting=cell("lot_splitting").lower() in YES,
                after=tuple(
                    code.strip() for code in cell("after").replace("，", ",").split(",") if code.strip()
                ),
            )
        )
        file_rows.append(raw.number)
    if problems:
        return [], problems
    for key, found in routing_errors(operations).items():
        number, _dot, field = key.partition(".")
        text = " ".join(found.messages)
        if number.isdigit():
            problems.append(
                RoutingProblem(filename, file_rows[int(number) - 1], labels.get(field, field), text)
            )
        else:
            problems.append(RoutingProblem(filename, None, "", text))
    return ([], problems) if problems else (operations, [])
