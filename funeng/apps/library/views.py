"""Library pages: documents by level, search, a document's clause tree, a clause, measures, versions."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from engines.library.model import Metadata
from engines.library.search import SearchFilters
from engines.reference.regions import region_prefix, region_table
from engines.rules.loader import load_programmes
from engines.rules.model import walk
from funeng.apps.core.pages import Action, action_view, form_errors_from, submit_once
from funeng.apps.core.uploads import display_name
from funeng.apps.library.access import (
    access_clause_for_user,
    access_document_for_user,
    can_manage_library,
    can_manage_region,
    documents_visible_to,
    library_scope_of,
)
from funeng.apps.library.exporting import measures_workbook
from funeng.apps.library.forms import MAX_UPLOAD_BYTES, IngestForm, MetadataForm, SearchForm
from funeng.apps.library.models import Clause, Level, PolicyDocument, RuleLink
from funeng.apps.library.selectors import (
    clauses_like,
    document_clauses,
    documents_grouped,
    library_search,
    region_filter_prefix,
    rule_links_of,
    version_changes,
)
from funeng.apps.library.services import document_ingest, document_metadata_update, rule_link_recheck

LEVEL_LABELS = dict(Level.choices)


@login_required
def library_home_view(request: HttpRequest) -> HttpResponse:
    """Documents grouped by level, newest first, filtered by region and year."""
    documents = documents_visible_to(request.user)
    region = request.GET.get("region", "").strip()
    year = request.GET.get("year", "").strip()
    if region.isdigit() and len(region) == 6:
        documents = documents.filter(region_code__startswith=region_prefix(region))
    if year.isdigit():
        documents = documents.filter(issued_on__year=int(year))
    years = sorted({d.year for d in documents_visible_to(request.user) if d.year}, reverse=True)
    regions = sorted({d.region_code for d in documents_visible_to(request.user) if d.region_code})
    groups = [(LEVEL_LABELS.get(level, level), rows) for level, rows in documents_grouped(documents)]
    return render(
        request,
        "library/home.html",
        {
            "groups": groups,
            "years": years,
            "regions": regions,
            "region": region,
            "year": year,
            "search_form": SearchForm(),
            "can_ingest": can_manage_library(request.user),
        },
    )


@login_required
def search_view(request: HttpRequest) -> HttpResponse:
    """Clause-level search with filters and highlighted snippets."""
    form = SearchForm(request.GET or None)
    results = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        filters = SearchFilters(
            issuer=data["issuer"] or None,
            level=data["level"] or None,
            region_code=region_filter_prefix(data["region"]),
            year_from=data["year_from"],
            year_to=data["year_to"],
            validity=data["validity"] or None,
        )
        results = library_search(data["q"], k=20, filters=filters)
    return render(request, "library/search.html", {"form": form, "results": results})


@login_required
def document_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A document: metadata (provisional fields marked), its clause tree with anchors, its versions."""
    document = access_document_for_user(request.user, slug)
    clauses = document_clauses(document)
    links = rule_links_of([c.key for c in clauses])
    for clause in clauses:
        clause.rules = links.get(clause.key, [])  # type: ignore[attr-defined]
    versions = list(document.versions.order_by("-number"))
    return render(
        request,
        "library/document.html",
        {
            "document": document,
            "clauses": clauses,
            "versions": versions,
            "measures": document.measures.count(),
            "targets": document.targets.count(),
            "can_manage": can_manage_region(request.user, document.region_code),
            "citation_prefix": citation_prefix(document),
        },
    )


def citation_prefix(document: PolicyDocument) -> str:
    """How a clause is cited: 《title》（文号）."""
    return f"《{document.title}》" + (f"（{document.doc_number}）" if document.doc_number else "")


@login_required
def clause_view(request: HttpRequest, key: str) -> HttpResponse:
    """One clause: its text and place, the rules that cite it, its targets and clauses like it."""
    clause = access_clause_for_user(request.user, key)
    document = clause.document
    ancestors: list[Clause] = []
    parent = clause.parent_key
    while parent:
        row = document.clauses.filter(key=parent).first()
        if row is None:
            break
        ancestors.insert(0, row)
        parent = row.parent_key
    programmes = load_programmes()
    links = []
    for link in RuleLink.objects.filter(clause_key=clause.key).order_by("programme_id", "node_id"):
        programme = programmes.get(link.programme_id)
        nodes = {node.id: node for node in walk(programme.conditions)} if programme else {}
        # People read the condition's text, never its id.
        links.append((link, programme, nodes.get(link.node_id)))
    return render(
        request,
        "library/clause.html",
        {
            "clause": clause,
            "document": document,
            "ancestors": ancestors,
            "children": document.clauses.filter(parent_key=clause.key).order_by("position"),
            "links": links,
            "targets": document.targets.filter(clause_key=clause.key).order_by("position"),
            "similar": clauses_like(clause.key, k=5),
            "citation": citation_prefix(document) + (f"（{clause.label}）" if clause.label else ""),
            "can_manage": can_manage_region(request.user, document.region_code),
        },
    )


@login_required
def measures_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan's numbered measures: lead and co-responsible units, numeric targets."""
    document = access_document_for_user(request.user, slug)
    measures = document.measures.order_by("position").prefetch_related("targets")
    loose = document.targets.filter(measure__isnull=True).order_by("position")
    return render(
        request, "library/measures.html", {"document": document, "measures": measures, "loose": loose}
    )


@login_required
def measures_export_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The measures table as XLSX."""
    document = access_document_for_user(request.user, slug)
    response = HttpResponse(
        measures_workbook(document),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{document.slug}-measures-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def changes_view(request: HttpRequest, slug: str) -> HttpResponse:
    """What changed between two versions (default: the previous and the current one)."""
    document = access_document_for_user(request.user, slug)
    versions = {v.number: v for v in document.versions.all()}

    def pick(name: str, default: int) -> int:
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdigit() and int(raw) in versions else default

    new = pick("to", document.version)
    old = pick("from", max((n for n in versions if n < new), default=new))
    changes = version_changes(document, versions[old], versions[new]) if old != new else []
    return render(
        request,
        "library/changes.html",
        {
            "document": document,
            "versions": sorted(versions),
            "old": old,
            "new": new,
            "changes": changes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def ingest_view(request: HttpRequest) -> HttpResponse:
    """Upload a policy text: a new document, or the next version of one the official manages."""
    scope = library_scope_of(request.user)
    if scope is None:
        raise PermissionDenied
    form = IngestForm(request.POST or None, request.FILES or None, initial={"region_code": scope})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
                raise ValidationError(
                    {
                        "file": _("%(name)s is larger than %(limit)s MB.")
                        % {"name": display_name(upload.name), "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
                    }
                )
            region = form.cleaned_data["region_code"] or ""
            metadata = None
            if (
                not form.cleaned_data["slug"]
                or not documents_visible_to(request.user).filter(slug=form.cleaned_data["slug"]).exists()
            ):
                # A new document: its region is what the official says, the rest is detected.
                metadata = replace(Metadata(), region_code=region, level="unknown")
            outcome = document_ingest(
                actor=request.user,
                raw=upload.read(),
                slug=form.cleaned_data["slug"] or None,
                filename=display_name(upload.name),
                metadata=metadata,
                provisional=frozenset({"level", "doc_type", "validity"}),
                source=display_name(upload.name),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied:
            # Say what to change rather than answer 403 to a form the official may correct.
            form.add_error(
                "region_code" if not form.cleaned_data["slug"] else "slug",
                _(
                    "You manage documents of %(region)s only: give a region code inside it, or the id of one of its documents."
                )
                % {"region": region_table().display_name(scope, scope) if scope else _("all regions")},
            )
        else:
            document = outcome.document
            if outcome.changed:
                messages.success(
                    request,
                    _(
                        "Stored version %(version)s of %(title)s: %(clauses)s clauses, %(measures)s measures, %(targets)s targets."
                    )
                    % {
                        "version": document.version,
                        "title": document.title,
                        "clauses": outcome.clauses,
                        "measures": outcome.measures,
                        "targets": outcome.targets,
                    },
                )
            else:
                messages.info(request, _("This text is already the current version; nothing was stored."))
            return redirect("library:document", document.slug)
    return render(request, "library/ingest.html", {"form": form})


@login_required
@action_view
def metadata_edit_view(request: HttpRequest, slug: str) -> Action | HttpResponse:
    """Correct a document's metadata; the fields set are no longer provisional."""
    document = access_document_for_user(request.user, slug, write=True)
    initial = {
        "title": document.title,
        "doc_number": document.doc_number,
        "issuers": "\n".join(document.issuers),
        "issued_on": document.issued_on,
        "level": document.level,
        "region_code": document.region_code,
        "doc_type": document.doc_type,
        "validity": document.validity,
    }
    form = MetadataForm(request.POST or None, initial=initial)
    return Action(
        call=lambda: document_metadata_update(actor=request.user, document=document, **form.cleaned_data),
        success=_("Metadata saved."),
        redirect_to=("library:document", document.slug),
        form=form,
        template="library/edit.html",
    )


@login_required
@require_POST
def rule_link_recheck_view(request: HttpRequest, link_id: int) -> HttpResponse:
    """An official confirms a rule still encodes its changed clause."""
    link = RuleLink.objects.select_related("document").filter(pk=link_id).first()
    if link is None:
        raise Http404("no such rule link")
    access_document_for_user(request.user, link.document.slug, write=True)
    rule_link_recheck(actor=request.user, link=link)
    messages.success(request, _("The rule is marked as checked against the current text."))
    return redirect(reverse("library:clause", args=[link.clause_key]))
