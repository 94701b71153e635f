"""Open an import file as a table, whatever its format: CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX."""

from __future__ import annotations

from pathlib import Path

from engines.tabular.csvfile import CsvTable
from engines.tabular.problems import FileInvalid, gettext_noop
from engines.tabular.table import Table
from engines.tabular.xlsx import XlsxTable


def open_table(path: Path, filename: str) -> Table:
    """The rows of a .csv or .xlsx file; raises FileInvalid when the file cannot be read at all."""
    if not path.exists() or path.stat().st_size == 0:
        raise FileInvalid(
            "file.empty", gettext_noop("The file is empty: fill in the import template and import it again")
        )
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return CsvTable(path)
    if suffix == ".xlsx":
        return XlsxTable(path)
    if suffix == ".xls":
        raise FileInvalid(
            "file.type",
            gettext_noop("Old .xls files are not supported: in Excel, save the file as .xlsx or CSV UTF-8"),
        )
    raise FileInvalid(
        "file.type",
        gettext_noop("Files of type “%(type)s” cannot be imported: only .csv and .xlsx files can"),
        type=suffix or filename,
    )
