"""Read the CSV files shipped in engines/reference/data as lists of string dicts."""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(filename: str) -> list[dict[str, str]]:
    """Return every row of a data file; codes stay strings so leading zeros survive."""
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]
