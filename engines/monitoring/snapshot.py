"""The Parquet snapshot the app exports for the platform indicators, and what its rows mean in a year.

Five tables, keyed by the enterprise's credit_code (unique in `enterprises`):

- enterprises: one row per enterprise with its county (6-digit GB/T 2260 code), GB/T 4754 class,
  size class ("" when undetermined), whether its industry is a digital-economy core industry, cloud
  level, SRDI level and founding year (null when unknown).
- assessments: one row per submitted digital-maturity assessment (year, maturity level).
- deals: one row per deal agreed through matchmaking (year).
- designations: one row per entry in a designation list (kind, the year it entered, the year it
  exited or null).
- factories: one row per production site registered for shared manufacturing (its own county,
  whether it offers capacity to the platform now, the year it was registered, the year it stopped
  or null).

Time semantics for a year Y (`rows_for_year` states them for one enterprise at a time, the Ibis
expression in engines.monitoring.compute for all at once):

- an enterprise exists in Y when its founded_year is null or <= Y; only existing enterprises count,
  anywhere (rows of the other tables whose enterprise does not exist in Y are ignored);
- its assessment in Y is its latest with year <= Y; of several in that year, the highest level;
  an assessment with a null year or level is ignored;
- its deals in Y are those with year <= Y (cumulative);
- a designation is active in Y when from_year <= Y and (to_year is null or to_year > Y);
- a factory counts in Y the same way, in ITS county (not its enterprise's), when its enterprise
  exists in Y; a count over factories counts factories, not distinct enterprises.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import polars as pl

KEY = "credit_code"

SNAPSHOT_TABLES: dict[str, dict[str, pl.DataType]] = {
    "enterprises": {
        "credit_code": pl.String(),
        "region_code": pl.String(),
        "industry_code": pl.String(),
        "size_class": pl.String(),
        "de_core": pl.Boolean(),
        "cloud_level": pl.String(),
        "srdi_level": pl.String(),
        "founded_year": pl.Int32(),
    },
    "assessments": {"credit_code": pl.String(), "year": pl.Int32(), "maturity_level": pl.Int32()},
    "deals": {"credit_code": pl.String(), "year": pl.Int32()},
    "designations": {
        "credit_code": pl.String(),
        "kind": pl.String(),
        "from_year": pl.Int32(),
        "to_year": pl.Int32(),
    },
    "factories": {
        "credit_code": pl.String(),
        "region_code": pl.String(),
        "offers_capacity": pl.Boolean(),
        "from_year": pl.Int32(),
        "to_year": pl.Int32(),
    },
}
# Tables whose counts are of rows (one per factory) rather than of distinct enterprises.
ROW_COUNTED = frozenset({"factories"})

# The categories of a disaggregation when the value is missing or not a known code.
UNKNOWN = "unknown"
SIZE_CLASSES = ("large", "medium", "small", "micro")


@cache
def division_sections() -> dict[str, str]:
    """GB/T 4754-2017 division (2 digits) → section letter."""
    from engines.reference.industry import industry_table

    return {node.code: node.section for node in industry_table().of_level("division")}


def section_of(industry_code: str | None) -> str:
    """The GB/T 4754 section letter of an industry code by its division, else UNKNOWN."""
    if not industry_code:
        return UNKNOWN
    return division_sections().get(industry_code[:2], UNKNOWN)


def division_of(industry_code: str | None) -> str:
    """The GB/T 4754 division (2 digits) of an industry code, else UNKNOWN."""
    if not industry_code or industry_code[:2] not in division_sections():
        return UNKNOWN
    return industry_code[:2]


def size_category(size_class: str | None) -> str:
    return size_class if size_class in SIZE_CLASSES else UNKNOWN


def bool_category(value: bool | None) -> str:
    return UNKNOWN if value is None else ("true" if value else "false")


def check_frame(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the table's columns in its types; ValueError names a missing column."""
    columns = SNAPSHOT_TABLES[table]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"snapshot table {table}: missing column(s) {', '.join(missing)}")
    return frame.select(pl.col(c).cast(t) for c, t in columns.items())


def empty_frame(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SNAPSHOT_TABLES[table])


def _active(row: Mapping[str, Any], year: int) -> bool:
    start, end = row["from_year"], row["to_year"]
    return start is not None and start <= year and (end is None or end > year)


def rows_for_year(
    snapshot: Mapping[str, pl.DataFrame], year: int, credit_codes: set[str], region_prefix: str | None = None
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """For each table, each listed enterprise's rows that count in `year` (plain dicts), by credit_code.

    `enterprises` holds the enterprise's own row when it exists in the year; `assessments` its latest
    assessment (at most one); `deals` and `designations` the deals up to and the designations active
    in the year. `factories` holds, one group per factory, those active in the year whose county
    starts with `region_prefix` (whoever owns them, if the owner exists in the year; none without a
    prefix).
    """
    out: dict[str, dict[str, list[dict[str, Any]]]] = {t: {} for t in SNAPSHOT_TABLES}
    for row in snapshot["enterprises"].iter_rows(named=True):
        code = row[KEY]
        if code in credit_codes and (row["founded_year"] is None or row["founded_year"] <= year):
            out["enterprises"].setdefault(code, []).append(row)
    existing = out["enterprises"]
    latest: dict[str, dict[str, Any]] = {}
    for row in snapshot.get("assessments", empty_frame("assessments")).iter_rows(named=True):
        code, y, level = row[KEY], row["year"], row["maturity_level"]
        if code not in existing or y is None or level is None or y > year:
            continue
        best = latest.get(code)
        if best is None or (y, level) > (best["year"], best["maturity_level"]):
            latest[code] = row
    out["assessments"] = {code: [row] for code, row in latest.items()}
    for row in snapshot.get("deals", empty_frame("deals")).iter_rows(named=True):
        if row[KEY] in existing and row["year"] is not None and row["year"] <= year:
            out["deals"].setdefault(row[KEY], []).append(row)
    for row in snapshot.get("designations", empty_frame("designations")).iter_rows(named=True):
        if row[KEY] in existing and _active(row, year):
            out["designations"].setdefault(row[KEY], []).append(row)
    if region_prefix is not None:
        alive = {
            row[KEY]
            for row in snapshot["enterprises"].iter_rows(named=True)
            if row["founded_year"] is None or row["founded_year"] <= year
        }
        for i, row in enumerate(snapshot.get("factories", empty_frame("factories")).iter_rows(named=True)):
            region = row["region_code"]
            if (
                row[KEY] in alive
                and region is not None
                and region.startswith(region_prefix)
                and _active(row, year)
            ):
                out["factories"][f"{row[KEY]}#{i}"] = [row]
    return out
