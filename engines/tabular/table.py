"""A table as every reader returns it: numbered rows of cell values, whatever the file format."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol


class RawRow(NamedTuple):
    """One row as read: its number in the file (from 1), the cell values, the indexes of formula cells."""

    number: int
    values: Sequence[object]
    formulas: tuple[int, ...] = ()


class MergedRange(NamedTuple):
    """A merged range of a sheet, which an import refuses: first column letter, first row, A1:B2."""

    letters: str
    row: int
    cells: str


class Table(Protocol):
    """Rows of an import file; rows() may be called again for a second pass over the same file."""

    # CSV export writes ' before text starting with = + - @ so Excel does not run it; import removes it.
    strip_quote_prefix: bool
    merged: list[MergedRange]

    def rows(self) -> Iterator[RawRow]:
        """Every row from row 1, numbered as in the file; a missing row comes back empty."""
        ...


def is_blank(value: object) -> bool:
    """True for an empty cell: None or whitespace only."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(values: Sequence[object]) -> bool:
    """True when every cell of a row is blank."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)
