"""GB/T 4754-2017 国民经济行业分类: sections, divisions, groups and classes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from engines.reference._csv import read_rows
from engines.reference.errors import ReferenceDataError, UnknownCodeError

FILE = "gbt4754_2017.csv"
LEVELS = ("section", "division", "group", "class")
_PATTERN = {
    "section": re.compile(r"[A-T]"),
    "division": re.compile(r"\d{2}"),
    "group": re.compile(r"\d{3}"),
    "class": re.compile(r"\d{4}"),
}
EXPECTED_COUNTS = {"section": 20, "division": 97, "group": 473, "class": 1381}


@dataclass(frozen=True, slots=True)
class Industry:
    """One node of GB/T 4754-2017."""

    code: str
    name: str
    level: str
    parent: str
    section: str

    @property
    def division(self) -> str:
        """The 2-digit division (大类) this code belongs to, or '' for a section."""
        return "" if self.level == "section" else self.code[:2]


@dataclass(frozen=True)
class IndustryTable:
    """The whole classification indexed by code."""

    by_code: dict[str, Industry]

    def get(self, code: str) -> Industry:
        """Return the node for a code or raise UnknownCodeError."""
        node = self.by_code.get(code)
        if node is None:
            raise UnknownCodeError("GB/T 4754-2017 industry", code, "not in GB/T 4754-2017")
        return node

    def get_class(self, code: object) -> Industry:
        """Return a 4-digit class; anything else is rejected with a reason."""
        if not isinstance(code, str) or not _PATTERN["class"].fullmatch(code):
            raise UnknownCodeError(
                "GB/T 4754-2017 industry", code, "must be a 4-digit class code such as 3911"
            )
        return self.get(code)

    def of_level(self, level: str) -> list[Industry]:
        """All nodes of one level, in table order."""
        return [node for node in self.by_code.values() if node.level == level]

    def class_codes(self) -> list[str]:
        """All 4-digit class codes."""
        return [node.code for node in self.of_level("class")]

    def classes_under(self, code: str) -> list[str]:
        """Class codes under a section letter, division, group, or the class itself."""
        node = self.get(code)
        if node.level == "class":
            return [code]
        if node.level == "section":
            return [c.code for c in self.of_level("class") if c.section == code]
        return [c for c in self.class_codes() if c.startswith(code)]


def _validate(rows: list[dict[str, str]]) -> IndustryTable:
    by_code: dict[str, Industry] = {}
    for number, row in enumerate(rows, start=2):
        level = row["level"]
        code = row["code"]
        if level not in _PATTERN or not _PATTERN[level].fullmatch(code):
            raise ReferenceDataError(f"{FILE} row {number}: code {code!r} does not fit level {level!r}")
        # A 中类 with no subdivision appears as both group (019) and class (0190); codes differ in length.
        if code in by_code:
            raise ReferenceDataError(f"{FILE} row {number}: duplicate code {code}")
        by_code[code] = Industry(code, row["name"].strip(), level, row["parent"], row["section"])
    for node in by_code.values():
        if node.level == "section":
            continue
        parent = by_code.get(node.parent)
        if parent is None or LEVELS.index(parent.level) != LEVELS.index(node.level) - 1:
            raise ReferenceDataError(f"{FILE}: {node.code} has a wrong parent {node.parent!r}")
        if parent.level != "section" and not node.code.startswith(parent.code):
            raise ReferenceDataError(f"{FILE}: {node.code} does not start with its parent {parent.code}")
        if node.section != (parent.code if parent.level == "section" else parent.section):
            raise ReferenceDataError(f"{FILE}: {node.code} has section {node.section}, parent says otherwise")
    counts = {level: sum(1 for n in by_code.values() if n.level == level) for level in LEVELS}
    if counts != EXPECTED_COUNTS:
        raise ReferenceDataError(f"{FILE}: counts {counts} differ from {EXPECTED_COUNTS}")
    return IndustryTable(by_code)


@cache
def industry_table() -> IndustryTable:
    """Load and validate GB/T 4754-2017 once per process."""
    return _validate(read_rows(FILE))


SECTIONS_EN_FILE = "gbt4754_2017_sections_en.csv"


@cache
def _section_names_en() -> dict[str, str]:
    names = {row["code"]: row["name_en"].strip() for row in read_rows(SECTIONS_EN_FILE)}
    sections = {code for code, node in industry_table().by_code.items() if node.level == "section"}
    if set(names) != sections or not all(names.values()):
        raise ReferenceDataError(
            f"{SECTIONS_EN_FILE}: expected one English name for each of the sections A-T"
        )
    return names


def industry_name_en(code: str) -> str | None:
    """An English name for a GB/T 4754 code: the section's, with the code for finer levels.

    The standard's English names are shipped for the 20 sections only; a division or class reads
    as "Manufacturing (class 1713)" rather than as Chinese on an English page.
    """
    node = industry_table().by_code.get(code)
    if node is None:
        return None
    section = _section_names_en()[node.section]
    return section if node.level == "section" else f"{section} ({node.level} {code})"
