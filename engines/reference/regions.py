"""GB/T 2260 administrative divisions: provinces and prefectures; county codes roll up by prefix.

County-level names come from a second file (regions_gbt2260_counties.csv: code, name, parent), used
only to name a county; validity stays a matter of the province and prefecture table, so a county
code missing from the name list is still valid and shows its prefecture. The county list is the
county-level part of the adcodes table shipped by the MIT-licensed cpca 0.5.5 package (民政部
administrative division codes, 2018 vintage), kept where its prefecture is in the table above.
Every county row is marked `provisional` (status column): the list is not checked against the
current 民政部 list, and districts merged since 2018 (杭州 下城区 into 拱墅区, 2021) still appear. Pages
that show county names say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from engines.reference._csv import read_rows
from engines.reference.errors import ReferenceDataError, UnknownCodeError

FILE = "regions_gbt2260.csv"
COUNTY_FILE = "regions_gbt2260_counties.csv"
_CODE = re.compile(r"\d{6}")
# Municipalities have no prefecture level in GB/T 2260; their districts roll up to the province.
MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})
# Middle digits 90 mark county-level units administered directly by the province (济源 419001 ...).
_PROVINCE_ADMINISTERED = "90"


@dataclass(frozen=True, slots=True)
class Region:
    """A province or prefecture-level division."""

    code: str
    name: str
    level: str  # province | province_sar_tw | prefecture
    parent: str


@dataclass(frozen=True, slots=True)
class ResolvedRegion:
    """A valid 6-digit code with the named divisions it rolls up to."""

    code: str
    level: str  # province | prefecture | county
    province: Region
    prefecture: Region | None

    @property
    def display_name(self) -> str:
        """Province and prefecture names (no county table is shipped, so counties show their code)."""
        parts = [self.province.name]
        if self.prefecture is not None:
            parts.append(self.prefecture.name)
        return " ".join(parts)


@dataclass(frozen=True)
class RegionTable:
    """Provinces and prefectures indexed by code."""

    by_code: dict[str, Region]

    def provinces(self) -> list[Region]:
        """Province-level divisions of the mainland (SARs and Taiwan excluded)."""
        return [r for r in self.by_code.values() if r.level == "province"]

    def prefectures(self, province_code: str | None = None) -> list[Region]:
        """Prefecture-level divisions, optionally of one province."""
        return [
            r
            for r in self.by_code.values()
            if r.level == "prefecture" and (province_code is None or r.parent == province_code)
        ]

    def full_name(self, code: object, default: str = "") -> str:
        """Province, prefecture and county names of a code (the county when it is named), or `default`."""
        try:
            name = self.resolve(code).display_name
        except UnknownCodeError:
            return default
        county = county_names().get(code) if isinstance(code, str) else None
        return f"{name} {county}" if county else name

    def display_name(self, code: object, default: str = "") -> str:
        """Province and prefecture names of a code, or `default` when the code is not valid."""
        try:
            return self.resolve(code).display_name
        except UnknownCodeError:
            return default

    def resolve(self, code: object) -> ResolvedRegion:
        """Validate a province, prefecture or county code and find what it rolls up to."""
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise UnknownCodeError("GB/T 2260 region", code, "must be 6 digits, e.g. 330106")
        province = self.by_code.get(code[:2] + "0000")
        if province is None or province.level != "province":
            raise UnknownCodeError("GB/T 2260 region", code, f"no province {code[:2]}0000")
        if code == province.code:
            return ResolvedRegion(code, "province", province, None)
        if province.code in MUNICIPALITIES or code[2:4] == _PROVINCE_ADMINISTERED:
            if code.endswith("00"):
                raise UnknownCodeError("GB/T 2260 region", code, "not a prefecture or county code")
            return ResolvedRegion(code, "county", province, None)
        prefecture = self.by_code.get(code[:4] + "00")
        if prefecture is None:
            raise UnknownCodeError("GB/T 2260 region", code, f"no prefecture {code[:4]}00 in {province.name}")
        if code == prefecture.code:
            return ResolvedRegion(code, "prefecture", province, prefecture)
        return ResolvedRegion(code, "county", province, prefecture)


def _validate(rows: list[dict[str, str]]) -> RegionTable:
    by_code: dict[str, Region] = {}
    for number, row in enumerate(rows, start=2):
        code = row["code"]
        if not _CODE.fullmatch(code) or code in by_code:
            raise ReferenceDataError(f"{FILE} row {number}: bad or duplicate code {code!r}")
        by_code[code] = Region(code, row["name"], row["level"], row["parent"])
    for region in by_code.values():
        if region.level == "prefecture":
            parent = by_code.get(region.parent)
            if parent is None or parent.level != "province" or region.code[:2] != parent.code[:2]:
                raise ReferenceDataError(f"{FILE}: prefecture {region.code} has a wrong parent")
    provinces = sum(1 for r in by_code.values() if r.level == "province")
    prefectures = sum(1 for r in by_code.values() if r.level == "prefecture")
    if (provinces, prefectures) != (31, 333):
        raise ReferenceDataError(
            f"{FILE}: expected 31 provinces and 333 prefectures, got {provinces}/{prefectures}"
        )
    return RegionTable(by_code)


@cache
def region_table() -> RegionTable:
    """Load and validate the region table once per process."""
    return _validate(read_rows(FILE))


@cache
def county_names() -> dict[str, str]:
    """County-level names by code, loaded once per process."""
    names: dict[str, str] = {}
    for number, row in enumerate(read_rows(COUNTY_FILE), start=2):
        code = row["code"]
        if not _CODE.fullmatch(code) or code.endswith("00") or code in names:
            raise ReferenceDataError(f"{COUNTY_FILE} row {number}: bad or duplicate code {code!r}")
        if row["status"] not in ("provisional", "verified"):
            raise ReferenceDataError(f"{COUNTY_FILE} row {number}: status must be provisional or verified")
        names[code] = row["name"]
    return names


def region_prefix(scope_code: str) -> str:
    """The code prefix shared by everything inside a region: 330000 → 33, 330100 → 3301."""
    if scope_code.endswith("0000"):
        return scope_code[:2]
    if scope_code.endswith("00"):
        return scope_code[:4]
    return scope_code


def region_contains(scope_code: str, code: str) -> bool:
    """True when `code` lies inside `scope_code` (a province, prefecture or county) by GB/T 2260 prefix."""
    return code.startswith(region_prefix(scope_code))


EN_FILE = "regions_gbt2260_en.csv"


@cache
def _english_names() -> dict[str, str]:
    rows = read_rows(EN_FILE)
    table = region_table().by_code
    names: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if row["code"] not in table or not row["name_en"].strip():
            raise ReferenceDataError(f"{EN_FILE} row {number}: unknown code or empty name {row['code']!r}")
        names[row["code"]] = row["name_en"].strip()
    return names


def region_name_en(code: str) -> str | None:
    """The English name of a province or prefecture (6-digit code), None where none is shipped.

    Every province has one; prefectures so far only where the demo region lies (Zhejiang, Jiangsu).
    """
    return _english_names().get(code)


def region_display_name(code: object, language: str, default: str = "") -> str:
    """Province and prefecture names of a code in "zh" or "en"; English falls back to Chinese per part.

    English reads from the small unit up ("Hangzhou, Zhejiang"), Chinese from the province down.
    """
    try:
        resolved = region_table().resolve(code)
    except UnknownCodeError:
        return default
    if not language.startswith("en"):
        return resolved.display_name
    parts = [resolved.province]
    if resolved.prefecture is not None:
        parts.append(resolved.prefecture)
    return ", ".join(region_name_en(r.code) or r.name for r in reversed(parts))
