"""The policy library's shipped content: `content/manifest.yaml` and one text per document.

`load_manifest` reads and checks the manifest; every error names the file, the entry (index and id),
the field and the reason. `library_documents` ingests every government document of the manifest; the
manifest's metadata wins over what ingest detects from the text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engines.library.ingest import ingest
from engines.library.model import DOC_TYPES, LEVELS, VALIDITY, Document, Metadata

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT = CONTENT_DIR / "manifest.yaml"
METADATA_FIELDS = (
    "title",
    "doc_number",
    "issuers",
    "issued_on",
    "level",
    "region_code",
    "doc_type",
    "validity",
)
_SOURCE_KEYS = {"seed", "lines", "drop", "html", "start_at", "stop_at", "note"}
_ENTRY_KEYS = {"id", "editorial", "provisional", *_SOURCE_KEYS, *METADATA_FIELDS}
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")

LineRange = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One manifest entry: a library document, or seed lines that are a magazine's editorial text."""

    id: str
    source: str  # the seed file the text was cut from
    lines: tuple[LineRange, ...]  # 1-based inclusive line ranges of the seed, in reading order
    metadata: Metadata
    provisional: frozenset[str]  # metadata fields inferred rather than stated in the text
    editorial: bool
    text_path: Path | None  # None for editorial entries
    drop: tuple[LineRange, ...] = ()  # seed lines inside `lines` left out of the text
    html: bool = False
    start_at: str = ""
    stop_at: str = ""


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text, so a bad date is reported with its entry and field."""


def _date_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


class _Ctx:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, reason: str) -> ValueError:
        return ValueError(f"{self.path}: {where}: {reason}")


def _ranges(ctx: _Ctx, raw: object, where: str, *, single_ok: bool) -> tuple[LineRange, ...]:
    if not isinstance(raw, list) or (not raw and not single_ok):
        raise ctx.fail(where, "must be a list of [first, last] line ranges")
    out: list[LineRange] = []
    for item in raw:
        if single_ok and isinstance(item, int) and not isinstance(item, bool):
            item = [item, item]
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in item)
        ):
            raise ctx.fail(where, f"{item!r} is not a [first, last] pair of line numbers")
        first, last = item
        if first < 1 or last < first:
            raise ctx.fail(where, f"[{first}, {last}] is not a 1-based range with first <= last")
        out.append((first, last))
    return tuple(out)


def _text(ctx: _Ctx, data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ctx.fail(f"{where}.{key}", f"must be text, not {type(value).__name__}")
    return value.strip()


def _metadata(ctx: _Ctx, data: dict[str, Any], where: str) -> Metadata:
    title = _text(ctx, data, "title", where)
    if not title:
        raise ctx.fail(f"{where}.title", "a document needs a title")
    issuers = data.get("issuers") or []
    if not isinstance(issuers, list) or not all(isinstance(i, str) and i.strip() for i in issuers):
        raise ctx.fail(f"{where}.issuers", "must be a list of issuing bodies' names")
    raw_date = data.get("issued_on")
    issued_on: dt.date | None
    if raw_date is None or isinstance(raw_date, dt.date) and not isinstance(raw_date, dt.datetime):
        issued_on = raw_date
    else:
        try:
            issued_on = dt.date.fromisoformat(str(raw_date))
        except ValueError:
            raise ctx.fail(f"{where}.issued_on", f"{raw_date!r} is not an ISO date (YYYY-MM-DD)") from None
    level = _text(ctx, data, "level", where) or "unknown"
    if level not in LEVELS:
        raise ctx.fail(f"{where}.level", f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    doc_type = _text(ctx, data, "doc_type", where) or "other"
    if doc_type not in DOC_TYPES:
        raise ctx.fail(
            f"{where}.doc_type", f"unknown doc_type {doc_type!r}; use one of {', '.join(DOC_TYPES)}"
        )
    validity = _text(ctx, data, "validity", where) or "unknown"
    if validity not in VALIDITY:
        raise ctx.fail(
            f"{where}.validity", f"unknown validity {validity!r}; use one of {', '.join(VALIDITY)}"
        )
    region = data.get("region_code")
    region_code = "" if region is None else str(region).strip()
    if region_code and not (len(region_code) == 6 and region_code.isdigit()):
        raise ctx.fail(
            f"{where}.region_code", f"{region!r} is not a 6-digit GB/T 2260 code (null for national)"
        )
    if level == "national" and region_code:
        raise ctx.fail(f"{where}.region_code", "a national document has no region code (use null)")
    if level in ("provincial", "municipal", "county") and not region_code:
        raise ctx.fail(f"{where}.region_code", f"a {level} document needs a region code")
    return Metadata(
        title=title,
        doc_number=_text(ctx, data, "doc_number", where),
        issuers=tuple(i.strip() for i in issuers),
        issued_on=issued_on,
        level=level,
        region_code=region_code,
        doc_type=doc_type,
        validity=validity,
    )


def _entry(ctx: _Ctx, raw: object, index: int, seen: dict[str, int]) -> ManifestEntry:
    if not isinstance(raw, dict):
        raise ctx.fail(f"documents[{index}]", "must be a mapping")
    entry_id = raw.get("id")
    where = f"documents[{index}]" + (f" ({entry_id})" if isinstance(entry_id, str) else "")
    if not isinstance(entry_id, str) or not entry_id or not set(entry_id) <= _ID_CHARS:
        raise ctx.fail(f"{where}.id", f"{entry_id!r} is not a slug (lower-case letters, digits and -)")
    if entry_id in seen:
        raise ctx.fail(f"{where}.id", f"duplicate id {entry_id!r} (first at documents[{seen[entry_id]}])")
    seen[entry_id] = index
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise ctx.fail(where, f"unknown keys {', '.join(sorted(unknown))}")
    editorial = raw.get("editorial", False)
    if not isinstance(editorial, bool):
        raise ctx.fail(f"{where}.editorial", "must be true or false")
    seed = _text(ctx, raw, "seed", where)
    if not seed:
        raise ctx.fail(f"{where}.seed", "every entry names the seed file it accounts for")
    lines = _ranges(ctx, raw.get("lines"), f"{where}.lines", single_ok=False)
    drop = _ranges(ctx, raw.get("drop", []), f"{where}.drop", single_ok=True)
    for first, last in drop:
        if not any(a <= first and last <= b for a, b in lines):
            raise ctx.fail(f"{where}.drop", f"[{first}, {last}] lies outside the entry's lines")
    provisional = raw.get("provisional") or []
    if not isinstance(provisional, list) or any(p not in METADATA_FIELDS for p in provisional):
        raise ctx.fail(
            f"{where}.provisional", f"must list metadata fields among {', '.join(METADATA_FIELDS)}"
        )
    if editorial:
        meta_keys = (set(raw) & set(METADATA_FIELDS)) | ({"provisional"} & set(raw))
        if meta_keys:
            raise ctx.fail(where, f"an editorial entry has no metadata ({', '.join(sorted(meta_keys))})")
        return ManifestEntry(entry_id, seed, lines, Metadata(editorial=True), frozenset(), True, None, drop)
    metadata = _metadata(ctx, raw, where)
    text_path = ctx.path.parent / "texts" / f"{entry_id}.txt"
    if not text_path.is_file():
        raise ctx.fail(where, f"missing text file {text_path}")
    return ManifestEntry(
        id=entry_id,
        source=seed,
        lines=lines,
        metadata=metadata,
        provisional=frozenset(provisional),
        editorial=False,
        text_path=text_path,
        drop=drop,
        html=bool(raw.get("html", False)),
        start_at=_text(ctx, raw, "start_at", where),
        stop_at=_text(ctx, raw, "stop_at", where),
    )


def load_manifest(path: Path | str = DEFAULT) -> list[ManifestEntry]:
    """Read and check the manifest; raise ValueError naming file, entry, field and reason."""
    path = Path(path)
    ctx = _Ctx(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a safe loader)
    except OSError as exc:
        raise ctx.fail("file", f"cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ctx.fail("file", f"is not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise ctx.fail("documents", "the manifest needs a `documents:` list")
    seen: dict[str, int] = {}
    return [_entry(ctx, raw, i, seen) for i, raw in enumerate(data["documents"])]


def document_for(entry: ManifestEntry) -> Document:
    """Ingest one library document; the manifest's metadata replaces the detected metadata."""
    if entry.text_path is None:
        raise ValueError(f"{entry.id} is editorial text and has no library document")
    doc = ingest(entry.text_path.read_bytes(), doc_id=entry.id, filename=entry.text_path.name)
    agreed = frozenset(
        name
        for name in doc.detected
        if name in METADATA_FIELDS and getattr(doc.metadata, name) == getattr(entry.metadata, name)
    )
    return replace(doc, metadata=entry.metadata, detected=agreed)


@cache
def _documents(path: Path) -> tuple[Document, ...]:
    return tuple(document_for(e) for e in load_manifest(path) if not e.editorial)


def library_documents(path: Path | str = DEFAULT) -> list[Document]:
    """Every government document of the library, in manifest order."""
    return list(_documents(Path(path).resolve()))
