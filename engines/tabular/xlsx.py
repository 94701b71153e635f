"""The first worksheet of an XLSX workbook, streamed straight from its XML parts.

openpyxl in read-only mode builds a cell object (and a style lookup) for every cell; reading the
sheet XML with ElementTree.iterparse here takes half the time, and an import reads its file twice.
The XML parser is the one openpyxl uses too (the standard library's expat: no external entities,
guarded against entity expansion), and openpyxl's own helpers convert date serials, ISO dates and
shared formulas, so the values are the ones openpyxl returns: str, int, float, bool, datetime,
time or timedelta, and a formula as its text. Merged ranges come from a cheap scan of the sheet's
bytes, before any row is read.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from engines.tabular.problems import FileInvalid, gettext_noop
from engines.tabular.table import MergedRange, RawRow

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW, _VALUE, _FORMULA, _INLINE = f"{_MAIN}row", f"{_MAIN}v", f"{_MAIN}f", f"{_MAIN}is"
_TEXT, _RUN, _STRING_ITEM = f"{_MAIN}t", f"{_MAIN}r", f"{_MAIN}si"
_READ_CHUNK = 1 << 20
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+\d+))?\"")
_DIGITS = "0123456789"

# What a damaged or foreign file raises on the way: the zip layer, zlib, the XML parser, a missing
# part, an index or number that does not parse.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    ElementTree.ParseError,
)


@contextmanager
def _readable() -> Iterator[None]:
    try:
        yield
    except _UNREADABLE as exc:
        raise FileInvalid(
            "file.unreadable",
            gettext_noop(
                "The Excel file cannot be read (%(error)s): open it in Excel, save it as .xlsx "
                "and import it again"
            ),
            error=type(exc).__name__,
        ) from None


@dataclass(frozen=True, slots=True)
class _Parts:
    """Where the workbook keeps what a reader needs."""

    sheet: str
    shared_strings: str | None
    styles: str | None
    date1904: bool


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, zip member) for one part of the package."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    found = {}
    for rel in ElementTree.fromstring(archive.read(rels)).iter(f"{_PACKAGE_REL}Relationship"):
        target = rel.get("Target", "")
        member = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        found[rel.get("Id", "")] = (rel.get("Type", ""), member)
    return found


def _parts(archive: zipfile.ZipFile) -> _Parts:
    """The first worksheet (the one openpyxl reads as worksheets[0]) and the workbook-wide parts."""
    workbook = next(
        (member for kind, member in _relationships(archive, "").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    rels = _relationships(archive, workbook)
    root = ElementTree.fromstring(archive.read(workbook))
    sheet = next(
        (
            rels[rel_id][1]
            for element in root.iter(f"{_MAIN}sheet")
            if (rel_id := element.get(f"{_OFFICE_REL}id", "")) in rels
            and rels[rel_id][0].endswith("/worksheet")
        ),
        None,
    )
    if sheet is None:
        raise KeyError("worksheet")
    properties = root.find(f"{_MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")

    def part(kind: str) -> str | None:
        return next((member for rel_kind, member in rels.values() if rel_kind.endswith(kind)), None)

    return _Parts(sheet, part("/sharedStrings"), part("/styles"), date1904)


def _text(node: ElementTree.Element) -> str:
    """Plain text of a string item: its <t>, or the <t> of each rich-text run; phonetic runs left out."""
    parts = []
    for child in node:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.append(child.findtext(_TEXT) or "")
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, member: str | None) -> list[str]:
    if member is None or member not in archive.namelist():
        return []
    strings = []
    with archive.open(member) as handle:
        for _, element in ElementTree.iterparse(handle):
            if element.tag == _STRING_ITEM:
                # As openpyxl does: an escaped underscore (_x005F_) keeps only the underscore.
                strings.append(_text(element).replace("x005F_", ""))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile, member: str | None) -> tuple[frozenset[int], frozenset[int]]:
    """Indexes of the cell styles whose number format shows a date (and of those showing a duration)."""
    if member is None or member not in archive.namelist():
        return frozenset(), frozenset()
    root = ElementTree.fromstring(archive.read(member))
    custom = {
        int(element.get("numFmtId", "0")): element.get("formatCode", "")
        for element in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")
    }
    dates, durations = set(), set()
    for index, xf in enumerate(root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf")):
        number_format = int(xf.get("numFmtId", "0"))
        code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return frozenset(dates), frozenset(durations)


def _merged_ranges(archive: zipfile.ZipFile, member: str) -> list[MergedRange]:
    """Merged ranges of a sheet, from a regex over its bytes: streaming, so cheap for any size."""
    found: list[MergedRange] = []
    with archive.open(member) as handle:
        tail = b""
        while chunk := handle.read(_READ_CHUNK):
            buffer = tail + chunk
            last_end = 0
            for match in _MERGE.finditer(buffer):
                letters, row, end = match.group(1).decode(), int(match.group(2)), match.group(3)
                found.append(
                    MergedRange(letters, row, f"{letters}{row}" + (f":{end.decode()}" if end else ""))
                )
                last_end = match.end()
            tail = buffer[max(last_end, len(buffer) - 200) :]
    return found


def column_index(letters: str) -> int:
    """1 for A, 27 for AA."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


class XlsxTable:
    """The rows of the first worksheet of a workbook."""

    strip_quote_prefix = False  # Excel keeps a typed ' as a cell style, not in the value

    def __init__(self, path: Path) -> None:
        self.path = path
        with _readable(), zipfile.ZipFile(path) as archive:
            self.merged = _merged_ranges(archive, _parts(archive).sheet)

    def rows(self) -> Iterator[RawRow]:
        """Every row from row 1, as openpyxl's read-only iter_rows(): formulas as their text."""
        with _readable(), zipfile.ZipFile(self.path) as archive:
            parts = _parts(archive)
            strings = _shared_strings(archive, parts.shared_strings)
            dates, durations = _date_styles(archive, parts.styles)
            epoch = CALENDAR_MAC_1904 if parts.date1904 else WINDOWS_EPOCH
            with archive.open(parts.sheet) as handle:
                yield from _sheet_rows(handle, strings, dates, durations, epoch)


def _sheet_rows(
    handle: IO[bytes],
    strings: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    epoch: object,
) -> Iterator[RawRow]:
    expected = 1  # the next row number to yield; a gap is filled with empty rows
    number = 0
    columns: dict[str, int] = {}  # "AB" → 28, learnt once per column
    shared_formulas: dict[str, Translator] = {}
    # End events only: asking for start events too (to detach finished rows from <sheetData>)
    # costs 70 % more time; a cleared row left attached takes about 90 bytes, as in openpyxl.
    for _, element in ElementTree.iterparse(handle, events=("end",)):
        if element.tag != _ROW:
            continue
        given = element.get("r")
        number = _row_number(given) if given else number + 1
        if number < expected:  # a repeated or out-of-order row: openpyxl skips it as well
            element.clear()
            continue
        while expected < number:
            yield RawRow(expected, [])
            expected += 1
        expected += 1
        values: list[object] = []
        formulas: list[int] = []
        column = 0
        for cell in element:
            reference = cell.get("r")
            if reference:
                letters = reference.rstrip(_DIGITS)
                index = columns.get(letters)
                if index is None:
                    index = columns[letters] = column_index(letters)
                column = index
            else:
                column += 1
            kind = cell.get("t", "n")
            value: object
            formula = cell.find(_FORMULA)
            if formula is not None:
                value = _formula_text(formula, reference or "", shared_formulas)
                formulas.append(column - 1)
            elif kind == "inlineStr":
                inline = cell.find(_INLINE)
                value = None if inline is None else _text(inline)
            else:
                value = cell.findtext(_VALUE) or None
                if value is not None:
                    value = _typed(value, kind, cell.get("s"), strings, dates, durations, epoch)
            if column > len(values):
                values.extend([None] * (column - 1 - len(values)))
                values.append(value)
            else:  # cells out of order: as openpyxl, the last cell of the row sets its width
                values[column - 1] = value
        last = column
        if len(values) > last:
            del values[last:]
            formulas = [index for index in formulas if index < last]
        yield RawRow(number, values, tuple(formulas))
        element.clear()


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)  # "7.0" is read as row 7, as openpyxl does; "7.5" is refused
        if not number.is_integer():
            raise
        return int(number)


def _typed(
    text: str,
    kind: str,
    style: str | None,
    strings: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    epoch: object,
) -> object:
    """A cell's stored text as the value it stands for, as openpyxl converts it."""
    if kind == "n":
        number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        index = int(style) if style else 0
        if index in dates:
            try:
                return from_excel(number, epoch, timedelta=index in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # a date serial out of range: openpyxl's error value
        return number
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return from_ISO8601(text)
    return text  # "str" (a formula's cached text) and "e" (an error such as #N/A)


def _formula_text(formula: ElementTree.Element, reference: str, shared: dict[str, Translator]) -> str:
    """A formula as =text; a cell sharing another's formula gets it translated to its own position."""
    text = "=" + (formula.text or "")
    if formula.get("t") == "shared":
        group = formula.get("si", "")
        if group in shared:
            return str(shared[group].translate_formula(reference))
        if text != "=":
            shared[group] = Translator(text, reference)
    return text
