"""SME size rules of 工信部联企业〔2011〕300号 (中小企业划型标准规定), with their GB/T 4754 scope."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from engines.reference._csv import read_rows
from engines.reference.errors import ReferenceDataError
from engines.reference.industry import industry_table

FILE = "sme_size_2011.csv"
SCOPE_FILE = "sme_size_2011_scope.csv"
SIZES = ("large", "medium", "small", "micro")
# Money thresholds are published in 万元; the engines work in CNY.
WAN = 10_000
INDICATORS = ("employees", "revenue", "assets")
SOURCE = "工信部联企业〔2011〕300号《中小企业划型标准规定》第四条"
SOURCE_EN = (
    "Provisions on the Classification Standards for Small and Medium-sized Enterprises "
    "(MIIT and others, 2011, No. 300), Article 4"
)


@dataclass(frozen=True, slots=True)
class SizeThresholds:
    """Lower bounds of one size level; None means the indicator is not used by the group."""

    size: str
    employees: int | None
    revenue_cny: int | None
    assets_cny: int | None
    rule_text: str

    def bound(self, indicator: str) -> int | None:
        """The lower bound for 'employees', 'revenue' or 'assets'."""
        return {"employees": self.employees, "revenue": self.revenue_cny, "assets": self.assets_cny}[
            indicator
        ]


@dataclass(frozen=True, slots=True)
class SizeGroup:
    """One of the 16 industry groups of 第四条 with its large/medium/small lower bounds."""

    number: int
    name: str
    scope_text: str
    levels: tuple[SizeThresholds, SizeThresholds, SizeThresholds]  # large, medium, small
    micro_rule_text: str
    name_en: str = ""

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicators this group's rule uses."""
        return tuple(i for i in INDICATORS if self.levels[0].bound(i) is not None)


@dataclass(frozen=True)
class SizeRules:
    """All 16 groups and the class → group map."""

    groups: dict[int, SizeGroup]
    group_of_class: dict[str, int]

    def group_for(self, industry_class: str) -> SizeGroup | None:
        """The group that sizes a GB/T 4754 class, or None when the 2011 rule does not list it."""
        number = self.group_of_class.get(industry_class)
        return None if number is None else self.groups[number]


def _number(value: str, scale: int, where: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value) * scale
    except ValueError:
        raise ReferenceDataError(f"{where}: {value!r} is not an integer") from None


def _no_english(group_no: int) -> str:
    raise ReferenceDataError(f"{FILE}: group {group_no} has no group_name_en")


def _load_groups() -> dict[int, SizeGroup]:
    by_group: dict[int, dict[str, dict[str, str]]] = {}
    for number, row in enumerate(read_rows(FILE), start=2):
        if row["size"] not in SIZES:
            raise ReferenceDataError(f"{FILE} row {number}: unknown size {row['size']!r}")
        by_group.setdefault(int(row["group_no"]), {})[row["size"]] = row | {"_row": str(number)}
    groups: dict[int, SizeGroup] = {}
    for group_no, rows in sorted(by_group.items()):
        if set(rows) != set(SIZES):
            raise ReferenceDataError(f"{FILE}: group {group_no} lacks one of {SIZES}")
        levels = []
        for size in SIZES[:3]:
            row = rows[size]
            where = f"{FILE} row {row['_row']}"
            levels.append(
                SizeThresholds(
                    size,
                    _number(row["employees_threshold"], 1, where),
                    _number(row["revenue_threshold_wan"], WAN, where),
                    _number(row["assets_threshold_wan"], WAN, where),
                    row["rule_text"],
                )
            )
        micro = rows["micro"]
        # Micro must be the exact complement of "small": the same indicators with the small bounds.
        micro_bounds = (
            _number(micro["employees_threshold"], 1, FILE),
            _number(micro["revenue_threshold_wan"], WAN, FILE),
            _number(micro["assets_threshold_wan"], WAN, FILE),
        )
        small = levels[2]
        if micro_bounds != (small.employees, small.revenue_cny, small.assets_cny):
            raise ReferenceDataError(f"{FILE}: group {group_no} micro bounds differ from small bounds")
        used = [tuple(level.bound(i) is not None for i in INDICATORS) for level in levels]
        if len(set(used)) != 1:
            raise ReferenceDataError(f"{FILE}: group {group_no} uses different indicators per level")
        for higher, lower in zip(levels, levels[1:], strict=False):
            for indicator in INDICATORS:
                hb, lb = higher.bound(indicator), lower.bound(indicator)
                if hb is not None and lb is not None and hb < lb:
                    raise ReferenceDataError(f"{FILE}: group {group_no} {indicator} bounds not descending")
        large = rows["large"]
        groups[group_no] = SizeGroup(
            group_no,
            large["group_name"],
            large["scope_in_2011_rule"],
            (levels[0], levels[1], levels[2]),
            micro["rule_text"],
            large["group_name_en"].strip() or _no_english(group_no),
        )
    if sorted(groups) != list(range(1, 17)):
        raise ReferenceDataError(f"{FILE}: expected groups 1-16, got {sorted(groups)}")
    return groups


def _load_scope() -> dict[str, int]:
    table = industry_table()
    group_of_class: dict[str, int] = {}
    for number, row in enumerate(read_rows(SCOPE_FILE), start=2):
        group_no = int(row["group_no"])
        try:
            excluded = {c for code in row["exclude"].split() for c in table.classes_under(code)}
            included = [c for code in row["include"].split() for c in table.classes_under(code)]
        except ValueError as exc:
            raise ReferenceDataError(f"{SCOPE_FILE} row {number}: {exc}") from None
        for code in included:
            if code in excluded:
                continue
            if code in group_of_class:
                raise ReferenceDataError(f"{SCOPE_FILE} row {number}: class {code} is already in a group")
            group_of_class[code] = group_no
    return group_of_class


@cache
def size_rules() -> SizeRules:
    """Load and validate the 2011 size rules once per process."""
    return SizeRules(_load_groups(), _load_scope())
