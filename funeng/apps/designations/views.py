"""Designation pages: the lists with counts and a decision queue, an entry, apply, nominate, the case library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from engines.reference.regions import region_prefix
from funeng.apps.core.identity import official_scope_of
from funeng.apps.core.pages import form_errors_from, submit_once
from funeng.apps.core.uploads import FILE_TYPES, stored_file_response
from funeng.apps.designations.access import (
    access_entry_for_user,
    access_evidence_for_user,
    can_decide,
    can_nominate,
    can_withdraw,
    entries_visible_to,
    member_enterprise_id,
)
from funeng.apps.designations.const import EntryStatus
from funeng.apps.designations.forms import (
    ApplyForm,
    CaseFilterForm,
    DecideForm,
    ExitForm,
    ListFilterForm,
    NominateForm,
)
from funeng.apps.designations.kinds import KINDS
from funeng.apps.designations.models import DesignationEntry
from funeng.apps.designations.selectors import case_library, decision_queue, designation_counts
from funeng.apps.designations.services import (
    designation_apply,
    designation_decide,
    designation_exit,
    designation_nominate,
    designation_withdraw,
)
from funeng.apps.enterprises.access import enterprises_visible_to
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching.access import solutions_visible_to
from funeng.apps.matching.const import SolutionStatus
from funeng.apps.matching.models import Solution

PAGE_SIZE = 50


def _published_solutions(request: HttpRequest) -> QuerySet[Solution]:
    return solutions_visible_to(request.user).filter(status=SolutionStatus.PUBLISHED)


@login_required
@require_GET
def designation_list_view(request: HttpRequest) -> HttpResponse:
    """Every list with its count of active entries, the entries the user may see, an official's queue."""
    scope = official_scope_of(request.user)
    counts = designation_counts(scope or None, timezone.localdate())
    form = ListFilterForm(request.GET or None)
    entries = entries_visible_to(request.user).select_related("enterprise")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            entries = entries.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            entries = entries.filter(status=form.cleaned_data["status"])
    page = Paginator(entries.order_by("-applied_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    queue = None
    if scope is not None:
        mine = entries_visible_to(request.user)
        if scope:
            mine = mine.filter(region_code__startswith=region_prefix(scope))
        queue = list(decision_queue(mine)[:100])
    return render(
        request,
        "designations/list.html",
        {
            "kinds": [(kind, counts[kind.id]) for kind in KINDS],
            "form": form,
            "page": page,
            "queue": queue,
            "can_apply": member_enterprise_id(request.user) is not None,
            "can_nominate": can_nominate(request.user),
            "scope": scope,
        },
    )


def _detail(
    request: HttpRequest,
    entry: DesignationEntry,
    *,
    decide_form: DecideForm | None = None,
    exit_form: ExitForm | None = None,
    status: int = 200,
) -> HttpResponse:
    deciding = can_decide(request.user, entry)
    own = member_enterprise_id(request.user) == entry.enterprise_id
    return render(
        request,
        "designations/detail.html",
        {
            "entry": entry,
            "kind": entry.kind_info,
            "solutions": entry.solutions.select_related("provider").order_by("title"),
            "evidence": list(entry.evidence.all()) if deciding or own else None,
            "decide_form": (decide_form or DecideForm())
            if deciding and entry.status == EntryStatus.APPLIED
            else None,
            "exit_form": (exit_form or ExitForm())
            if deciding and entry.status == EntryStatus.APPROVED
            else None,
            "can_withdraw": can_withdraw(request.user, entry),
        },
        status=status,
    )


@login_required
@require_GET
def designation_detail_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One entry: what was done, the evidence, the solutions, the decision, and the forms the user may use."""
    return _detail(request, access_entry_for_user(request.user, entry_id))


@login_required
@require_POST
@submit_once
def designation_decide_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_entry_for_user(request.user, entry_id, write=True)
    if not can_decide(request.user, entry):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            approve = form.cleaned_data["decision"] == "approve"
            designation_decide(
                actor=request.user,
                entry=entry,
                approve=approve,
                reason=form.cleaned_data["reason"],
                valid_from=form.cleaned_data["valid_from"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Approved: the enterprise is listed.") if approve else _("Rejected."))
            return redirect("designations:detail", entry.pk)
    return _detail(request, entry, decide_form=form)


@login_required
@require_POST
@submit_once
def designation_exit_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_entry_for_user(request.user, entry_id, write=True)
    if not can_decide(request.user, entry):
        raise PermissionDenied
    form = ExitForm(request.POST)
    if form.is_valid():
        try:
            designation_exit(
                actor=request.user,
                entry=entry,
                reason=form.cleaned_data["reason"],
                exited_at=form.cleaned_data["exited_at"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The enterprise has left the list."))
            return redirect("designations:detail", entry.pk)
    return _detail(request, entry, exit_form=form)


@login_required
@require_POST
def designation_withdraw_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = access_entry_for_user(request.user, entry_id, write=True)
    if member_enterprise_id(request.user) != entry.enterprise_id:
        raise PermissionDenied
    try:
        designation_withdraw(actor=request.user, entry=entry)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The application is withdrawn."))
    return redirect("designations:detail", entry.pk)


@login_required
@require_GET
def designation_evidence_view(request: HttpRequest, designation_evidence_id: int) -> FileResponse:
    """An evidence file, always as a download, for the enterprise, its officials and operators."""
    evidence = access_evidence_for_user(request.user, designation_evidence_id)
    content_type = FILE_TYPES.get(evidence.kind, ("application/octet-stream", ""))[0]
    return stored_file_response(evidence.file, filename=evidence.name, content_type=content_type)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def designation_apply_view(request: HttpRequest) -> HttpResponse:
    """An enterprise applies for a list, with what it did, the solutions it used and its evidence."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    form = ApplyForm(request.POST or None, request.FILES or None, solutions=_published_solutions(request))
    if request.method == "POST" and form.is_valid():
        try:
            entry = designation_apply(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("Your application is submitted; the officials of your region decide on it.")
            )
            return redirect("designations:detail", entry.pk)
    return render(
        request, "designations/form.html", {"form": form, "enterprise": enterprise, "nominating": False}
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def designation_nominate_view(request: HttpRequest) -> HttpResponse:
    """An official nominates an enterprise of their region; the entry then waits for a decision."""
    if not can_nominate(request.user):
        raise PermissionDenied
    form = NominateForm(
        request.POST or None,
        request.FILES or None,
        solutions=_published_solutions(request),
        enterprises=enterprises_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = designation_nominate(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        except PermissionDenied:
            form.add_error("enterprise", _("You nominate enterprises of your own region only."))
        else:
            messages.success(request, _("The nomination is recorded and waits for a decision."))
            return redirect("designations:detail", entry.pk)
    return render(request, "designations/form.html", {"form": form, "enterprise": None, "nominating": True})


@login_required
@require_GET
def case_library_view(request: HttpRequest) -> HttpResponse:
    """Benchmark enterprises and typical scenarios, approved, for other enterprises to learn from."""
    form = CaseFilterForm(request.GET or None)
    kind = q = None
    if form.is_valid():
        kind, q = form.cleaned_data["kind"] or None, form.cleaned_data["q"] or None
    page = Paginator(case_library(kind=kind, q=q), 24).get_page(request.GET.get("page"))
    return render(request, "designations/cases.html", {"form": form, "page": page})
