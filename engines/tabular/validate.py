"""Validate rows against a pydantic row model and report every refusal as a Problem.

Two front ends share one core: a sheet (CSV or XLSX: header row, then one record per row; problems
name the column by its header and the cell as C7) and JSON Lines (one object a line; problems name
the dotted field). The core turns pydantic's errors into findings: CellInvalid raised by a parser
keeps its code, msgid and parameters; a missing required value is required.missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from engines.tabular.cells import RowContext
from engines.tabular.headers import Headings, Layout, cell_name
from engines.tabular.jsonl import json_objects
from engines.tabular.problems import (
    CellInvalid,
    CellWarning,
    FileInvalid,
    Params,
    Problem,
    gettext_noop,
    show,
)
from engines.tabular.table import MergedRange, RawRow, Table, is_blank, is_blank_row

M = TypeVar("M", bound=BaseModel)

REQUIRED = gettext_noop("%(column)s is required and cannot be empty")


@dataclass(frozen=True, slots=True)
class Finding:
    """A refusal or a doubt before it knows its file and place: field path, code, msgid, parameters."""

    path: str | None  # dotted field path; None: the record as a whole
    code: str
    message: str
    params: Params
    value: object = None  # the value it is about, when the place does not tell


def _path(location: tuple[int | str, ...]) -> str | None:
    # List positions are left out: a bad second region is a problem of "regions".
    names = [str(part) for part in location if isinstance(part, str)]
    return ".".join(names) or None


def _coded(code: str, per_field: bool, path: str | None) -> str:
    return f"{path}.{code}" if per_field and path else code


def findings(error: ValidationError) -> list[Finding]:
    """Every refusal in a pydantic ValidationError, in the order pydantic found them."""
    found = []
    for item in error.errors(include_url=False):
        path = _path(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, CellInvalid):
            found.append(
                Finding(
                    path,
                    _coded(cause.code, cause.per_field, path),
                    cause.message,
                    cause.params,
                    item["input"],
                )
            )
        elif item["type"] == "missing":
            found.append(Finding(path, "required.missing", REQUIRED, {}))
        else:  # a plain pydantic type check; row models normally use the parsers of cells.py
            found.append(
                Finding(
                    path,
                    f"{path}.invalid" if path else "invalid",
                    gettext_noop("%(column)s is not valid: %(reason)s"),
                    {"reason": item["msg"]},
                    item["input"],
                )
            )
    return found


def warning_findings(warnings: list[tuple[str | None, CellWarning, object]]) -> list[Finding]:
    """The warnings a RowContext collected, as findings."""
    return [
        Finding(path, _coded(warning.code, warning.per_field, path), warning.message, warning.params, value)
        for path, warning, value in warnings
    ]


@dataclass(slots=True)
class RowResult(Generic[M]):
    """One data row: its model when it is valid, and its errors and warnings."""

    number: int
    row: M | None
    errors: list[Problem]
    warnings: list[Problem]
    raw: RawRow

    def cell(self, index: int | None) -> object:
        """A raw cell of this row, None when the row is shorter or index is None."""
        values = self.raw.values
        return values[index] if index is not None and index < len(values) else None


# ---------------------------------------------------------------- sheets


@dataclass(frozen=True)
class TableSchema(Generic[M]):
    """What one kind of sheet import expects: the row model, its columns, and its own wording."""

    model: type[M]
    headings: Headings
    empty_message: str = gettext_noop(
        "The file is empty: row 1 should hold the headers, then one record per row. Use the import template"
    )
    no_rows_message: str = gettext_noop(
        "The file has headers but no data rows: from row 2 on, fill in one record per row"
    )

    def read(self, table: Table, *, file: str, today: dt.date | None = None) -> TableReading[M]:
        """Read the header row; raises FileInvalid when there is none. Rows follow from rows()."""
        return TableReading(self, table, file=file, today=today)


class TableReading(Generic[M]):
    """One pass over a sheet: the layout and problems of its header, then its rows validated."""

    def __init__(self, schema: TableSchema[M], table: Table, *, file: str, today: dt.date | None) -> None:
        self.schema = schema
        self.file = file
        self.today = today
        self.strip_quote_prefix = table.strip_quote_prefix
        self.rows_read = 0  # non-blank data rows so far
        self._rows = table.rows()
        header = next(self._rows, None)
        if header is None or is_blank_row(header.values):
            if any(not is_blank_row(row.values) for row in self._rows):
                raise FileInvalid(
                    "file.no_header",
                    gettext_noop(
                        "Row 1 should hold the headers but is empty: delete the blank rows above the "
                        "headers, or use the import template"
                    ),
                    row=1,
                )
            raise FileInvalid("file.empty", schema.empty_message)
        self.layout: Layout
        self.layout, self.problems = schema.headings.layout(file, header.values)
        self.problems.extend(self._merged(table.merged))
        self._keys = {heading.key: (index, heading.label) for index, heading in self.layout.columns}
        self._fields = [(index, heading.key) for index, heading in self.layout.columns]
        self._reach = max((index + 1 for index, _ in self._fields), default=0)  # a shorter row lacks cells

    def _merged(self, merged: list[MergedRange]) -> list[Problem]:
        return [
            Problem(
                file=self.file,
                row=row,
                code="xlsx.merged_cells",
                message=gettext_noop(
                    "Merged cells %(cells)s are not supported: unmerge them and fill in every cell"
                ),
                params={"cells": cells},
                column=letters,
                value=cells,
            )
            for letters, row, cells in merged
        ]

    def rows(self) -> Iterator[RowResult[M]]:
        """Every non-blank data row, validated; raises FileInvalid when there is none at all."""
        if not self.layout.columns:
            return  # nothing recognisable: row-by-row errors would only repeat the header's
        for raw in self._rows:
            if is_blank_row(raw.values):
                continue
            self.rows_read += 1
            yield self._check(raw)
        if self.rows_read == 0 and not self.problems:
            raise FileInvalid("file.no_rows", self.schema.no_rows_message, row=2)

    def _check(self, raw: RawRow) -> RowResult[M]:
        number, values, formulas = raw
        count = len(values)
        errors: list[tuple[int, Problem]] = []
        if formulas or count < self._reach:
            data = self._cells(number, values, formulas, errors)
        else:  # the common row, a comprehension over the columns: this loop runs 30 times a row
            data = {
                key: value
                for index, key in self._fields
                if (value := values[index]) is not None and (not isinstance(value, str) or value.strip())
            }
        context = RowContext(strip_quote_prefix=self.strip_quote_prefix, today=self.today)
        row: M | None = None
        try:
            row = self.schema.model.model_validate(data, context=context)
        except ValidationError as exc:
            flagged = {problem.field for _, problem in errors}
            for finding in findings(exc):
                if finding.path in flagged:
                    continue  # a formula cell is reported as such, not also as missing
                if finding.code == "required.missing" and finding.path not in self._keys:
                    continue  # the file lacks the column: the header's problems say so once
                errors.append((self._index(finding.path), self._problem(number, finding, values)))
        for path, refusal, value in context.row_errors:
            finding = Finding(path, refusal.code, refusal.message, refusal.params, value)
            errors.append((self._index(path), self._problem(number, finding, values, shown=value)))
        if count > self.layout.width:
            stray = next((i for i in range(self.layout.width, count) if not is_blank(values[i])), None)
            if stray is not None:
                errors.append(
                    (
                        stray,
                        Problem(
                            file=self.file,
                            row=number,
                            code="cell.no_header",
                            message=gettext_noop(
                                "This column has no header: delete the content of the cell, or add a header"
                            ),
                            cell=cell_name(stray, number),
                            value=show(values[stray]),
                        ),
                    )
                )
        if not errors and not context.cell_warnings and not context.row_warnings and not context.row_errors:
            return RowResult(number, row, [], [], raw)
        errors.sort(key=lambda pair: pair[0])  # in the order of the file's columns
        warnings = sorted(
            warning_findings(context.cell_warnings), key=lambda finding: self._index(finding.path)
        )
        if not errors:  # doubts about the row as a whole only count for a row that is otherwise right
            warnings += warning_findings(context.row_warnings)
        return RowResult(
            number,
            row if not errors else None,
            [problem for _, problem in errors],
            [self._problem(number, finding, values, shown=finding.value) for finding in warnings],
            raw,
        )

    def _cells(
        self,
        number: int,
        values: Sequence[object],
        formulas: tuple[int, ...],
        errors: list[tuple[int, Problem]],
    ) -> dict[str, object]:
        """The non-blank cells of a short row or of one with formulas; a formula is an error."""
        count = len(values)
        data: dict[str, object] = {}
        for index, key in self._fields:
            value = values[index] if index < count else None
            if index in formulas:
                finding = Finding(
                    key,
                    "cell.formula",
                    gettext_noop(
                        "%(column)s is a formula: copy the cells and use Paste Special → Values, then import again"
                    ),
                    {},
                )
                errors.append((index, self._problem(number, finding, values)))
            elif not is_blank(value):
                data[key] = value
        return data

    def _index(self, path: str | None) -> int:
        place = self._keys.get(path or "")
        return place[0] if place else self.layout.width

    def _problem(
        self, number: int, finding: Finding, values: Sequence[object], *, shown: object = None
    ) -> Problem:
        place = self._keys.get(finding.path or "")
        if place is None:
            return Problem(
                file=self.file,
                row=number,
                code=finding.code,
                message=finding.message,
                params=finding.params,
                field=finding.path,
                value=show(shown),
            )
        index, label = place
        if shown is None:
            shown = values[index] if index < len(values) else None
        return Problem(
            file=self.file,
            row=number,
            code=finding.code,
            message=finding.message,
            params={**finding.params, "column": label},
            column=label,
            field=finding.path,
            cell=cell_name(index, number),
            value=show(shown),
        )


# ---------------------------------------------------------------- JSON Lines


def validate_lines(path: Path, model: type[M], problems: list[Problem]) -> Iterator[tuple[int, M]]:
    """(line number, model) of every valid line of a JSON Lines file; each refusal adds a problem.

    Raises FileInvalid when the file cannot be read at all.
    """
    for number, data in json_objects(path, problems):
        context = RowContext()
        try:
            yield number, model.model_validate(data, context=context)
        except ValidationError as exc:
            problems.extend(line_problem(path.name, number, finding) for finding in findings(exc))


def line_problem(file: str, line: int, finding: Finding) -> Problem:
    """A finding on one line of a text file; the column is the dotted field."""
    return Problem(
        file=file,
        row=line,
        code=finding.code,
        message=finding.message,
        params={**finding.params, "column": finding.path} if finding.path else finding.params,
        column=finding.path,
        field=finding.path,
        value=show(finding.value),
        unit="line",
    )
