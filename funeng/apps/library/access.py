"""Who may read and manage policy documents; one function per protected object.

Every signed-in user reads the library. Officials manage (ingest, edit, re-ingest) the documents of
their own region; national documents and documents without a region are managed by the platform's
operators.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from engines.reference.regions import region_contains
from funeng.apps.core.identity import User, official_scope_of
from funeng.apps.library.models import Clause, PolicyDocument


def library_scope_of(user: User) -> str | None:
    """The region whose documents a user manages: '' = all (operator), None = reads only."""
    return official_scope_of(user)


def can_manage_library(user: User) -> bool:
    """Officials and operators ingest documents (each within their scope)."""
    return library_scope_of(user) is not None


def can_manage_region(user: User, region_code: str) -> bool:
    """True when the user may manage a document of `region_code` ('' = national)."""
    scope = library_scope_of(user)
    if scope is None:
        return False
    if scope == "":
        return True
    return bool(region_code) and region_contains(scope, region_code)


def documents_visible_to(user: User) -> QuerySet[PolicyDocument]:
    """Every document for a signed-in user; none for a visitor."""
    if not user.is_authenticated:
        return PolicyDocument.objects.none()
    return PolicyDocument.objects.all()


def access_document_for_user(user: User, slug: str, *, write: bool = False) -> PolicyDocument:
    """A document the user may read (404 otherwise); with write=True one they may manage (403)."""
    document = documents_visible_to(user).filter(slug=slug).first()
    if document is None:
        raise Http404("no such document")
    if write and not can_manage_region(user, document.region_code):
        raise PermissionDenied
    return document


def access_clause_for_user(user: User, key: str) -> Clause:
    """A clause of a document the user may read; 404 otherwise."""
    clause = (
        Clause.objects.select_related("document")
        .filter(key=key, document__in=documents_visible_to(user))
        .first()
    )
    if clause is None:
        raise Http404("no such clause")
    return clause
