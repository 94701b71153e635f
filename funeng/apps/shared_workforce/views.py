"""Shared-workforce pages: the section's home, posts, workers, matches, agreements, the worker's own page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funeng.apps.core.identity import is_platform_admin, official_scope_of
from funeng.apps.core.pages import form_errors_from, signed_in, submit_once
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_workforce.access import (
    access_agreement_for_user,
    access_demand_for_user,
    access_matches_for_user,
    access_surplus_for_user,
    access_worker_for_user,
    agreements_visible_to,
    can_activate,
    can_answer,
    can_cancel,
    can_end,
    can_record_hours,
    can_see_matches,
    can_see_personal_data,
    can_see_region_counts,
    demand_posts_visible_to,
    member_enterprise_id,
    sees_worker_of,
    surplus_posts_visible_to,
)
from funeng.apps.shared_workforce.const import AgreementStatus, PostStatus
from funeng.apps.shared_workforce.forms import (
    AnswerForm,
    CloseForm,
    DemandPostForm,
    HoursForm,
    PostFilterForm,
    ProposeForm,
    SurplusPostForm,
    WorkerForm,
)
from funeng.apps.shared_workforce.models import Agreement, Worker
from funeng.apps.shared_workforce.selectors import (
    basis_quotes,
    hours_summary,
    matches_for_demand,
    region_counts,
)
from funeng.apps.shared_workforce.services import (
    agreement_activate,
    agreement_answer,
    agreement_close,
    agreement_propose,
    colleagues_for_worker_login,
    demand_post_create,
    hours_record,
    post_close,
    surplus_post_create,
    worker_create,
)

PAGE_SIZE = 50


def _own_enterprise(request: HttpRequest) -> Enterprise:
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    return Enterprise.objects.get(pk=enterprise_id)


def _my_worker(request: HttpRequest) -> Worker | None:
    return Worker.objects.filter(user_id=request.user.pk).first() if request.user.is_authenticated else None


@login_required
@require_GET
def workforce_home_view(request: HttpRequest) -> HttpResponse:
    """Enterprises: their posts and agreements; the worker: a link to their agreements; officials: counts."""
    enterprise_id = member_enterprise_id(request.user)
    scope = official_scope_of(request.user)
    if enterprise_id is None and scope is None and _my_worker(request) is None:
        raise PermissionDenied
    context: dict[str, Any] = {"quotes": basis_quotes(), "worker": _my_worker(request), "scope": scope}
    if can_see_region_counts(request.user):
        context["counts"] = region_counts(scope or "", timezone.localdate().year)
    if enterprise_id is not None:
        context["surplus"] = surplus_posts_visible_to(request.user).filter(enterprise_id=enterprise_id)[:20]
        context["demand"] = demand_posts_visible_to(request.user).filter(enterprise_id=enterprise_id)[:20]
        context["agreements"] = (
            agreements_visible_to(request.user)
            .filter(
                status__in=[
                    s
                    for s in AgreementStatus
                    if s not in (AgreementStatus.DECLINED, AgreementStatus.CANCELLED)
                ]
            )
            .select_related("lender", "borrower", "worker")[:20]
        )
        context["workers_count"] = Worker.objects.filter(enterprise_id=enterprise_id).count()
    return render(request, "shared_workforce/home.html", context)


@login_required
@require_GET
def posts_view(request: HttpRequest) -> HttpResponse:
    """The open posts of every enterprise, both kinds, filtered by kind and skill."""
    if member_enterprise_id(request.user) is None and not is_platform_admin(request.user):
        raise PermissionDenied
    form = PostFilterForm(request.GET or None)
    kind = skill = ""
    if form.is_valid():
        kind, skill = form.cleaned_data["kind"], form.cleaned_data["skill"]
    surplus = (
        surplus_posts_visible_to(request.user).filter(status=PostStatus.OPEN).select_related("enterprise")
    )
    demand = demand_posts_visible_to(request.user).filter(status=PostStatus.OPEN).select_related("enterprise")
    if skill:
        # JSON containment is not portable between SQLite and PostgreSQL; the quoted id is.
        surplus = surplus.filter(skills__icontains=f'"{skill}"')
        demand = demand.filter(skills__icontains=f'"{skill}"')
    return render(
        request,
        "shared_workforce/posts.html",
        {
            "form": form,
            "surplus": Paginator(surplus, PAGE_SIZE).get_page(request.GET.get("page"))
            if kind != "demand"
            else None,
            "demand": Paginator(demand, PAGE_SIZE).get_page(request.GET.get("page"))
            if kind != "surplus"
            else None,
            "can_post": member_enterprise_id(request.user) is not None,
        },
    )


# --- workers -------------------------------------------------------------------------------------


@login_required
@require_GET
def worker_list_view(request: HttpRequest) -> HttpResponse:
    """The enterprise's own workers it may lend, with their personal data (the employer sees it)."""
    enterprise = _own_enterprise(request)
    workers = Worker.objects.filter(enterprise=enterprise).select_related("user").order_by("name", "pk")
    return render(request, "shared_workforce/workers.html", {"workers": workers, "enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def worker_new_view(request: HttpRequest) -> HttpResponse:
    enterprise = _own_enterprise(request)
    form = WorkerForm(request.POST or None, colleagues=colleagues_for_worker_login(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            worker = worker_create(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The worker is recorded."))
            return redirect("shared_workforce:worker", worker.pk)
    return render(request, "shared_workforce/form.html", {"form": form, "title": _("Add a worker")})


@login_required
@require_GET
def worker_detail_view(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = access_worker_for_user(request.user, worker_id)
    agreements = (
        agreements_visible_to(request.user).filter(worker=worker).select_related("lender", "borrower")
    )
    return render(
        request,
        "shared_workforce/worker.html",
        {
            "worker": worker,
            "personal": can_see_personal_data(request.user, worker),
            "agreements": agreements.order_by("-starts_on"),
        },
    )


# --- posts ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def surplus_new_view(request: HttpRequest) -> HttpResponse:
    """The lender offers staff: skills, how many, when, where, at what hourly cost, and who."""
    enterprise = _own_enterprise(request)
    form = SurplusPostForm(
        request.POST or None, workers=Worker.objects.filter(enterprise=enterprise).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = surplus_post_create(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your surplus staff post is open."))
            return redirect("shared_workforce:surplus", post.pk)
    return render(request, "shared_workforce/form.html", {"form": form, "title": _("Offer surplus staff")})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def demand_new_view(request: HttpRequest) -> HttpResponse:
    """The borrower asks for staff: skills, how many, when, where, within what hourly budget."""
    enterprise = _own_enterprise(request)
    form = DemandPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = demand_post_create(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Your staff demand post is open; see the matching workers below."))
            return redirect("shared_workforce:matches", post.pk)
    return render(request, "shared_workforce/form.html", {"form": form, "title": _("Ask for staff")})


@login_required
@require_GET
def surplus_detail_view(request: HttpRequest, surplus_id: int) -> HttpResponse:
    post = access_surplus_for_user(request.user, surplus_id)
    own = member_enterprise_id(request.user) == post.enterprise_id
    return render(
        request,
        "shared_workforce/surplus.html",
        {
            "post": post,
            "own": own,
            "workers": post.workers.order_by("pk"),
            "can_close": own and post.status == PostStatus.OPEN,
        },
    )


@login_required
@require_GET
def demand_detail_view(request: HttpRequest, demand_id: int) -> HttpResponse:
    post = access_demand_for_user(request.user, demand_id)
    own = member_enterprise_id(request.user) == post.enterprise_id
    return render(
        request,
        "shared_workforce/demand.html",
        {
            "post": post,
            "own": own,
            "can_match": can_see_matches(request.user, post),
            "can_close": own and post.status == PostStatus.OPEN,
            "agreements": post.agreements.select_related("lender", "worker") if own else None,
        },
    )


@login_required
@require_POST
def post_close_view(request: HttpRequest, kind: str, post_id: int) -> HttpResponse:
    if kind == "surplus":
        post: Any = access_surplus_for_user(request.user, post_id, write=True)
    elif kind == "demand":
        post = access_demand_for_user(request.user, post_id, write=True)
    else:
        raise Http404("no such kind of post")
    try:
        post_close(actor=request.user, post=post)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The post is closed."))
    return redirect(f"shared_workforce:{kind}", post.pk)


@login_required
@require_GET
def demand_matches_view(request: HttpRequest, demand_id: int) -> HttpResponse:
    """Workers offered by other enterprises, ranked for this demand with the engine's reasons."""
    demand = access_matches_for_user(request.user, demand_id)
    own = member_enterprise_id(request.user) == demand.enterprise_id
    return render(
        request,
        "shared_workforce/matches.html",
        {
            "post": demand,
            "rows": matches_for_demand(demand),
            "can_propose": own and demand.status == PostStatus.OPEN,
        },
    )


# --- agreements ----------------------------------------------------------------------------------


def _query_id(request: HttpRequest, name: str) -> int:
    raw = request.GET.get(name) or request.POST.get(name) or ""
    if not raw.isdigit() or len(raw) > 18:
        raise Http404(f"no {name} given")
    return int(raw)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def agreement_propose_view(request: HttpRequest, demand_id: int) -> HttpResponse:
    """The borrower proposes terms for one matched worker; the worker then confirms or declines."""
    demand = access_demand_for_user(request.user, demand_id, write=True)
    surplus = access_surplus_for_user(request.user, _query_id(request, "surplus"))
    worker = surplus.workers.filter(pk=_query_id(request, "worker")).first()
    if worker is None:
        raise Http404("the worker is not offered on this post")
    initial = ProposeForm.defaults() | {
        "starts_on": max(demand.starts_on, surplus.available_from),
        "ends_on": min(demand.ends_on, surplus.available_to),
        "hourly_pay": surplus.hourly_cost,
        "place": demand.place,
    }
    form = ProposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_propose(
                actor=request.user, demand=demand, surplus=surplus, worker=worker, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The agreement is proposed; the worker is asked to confirm it."))
            return redirect("shared_workforce:agreement", agreement.pk)
    return render(
        request,
        "shared_workforce/propose.html",
        {"form": form, "demand": demand, "surplus": surplus, "worker": worker, "quotes": basis_quotes()},
    )


@login_required
@require_GET
def agreement_list_view(request: HttpRequest) -> HttpResponse:
    agreements = agreements_visible_to(request.user).select_related("lender", "borrower", "worker")
    page = Paginator(agreements.order_by("-proposed_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(a, sees_worker_of(request.user, a)) for a in page.object_list]
    return render(request, "shared_workforce/agreements.html", {"page": page, "rows": rows, "mine": False})


@login_required
@require_GET
def my_agreements_view(request: HttpRequest) -> HttpResponse:
    """The signed-in worker's own agreements, the proposed ones first, each to confirm or decline."""
    worker = _my_worker(request)
    if worker is None:
        raise Http404("this login is not linked to a worker")
    agreements = worker.agreements.select_related("lender", "borrower", "worker").order_by("-proposed_at")
    waiting = [a for a in agreements if a.status == AgreementStatus.PROPOSED]
    others = [a for a in agreements if a.status != AgreementStatus.PROPOSED]
    return render(
        request,
        "shared_workforce/mine.html",
        {
            "worker": worker,
            "waiting": waiting,
            "others": others,
            "answer_form": AnswerForm(),
            "quotes": basis_quotes(),
        },
    )


def _agreement_page(
    request: HttpRequest,
    agreement: Agreement,
    *,
    hours_form: HoursForm | None = None,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    recording = can_record_hours(user, agreement)
    return render(
        request,
        "shared_workforce/agreement.html",
        {
            "agreement": agreement,
            "personal": sees_worker_of(user, agreement),
            "summary": hours_summary(agreement),
            "hours": agreement.hours.order_by("day"),
            "hours_form": (hours_form or HoursForm(initial={"day": timezone.localdate()}))
            if recording
            else None,
            "answer_form": (answer_form or AnswerForm()) if can_answer(user, agreement) else None,
            "can_activate": can_activate(user, agreement),
            "can_cancel": can_cancel(user, agreement),
            "can_end": can_end(user, agreement),
            "quotes": basis_quotes(),
        },
        status=status,
    )


@login_required
@require_GET
def agreement_detail_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The agreement: parties, worker, period, pay, insurance, the employment statement, hours."""
    return _agreement_page(request, access_agreement_for_user(request.user, agreement_id))


@login_required
@require_POST
@submit_once
def agreement_answer_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement_for_user(request.user, agreement_id)
    if agreement.worker.user_id != signed_in(request).pk:
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if form.is_valid():
        confirm = form.cleaned_data["decision"] == "confirm"
        try:
            agreement_answer(
                actor=request.user, agreement=agreement, confirm=confirm, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("You confirmed the agreement; your employer now puts it into force.")
                if confirm
                else _("You declined the agreement."),
            )
            return redirect("shared_workforce:agreement", agreement.pk)
    return _agreement_page(request, agreement, answer_form=form)


@login_required
@require_POST
def agreement_activate_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement_for_user(request.user, agreement_id)
    if member_enterprise_id(request.user) != agreement.lender_id:
        raise PermissionDenied
    try:
        agreement_activate(actor=request.user, agreement=agreement)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The agreement is active."))
    return redirect("shared_workforce:agreement", agreement.pk)


@login_required
@require_POST
def agreement_close_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement_for_user(request.user, agreement_id)
    if member_enterprise_id(request.user) not in (agreement.lender_id, agreement.borrower_id):
        raise PermissionDenied
    form = CloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        closed = agreement_close(actor=request.user, agreement=agreement, reason=reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The agreement is ended.")
            if closed.status == AgreementStatus.ENDED
            else _("The agreement is cancelled."),
        )
    return redirect("shared_workforce:agreement", agreement.pk)


@login_required
@require_POST
@submit_once
def hours_create_view(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """The borrower records one day's hours; the summary (hours × rate = amount due) follows."""
    agreement = access_agreement_for_user(request.user, agreement_id)
    if member_enterprise_id(request.user) != agreement.borrower_id:
        raise PermissionDenied
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            hours_record(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The hours are recorded."))
            return redirect("shared_workforce:agreement", agreement.pk)
    return _agreement_page(request, agreement, hours_form=form)
