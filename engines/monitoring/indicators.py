"""Regional-monitoring indicators as data: `content/indicators.yaml`, loaded and checked.

An indicator is either computed by the platform from its own records (`source: platform`, with a
`definition` of distinct-enterprise counts over the snapshot tables of `engines.monitoring.snapshot`)
or reported by the responsible units (`source: reported`, a figure the platform cannot count, such as
the province's online retail sales). Either may point at the plan targets the policy library extracts
(`library_targets`) and the clause that sets them (`clause_id`).

Every error names the file, the indicator (index and id), the field and the reason, as
`IndicatorError` (a ValueError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from engines.monitoring.snapshot import SNAPSHOT_TABLES

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT = CONTENT_DIR / "indicators.yaml"

DIRECTIONS = ("increase", "decrease")
FREQUENCIES = ("yearly",)
SOURCES = ("platform", "reported")
DISAGGREGATIONS = ("region", "industry_section", "industry_division", "size_class", "de_core")
OPS = ("eq", "ne", "in", "ge", "le", "gt", "lt", "is_true")

_ID = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_KEYS = {
    "id",
    "version",
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "frequency",
    "source",
    "description_zh",
    "description_en",
    "definition",
    "disaggregations",
    "responsible_units",
    "clause_id",
    "library_targets",
    "provisional",
}
_REQUIRED_TEXT = ("name_zh", "name_en", "unit", "description_zh", "description_en")


class IndicatorError(ValueError):
    """A bad indicator file: the message names file, indicator, field and reason."""


@dataclass(frozen=True, slots=True)
class Filter:
    """One condition on a column of the counted table: `field op value`."""

    field: str
    op: str  # one of OPS
    value: object = None  # a scalar; a tuple for `in`; None for `is_true`


@dataclass(frozen=True, slots=True)
class Count:
    """The number of DISTINCT enterprises (credit_code) with a row of `table` satisfying every filter;
    for `factories`, the number of such rows (factories).

    What a row of each table means for a year Y (see engines.monitoring.snapshot): enterprises existing
    in Y; each enterprise's latest assessment up to Y; deals agreed up to Y; designations active in Y;
    factories registered and not stopped in Y (in their own county).
    """

    table: str
    filters: tuple[Filter, ...] = ()


@dataclass(frozen=True, slots=True)
class PlatformDefinition:
    """numerator / denominator × factor, or the numerator alone when there is no denominator."""

    numerator: Count
    denominator: Count | None = None
    factor: float = 1.0  # 100 for a percentage


@dataclass(frozen=True, slots=True)
class TargetRef:
    """A target the policy library extracts: engines.library.extract.extract_targets on the document."""

    document: str  # manifest entry id
    clause_id: str
    what: str  # Target.what, exactly as extracted


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    version: int
    name_zh: str
    name_en: str
    unit: str
    direction: str
    frequency: str
    source: str
    description_zh: str
    description_en: str
    definition: PlatformDefinition | None
    disaggregations: tuple[str, ...]
    responsible_units: tuple[str, ...]
    clause_id: str
    library_targets: tuple[TargetRef, ...]
    provisional: bool


class _Ctx:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, reason: str) -> IndicatorError:
        return IndicatorError(f"{self.path}: {where}: {reason}")


def _text(ctx: _Ctx, raw: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ctx.fail(f"{where}.{key}", f"must be text, not {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise ctx.fail(f"{where}.{key}", "is required")
    return value


def _texts(ctx: _Ctx, raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ctx.fail(f"{where}.{key}", "must be a list of non-empty texts")
    if len(set(value)) != len(value):
        raise ctx.fail(f"{where}.{key}", "lists an entry twice")
    return tuple(v.strip() for v in value)


def _choice(ctx: _Ctx, raw: dict[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
    value = raw.get(key)
    if value not in allowed:
        raise ctx.fail(f"{where}.{key}", f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _filter(ctx: _Ctx, raw: object, table: str, where: str) -> Filter:
    if not isinstance(raw, dict) or set(raw) - {"field", "op", "value"}:
        raise ctx.fail(where, "a filter is a mapping with field, op and value")
    field, op, value = raw.get("field"), raw.get("op"), raw.get("value")
    columns = SNAPSHOT_TABLES[table]
    if field not in columns or field == "credit_code":
        allowed = ", ".join(c for c in columns if c != "credit_code")
        raise ctx.fail(f"{where}.field", f"{field!r} is not a column of {table} ({allowed})")
    if op not in OPS:
        raise ctx.fail(f"{where}.op", f"{op!r} is not one of {', '.join(OPS)}")
    dtype = columns[str(field)]
    if op == "is_true":
        if value is not None:
            raise ctx.fail(f"{where}.value", "is_true takes no value")
        if not dtype == pl.Boolean:
            raise ctx.fail(f"{where}.op", f"is_true needs a true/false column; {field} is {dtype}")
        return Filter(str(field), "is_true", None)
    if op == "in" and (not isinstance(value, list) or not value):
        raise ctx.fail(f"{where}.value", "`in` takes a non-empty list")
    values: list[Any] = value if isinstance(value, list) else [value]
    for item in values:
        numeric = isinstance(item, int) and not isinstance(item, bool)
        if dtype.is_integer() and not numeric or dtype == pl.String and not isinstance(item, str):
            raise ctx.fail(f"{where}.value", f"{item!r} does not fit column {field} ({dtype})")
        if dtype == pl.Boolean and not isinstance(item, bool):
            raise ctx.fail(f"{where}.value", f"{item!r} does not fit column {field} ({dtype})")
    if op in ("ge", "le", "gt", "lt") and not dtype.is_integer():
        raise ctx.fail(f"{where}.op", f"{op} compares numbers; {field} is {dtype}")
    return Filter(str(field), str(op), tuple(values) if op == "in" else value)


def _count(ctx: _Ctx, raw: object, where: str) -> Count:
    if not isinstance(raw, dict) or set(raw) - {"table", "filters"}:
        raise ctx.fail(where, "a count is a mapping with table and filters")
    table = raw.get("table")
    if table not in SNAPSHOT_TABLES:
        raise ctx.fail(f"{where}.table", f"{table!r} is not one of {', '.join(SNAPSHOT_TABLES)}")
    filters = raw.get("filters") or []
    if not isinstance(filters, list):
        raise ctx.fail(f"{where}.filters", "must be a list")
    return Count(
        str(table), tuple(_filter(ctx, f, str(table), f"{where}.filters[{i}]") for i, f in enumerate(filters))
    )


def _definition(ctx: _Ctx, raw: object, where: str) -> PlatformDefinition:
    if not isinstance(raw, dict) or set(raw) - {"numerator", "denominator", "factor"}:
        raise ctx.fail(where, "a definition is a mapping with numerator, denominator and factor")
    if "numerator" not in raw:
        raise ctx.fail(f"{where}.numerator", "is required")
    numerator = _count(ctx, raw["numerator"], f"{where}.numerator")
    denominator = (
        None if raw.get("denominator") is None else _count(ctx, raw["denominator"], f"{where}.denominator")
    )
    factor = raw.get("factor", 1)
    if not isinstance(factor, int | float) or isinstance(factor, bool) or factor <= 0:
        raise ctx.fail(f"{where}.factor", f"{factor!r} is not a positive number")
    if denominator is None and factor != 1:
        raise ctx.fail(f"{where}.factor", "a count without a denominator has factor 1")
    return PlatformDefinition(numerator, denominator, float(factor))


def _target_refs(ctx: _Ctx, raw: object, where: str) -> tuple[TargetRef, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.fail(where, "must be a list of {document, clause_id, what}")
    out = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, dict) or set(item) != {"document", "clause_id", "what"}:
            raise ctx.fail(at, "a target reference has exactly document, clause_id and what")
        values = [_text(ctx, item, k, at, required=True) for k in ("document", "clause_id", "what")]
        out.append(TargetRef(*values))
    return tuple(out)


def _indicator(ctx: _Ctx, raw: object, index: int, seen: dict[str, int]) -> Indicator:
    if not isinstance(raw, dict):
        raise ctx.fail(f"indicators[{index}]", "must be a mapping")
    ident = raw.get("id")
    where = f"indicators[{index}]" + (f" ({ident})" if isinstance(ident, str) else "")
    if not isinstance(ident, str) or not _ID.fullmatch(ident):
        raise ctx.fail(f"{where}.id", f"{ident!r} is not a snake_case id")
    if ident in seen:
        raise ctx.fail(f"{where}.id", f"duplicate id (first at indicators[{seen[ident]}])")
    seen[ident] = index
    unknown = set(raw) - _KEYS
    if unknown:
        raise ctx.fail(where, f"unknown keys {', '.join(sorted(unknown))}")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ctx.fail(f"{where}.version", f"{version!r} is not a positive whole number")
    texts = {k: _text(ctx, raw, k, where, required=True) for k in _REQUIRED_TEXT}
    source = _choice(ctx, raw, "source", where, SOURCES)
    definition = None
    if source == "platform":
        if raw.get("definition") is None:
            raise ctx.fail(f"{where}.definition", "a platform indicator needs a definition")
        definition = _definition(ctx, raw["definition"], f"{where}.definition")
        if definition.factor == 100 and texts["unit"] != "%":
            raise ctx.fail(f"{where}.unit", "a percentage (factor 100) has unit %")
    elif raw.get("definition") is not None:
        raise ctx.fail(f"{where}.definition", "only a platform indicator has a definition")
    disaggregations = _texts(ctx, raw, "disaggregations", where)
    bad = [d for d in disaggregations if d not in DISAGGREGATIONS]
    if bad:
        raise ctx.fail(f"{where}.disaggregations", f"{bad[0]!r} is not one of {', '.join(DISAGGREGATIONS)}")
    provisional = raw.get("provisional", False)
    if not isinstance(provisional, bool):
        raise ctx.fail(f"{where}.provisional", "must be true or false")
    return Indicator(
        id=ident,
        version=version,
        name_zh=texts["name_zh"],
        name_en=texts["name_en"],
        unit=texts["unit"],
        direction=_choice(ctx, raw, "direction", where, DIRECTIONS),
        frequency=_choice(ctx, raw, "frequency", where, FREQUENCIES),
        source=source,
        description_zh=texts["description_zh"],
        description_en=texts["description_en"],
        definition=definition,
        disaggregations=disaggregations,
        responsible_units=_texts(ctx, raw, "responsible_units", where),
        clause_id=_text(ctx, raw, "clause_id", where, required=False),
        library_targets=_target_refs(ctx, raw.get("library_targets"), f"{where}.library_targets"),
        provisional=provisional,
    )


def _load(path: Path) -> dict[str, Indicator]:
    ctx = _Ctx(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ctx.fail("file", f"cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ctx.fail("file", f"is not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise ctx.fail("indicators", "the file needs an `indicators:` list")
    seen: dict[str, int] = {}
    found = [_indicator(ctx, raw, i, seen) for i, raw in enumerate(data["indicators"])]
    return {i.id: i for i in found}


@cache
def _default() -> dict[str, Indicator]:
    return _load(DEFAULT)


def load_indicators(path: Path | str = DEFAULT) -> dict[str, Indicator]:
    """The indicators of a file by id, in file order; the shipped file is read once per process."""
    path = Path(path)
    if path.resolve() == DEFAULT.resolve():
        return dict(_default())
    return _load(path)


def indicator(indicator_id: str) -> Indicator:
    """One shipped indicator; KeyError names the id."""
    found = _default().get(indicator_id)
    if found is None:
        raise KeyError(f"no indicator {indicator_id!r}")
    return found


def platform_indicators() -> list[Indicator]:
    """The shipped indicators the platform computes, in file order."""
    return [i for i in _default().values() if i.source == "platform"]
