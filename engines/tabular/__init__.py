"""One framework-free reader and validator for every import: sheets (CSV, XLSX) and JSON Lines.

    table = open_table(path, filename)                      # CSV (UTF-8, BOM, GBK) or XLSX
    reading = schema.read(table, file=filename, today=today)  # header → layout, header problems
    for result in reading.rows():                           # each row: a pydantic model or problems
        ...

A row model is a pydantic model whose fields carry the cell parsers of cells.py
(`Annotated[Decimal | None, Money()]`). Everything that is wrong comes back as a `Problem`
(file, row, column, cell, value, code, English msgid and parameters); the platform translates
the msgid. Nothing here imports Django.
"""

from engines.tabular.cells import (
    Choice,
    Code,
    Count,
    Date,
    Money,
    Ratio,
    RowContext,
    Text,
    YesNo,
    row_context,
)
from engines.tabular.files import open_table
from engines.tabular.headers import Heading, Headings, Layout, cell_name, normalize_header
from engines.tabular.jsonl import json_objects, text_lines
from engines.tabular.problems import CellInvalid, CellWarning, FileInvalid, Problem, gettext_noop, show
from engines.tabular.table import RawRow, Table, is_blank
from engines.tabular.validate import (
    Finding,
    RowResult,
    TableReading,
    TableSchema,
    findings,
    line_problem,
    validate_lines,
)

__all__ = [
    "CellInvalid",
    "CellWarning",
    "Choice",
    "Code",
    "Count",
    "Date",
    "FileInvalid",
    "Finding",
    "Heading",
    "Headings",
    "Layout",
    "Money",
    "Problem",
    "Ratio",
    "RawRow",
    "RowContext",
    "RowResult",
    "Table",
    "TableReading",
    "TableSchema",
    "Text",
    "YesNo",
    "cell_name",
    "findings",
    "gettext_noop",
    "is_blank",
    "json_objects",
    "line_problem",
    "normalize_header",
    "open_table",
    "row_context",
    "show",
    "text_lines",
    "validate_lines",
]
