"""NBS 数字经济及其核心产业统计分类(2021): 5 大类, 32 中类, 156 小类 and their GB/T 4754 classes.

The 小类 table and its GB/T 4754 mapping were encoded from memory (no public copy was available):
every 小类 row is provisional, and so is every answer derived from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from engines.reference._csv import read_rows
from engines.reference.errors import ReferenceDataError
from engines.reference.industry import industry_table

FILE = "digital_economy_2021.csv"
SUBCLASS_FILE = "digital_economy_2021_subclasses.csv"
CORE_CATEGORIES = frozenset({"01", "02", "03", "04"})
_SUBCLASS = re.compile(r"\d{6}")


@dataclass(frozen=True, slots=True)
class DECategory:
    """A 大类 (2 digits) or 中类 (4 digits)."""

    code: str
    name: str
    level: str  # 大类 | 中类
    parent: str
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class DESubclass:
    """A 小类 with the GB/T 4754 classes it covers; `partial` marks the official '*' correspondence."""

    code: str
    name: str
    parent: str
    classes: tuple[tuple[str, bool], ...]  # (GB/T 4754 class, partial)
    provisional: bool
    name_en: str = ""

    @property
    def category(self) -> str:
        """The 2-digit 大类."""
        return self.code[:2]

    @property
    def core(self) -> bool:
        """True for 01-04, the digital-economy core industries."""
        return self.category in CORE_CATEGORIES


@dataclass(frozen=True)
class DigitalEconomyTable:
    """Categories, subclasses and the reverse index GB/T class → subclasses."""

    categories: dict[str, DECategory]
    subclasses: dict[str, DESubclass]
    by_industry_class: dict[str, tuple[tuple[DESubclass, bool], ...]]


def _name_en(row: dict[str, str], where: str) -> str:
    """The English name every class must carry (pages in English show it)."""
    name = (row.get("de_name_en") or "").strip()
    if not name:
        raise ReferenceDataError(f"{where}: de_name_en is empty")
    return name


def _load_categories() -> dict[str, DECategory]:
    categories: dict[str, DECategory] = {}
    for number, row in enumerate(read_rows(FILE), start=2):
        code = row["de_code"]
        if row["level"] not in ("大类", "中类") or len(code) != (2 if row["level"] == "大类" else 4):
            raise ReferenceDataError(f"{FILE} row {number}: {code!r} does not fit level {row['level']!r}")
        if row["level"] == "中类" and row["parent"] != code[:2]:
            raise ReferenceDataError(f"{FILE} row {number}: {code} has parent {row['parent']!r}")
        categories[code] = DECategory(
            code, row["de_name"], row["level"], row["parent"], _name_en(row, f"{FILE} row {number}")
        )
    counts = (
        sum(c.level == "大类" for c in categories.values()),
        sum(c.level == "中类" for c in categories.values()),
    )
    if counts != (5, 32):
        raise ReferenceDataError(f"{FILE}: expected 5 大类 and 32 中类, got {counts}")
    return categories


def _load_subclasses(categories: dict[str, DECategory]) -> dict[str, DESubclass]:
    table = industry_table()
    rows = read_rows(SUBCLASS_FILE)
    # 05 rows may name whole divisions or groups; a class wholly in the core (01-04) is not also an
    # efficiency-improvement class, so such expansions skip it (explicit 4-digit codes are kept).
    wholly_core = {
        token
        for row in rows
        if row["de_code"][:2] in CORE_CATEGORIES
        for token in row["gbt4754_codes"].split()
        if not token.endswith("*")
    }
    subclasses: dict[str, DESubclass] = {}
    for number, row in enumerate(rows, start=2):
        code, parent = row["de_code"], row["parent"]
        where = f"{SUBCLASS_FILE} row {number}"
        if not _SUBCLASS.fullmatch(code) or code in subclasses:
            raise ReferenceDataError(f"{where}: bad or duplicate 小类 code {code!r}")
        if parent not in categories or categories[parent].level != "中类" or not code.startswith(parent):
            raise ReferenceDataError(f"{where}: {code} has an unknown 中类 parent {parent!r}")
        mapped: dict[str, bool] = {}
        for token in row["gbt4754_codes"].split():
            partial = token.endswith("*")
            gbt = token.rstrip("*")
            try:
                classes = table.classes_under(gbt)
            except ValueError:
                raise ReferenceDataError(f"{where}: {gbt!r} is not a GB/T 4754-2017 code") from None
            if len(gbt) < 4:
                classes = [cls for cls in classes if cls not in wholly_core]
            for cls in classes:
                # A class listed both wholly and partly keeps the whole correspondence.
                mapped[cls] = mapped.get(cls, True) and partial
        if row["status"] not in ("provisional", "verified"):
            raise ReferenceDataError(f"{where}: status must be provisional or verified")
        subclasses[code] = DESubclass(
            code,
            row["de_name"],
            parent,
            tuple(sorted(mapped.items())),
            row["status"] == "provisional",
            _name_en(row, where),
        )
    if len(subclasses) != 156:
        raise ReferenceDataError(f"{SUBCLASS_FILE}: expected 156 小类, got {len(subclasses)}")
    missing = {c for c, cat in categories.items() if cat.level == "中类"} - {
        s.parent for s in subclasses.values()
    }
    if missing:
        raise ReferenceDataError(f"{SUBCLASS_FILE}: 中类 without 小类: {sorted(missing)}")
    return subclasses


@cache
def digital_economy_table() -> DigitalEconomyTable:
    """Load and validate the DE classification once per process."""
    categories = _load_categories()
    subclasses = _load_subclasses(categories)
    index: dict[str, list[tuple[DESubclass, bool]]] = {}
    for sub in subclasses.values():
        for cls, partial in sub.classes:
            index.setdefault(cls, []).append((sub, partial))
    return DigitalEconomyTable(
        categories, subclasses, {cls: tuple(entries) for cls, entries in index.items()}
    )
