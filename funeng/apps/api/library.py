"""/api/v1/library: policy documents, their clauses, measures and targets, and clause search."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from pydantic import StringConstraints

from engines.library.search import SearchFilters
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import NO_NUL, problems
from funeng.apps.library.access import access_clause_for_user, access_document_for_user, documents_visible_to
from funeng.apps.library.models import Clause, PolicyDocument, Target
from funeng.apps.library.selectors import library_search, region_filter_prefix, rule_links_of, search_row

router = Router(tags=["library"])
DocumentSlug = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]
ClauseId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]


class DocumentOut(Schema):
    id: str = Field(alias="slug")
    title: str
    doc_number: str
    issuers: list[str]
    issued_on: dt.date | None
    level: str
    region_code: str
    doc_type: str
    validity: str
    provisional: list[str]
    version: int


class ClauseOut(Schema):
    id: str = Field(alias="key")
    document: str = Field(alias="document.slug")
    parent: str = Field(alias="parent_key")
    label: str
    kind: str
    heading: str
    text: str
    depth: int


class RuleLinkOut(Schema):
    programme: str
    condition: str
    quote: str
    status: str
    reason: str


class ClauseDetail(ClauseOut):
    rules: list[RuleLinkOut]


class TargetOut(Schema):
    value: Decimal
    unit: str
    year: int | None
    op: str
    what: str
    raw: str
    clause: str = Field(alias="clause_key")


class MeasureOut(Schema):
    no: int
    title: str
    clause: str = Field(alias="clause_key")
    lead_unit: str
    units: list[str]
    targets: list[TargetOut]


class SearchQuery(Schema):
    q: str = Field(
        ..., min_length=1, max_length=200, pattern=NO_NUL, description="Words or phrases, in Chinese"
    )
    k: int = Field(10, ge=1, le=100)
    issuer: str | None = Field(None, max_length=80, pattern=NO_NUL)
    level: Literal["national", "provincial", "municipal", "county", "unknown"] | None = None
    region: str | None = Field(None, pattern=r"^\d{2,6}$", description="GB/T 2260 code or prefix")
    year_from: int | None = Field(None, ge=1949, le=2100)
    year_to: int | None = Field(None, ge=1949, le=2100)
    validity: Literal["in_force", "expired", "unknown"] | None = None


class HitOut(Schema):
    document: str
    document_title: str
    clause: str
    label: str
    score: float
    snippet: str
    highlights: list[str]


@router.get(
    "/documents", response=list[DocumentOut], summary="List documents", openapi_extra=problems(401, 422)
)
@paginated()
def documents_list(request: HttpRequest) -> QuerySet[PolicyDocument]:
    """Every document in the library, newest first."""
    return documents_visible_to(request.user).order_by("-issued_on", "title")


@router.get(
    "/documents/{slug}",
    response=DocumentOut,
    summary="Get a document's metadata",
    openapi_extra=problems(401, 404),
)
def document_detail(request: HttpRequest, slug: Path[DocumentSlug]) -> PolicyDocument:
    return access_document_for_user(request.user, slug)


@router.get(
    "/documents/{slug}/clauses",
    response=list[ClauseOut],
    summary="List a document's clauses in order",
    openapi_extra=problems(401, 404, 422),
)
@paginated()
def document_clauses(request: HttpRequest, slug: Path[DocumentSlug]) -> QuerySet[Clause]:
    document = access_document_for_user(request.user, slug)
    return document.clauses.select_related("document").order_by("position")


@router.get(
    "/documents/{slug}/measures",
    response=list[MeasureOut],
    summary="List a plan's measures with responsible units and targets",
    openapi_extra=problems(401, 404),
)
def document_measures(request: HttpRequest, slug: Path[DocumentSlug]) -> list[dict[str, Any]]:
    document = access_document_for_user(request.user, slug)
    return [
        {
            "no": m.no,
            "title": m.title,
            "clause_key": m.clause_key,
            "lead_unit": m.lead_unit,
            "units": list(m.units),
            "targets": list(m.targets.order_by("position")),
        }
        for m in document.measures.order_by("position")
    ]


@router.get(
    "/documents/{slug}/targets",
    response=list[TargetOut],
    summary="List every numeric target of a document",
    openapi_extra=problems(401, 404),
)
def document_targets(request: HttpRequest, slug: Path[DocumentSlug]) -> QuerySet[Target]:
    document = access_document_for_user(request.user, slug)
    return document.targets.order_by("position")


@router.get(
    "/clauses/{path:clause_id}",
    response=ClauseDetail,
    summary="Get a clause with the rules that cite it",
    openapi_extra=problems(401, 404),
)
def clause_detail(request: HttpRequest, clause_id: Path[ClauseId]) -> Clause:
    clause = access_clause_for_user(request.user, clause_id)
    clause.rules = [  # type: ignore[attr-defined]
        {
            "programme": link.programme_id,
            "condition": link.node_id,
            "quote": link.quote,
            "status": link.status,
            "reason": link.reason,
        }
        for link in rule_links_of([clause.key]).get(clause.key, [])
    ]
    return clause


@router.get("/search", response=list[HitOut], summary="Search clauses", openapi_extra=problems(401, 422))
def search(request: HttpRequest, query: Query[SearchQuery]) -> list[dict[str, Any]]:
    """Clauses ranked by BM25 over jieba words and character bigrams, within the filters."""
    filters = SearchFilters(
        issuer=query.issuer,
        level=query.level,
        region_code=region_filter_prefix(query.region),
        year_from=query.year_from,
        year_to=query.year_to,
        validity=query.validity,
    )
    return [search_row(r) for r in library_search(query.q, k=query.k, filters=filters)]
