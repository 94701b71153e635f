"""Load and validate programme YAML; every error names the file and the YAML path.

Every condition, reading, note, name and issuing body carries an English rendering next to the
Chinese one (`text_en`, `chosen_en`, ...); the quoted clause (citation) stays the Chinese original.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engines.reference.industry import industry_table
from engines.rules.benefit import RATE_PLACES
from engines.rules.fields import FIELDS, NUMERIC_TYPES
from engines.rules.model import (
    EXCLUSIVE_WORDING,
    INCLUSIVE_WORDING,
    LEAF_OPS,
    NUMERIC_OPS,
    Benefit,
    Citation,
    DatedValue,
    Group,
    Leaf,
    Node,
    Programme,
    Reading,
    walk,
)

PROGRAMMES_DIR = Path(__file__).resolve().parent / "programmes"
_TOP_KEYS = {
    "id",
    "name",
    "name_en",
    "issuing_body",
    "issuing_body_en",
    "region_code",
    "effective_from",
    "effective_to",
    "version",
    "source_document",
    "notes",
    "notes_en",
    "conditions",
    "benefit",
}
_BENEFIT_KEYS = {"id", "text", "text_en", "citation", "base", "rate", "cap", "provisional"}
_NODE_KEYS = {"id", "text", "text_en", "citation", "reading", "all", "any", "at_least", "of"}
_LEAF_KEYS = {
    "id",
    "text",
    "text_en",
    "citation",
    "reading",
    "field",
    "fields",
    "op",
    "threshold",
    "value",
    "values",
    "wording",
}
# CJK ideographs and fullwidth punctuation: an English text containing them was left untranslated.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


class RuleError(ValueError):
    """A programme file that does not follow the rule language."""

    def __init__(self, file: str, path: str, message: str) -> None:
        super().__init__(f"{file}: {path}: {message}")
        self.file, self.path, self.message = file, path, message


class _Ctx:
    def __init__(self, file: str, document: str, effective_from: dt.date) -> None:
        self.file, self.document, self.effective_from = file, document, effective_from
        self.ids: set[str] = set()

    def fail(self, path: str, message: str) -> RuleError:
        return RuleError(self.file, path, message)


def _str(ctx: _Ctx, data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise ctx.fail(f"{path}.{key}" if path else key, "expected a non-empty string")
    return value


def _english(ctx: _Ctx, data: dict[str, Any], key: str, path: str) -> str:
    """A required English rendering: present, non-empty and free of Chinese characters."""
    return _checked_english(ctx, _str(ctx, data, key, path), f"{path}.{key}" if path else key)


def _checked_english(ctx: _Ctx, value: object, where: str) -> str:
    """The English text itself, or an error when it is not text or still holds Chinese characters."""
    if not isinstance(value, str) or not value.strip():
        raise ctx.fail(where, "expected a non-empty English string")
    found = _CJK.search(value)
    if found:
        raise ctx.fail(where, f"English text contains {found.group()!r}; translate it")
    return value


def _date(ctx: _Ctx, raw: object, path: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ctx.fail(path, f"expected a date YYYY-MM-DD, got {raw!r}")


def _number(ctx: _Ctx, raw: object, path: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ctx.fail(path, "expected a number")
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        raise ctx.fail(path, "expected a number") from None
    if not value.is_finite():
        raise ctx.fail(path, "expected a finite number")
    return value


def _citation(ctx: _Ctx, raw: object, path: str) -> Citation:
    if not isinstance(raw, dict):
        raise ctx.fail(f"{path}.citation", "every condition needs a citation with clause and quote")
    where = f"{path}.citation"
    extra = set(raw) - {"document", "clause", "quote", "clause_id"}
    if extra:
        # Usually an unquoted comma inside a {clause:, quote:} flow mapping split the quote.
        raise ctx.fail(where, f"unknown key {sorted(map(str, extra))[0]!r}; quote text that contains commas")
    return Citation(
        document=_str(ctx, raw, "document", where, required=False) or ctx.document,
        clause=_str(ctx, raw, "clause", where),
        quote=_str(ctx, raw, "quote", where),
        clause_id=_str(ctx, raw, "clause_id", where, required=False),
    )


def _reading(ctx: _Ctx, raw: object, path: str) -> Reading | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ctx.fail(f"{path}.reading", "expected chosen and alternative")
    where = f"{path}.reading"
    extra = set(raw) - {"chosen", "alternative", "chosen_en", "alternative_en"}
    if extra:
        raise ctx.fail(where, f"unknown key {sorted(map(str, extra))[0]!r}")
    return Reading(
        _str(ctx, raw, "chosen", where),
        _str(ctx, raw, "alternative", where),
        _english(ctx, raw, "chosen_en", where),
        _english(ctx, raw, "alternative_en", where),
    )


def _threshold(ctx: _Ctx, raw: object, path: str) -> tuple[DatedValue, ...]:
    where = f"{path}.threshold"
    if not isinstance(raw, list):
        return (DatedValue(_number(ctx, raw, where), ctx.effective_from),)
    if not raw:
        raise ctx.fail(where, "expected a number or a list of {value, valid_from}")
    out = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) != {"value", "valid_from"}:
            raise ctx.fail(f"{where}[{index}]", "expected {value, valid_from}")
        out.append(
            DatedValue(
                _number(ctx, item["value"], f"{where}[{index}].value"),
                _date(ctx, item["valid_from"], f"{where}[{index}].valid_from"),
            )
        )
    if min(item.valid_from for item in out) > ctx.effective_from:
        raise ctx.fail(where, "the earliest valid_from must not be after the programme's effective_from")
    return tuple(sorted(out, key=lambda item: item.valid_from))


@cache
def _divisions_of_sections() -> dict[str, tuple[str, ...]]:
    table = industry_table()
    out: dict[str, list[str]] = {}
    for item in table.of_level("division"):
        out.setdefault(item.section, []).append(item.code)
    return {section: tuple(codes) for section, codes in out.items()}


def _leaf(
    ctx: _Ctx, data: dict[str, Any], path: str, node_id: str, text: tuple[str, str], citation: Citation
) -> Leaf:
    unknown = set(data) - _LEAF_KEYS
    if unknown:
        raise ctx.fail(path, f"unknown key {sorted(unknown)[0]!r}")
    op = data.get("op")
    if op not in LEAF_OPS:
        raise ctx.fail(f"{path}.op", f"expected one of {', '.join(LEAF_OPS)}")
    reading = _reading(ctx, data.get("reading"), path)
    if op in ("qualitative", "discretionary"):
        if "field" in data or "fields" in data or "threshold" in data:
            raise ctx.fail(path, f"a {op} condition reads no field and has no threshold")
        return Leaf(node_id, op, text[0], citation, reading=reading, text_en=text[1])
    if "fields" in data:
        names = data["fields"]
        if op not in (">=", ">") or not isinstance(names, list) or len(names) < 2:
            raise ctx.fail(f"{path}.fields", "a sum needs a list of 2+ count fields and op >= or >")
    else:
        names = [data.get("field")]
    for name in names:
        if name not in FIELDS:
            raise ctx.fail(f"{path}.field", f"unknown field {name!r}; see engines/rules/fields.py")
    if "threshold" in data and op not in (*NUMERIC_OPS, "years_at_least"):
        raise ctx.fail(f"{path}.threshold", f"{op} takes no threshold (use values for codes)")
    types = {FIELDS[name].type for name in names}
    if "fields" in data and types != {"count"}:
        raise ctx.fail(f"{path}.fields", "only count fields can be summed")
    ftype = types.pop()
    wording = data.get("wording", "") or ""
    if wording:
        if op in (">=", "<=") and wording not in INCLUSIVE_WORDING:
            raise ctx.fail(
                f"{path}.wording", f"{wording!r} excludes the number (民法典第一千二百五十九条); use > or <"
            )
        if op in (">", "<") and wording not in EXCLUSIVE_WORDING:
            raise ctx.fail(
                f"{path}.wording", f"{wording!r} includes the number (民法典第一千二百五十九条); use >= or <="
            )
    leaf_kwargs: dict[str, Any] = {
        "fields": tuple(names),
        "wording": wording,
        "reading": reading,
        "text_en": text[1],
    }
    if op in NUMERIC_OPS:
        if ftype not in NUMERIC_TYPES:
            raise ctx.fail(f"{path}.op", f"{op} needs a money, ratio or count field, not {ftype}")
        if "threshold" not in data:
            raise ctx.fail(f"{path}.threshold", "expected a number")
        leaf_kwargs["threshold"] = _threshold(ctx, data["threshold"], path)
    elif op == "years_at_least":
        if ftype != "date":
            raise ctx.fail(f"{path}.op", "years_at_least needs a date field")
        leaf_kwargs["threshold"] = _threshold(ctx, data.get("threshold"), path)
    elif op == "is_true":
        if ftype != "bool":
            raise ctx.fail(f"{path}.op", "is_true needs a bool field")
    elif op == "is_set":
        pass
    else:
        raw = data.get("values", [data["value"]] if "value" in data else None)
        if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
            raise ctx.fail(f"{path}.values", "expected a list of strings")
        if ftype != "code":
            raise ctx.fail(f"{path}.op", f"{op} needs a code field")
        values = tuple(raw)
        if op == "industry":
            sections = _divisions_of_sections()
            expanded: list[str] = []
            for value in values:
                if value in sections:
                    expanded.extend(sections[value])
                elif len(value) == 2 and value.isdigit() and any(value in d for d in sections.values()):
                    expanded.append(value)
                else:
                    raise ctx.fail(
                        f"{path}.values", f"{value!r} is not a GB/T 4754 section letter or division"
                    )
            values = tuple(expanded)
        leaf_kwargs["values"] = values
    return Leaf(node_id, op, text[0], citation, **leaf_kwargs)


def _node(ctx: _Ctx, raw: object, path: str) -> Node:
    if not isinstance(raw, dict):
        raise ctx.fail(path, "expected a condition (mapping)")
    node_id = _str(ctx, raw, "id", path)
    if node_id in ctx.ids:
        raise ctx.fail(f"{path}.id", f"duplicate id {node_id!r}")
    ctx.ids.add(node_id)
    # Every condition reads in both languages; the citation stays the quoted Chinese original.
    text = (_str(ctx, raw, "text", path), _english(ctx, raw, "text_en", path))
    citation = _citation(ctx, raw.get("citation"), path)
    kinds = [kind for kind in ("all", "any", "at_least") if kind in raw]
    if not kinds:
        return _leaf(ctx, raw, path, node_id, text, citation)
    unknown = set(raw) - _NODE_KEYS
    if len(kinds) > 1 or unknown:
        raise ctx.fail(path, "a group has exactly one of all, any, at_least (+ of) and no leaf keys")
    kind = kinds[0]
    n = 0
    if kind == "at_least":
        n = raw["at_least"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ctx.fail(f"{path}.at_least", "expected a whole number >= 1")
        key = "of"
    else:
        key = kind
    children_raw = raw.get(key)
    if not isinstance(children_raw, list) or not children_raw:
        raise ctx.fail(f"{path}.{key}", "expected a non-empty list of conditions")
    if kind == "at_least" and n > len(children_raw):
        raise ctx.fail(f"{path}.at_least", f"{n} is more than the {len(children_raw)} conditions listed")
    children = tuple(_node(ctx, child, f"{path}.{key}[{index}]") for index, child in enumerate(children_raw))
    reading = _reading(ctx, raw.get("reading"), path)
    return Group(node_id, kind, children, text[0], citation, n, reading, text[1])  # type: ignore[arg-type]


def _benefit(ctx: _Ctx, raw: object) -> Benefit | None:
    """min(sum(base) × rate, cap): base money fields, dated rate (0..1) and cap, a citation."""
    if raw is None:
        return None
    path = "benefit"
    if not isinstance(raw, dict):
        raise ctx.fail(path, "expected a mapping with id, text, text_en, citation, base, rate")
    unknown = set(raw) - _BENEFIT_KEYS
    if unknown:
        raise ctx.fail(f"{path}.{sorted(unknown)[0]}", "unknown key")
    benefit_id = _str(ctx, raw, "id", path)
    if benefit_id in ctx.ids:
        raise ctx.fail(f"{path}.id", f"duplicate id {benefit_id!r}")
    base = raw.get("base")
    if not isinstance(base, list) or not base:
        raise ctx.fail(f"{path}.base", "expected a list of money fields")
    for name in base:
        if name not in FIELDS or FIELDS[name].type != "money":
            raise ctx.fail(f"{path}.base", f"{name!r} is not a money field of the dictionary")
    rate = _threshold(ctx, raw.get("rate"), f"{path}.rate")
    for item in rate:
        exponent = item.value.normalize().as_tuple().exponent
        if not Decimal(0) <= item.value <= Decimal(1) or (
            isinstance(exponent, int) and exponent < -RATE_PLACES
        ):
            raise ctx.fail(
                f"{path}.rate", f"a rate is a share from 0 to 1 with at most {RATE_PLACES} decimals"
            )
    cap = _threshold(ctx, raw["cap"], f"{path}.cap") if raw.get("cap") is not None else ()
    provisional = raw.get("provisional", False)
    if not isinstance(provisional, bool):
        raise ctx.fail(f"{path}.provisional", "expected true or false")
    return Benefit(
        id=benefit_id,
        text=_str(ctx, raw, "text", path),
        text_en=_english(ctx, raw, "text_en", path),
        citation=_citation(ctx, raw.get("citation"), path),
        base=tuple(base),
        rate=rate,
        cap=cap,
        provisional=provisional,
    )


def parse_programme(data: object, file: str) -> Programme:
    """Validate one programme document (already parsed YAML) and build the condition tree."""
    boot = _Ctx(file, "", dt.date.min)
    if not isinstance(data, dict):
        raise boot.fail("(top)", "expected a mapping")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise boot.fail(sorted(unknown)[0], "unknown key")
    effective_from = _date(boot, data.get("effective_from"), "effective_from")
    effective_to = (
        None if data.get("effective_to") is None else _date(boot, data["effective_to"], "effective_to")
    )
    version = data.get("version")
    if not isinstance(version, str | int) or isinstance(version, bool):
        raise boot.fail("version", "expected a version string, e.g. '2021.1'")
    region = _str(boot, data, "region_code", "")
    if not (region.isdigit() and len(region) == 6):
        raise boot.fail("region_code", "expected a 6-digit GB/T 2260 code, e.g. 330000")
    notes = data.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(item, str) for item in notes):
        raise boot.fail("notes", "expected a list of strings")
    notes_en = data.get("notes_en") or []
    if not isinstance(notes_en, list) or len(notes_en) != len(notes):
        raise boot.fail("notes_en", f"expected a list of {len(notes)} English notes, one per note")
    for index, note in enumerate(notes_en):
        _checked_english(boot, note, f"notes_en[{index}]")
    ctx = _Ctx(file, _str(boot, data, "source_document", ""), effective_from)
    conditions = _node(ctx, data.get("conditions"), "conditions")
    benefit = _benefit(ctx, data.get("benefit"))
    programme = Programme(
        id=_str(boot, data, "id", ""),
        name=_str(boot, data, "name", ""),
        name_en=_english(boot, data, "name_en", ""),
        issuing_body=_str(boot, data, "issuing_body", ""),
        issuing_body_en=_english(boot, data, "issuing_body_en", ""),
        region_code=region,
        effective_from=effective_from,
        effective_to=effective_to,
        version=str(version),
        source_document=ctx.document,
        conditions=conditions,
        notes=tuple(notes),
        notes_en=tuple(notes_en),
        path=file,
        nodes={node.id: node for node in walk(conditions)},
        benefit=benefit,
    )
    stem = Path(file).stem
    if file.endswith(".yaml") and stem not in (programme.id, f"{programme.id}@{programme.version}"):
        raise boot.fail("id", f"{programme.id!r} must match the file name (<id>.yaml or <id>@<version>.yaml)")
    return programme


def load_programme(path: Path) -> Programme:
    """Read one YAML file; YAML syntax errors are reported as rule errors too."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(path.name, "(yaml)", str(exc).replace("\n", " ")) from None
    return parse_programme(data, path.name)


@cache
def load_programmes(directory: Path = PROGRAMMES_DIR) -> dict[str, Programme]:
    """The current version of every programme in a folder, keyed by id (sorted)."""
    programmes = [load_programme(path) for path in sorted(directory.glob("*.yaml"))]
    return {programme.id: programme for programme in programmes}


@cache
def load_programme_versions(directory: Path = PROGRAMMES_DIR) -> dict[str, tuple[Programme, ...]]:
    """Every version of every programme: the current file plus superseded ones under history/.

    A programme changes by adding a version, never by editing one that results were stored
    under: the old file moves to ``history/<id>@<version>.yaml`` and keeps its effective dates.
    Versions of one programme must not overlap in time, so "as of" a date picks at most one.
    """
    current = load_programmes(directory)
    history = [load_programme(path) for path in sorted((directory / "history").glob("*.yaml"))]
    versions: dict[str, list[Programme]] = {pid: [programme] for pid, programme in current.items()}
    for old in history:
        if old.id not in versions:
            raise RuleError(
                Path(old.path).name, "id", f"no current programme {old.id!r} for this old version"
            )
        versions[old.id].append(old)
    out: dict[str, tuple[Programme, ...]] = {}
    for pid, items in versions.items():
        items.sort(key=lambda p: p.effective_from)
        for earlier, later in zip(items, items[1:], strict=False):
            if earlier.version == later.version:
                raise RuleError(Path(later.path).name, "version", f"version {later.version!r} appears twice")
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                raise RuleError(
                    Path(earlier.path).name,
                    "effective_to",
                    f"must end before version {later.version} starts ({later.effective_from.isoformat()})",
                )
        out[pid] = tuple(items)
    return out


def get_programme(
    programme_id: str, as_of: dt.date | None = None, directory: Path = PROGRAMMES_DIR
) -> Programme:
    """One programme by id: the current version, or the version in force on `as_of`.

    The error lists what exists, or which dates the programme's versions cover.
    """
    versions = load_programme_versions(directory)
    if programme_id not in versions:
        raise KeyError(f"unknown programme {programme_id!r}; known: {', '.join(versions)}")
    if as_of is None:
        return load_programmes(directory)[programme_id]
    for programme in versions[programme_id]:
        if programme.in_force(as_of):
            return programme
    spans = ", ".join(
        f"{p.version}: {p.effective_from.isoformat()}..{p.effective_to.isoformat() if p.effective_to else ''}"
        for p in versions[programme_id]
    )
    raise KeyError(f"{programme_id} has no version in force on {as_of.isoformat()} (versions {spans})")
