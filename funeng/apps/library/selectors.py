"""Library reads: documents by level, region and year; a clause tree; search over a cached index."""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from engines.library.search import ClauseIndex, Hit, SearchFilters, SearchRecord
from engines.library.structure import split_clauses
from engines.reference.regions import region_prefix
from funeng.apps.library.models import Clause, DocumentVersion, LinkStatus, PolicyDocument, RuleLink

_INDEX_LOCK = threading.Lock()
_INDEX: dict[str, Any] = {"generation": None, "index": None}


def _generation() -> tuple[Any, ...]:
    """Changes whenever a document is ingested, re-ingested or edited: the index is rebuilt then."""
    latest = PolicyDocument.objects.aggregate(updated=Max("updated_at"), versions=Max("versions__id"))
    return (PolicyDocument.objects.count(), latest["updated"], latest["versions"])


def clause_index() -> ClauseIndex:
    """The search index over every clause, built once per library generation (per process)."""
    generation = _generation()
    with _INDEX_LOCK:
        if _INDEX["generation"] != generation or _INDEX["index"] is None:
            documents = {d.pk: d for d in PolicyDocument.objects.all()}
            records = [
                SearchRecord(
                    clause_id=key,
                    document_id=documents[document_id].slug,
                    document_title=documents[document_id].title,
                    heading=heading,
                    text=text,
                    issuers=tuple(documents[document_id].issuers),
                    level=documents[document_id].level,
                    region_code=documents[document_id].region_code,
                    year=documents[document_id].year,
                    validity=documents[document_id].validity,
                )
                for key, document_id, heading, text in Clause.objects.order_by(
                    "document_id", "position"
                ).values_list("key", "document_id", "heading", "text")
            ]
            _INDEX["index"] = ClauseIndex.build(records)
            _INDEX["generation"] = generation
        index: ClauseIndex = _INDEX["index"]
    return index


def region_filter_prefix(code: str | None) -> str | None:
    """A region filter as the index takes it: 330000 → 33 (the province and all inside it)."""
    if not code:
        return None
    return region_prefix(code) if len(code) == 6 else code


@dataclass(frozen=True)
class SearchResult:
    """A hit with its clause and document for the page."""

    hit: Hit
    clause: Clause


def library_search(query: str, *, k: int = 10, filters: SearchFilters | None = None) -> list[SearchResult]:
    """Ranked clauses for a query, with their stored rows."""
    hits = clause_index().search(query, k=k, filters=filters)
    return _with_clauses(hits)


def search_row(result: SearchResult) -> dict[str, Any]:
    """A ranked clause as the command line and the API print it."""
    return {
        "document": result.clause.document.slug,
        "document_title": result.clause.document.title,
        "clause": result.hit.clause_id,
        "label": result.clause.label,
        "score": round(result.hit.score, 4),
        "snippet": "".join(text for text, _marked in result.hit.snippet),
        "highlights": [text for text, marked in result.hit.snippet if marked],
    }


def clauses_like(key: str, *, k: int = 5) -> list[SearchResult]:
    """Clauses most like one clause (相关条款), the clause itself excluded."""
    index = clause_index()
    if key not in index.position:
        return []
    return _with_clauses(index.more_like(key, k=k))


def _with_clauses(hits: list[Hit]) -> list[SearchResult]:
    rows = Clause.objects.select_related("document").in_bulk([h.clause_id for h in hits], field_name="key")
    return [SearchResult(h, rows[h.clause_id]) for h in hits if h.clause_id in rows]


def documents_grouped(documents: QuerySet[PolicyDocument]) -> list[tuple[str, list[PolicyDocument]]]:
    """Documents grouped by level, national first, each group newest first."""
    order = ["national", "provincial", "municipal", "county", "unknown"]
    groups: dict[str, list[PolicyDocument]] = {level: [] for level in order}
    for document in documents.order_by("-issued_on", "title"):
        groups.setdefault(document.level, []).append(document)
    return [(level, rows) for level, rows in groups.items() if rows]


def document_clauses(document: PolicyDocument) -> list[Clause]:
    """The clauses of a document's current version, in document order."""
    return list(document.clauses.order_by("position"))


def rule_links_of(keys: list[str]) -> dict[str, list[RuleLink]]:
    """Rule conditions citing each clause id."""
    found: dict[str, list[RuleLink]] = {}
    for link in RuleLink.objects.filter(clause_key__in=keys).order_by("programme_id", "node_id"):
        found.setdefault(link.clause_key, []).append(link)
    return found


def conditions_to_review(programme_id: str) -> set[str]:
    """Ids of a programme's conditions whose cited clause changed since the rule was checked."""
    return set(
        RuleLink.objects.filter(programme_id=programme_id, status=LinkStatus.TO_REVIEW).values_list(
            "node_id", flat=True
        )
    )


@dataclass(frozen=True)
class ClauseChange:
    """One clause compared between two versions: added, removed or changed, with a word-level diff."""

    key: str
    label: str
    change: str  # "added" | "removed" | "changed"
    segments: tuple[tuple[str, str], ...]  # (op, text): op in "same", "added", "removed"


def _segments(before: str, after: str) -> tuple[tuple[str, str], ...]:
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("same", before[i1:i2]))
            continue
        if i2 > i1:
            out.append(("removed", before[i1:i2]))
        if j2 > j1:
            out.append(("added", after[j1:j2]))
    return tuple(out)


def version_changes(
    document: PolicyDocument, old: DocumentVersion, new: DocumentVersion
) -> list[ClauseChange]:
    """What changed between two versions, clause by clause, in the newer version's order."""
    before = {c.id: c for c in split_clauses(document.slug, old.text)}
    after = {c.id: c for c in split_clauses(document.slug, new.text)}
    changes: list[ClauseChange] = []
    for key, clause in after.items():
        if key not in before:
            changes.append(ClauseChange(key, clause.label, "added", (("added", clause.text),)))
        elif before[key].text != clause.text:
            changes.append(
                ClauseChange(key, clause.label, "changed", _segments(before[key].text, clause.text))
            )
    for key, clause in before.items():
        if key not in after:
            changes.append(ClauseChange(key, clause.label, "removed", (("removed", clause.text),)))
    return changes
