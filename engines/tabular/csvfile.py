"""CSV as people save it from Excel or WPS: UTF-8, UTF-8 with BOM, or GBK; every cell comes back as text."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from engines.tabular.problems import FileInvalid, gettext_noop
from engines.tabular.table import MergedRange, RawRow

_READ_CHUNK = 1 << 20


def decodes(path: Path, encoding: str) -> bool:
    """True when the whole file decodes strictly in this encoding (streamed, memory stays flat)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_READ_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_encoding(path: Path) -> str:
    """UTF-8 with or without BOM, else GBK (read as its superset GB18030); anything else is refused."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise FileInvalid(
            "file.type_mismatch",
            gettext_noop("The file is named .csv but holds an Excel workbook: change the extension to .xlsx"),
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileInvalid(
            "file.encoding",
            gettext_noop("The file is UTF-16 text: in Excel, save it as “CSV UTF-8 (Comma delimited)”"),
        )
    if head.startswith(codecs.BOM_UTF8):
        if not decodes(path, "utf-8-sig"):
            raise FileInvalid(
                "file.encoding",
                gettext_noop(
                    "The file starts with a UTF-8 byte order mark but is not valid UTF-8: "
                    "save it again as CSV UTF-8"
                ),
            )
        return "utf-8-sig"
    # Strict UTF-8 first: GB18030 would also decode most UTF-8 Chinese, as the wrong characters.
    for encoding in ("utf-8", "gb18030"):
        if decodes(path, encoding):
            return encoding
    raise FileInvalid(
        "file.encoding",
        gettext_noop(
            "The file encoding is neither UTF-8 nor GBK: in Excel, save it as "
            "“CSV UTF-8 (Comma delimited)” and import it again"
        ),
    )


class CsvTable:
    """The rows of a CSV file; the encoding is sniffed once, when the table is opened."""

    strip_quote_prefix = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self.encoding = csv_encoding(path)
        self.merged: list[MergedRange] = []

    def rows(self) -> Iterator[RawRow]:
        """Every row as a list of strings, numbered from 1."""
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle)
            number = 0
            try:
                for number, values in enumerate(reader, start=1):  # noqa: B007  (used after the loop)
                    yield RawRow(number, values)
            except csv.Error as exc:
                raise FileInvalid(
                    "file.csv_syntax",
                    gettext_noop("Row %(number)s is not valid CSV: %(error)s"),
                    row=number + 1,
                    number=number + 1,
                    error=str(exc),
                ) from None
