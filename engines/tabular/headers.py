"""Match the header row of a file to the columns an import expects, by any of their accepted names."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engines.tabular.problems import Problem, gettext_noop, show


def normalize_header(text: object) -> str:
    """Compare headers loosely: full-width forms folded (（）→ ()), case and spaces ignored."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def cell_name(index: int, row: int) -> str:
    """The spreadsheet coordinate of a 0-based column index in a 1-based row: (2, 7) → C7."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


@dataclass(frozen=True, slots=True)
class Heading:
    """One column an import recognises: the field it fills and the headers that name it."""

    key: str  # the row model's field
    label: str  # the header reports name the column by (the template's header)
    aliases: tuple[str, ...] = ()  # other accepted headers, e.g. the English name and the key
    required: bool = False  # the header must be present
    ignored: bool = False  # recognised and read past, e.g. a computed column an export adds


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column of the file holds which field; ignored columns are read past."""

    width: int  # columns up to the last non-blank header; a value further right has no header
    columns: tuple[tuple[int, Heading], ...]

    def index_of(self, key: str) -> int | None:
        """The 0-based column of a field, or None when the file lacks it."""
        return next((index for index, heading in self.columns if heading.key == key), None)


class Headings:
    """The columns of one import and a lookup of every accepted name."""

    def __init__(self, headings: Iterable[Heading]) -> None:
        self.all = tuple(headings)
        self.by_name: dict[str, Heading] = {}
        for heading in self.all:
            for name in (heading.key, heading.label, *heading.aliases):
                self.by_name[normalize_header(name)] = heading

    def layout(self, file: str, values: Sequence[object]) -> tuple[Layout, list[Problem]]:
        """Match header cells to columns; problems for empty, unknown, repeated and missing headers."""
        names = [normalize_header(value) for value in values]
        width = max((i + 1 for i, name in enumerate(names) if name), default=0)
        problems: list[Problem] = []
        columns: list[tuple[int, Heading]] = []
        seen: dict[str, int] = {}

        def problem(index: int | None, code: str, message: str, **params: str | int) -> Problem:
            text = params.get("header", "")
            return Problem(
                file=file,
                row=1,
                code=code,
                message=message,
                params=params,
                column=str(params["column"]) if "column" in params else (str(text) if text else None),
                cell=cell_name(index, 1) if index is not None else None,
                value=show(text),
            )

        for index, name in enumerate(names[:width]):
            spec = self.by_name.get(name)
            if not name:
                # Read-only spreadsheets cannot see merges; a merged header shows up as an empty cell.
                problems.append(
                    problem(
                        index,
                        "header.empty",
                        gettext_noop(
                            "The header cell is empty (merged header cells are not supported): unmerge "
                            "the cells and give every column its own header"
                        ),
                    )
                )
                continue
            text = str(values[index]).strip()
            if spec is None:
                problems.append(
                    problem(
                        index,
                        "header.unknown",
                        gettext_noop(
                            "Unknown column “%(header)s”: delete the column, or use a header from the "
                            "import template"
                        ),
                        header=text,
                    )
                )
            elif spec.key in seen:
                problems.append(
                    problem(
                        index,
                        "header.duplicate",
                        gettext_noop(
                            "Column “%(column)s” appears twice (see also column %(other)s): delete one of them"
                        ),
                        column=spec.label,
                        other=seen[spec.key] + 1,
                        header=text,
                    )
                )
            else:
                seen[spec.key] = index
                if not spec.ignored:
                    columns.append((index, spec))
        recognised = {heading.key for _, heading in columns}
        problems.extend(
            Problem(
                file=file,
                row=1,
                code="header.missing_required",
                message=gettext_noop(
                    "The required column “%(column)s” is missing (its English name %(key)s works too)"
                ),
                params={"column": heading.label, "key": heading.key},
                column=heading.label,
                field=heading.key,
            )
            for heading in self.all
            if heading.required and heading.key not in recognised
        )
        if not seen:
            problems.append(
                Problem(
                    file=file,
                    row=1,
                    code="header.not_found",
                    message=gettext_noop(
                        "Row 1 has no header we recognise: row 1 must hold the headers (the Chinese "
                        "headers of the template or the English field names); if the headers look "
                        "garbled, save the file as CSV UTF-8"
                    ),
                )
            )
        return Layout(width, tuple(columns)), problems
