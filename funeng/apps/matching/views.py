"""Matchmaking pages: enterprise (needs, ranked matches, proposals, deals, reviews), provider (catalogue,
inbox, proposals, trust score) and official (gaps, trust table, complaints). Every object goes through
access.py; every change through services.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engines.match import fields as match_fields
from engines.match import match_points
from engines.reference.industry import industry_name_en, industry_table
from engines.reference.regions import region_display_name
from engines.trust import TrustInputs, shipped_weights, trust_score
from funeng.apps.core.const import Role
from funeng.apps.core.identity import is_platform_admin, membership_of, role_of
from funeng.apps.core.pages import Action, action_view, confirmation_page, signed_in, submit_once
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching import services
from funeng.apps.matching.access import (
    access_complaint_for_user,
    access_deal_for_user,
    access_need_for_user,
    access_proposal_for_user,
    access_provider_trust_for_user,
    access_solution_for_user,
    can_edit_need,
    can_manage_solutions,
    can_oversee_matching,
    can_post_needs,
    can_see_need_enterprise,
    complaints_visible_to,
    deals_visible_to,
    directory_providers_for_user,
    enterprise_id_of,
    needs_visible_to,
    official_prefix_of,
    proposals_visible_to,
    provider_id_of,
)
from funeng.apps.matching.const import (
    GAP_SCORE,
    MATCHES_KEPT,
    ComplaintStatus,
    DealStatus,
    MatchEventKind,
    NeedStatus,
    ProposalStatus,
)
from funeng.apps.matching.forms import (
    CancelForm,
    ComplaintDecisionForm,
    ComplaintForm,
    DirectoryFilterForm,
    NeedForm,
    ProposalRequestForm,
    ProposalSubmitForm,
    ReviewForm,
    SolutionForm,
    apply_errors,
)
from funeng.apps.matching.models import Deal, Match, Need, Review, Solution
from funeng.apps.matching.ranking import need_ranking_state, suggest_scenarios
from funeng.apps.matching.selectors import (
    counts_by_status,
    directory_entries,
    directory_provider_ids,
    gap_rows,
    need_just_posted,
    need_matches_for_user,
    next_round_label,
    provider_trust,
    reassessment_url,
    scenario_label,
    solution_just_created,
    trust_scores,
    trust_table,
    unmatched_needs,
)
from funeng.apps.providers.access import providers_visible_to
from funeng.apps.providers.models import Provider

PAGE_SIZE = 25


def _language() -> str:
    return translation.get_language() or "zh-hans"


def _trust_formula() -> dict[str, Any]:
    """The numbers matching/_formula.html explains, read from the engine's weights file."""
    weights = shipped_weights()
    # the page's worked example, computed by the formula itself so it follows the data
    example = trust_score(TrustInputs("approved", delivered=20, complaints_upheld=1), weights)
    return {
        "formula": weights,
        "formula_note": weights.basis.note.text(_language()),
        "complaint_example": example.component("complaints").value,
    }


def _english() -> bool:
    return _language().startswith("en")


def _reasons(reasons: list[dict[str, str]]) -> list[dict[str, str]]:
    """The engine's reasons in the page language: [{text, quoted, effect}].

    The words a need shares with a solution are the enterprise's own (Chinese) words: on an English
    page they are quoted as such (`quoted`, marked lang="zh-Hans") after the English label.
    """
    english = _english()
    key = "en" if english else "zh"
    rows = []
    for reason in reasons:
        text, quoted = reason.get(key, ""), ""
        if english and reason.get("code") == "keywords" and ": " in text:
            label, quoted = text.split(": ", 1)
            text = f"{label}:"
        rows.append({"text": text, "quoted": quoted, "effect": reason.get("effect", "+")})
    return rows


def _scenarios(ids: list[str]) -> list[str]:
    return [scenario_label(i, _language()) for i in ids]


def _region(code: str) -> str:
    """A region's name in the page language (English: "Hangzhou, Zhejiang")."""
    return region_display_name(code, _language(), default=code) if code else "—"


def _industry(code: str) -> str:
    """The GB/T 4754 name of an industry class in the page language ('' when the code is unknown)."""
    industry = industry_table().by_code.get(code) if code else None
    if industry is None:
        return ""
    return (industry_name_en(code) or industry.name) if _english() else industry.name


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- entry ---------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Matchmaking's front door: each role lands on its own list."""
    if can_post_needs(request.user):
        return redirect("matching:needs")
    if can_manage_solutions(request.user):
        return redirect("matching:inbox")
    if can_oversee_matching(request.user):
        return redirect("matching:gaps")
    raise PermissionDenied


# --- needs (enterprise) --------------------------------------------------------------------------


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    """The enterprise's needs; officials their region's; operators all."""
    if not (can_post_needs(request.user) or can_oversee_matching(request.user)):
        raise PermissionDenied
    needs = (
        needs_visible_to(request.user)
        .select_related("enterprise")
        .annotate(
            proposal_count=Count("proposals", distinct=True),
            submitted_count=Count(
                "proposals", filter=Q(proposals__status=ProposalStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in NeedStatus.values:
        needs = needs.filter(status=status)
    return render(
        request,
        "matching/need_list.html",
        {
            "page": _page(request, needs),
            "status": status,
            "status_choices": NeedStatus.choices,
            "can_post": can_post_needs(request.user),
        },
    )


@login_required
@submit_once
def need_create(request: HttpRequest) -> HttpResponse:
    """Post a need; scenarios suggested as the enterprise types (htmx → need_suggest)."""
    enterprise_id = enterprise_id_of(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        earlier = need_just_posted(
            enterprise_id=enterprise.pk,
            user=signed_in(request),
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            now=timezone.now(),
        )
        if earlier is not None:
            messages.info(request, _("This need was already posted a moment ago; here it is."))
            return redirect("matching:need", earlier.pk)
        try:
            need = services.need_create(enterprise=enterprise, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your need is posted; here are the solutions that fit it best."))
            return redirect("matching:need", need.pk)
    return render(request, "matching/need_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_GET
def need_suggest(request: HttpRequest) -> HttpResponse:
    """htmx partial: the scenarios the engine's classifier reads in the text typed so far."""
    if not can_post_needs(request.user):
        raise PermissionDenied
    text = f"{request.GET.get('title', '')}。{request.GET.get('description', '')}"[:2000]
    suggestions = [
        {"id": ident, "label": scenario_label(ident, _language()), "share": round(share * 100), "cues": cues}
        for ident, share, cues in suggest_scenarios(text)
    ]
    return render(request, "matching/_suggestions.html", {"suggestions": suggestions})


def _match_rows(need: Need, matches: list[Match]) -> list[dict[str, Any]]:
    proposals = {p.solution_id: p for p in need.proposals.all()}
    scores = trust_scores({m.solution.provider_id for m in matches}) if matches else {}
    return [
        {
            "match": m,
            "solution": m.solution,
            "reasons": _reasons(m.reasons),
            "scenarios": _scenarios(m.solution.scenarios),
            "proposal": proposals.get(m.solution_id),
            "trust": scores.get(m.solution.provider_id),
        }
        for m in matches
    ]


@login_required
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    """A need with its ranked solutions and their reasons, and the proposals it received."""
    need = access_need_for_user(request.user, need_id)
    is_owner = need.enterprise_id is not None and enterprise_id_of(request.user) == need.enterprise_id
    provider_id = provider_id_of(request.user)
    # A GET never writes: stale matches are shown as such with a refresh button (a POST), and the
    # page's script reports what was shown and opened to need_events (impressions, clicks).
    matches = need_matches_for_user(request.user, need)
    proposals = list(
        need.proposals.select_related("solution", "provider").order_by("status", "-submitted_at")
    )
    if provider_id is not None:
        proposals = [p for p in proposals if p.provider_id == provider_id]
    context = {
        "need": need,
        "is_owner": is_owner,
        "show_enterprise": not is_owner and can_see_need_enterprise(request.user, need),
        "can_edit": can_edit_need(request.user, need) and need.status != NeedStatus.CLOSED,
        "ranking_state": need_ranking_state(need),
        "can_rank": can_edit_need(request.user, need) and need.status == NeedStatus.OPEN,
        "rows": _match_rows(need, matches),
        "proposals": proposals,
        "submitted": sum(1 for p in proposals if p.status == ProposalStatus.SUBMITTED),
        "scenario_labels": _scenarios(need.scenarios),
        "detected_labels": _scenarios(need.detected_scenarios[:3]),
        "region_name": _region(need.region_code),
        "industry_name": _industry(need.industry_code),
        "request_form": ProposalRequestForm(),
        "deals": list(need.deals.select_related("provider", "solution")),
    }
    return render(request, "matching/need_detail.html", context)


@login_required
@require_POST
@action_view
def need_refresh(request: HttpRequest, need_id: int) -> Action:
    """Rank the catalogue for the need again (its page offers this when the stored ranking is missing or old)."""
    need = access_need_for_user(request.user, need_id, write=True)
    return Action(
        lambda: services.need_rank(need=need, acting_user=request.user),
        success=_("Ranked again against today's catalogue."),
        redirect_to=("matching:need", need.pk),
    )


@login_required
@require_POST
def need_events(request: HttpRequest, need_id: int) -> HttpResponse:
    """Beacon of the need page (static/js/matching.js): the ranked solutions it showed, or the one opened."""
    need = access_need_for_user(request.user, need_id)
    kind = request.POST.get("kind", "")
    ids = [int(v) for v in request.POST.getlist("solution")[:MATCHES_KEPT] if v.isdigit() and len(v) < 16]
    if kind not in (MatchEventKind.IMPRESSION, MatchEventKind.CLICK) or not ids:
        return HttpResponseBadRequest()
    services.match_events_log(need=need, kind=kind, solution_ids=ids, acting_user=request.user)
    return HttpResponse(status=204)


@login_required
@require_POST
@action_view
def need_close(request: HttpRequest, need_id: int) -> Action | HttpResponse:
    need = access_need_for_user(request.user, need_id, write=True)
    confirm = confirmation_page(
        request,
        title=_("Close the need “%(title)s”?") % {"title": need.title},
        consequence=_(
            "Closing cannot be undone: providers no longer see the need, and proposals still waiting "
            "are declined. Post a new need if you want offers again."
        ),
        action=_("Confirm: close the need"),
        back_url=reverse("matching:need", args=[need.pk]),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.need_close(need=need, acting_user=request.user),
        success=_("The need is closed; providers no longer see it."),
        redirect_to=("matching:need", need.pk),
    )


@login_required
@require_POST
@submit_once
@action_view
def proposal_request(request: HttpRequest, need_id: int, solution_id: int) -> Action:
    """The enterprise asks the provider of a ranked solution for a proposal."""
    need = access_need_for_user(request.user, need_id, write=True)
    solution = access_solution_for_user(request.user, solution_id)
    form = ProposalRequestForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return Action(
        lambda: services.proposal_request(need=need, solution=solution, acting_user=request.user, note=note),
        success=_("Proposal requested from %(provider)s.") % {"provider": solution.provider.name},
        redirect_to=("matching:need", need.pk),
    )


@login_required
def need_compare(request: HttpRequest, need_id: int) -> HttpResponse:
    """Submitted proposals of a need side by side, with each provider's trust score."""
    need = access_need_for_user(request.user, need_id)
    if not (
        is_platform_admin(request.user)
        or can_edit_need(request.user, need)
        or official_prefix_of(request.user)
    ):
        raise PermissionDenied
    proposals = list(
        need.proposals.filter(status__in=(ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED))
        .select_related("solution", "provider")
        .order_by("price_cny")
    )
    scores = trust_scores({p.provider_id for p in proposals}) if proposals else {}
    ranks = dict(Match.objects.filter(need=need).values_list("solution_id", "rank"))
    columns = [
        {
            "proposal": p,
            "trust": scores.get(p.provider_id),
            "rank": ranks.get(p.solution_id),
            "scenarios": _scenarios(p.solution.scenarios),
            "over_budget": need.budget_cny_per_year is not None
            and p.price_cny is not None
            and p.price_cny > need.budget_cny_per_year,
        }
        for p in proposals
    ]
    return render(
        request,
        "matching/compare.html",
        {
            "need": need,
            "columns": columns,
            "can_accept": can_edit_need(request.user, need) and need.status == NeedStatus.OPEN,
        },
    )


# --- proposals ------------------------------------------------------------------------------------


@login_required
@submit_once
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A proposal: the provider answers it, the enterprise accepts or declines it."""
    proposal = access_proposal_for_user(request.user, proposal_id)
    is_provider = provider_id_of(request.user) == proposal.provider_id
    is_enterprise = enterprise_id_of(request.user) == proposal.enterprise_id
    waiting = proposal.status in (ProposalStatus.REQUESTED, ProposalStatus.SUBMITTED)
    form = None
    if is_provider and waiting and proposal.need.status == NeedStatus.OPEN:
        initial = {
            "price_cny": proposal.price_cny,
            "delivery_plan": proposal.delivery_plan,
            "delivery_weeks": proposal.delivery_weeks,
        }
        form = ProposalSubmitForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.proposal_submit(proposal=proposal, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Proposal sent; the enterprise can now compare and accept it."))
                return redirect("matching:proposal", proposal.pk)
    elif request.method == "POST" and is_provider:
        # The provider's own proposal, but it was decided or the need closed meanwhile: say so.
        messages.error(
            request,
            _("This proposal is %(state)s and can no longer be changed.")
            % {"state": proposal.get_status_display()}
            if not waiting
            else _("This need is %(state)s; proposals can be asked for and answered only while it is open.")
            % {"state": proposal.need.get_status_display()},
        )
        return redirect("matching:proposal", proposal.pk)
    elif request.method == "POST":
        raise PermissionDenied
    match = Match.objects.filter(need=proposal.need, solution=proposal.solution).first()
    context = {
        "proposal": proposal,
        "need": proposal.need,
        "form": form,
        "is_provider": is_provider,
        "is_enterprise": is_enterprise,
        "waiting": waiting,
        "match_reasons": _reasons(match.reasons) if match else [],
        "region_name": _region(proposal.need.region_code),
        "deal": Deal.objects.filter(proposal=proposal).first(),
    }
    return render(request, "matching/proposal_detail.html", context)


@login_required
@require_POST
@submit_once
@action_view
def proposal_accept(request: HttpRequest, proposal_id: int) -> Action | HttpResponse:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    confirm = confirmation_page(
        request,
        title=_("Make a deal with %(provider)s?") % {"provider": proposal.provider.name},
        consequence=_(
            "Accepting cannot be undone: a deal for %(price)s CNY is made with %(provider)s, the other "
            "proposals for this need are declined and the need stops seeking solutions."
        )
        % {"price": proposal.price_cny, "provider": proposal.provider.name},
        action=_("Confirm: accept and make a deal"),
        back_url=reverse("matching:proposal", args=[proposal.pk]),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.proposal_accept(proposal=proposal, acting_user=request.user),
        success=_("Deal made with %(provider)s. The other proposals were declined.")
        % {"provider": proposal.provider.name},
        redirect_to=lambda deal: (
            ("matching:deal", deal.pk) if deal else ("matching:compare", proposal.need_id)
        ),
    )


@login_required
@require_POST
@action_view
def proposal_decline(request: HttpRequest, proposal_id: int) -> Action | HttpResponse:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    confirm = confirmation_page(
        request,
        title=_("Decline the proposal of %(provider)s?") % {"provider": proposal.provider.name},
        consequence=_("Declining cannot be undone: the provider is told and cannot answer this need again."),
        action=_("Confirm: decline"),
        back_url=reverse("matching:proposal", args=[proposal.pk]),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.proposal_decline(proposal=proposal, acting_user=request.user),
        success=_("Proposal declined."),
        redirect_to=("matching:need", proposal.need_id),
    )


@login_required
@require_POST
@action_view
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> Action | HttpResponse:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    confirm = confirmation_page(
        request,
        title=_("Withdraw from “%(need)s”?") % {"need": proposal.need.title},
        consequence=_(
            "Withdrawing cannot be undone: the enterprise is told and you cannot answer this request again."
        ),
        action=_("Confirm: withdraw"),
        back_url=reverse("matching:proposal", args=[proposal.pk]),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.proposal_withdraw(proposal=proposal, acting_user=request.user),
        success=_("You withdrew from this request."),
        redirect_to=("matching:inbox",),
    )


# --- deals, reviews, complaints --------------------------------------------------------------------


@login_required
def deal_list(request: HttpRequest) -> HttpResponse:
    """Deals of the enterprise or provider; officials their region's."""
    if role_of(request.user) not in (Role.ENTERPRISE, Role.PROVIDER, Role.OFFICIAL, Role.ADMIN):
        raise PermissionDenied
    deals = (
        deals_visible_to(request.user)
        .select_related("enterprise", "provider", "solution", "review")
        .order_by("-created_at", "-id")
    )
    status = request.GET.get("status", "")
    if status in DealStatus.values:
        deals = deals.filter(status=status)
    return render(
        request,
        "matching/deal_list.html",
        {
            "page": _page(request, deals),
            "status": status,
            "status_choices": DealStatus.choices,
            "role": role_of(request.user),
        },
    )


@login_required
def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    """A deal: the enterprise marks it received, reviews it, may complain; either side may cancel."""
    deal = access_deal_for_user(request.user, deal_id)
    is_enterprise = enterprise_id_of(request.user) == deal.enterprise_id
    is_provider = provider_id_of(request.user) == deal.provider_id
    review = getattr(deal, "review", None) if hasattr(deal, "review") else None
    complaints = list(deal.complaints.order_by("-created_at"))
    context = {
        "deal": deal,
        "is_enterprise": is_enterprise,
        "is_provider": is_provider,
        "review": review,
        "complaints": complaints,
        "scenario_labels": _scenarios(deal.scenarios),
        "review_form": ReviewForm()
        if is_enterprise and deal.status == DealStatus.DELIVERED and review is None
        else None,
        "complaint_form": ComplaintForm()
        if is_enterprise and not any(c.status == ComplaintStatus.OPEN for c in complaints)
        else None,
        "cancel_form": CancelForm()
        if (is_enterprise or is_provider) and deal.status == DealStatus.ACTIVE
        else None,
        "reassess_url": reassessment_url() if is_enterprise and review is not None else None,
    }
    if context["reassess_url"]:
        context["next_round"] = next_round_label(deal.enterprise_id)
    return render(request, "matching/deal_detail.html", context)


@login_required
@require_POST
@action_view
def deal_deliver(request: HttpRequest, deal_id: int) -> Action | HttpResponse:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    confirm = confirmation_page(
        request,
        title=_("Mark the deal with %(provider)s as received?") % {"provider": deal.provider.name},
        consequence=_(
            "This cannot be undone: the deal counts as delivered in the provider's trust score and can no "
            "longer be cancelled."
        ),
        action=_("Confirm: mark as received"),
        back_url=reverse("matching:deal", args=[deal.pk]),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.deal_deliver(deal=deal, acting_user=request.user),
        success=_("Marked as received. Please review the provider: it helps other enterprises choose."),
        redirect_to=("matching:deal", deal.pk),
    )


@login_required
@require_POST
@action_view
def deal_cancel(request: HttpRequest, deal_id: int) -> Action | HttpResponse:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for cancelling the deal."))
        return redirect("matching:deal", deal.pk)
    confirm = confirmation_page(
        request,
        title=_("Cancel the deal with %(provider)s?") % {"provider": deal.provider.name},
        consequence=_(
            "Cancelling cannot be undone: both sides are told, with your reason: “%(reason)s”. It counts "
            "in the provider's completion rate."
        )
        % {"reason": form.cleaned_data["reason"]},
        action=_("Confirm: cancel the deal"),
        back_url=reverse("matching:deal", args=[deal.pk]),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.deal_cancel(deal=deal, acting_user=request.user, reason=form.cleaned_data["reason"]),
        success=_("The deal is cancelled."),
        redirect_to=("matching:deal", deal.pk),
    )


@login_required
@require_POST
@submit_once
@action_view
def review_create(request: HttpRequest, deal_id: int) -> Action | HttpResponse:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5 stars."))
        return redirect("matching:deal", deal.pk)
    # The deal page then offers the T1 re-assessment next to the review (reassess_url).
    return Action(
        lambda: services.review_create(deal=deal, acting_user=request.user, **form.cleaned_data),
        success=_("Thank you for your review."),
        redirect_to=("matching:deal", deal.pk),
    )


@login_required
@require_POST
@submit_once
@action_view
def complaint_create(request: HttpRequest, deal_id: int) -> Action | HttpResponse:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    form = ComplaintForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe what went wrong."))
        return redirect("matching:deal", deal.pk)
    return Action(
        lambda: services.complaint_create(
            deal=deal, acting_user=request.user, text=form.cleaned_data["text"]
        ),
        success=_("Your complaint was sent to the officials of your region."),
        redirect_to=("matching:deal", deal.pk),
    )


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints: officials decide those of their region; parties see their own."""
    if role_of(request.user) not in (Role.ENTERPRISE, Role.PROVIDER, Role.OFFICIAL, Role.ADMIN):
        raise PermissionDenied
    complaints = complaints_visible_to(request.user).select_related(
        "enterprise", "provider", "deal__solution"
    )
    status = request.GET.get("status", ComplaintStatus.OPEN if can_oversee_matching(request.user) else "")
    if status in ComplaintStatus.values:
        complaints = complaints.filter(status=status)
    return render(
        request,
        "matching/complaint_list.html",
        {
            "page": _page(request, complaints.order_by("-created_at", "-id")),
            "status": status,
            "status_choices": ComplaintStatus.choices,
            "can_decide": can_oversee_matching(request.user),
            "form": ComplaintDecisionForm(),
        },
    )


@login_required
@require_POST
@action_view
def complaint_decide(request: HttpRequest, complaint_id: int) -> Action | HttpResponse:
    complaint = access_complaint_for_user(request.user, complaint_id, write=True)
    form = ComplaintDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a reason."))
        return redirect("matching:complaints")
    decision = ComplaintStatus(form.cleaned_data["decision"])
    confirm = confirmation_page(
        request,
        title=_("Record “%(decision)s” on the complaint about %(provider)s?")
        % {"decision": decision.label, "provider": complaint.provider.name},
        consequence=_(
            "A decision cannot be changed: both sides are told, with your reason: “%(reason)s”. An upheld "
            "complaint lowers the provider's trust score."
        )
        % {"reason": form.cleaned_data["reason"]},
        action=_("Confirm: %(decision)s") % {"decision": decision.label},
        back_url=reverse("matching:complaints"),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.complaint_decide(complaint=complaint, acting_user=request.user, **form.cleaned_data),
        success=_("Decision recorded."),
        redirect_to=("matching:complaints",),
    )


# --- solutions (provider) --------------------------------------------------------------------------


@login_required
def solution_list(request: HttpRequest) -> HttpResponse:
    """The provider's own catalogue, all states."""
    provider_id = provider_id_of(request.user)
    if provider_id is None:
        raise PermissionDenied
    provider = Provider.objects.get(pk=provider_id)
    solutions = (
        Solution.objects.filter(provider_id=provider_id)
        .annotate(
            shown=Count("matches", distinct=True),
            requests=Count("proposals", distinct=True),
        )
        .order_by("status", "-updated_at")
    )
    return render(
        request,
        "matching/solution_list.html",
        {
            "provider": provider,
            "page": _page(request, solutions),
            "counts": counts_by_status(Solution.objects.filter(provider_id=provider_id)),
        },
    )


@login_required
@submit_once
def solution_create(request: HttpRequest) -> HttpResponse:
    provider_id = provider_id_of(request.user)
    if provider_id is None:
        raise PermissionDenied
    provider = Provider.objects.get(pk=provider_id)
    form = SolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        earlier = solution_just_created(
            provider_id=provider.pk, title=form.cleaned_data["title"], now=timezone.now()
        )
        if earlier is not None:
            messages.info(request, _("This solution was already saved a moment ago; here it is."))
            return redirect("matching:solution", earlier.pk)
        try:
            solution = services.solution_create(
                provider=provider, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved as a draft. Publish it to put it in the catalogue."))
            return redirect("matching:solution", solution.pk)
    return render(
        request, "matching/solution_form.html", {"form": form, "provider": provider, "solution": None}
    )


@login_required
def solution_edit(request: HttpRequest, solution_id: int) -> HttpResponse:
    solution = access_solution_for_user(request.user, solution_id, write=True)
    form = SolutionForm(request.POST or None, initial=SolutionForm.initial_from(solution))
    if request.method == "POST" and form.is_valid():
        try:
            services.solution_update(solution=solution, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("matching:solution", solution.pk)
    return render(
        request,
        "matching/solution_form.html",
        {"form": form, "provider": solution.provider, "solution": solution},
    )


@login_required
def solution_detail(request: HttpRequest, solution_id: int) -> HttpResponse:
    """A solution; opened from a need's ranking (?need=) it links back to the need (the click is the beacon's)."""
    solution = access_solution_for_user(request.user, solution_id)
    need_id = request.GET.get("need", "")
    need = None
    if need_id.isdigit() and len(need_id) < 16:
        need = needs_visible_to(request.user).filter(pk=int(need_id)).first()
    regions = [_region(code) for code in solution.regions]
    context = {
        "solution": solution,
        "need": need,
        "can_edit": provider_id_of(request.user) == solution.provider_id or is_platform_admin(request.user),
        "scenario_labels": _scenarios(solution.scenarios),
        "region_names": regions,
        "industry_names": [
            match_fields.industry_label_en(code) if _english() else match_fields.industry_label(code)
            for code in solution.industries
        ],
        "trust": provider_trust(solution.provider),
    }
    return render(request, "matching/solution_detail.html", context)


@login_required
@require_POST
@action_view
def solution_publish(request: HttpRequest, solution_id: int) -> Action:
    solution = access_solution_for_user(request.user, solution_id, write=True)
    return Action(
        lambda: services.solution_publish(solution=solution, acting_user=request.user),
        success=_("Published: the solution is now matched to enterprises' needs."),
        redirect_to=("matching:solution", solution.pk),
    )


@login_required
@require_POST
@action_view
def solution_withdraw(request: HttpRequest, solution_id: int) -> Action | HttpResponse:
    solution = access_solution_for_user(request.user, solution_id, write=True)
    confirm = confirmation_page(
        request,
        title=_("Withdraw “%(title)s” from the catalogue?") % {"title": solution.title},
        consequence=_(
            "The solution is no longer matched to needs until you publish it again. Running proposals and "
            "deals are not affected."
        ),
        action=_("Confirm: withdraw"),
        back_url=reverse("matching:solution", args=[solution.pk]),
    )
    if confirm is not None:
        return confirm
    return Action(
        lambda: services.solution_withdraw(solution=solution, acting_user=request.user),
        success=_(
            "Withdrawn: the solution is no longer matched. Running proposals and deals are not affected."
        ),
        redirect_to=("matching:solution", solution.pk),
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The provider's inbox: proposal requests to answer, and open needs its solutions were ranked for."""
    provider_id = provider_id_of(request.user)
    if provider_id is None:
        raise PermissionDenied
    requests = list(
        proposals_visible_to(request.user)
        .filter(status__in=(ProposalStatus.REQUESTED, ProposalStatus.SUBMITTED))
        .select_related("need", "solution", "enterprise")
        .order_by("status", "-requested_at")[:100]
    )
    matched = (
        Match.objects.filter(solution__provider_id=provider_id, need__status=NeedStatus.OPEN)
        .select_related("need", "solution")
        .order_by("-need__created_at", "rank")
    )
    page = _page(request, matched)
    rows = [
        {
            "match": m,
            "need": m.need,
            "region": _region(m.need.region_code),
            "reasons": _reasons(m.reasons)[:3],
        }
        for m in page.object_list
    ]
    return render(
        request,
        "matching/inbox.html",
        {"requests": requests, "page": page, "rows": rows, "trust_url_provider": provider_id},
    )


# --- trust and oversight -------------------------------------------------------------------------


@login_required
def provider_trust_view(request: HttpRequest, provider_id: int) -> HttpResponse:
    """One provider's trusted-provider score with every component, its sample size and the formula."""
    provider = access_provider_trust_for_user(request.user, provider_id)
    trust = provider_trust(provider)
    reviews = list(
        Review.objects.filter(provider=provider).select_related("enterprise").order_by("-created_at")[:20]
    )
    deals = counts_by_status(Deal.objects.filter(provider=provider))
    return render(
        request,
        "matching/trust.html",
        {
            "provider": provider,
            "trust": trust,
            **_trust_formula(),
            "reviews": reviews,
            "deals": deals,
            "is_own": provider_id_of(request.user) == provider.pk,
            "can_vet": can_oversee_matching(request.user),
        },
    )


def _oversight_scope(request: HttpRequest) -> tuple[Any, Any]:
    """(needs, providers) an official or operator oversees."""
    if not can_oversee_matching(request.user):
        raise PermissionDenied
    return needs_visible_to(request.user), providers_visible_to(request.user)


@login_required
def gaps(request: HttpRequest) -> HttpResponse:
    """Supply/demand gaps: open needs by scenario and region, and those with no good match."""
    needs, _providers = _oversight_scope(request)
    # Operators see the country by province; officials their own area by prefecture (no county
    # names are shipped, so a finer breakdown would show bare codes).
    region_digits = 4 if official_prefix_of(request.user) else 2
    cells = gap_rows(needs, region_digits=region_digits)
    by_scenario: dict[str, list[int]] = {}
    for cell in cells:
        total = by_scenario.setdefault(cell.scenario, [0, 0])
        total[0] += cell.open_needs
        total[1] += cell.unmatched
    # Only scenarios with unmatched needs: the chart answers "where is supply missing".
    ordered = sorted(((s, v) for s, v in by_scenario.items() if v[1]), key=lambda kv: (-kv[1][1], -kv[1][0]))
    chart = {
        "type": "hbar",
        "labels": [scenario_label(s, _language()) if s else _("Unclassified") for s, _v in ordered][::-1],
        "values": [v[1] for _s, v in ordered][::-1],
    }
    rows = [
        {
            "scenario": scenario_label(c.scenario, _language()) if c.scenario else _("Unclassified"),
            "region": _region(c.region.ljust(6, "0")) if c.region else "—",
            "open": c.open_needs,
            "unmatched": c.unmatched,
            "share": round(100 * c.unmatched / c.open_needs) if c.open_needs else 0,
        }
        for c in cells[:60]
    ]
    weak = unmatched_needs(needs).select_related("enterprise")[:30]
    totals = counts_by_status(needs)
    membership = membership_of(request.user)
    return render(
        request,
        "matching/gaps.html",
        {
            "rows": rows,
            "by_prefecture": region_digits == 4,
            "chart": chart,
            "weak": weak,
            "threshold": round(match_points(GAP_SCORE)),
            "totals": totals,
            "open_total": totals.get(NeedStatus.OPEN, 0),
            "unmatched_total": unmatched_needs(needs).count(),
            "region_name": _region(membership.region_code) if membership and membership.region_code else "",
        },
    )


@login_required
def trust_list(request: HttpRequest) -> HttpResponse:
    """Provider trust table of the official's region, with links to the vetting page (suspend)."""
    _needs, providers = _oversight_scope(request)
    table = trust_table(providers.order_by("name"))
    page = Paginator(table, 50).get_page(request.GET.get("page"))
    return render(request, "matching/trust_list.html", {"page": page, **_trust_formula()})


DIRECTORY_PAGE_SIZE = 20


@login_required
@require_GET
def provider_directory(request: HttpRequest) -> HttpResponse:
    """Approved providers with their published solutions, trust score and reviews; by scenario and province."""
    providers = directory_providers_for_user(request.user)
    form = DirectoryFilterForm(request.GET or None)
    scenario, region, text = form.value("scenario"), form.value("region"), form.value("q")
    found = directory_provider_ids(providers, scenario=scenario, province=region, text=text)
    page = Paginator(found, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [p.pk for p in page.object_list]
    trust_readable = set(providers_visible_to(request.user).filter(pk__in=shown).values_list("pk", flat=True))
    entries = [
        {
            "provider": entry.provider,
            "region": _region(entry.provider.region_code),
            "solutions": [{"solution": s, "scenarios": _scenarios(s.scenarios)} for s in entry.solutions],
            "trust": entry.trust,
            "latest_review": entry.latest_review,
            "trust_link": entry.provider.pk in trust_readable,
        }
        for entry in directory_entries(page.object_list)
    ]
    query = {key: value for key, value in (("scenario", scenario), ("region", region), ("q", text)) if value}
    return render(
        request,
        "matching/directory.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "filtered": bool(query),
            "query": urlencode(query),
        },
    )
