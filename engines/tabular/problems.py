"""What goes wrong in an import file: the typed `Problem` record and the exceptions that carry one.

A problem's message is an English msgid with %(name)s placeholders plus its parameters, never a
finished sentence: the engine cannot know the reader's language. The platform translates it
(`problem.text(gettext)`); `str(problem)` is the English text, for logs and command-line tools.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Param = str | int
Params = Mapping[str, Param]
_SHOWN = 100  # characters of a bad value worth repeating back


def gettext_noop(message: str) -> str:
    """Mark an English msgid for extraction; the platform translates it when it shows the problem.

    Django's makemessages passes --keyword=gettext_noop to xgettext, which finds these calls by name.
    """
    return message


def _same(message: str) -> str:
    return message


def render(message: str, params: Params, translate: Callable[[str], str] = _same) -> str:
    """A msgid with its parameters filled in; like Django, % applies only when there are parameters."""
    text = translate(message)
    return text % dict(params) if params else text


def show(value: object) -> str:
    """A cell value as a report repeats it: ISO dates, long text cut at 100 characters."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or doubtful) in an import file: where it is, a stable code, and why."""

    file: str
    row: int | None  # 1-based row of a sheet, or line of a text file; None: the file as a whole
    code: str  # stable key for programs and tests, e.g. "credit_code.check_character"
    message: str  # English msgid with %(name)s placeholders
    params: Params = field(default_factory=dict)
    column: str | None = None  # the column's header, or the dotted field of a JSON line
    field: str | None = None  # the row model's field behind the column
    cell: str | None = None  # spreadsheet coordinate such as C7
    value: str = ""  # the offending value as found, shortened by show()
    unit: Literal["row", "line"] = "row"  # what `row` counts, for the English text

    def text(self, translate: Callable[[str], str] = _same) -> str:
        """The message in the language of `translate` (a gettext), English by default."""
        return render(self.message, self.params, translate)

    def __str__(self) -> str:
        where = f"{self.file} {self.unit} {self.row}" if self.row else self.file
        column = f"{self.column}: " if self.column else ""
        return f"{where}: {column}{self.text()}"


class CellInvalid(ValueError):
    """A value the row model refuses: a problem code, an English msgid and its parameters.

    A ValueError, so pydantic reports it as a validation error of the field that raised it and
    callers of a parser that expect ValueError keep working; str() is the English message.
    """

    def __init__(self, code: str, message: str, /, *, per_field: bool = False, **params: Param) -> None:
        # The column is only known to the row validator; on its own the exception says "value".
        super().__init__(render(message, {"column": "value", **params}))
        self.code = code
        self.message = message
        self.params: Params = params
        # A code such as "too_long" is reported as "<field>.too_long" when per_field is set.
        self.per_field = per_field


@dataclass(frozen=True, slots=True)
class CellWarning:
    """A value that is accepted but worth a second look; it never blocks an import."""

    code: str
    message: str
    params: Params = field(default_factory=dict)
    per_field: bool = False


class FileInvalid(Exception):
    """The file as a whole cannot be read; row-level checks would only add noise."""

    def __init__(self, code: str, message: str, /, *, row: int | None = None, **params: Param) -> None:
        super().__init__(render(message, params))
        self.code = code
        self.message = message
        self.params: Params = params
        self.row = row

    def problem(self, file: str) -> Problem:
        """The one problem this failure reports."""
        return Problem(file=file, row=self.row, code=self.code, message=self.message, params=self.params)
