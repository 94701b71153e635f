"""/api/v1/matching: solutions, needs, ranked matches, proposals, deals, reviews, complaints, trust scores.

Every object goes through funeng.apps.matching.access; every change through its services (audited).
Money is a decimal string in CNY.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import StringConstraints

from funeng.apps.api.pagination import page_of
from funeng.apps.api.schemas import ID_MAX, INT_MAX, NO_CONTROL, EnterpriseId, PageParams, problems
from funeng.apps.core.const import Role
from funeng.apps.core.identity import role_of
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching import services
from funeng.apps.matching.access import (
    access_deal_for_user,
    access_need_for_user,
    access_proposal_for_user,
    access_solution_for_user,
    can_see_need_enterprise,
    complaints_visible_to,
    deals_visible_to,
    enterprise_id_of,
    needs_visible_to,
    proposals_visible_to,
    provider_id_of,
    reviews_visible_to,
    solutions_visible_to,
)
from funeng.apps.matching.const import MAX_PRICE
from funeng.apps.matching.models import Complaint, Deal, Need, Proposal, Review, Solution
from funeng.apps.matching.ranking import matches_shown, need_matches_current
from funeng.apps.matching.selectors import provider_trust
from funeng.apps.providers.access import providers_visible_to
from funeng.apps.providers.models import Provider

router = Router(tags=["matching"])
ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL)]
# Free text may hold line breaks, but never NUL (PostgreSQL cannot store it).
NO_NUL = r"^[^\x00]*$"
LongText = Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")]
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^\d{2}0000$")]
IndustryTarget = Annotated[str, StringConstraints(pattern=r"^([A-Ta-t]|\d{2})$")]
Price = Annotated[Decimal, Field(ge=0, le=MAX_PRICE, max_digits=14, decimal_places=2, allow_inf_nan=False)]
Employees = Annotated[int, Field(ge=0, le=INT_MAX)]
DeploymentId = Literal["saas", "private", "hybrid", "hardware_saas"]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --- schemas ---------------------------------------------------------------------------------------


class SolutionIn(Schema):
    title: Title
    description: LongText = ""
    scenarios: list[Ident] = Field(default_factory=list, max_length=30)
    industries: list[IndustryTarget] = Field(default_factory=list, max_length=120)
    regions: list[ProvinceCode] = Field(default_factory=list, max_length=40)
    price_cny_per_year: Price | None = None
    deployment: DeploymentId | None = None
    min_employees: Employees | None = None
    max_employees: Employees | None = None


class SolutionPatch(Schema):
    title: Title | None = None
    description: LongText | None = None
    scenarios: list[Ident] | None = Field(None, max_length=30)
    industries: list[IndustryTarget] | None = Field(None, max_length=120)
    regions: list[ProvinceCode] | None = Field(None, max_length=40)
    price_cny_per_year: Price | None = None
    deployment: DeploymentId | None = None
    min_employees: Employees | None = None
    max_employees: Employees | None = None


class SolutionOut(Schema):
    id: int
    external_id: str
    provider_id: int
    provider_name: str
    title: str
    description: str
    scenarios: list[str]
    industries: list[str]
    regions: list[str]
    price_cny_per_year: str | None
    deployment: str | None
    min_employees: int | None
    max_employees: int | None
    status: str
    updated_at: dt.datetime


class SolutionPage(Schema):
    items: list[SolutionOut]
    count: int
    limit: int
    offset: int


class SolutionFilters(Schema):
    status: Literal["draft", "published", "withdrawn"] | None = None
    mine: bool = Field(False, description="Only your provider's solutions")


class NeedIn(Schema):
    title: Title
    description: LongText = ""
    scenarios: list[Ident] = Field(default_factory=list, max_length=30)
    budget_cny_per_year: Price | None = None


class NeedOut(Schema):
    id: int
    external_id: str
    enterprise_id: int | None
    title: str
    description: str
    scenarios: list[str]
    detected_scenarios: list[str]
    budget_cny_per_year: str | None
    status: str
    industry_code: str
    region_code: str
    employees: int | None
    created_at: dt.datetime


class NeedPage(Schema):
    items: list[NeedOut]
    count: int
    limit: int
    offset: int


class StatusFilter(Schema):
    status: Annotated[str, StringConstraints(max_length=16, pattern=r"^[a-z_]*$")] = ""


class ReasonOut(Schema):
    code: str
    zh: str
    en: str
    effect: str


class MatchOut(Schema):
    rank: int
    score: float
    solution: SolutionOut
    reasons: list[ReasonOut]


class ProposalRequestIn(Schema):
    solution_id: ObjectId
    note: Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)] = ""


class ProposalSubmitIn(Schema):
    price_cny: Price
    delivery_plan: Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=NO_NUL)]
    delivery_weeks: Annotated[int, Field(ge=1, le=260)] | None = None


class ProposalOut(Schema):
    id: int
    need_id: int
    solution_id: int
    enterprise_id: int
    provider_id: int
    provider_name: str
    status: str
    request_note: str
    price_cny: str | None
    delivery_plan: str
    delivery_weeks: int | None
    requested_at: dt.datetime
    submitted_at: dt.datetime | None


class ProposalPage(Schema):
    items: list[ProposalOut]
    count: int
    limit: int
    offset: int


class DealOut(Schema):
    id: int
    proposal_id: int
    need_id: int
    enterprise_id: int
    provider_id: int
    solution_id: int
    amount_cny: str
    status: str
    scenarios: list[str]
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class DealPage(Schema):
    items: list[DealOut]
    count: int
    limit: int
    offset: int


class CancelIn(Schema):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=NO_NUL)]


class ReviewIn(Schema):
    rating: Annotated[int, Field(ge=1, le=5)]
    text: LongText = ""


class ReviewOut(Schema):
    id: int
    deal_id: int
    provider_id: int
    enterprise_id: int
    rating: int
    text: str
    created_at: dt.datetime


class ReviewPage(Schema):
    items: list[ReviewOut]
    count: int
    limit: int
    offset: int


class ComplaintIn(Schema):
    text: Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=NO_NUL)]


class ComplaintOut(Schema):
    id: int
    deal_id: int
    provider_id: int
    enterprise_id: int
    text: str
    status: str
    resolution: str
    created_at: dt.datetime


class ComplaintPage(Schema):
    items: list[ComplaintOut]
    count: int
    limit: int
    offset: int


class TrustPart(Schema):
    id: str
    weight: float
    value: float
    sample: int
    has_data: bool
    raw: float | None


class TrustOut(Schema):
    provider_id: int
    provider_name: str
    vetting_state: str
    score: float
    excluded: bool
    weights_version: str = Field(
        description="Version of the trust-score weights (engines/trust/weights.yaml)"
    )
    components: list[TrustPart]


# --- converters ------------------------------------------------------------------------------------


def solution_out(solution: Solution) -> dict[str, Any]:
    return {
        "id": solution.pk,
        "external_id": solution.external_id,
        "provider_id": solution.provider_id,
        "provider_name": solution.provider.name,
        "title": solution.title,
        "description": solution.description,
        "scenarios": list(solution.scenarios),
        "industries": list(solution.industries),
        "regions": list(solution.regions),
        "price_cny_per_year": _money(solution.price_cny_per_year),
        "deployment": solution.deployment or None,
        "min_employees": solution.min_employees,
        "max_employees": solution.max_employees,
        "status": solution.status,
        "updated_at": solution.updated_at,
    }


def need_out(need: Need, *, show_enterprise: bool = True) -> dict[str, Any]:
    """A need; `show_enterprise=False` leaves out who posted it (a provider not yet asked)."""
    return {
        "id": need.pk,
        "external_id": need.external_id,
        "enterprise_id": need.enterprise_id if show_enterprise else None,
        "title": need.title,
        "description": need.description,
        "scenarios": list(need.scenarios),
        "detected_scenarios": list(need.detected_scenarios),
        "budget_cny_per_year": _money(need.budget_cny_per_year),
        "status": need.status,
        "industry_code": need.industry_code,
        "region_code": need.region_code,
        "employees": need.employees,
        "created_at": need.created_at,
    }


def proposal_out(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "need_id": proposal.need_id,
        "solution_id": proposal.solution_id,
        "enterprise_id": proposal.enterprise_id,
        "provider_id": proposal.provider_id,
        "provider_name": proposal.provider.name,
        "status": proposal.status,
        "request_note": proposal.request_note,
        "price_cny": _money(proposal.price_cny),
        "delivery_plan": proposal.delivery_plan,
        "delivery_weeks": proposal.delivery_weeks,
        "requested_at": proposal.requested_at,
        "submitted_at": proposal.submitted_at,
    }


def deal_out(deal: Deal) -> dict[str, Any]:
    return {
        "id": deal.pk,
        "proposal_id": deal.proposal_id,
        "need_id": deal.need_id,
        "enterprise_id": deal.enterprise_id,
        "provider_id": deal.provider_id,
        "solution_id": deal.solution_id,
        "amount_cny": _money(deal.amount_cny),
        "status": deal.status,
        "scenarios": list(deal.scenarios),
        "created_at": deal.created_at,
        "delivered_at": deal.delivered_at,
        "cancelled_at": deal.cancelled_at,
    }


def review_out(review: Review) -> dict[str, Any]:
    return {
        "id": review.pk,
        "deal_id": review.deal_id,
        "provider_id": review.provider_id,
        "enterprise_id": review.enterprise_id,
        "rating": review.rating,
        "text": review.text,
        "created_at": review.created_at,
    }


def complaint_out(complaint: Complaint) -> dict[str, Any]:
    return {
        "id": complaint.pk,
        "deal_id": complaint.deal_id,
        "provider_id": complaint.provider_id,
        "enterprise_id": complaint.enterprise_id,
        "text": complaint.text,
        "status": complaint.status,
        "resolution": complaint.resolution,
        "created_at": complaint.created_at,
    }


# --- solutions ---------------------------------------------------------------------------------------


@router.get("/solutions", response=SolutionPage, summary="List solutions", openapi_extra=problems(401, 422))
def solutions_list(
    request: HttpRequest, filters: Query[SolutionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Published solutions (and your own provider's in any state); newest change first."""
    solutions = solutions_visible_to(request.user).select_related("provider").order_by("-updated_at", "-id")
    if filters.status:
        solutions = solutions.filter(status=filters.status)
    if filters.mine:
        solutions = solutions.filter(provider_id=provider_id_of(request.user) or 0)
    return page_of(solutions, page, solution_out)


@router.post(
    "/solutions",
    response={201: SolutionOut},
    summary="Create a draft solution",
    openapi_extra=problems(401, 403, 422),
)
def solutions_create(request: HttpRequest, payload: SolutionIn) -> Status[dict[str, Any]]:
    """Your (approved) provider's new solution, as a draft; publish it to have it matched."""
    provider_id = provider_id_of(request.user)
    if provider_id is None:
        raise PermissionDenied
    provider = Provider.objects.get(pk=provider_id)
    values = payload.dict()
    values["deployment"] = values["deployment"] or ""
    with translation.override("en"):
        solution = services.solution_create(provider=provider, acting_user=request.user, **values)
    return Status(201, solution_out(solution))


@router.get(
    "/solutions/{solution_id}",
    response=SolutionOut,
    summary="Get a solution",
    openapi_extra=problems(401, 404, 422),
)
def solution_detail(request: HttpRequest, solution_id: Path[ObjectId]) -> dict[str, Any]:
    return solution_out(access_solution_for_user(request.user, solution_id))


@router.patch(
    "/solutions/{solution_id}",
    response=SolutionOut,
    summary="Change a solution",
    openapi_extra=problems(401, 403, 404, 422),
)
def solution_patch(
    request: HttpRequest, solution_id: Path[ObjectId], payload: SolutionPatch
) -> dict[str, Any]:
    """Only the fields sent are changed; send null for price or employee bounds to clear them."""
    solution = access_solution_for_user(request.user, solution_id, write=True)
    values = payload.dict(exclude_unset=True)
    for name in ("title", "description", "scenarios", "industries", "regions"):
        if name in values and values[name] is None:
            values.pop(name)
    if "deployment" in values:
        values["deployment"] = values["deployment"] or ""
    with translation.override("en"):
        solution = services.solution_update(solution=solution, acting_user=request.user, **values)
    return solution_out(solution)


@router.post(
    "/solutions/{solution_id}/publish",
    response=SolutionOut,
    summary="Publish a solution",
    openapi_extra=problems(401, 403, 404, 422),
)
def solution_publish(request: HttpRequest, solution_id: Path[ObjectId]) -> dict[str, Any]:
    solution = access_solution_for_user(request.user, solution_id, write=True)
    with translation.override("en"):
        return solution_out(services.solution_publish(solution=solution, acting_user=request.user))


@router.post(
    "/solutions/{solution_id}/withdraw",
    response=SolutionOut,
    summary="Withdraw a solution from the catalogue",
    openapi_extra=problems(401, 403, 404, 422),
)
def solution_withdraw(request: HttpRequest, solution_id: Path[ObjectId]) -> dict[str, Any]:
    solution = access_solution_for_user(request.user, solution_id, write=True)
    with translation.override("en"):
        return solution_out(services.solution_withdraw(solution=solution, acting_user=request.user))


# --- needs -------------------------------------------------------------------------------------------


@router.get("/needs", response=NeedPage, summary="List needs", openapi_extra=problems(401, 422))
def needs_list(request: HttpRequest, filters: Query[StatusFilter], page: Query[PageParams]) -> dict[str, Any]:
    """Your enterprise's needs; officials their region's; providers those they were matched to or asked for."""
    needs = needs_visible_to(request.user).order_by("-created_at", "-id")
    if filters.status:
        needs = needs.filter(status=filters.status)
    provider_id = provider_id_of(request.user)
    if provider_id is None:
        return page_of(needs, page, need_out)
    # Who posted a need is shown to a provider only once it was asked for a proposal on it.
    asked = set(Proposal.objects.filter(provider_id=provider_id).values_list("need_id", flat=True))
    return page_of(needs, page, lambda need: need_out(need, show_enterprise=need.pk in asked))


@router.post("/needs", response={201: NeedOut}, summary="Post a need", openapi_extra=problems(401, 403, 422))
def needs_create(request: HttpRequest, payload: NeedIn) -> Status[dict[str, Any]]:
    """Your enterprise's need; the catalogue is ranked for it at once (see /needs/{id}/matches)."""
    enterprise_id = enterprise_id_of(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    with translation.override("en"):
        need = services.need_create(enterprise=enterprise, acting_user=request.user, **payload.dict())
    return Status(201, need_out(need))


@router.get("/needs/{need_id}", response=NeedOut, summary="Get a need", openapi_extra=problems(401, 404, 422))
def need_detail(request: HttpRequest, need_id: Path[ObjectId]) -> dict[str, Any]:
    need = access_need_for_user(request.user, need_id)
    return need_out(need, show_enterprise=can_see_need_enterprise(request.user, need))


@router.post(
    "/needs/{need_id}/close",
    response=NeedOut,
    summary="Close a need",
    openapi_extra=problems(401, 403, 404, 422),
)
def need_close(request: HttpRequest, need_id: Path[ObjectId]) -> dict[str, Any]:
    need = access_need_for_user(request.user, need_id, write=True)
    with translation.override("en"):
        return need_out(services.need_close(need=need, acting_user=request.user))


@router.get(
    "/needs/{need_id}/matches",
    response=list[MatchOut],
    summary="Ranked solutions for a need, with reasons",
    openapi_extra=problems(401, 404, 422),
)
def need_matches(request: HttpRequest, need_id: Path[ObjectId]) -> list[dict[str, Any]]:
    """Best first, each with the engine's reasons in Chinese and English; providers see only their own."""
    need = access_need_for_user(request.user, need_id)
    is_owner = need.enterprise_id is not None and enterprise_id_of(request.user) == need.enterprise_id
    if is_owner:
        need_matches_current(need)
    matches = matches_shown(need, request.user, log=is_owner)
    provider_id = provider_id_of(request.user)
    if provider_id is not None:
        matches = [m for m in matches if m.solution.provider_id == provider_id]
    return [
        {"rank": m.rank, "score": m.score, "solution": solution_out(m.solution), "reasons": m.reasons}
        for m in matches
    ]


@router.post(
    "/needs/{need_id}/proposals",
    response={201: ProposalOut},
    summary="Ask a solution's provider for a proposal",
    openapi_extra=problems(401, 403, 404, 422),
)
def proposal_request(
    request: HttpRequest, need_id: Path[ObjectId], payload: ProposalRequestIn
) -> Status[dict[str, Any]]:
    need = access_need_for_user(request.user, need_id, write=True)
    solution = access_solution_for_user(request.user, payload.solution_id)
    with translation.override("en"):
        proposal = services.proposal_request(
            need=need, solution=solution, acting_user=request.user, note=payload.note
        )
    return Status(201, proposal_out(proposal))


# --- proposals ----------------------------------------------------------------------------------------


@router.get("/proposals", response=ProposalPage, summary="List proposals", openapi_extra=problems(401, 422))
def proposals_list(
    request: HttpRequest, filters: Query[StatusFilter], page: Query[PageParams]
) -> dict[str, Any]:
    """Proposals of your enterprise or provider (officials: their region's); newest first."""
    proposals = proposals_visible_to(request.user).select_related("provider").order_by("-requested_at", "-id")
    if filters.status:
        proposals = proposals.filter(status=filters.status)
    return page_of(proposals, page, proposal_out)


@router.get(
    "/proposals/{proposal_id}",
    response=ProposalOut,
    summary="Get a proposal",
    openapi_extra=problems(401, 404, 422),
)
def proposal_detail(request: HttpRequest, proposal_id: Path[ObjectId]) -> dict[str, Any]:
    return proposal_out(access_proposal_for_user(request.user, proposal_id))


@router.post(
    "/proposals/{proposal_id}/submit",
    response=ProposalOut,
    summary="Answer a proposal request (provider)",
    openapi_extra=problems(401, 403, 404, 422),
)
def proposal_submit(
    request: HttpRequest, proposal_id: Path[ObjectId], payload: ProposalSubmitIn
) -> dict[str, Any]:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    with translation.override("en"):
        proposal = services.proposal_submit(proposal=proposal, acting_user=request.user, **payload.dict())
    return proposal_out(proposal)


@router.post(
    "/proposals/{proposal_id}/accept",
    response={201: DealOut},
    summary="Accept a proposal: make a deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 422),
)
def proposal_accept(request: HttpRequest, proposal_id: Path[ObjectId]) -> Status[dict[str, Any]]:
    """The other waiting proposals of the need are declined and the need is marked as having a deal."""
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    with translation.override("en"):
        deal = services.proposal_accept(proposal=proposal, acting_user=request.user)
    return Status(201, deal_out(deal))


@router.post(
    "/proposals/{proposal_id}/decline",
    response=ProposalOut,
    summary="Decline a proposal (enterprise)",
    openapi_extra=problems(401, 403, 404, 422),
)
def proposal_decline(request: HttpRequest, proposal_id: Path[ObjectId]) -> dict[str, Any]:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    with translation.override("en"):
        return proposal_out(services.proposal_decline(proposal=proposal, acting_user=request.user))


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response=ProposalOut,
    summary="Withdraw a proposal (provider)",
    openapi_extra=problems(401, 403, 404, 422),
)
def proposal_withdraw(request: HttpRequest, proposal_id: Path[ObjectId]) -> dict[str, Any]:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    with translation.override("en"):
        return proposal_out(services.proposal_withdraw(proposal=proposal, acting_user=request.user))


# --- deals, reviews, complaints -------------------------------------------------------------------------


@router.get("/deals", response=DealPage, summary="List deals", openapi_extra=problems(401, 422))
def deals_list(request: HttpRequest, filters: Query[StatusFilter], page: Query[PageParams]) -> dict[str, Any]:
    deals = deals_visible_to(request.user).order_by("-created_at", "-id")
    if filters.status:
        deals = deals.filter(status=filters.status)
    return page_of(deals, page, deal_out)


@router.get("/deals/{deal_id}", response=DealOut, summary="Get a deal", openapi_extra=problems(401, 404, 422))
def deal_detail(request: HttpRequest, deal_id: Path[ObjectId]) -> dict[str, Any]:
    return deal_out(access_deal_for_user(request.user, deal_id))


@router.post(
    "/deals/{deal_id}/deliver",
    response=DealOut,
    summary="Confirm receipt of a deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 422),
)
def deal_deliver(request: HttpRequest, deal_id: Path[ObjectId]) -> dict[str, Any]:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    with translation.override("en"):
        return deal_out(services.deal_deliver(deal=deal, acting_user=request.user))


@router.post(
    "/deals/{deal_id}/cancel",
    response=DealOut,
    summary="Cancel a deal before delivery",
    openapi_extra=problems(401, 403, 404, 422),
)
def deal_cancel(request: HttpRequest, deal_id: Path[ObjectId], payload: CancelIn) -> dict[str, Any]:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    with translation.override("en"):
        return deal_out(services.deal_cancel(deal=deal, acting_user=request.user, reason=payload.reason))


@router.post(
    "/deals/{deal_id}/review",
    response={201: ReviewOut},
    summary="Review a delivered deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 422),
)
def deal_review(request: HttpRequest, deal_id: Path[ObjectId], payload: ReviewIn) -> Status[dict[str, Any]]:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    with translation.override("en"):
        review = services.review_create(
            deal=deal, acting_user=request.user, rating=payload.rating, text=payload.text
        )
    return Status(201, review_out(review))


@router.post(
    "/deals/{deal_id}/complaints",
    response={201: ComplaintOut},
    summary="Complain about a deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 422),
)
def deal_complain(
    request: HttpRequest, deal_id: Path[ObjectId], payload: ComplaintIn
) -> Status[dict[str, Any]]:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    with translation.override("en"):
        complaint = services.complaint_create(deal=deal, acting_user=request.user, text=payload.text)
    return Status(201, complaint_out(complaint))


@router.get("/reviews", response=ReviewPage, summary="List reviews", openapi_extra=problems(401, 422))
def reviews_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Reviews your enterprise wrote or your provider received (officials: their region's)."""
    return page_of(reviews_visible_to(request.user).order_by("-created_at", "-id"), page, review_out)


@router.get(
    "/complaints", response=ComplaintPage, summary="List complaints", openapi_extra=problems(401, 422)
)
def complaints_list(
    request: HttpRequest, filters: Query[StatusFilter], page: Query[PageParams]
) -> dict[str, Any]:
    complaints = complaints_visible_to(request.user).order_by("-created_at", "-id")
    if filters.status:
        complaints = complaints.filter(status=filters.status)
    return page_of(complaints, page, complaint_out)


@router.get(
    "/providers/{provider_id}/trust",
    response=TrustOut,
    summary="A provider's trusted-provider score with its parts and sample sizes",
    openapi_extra=problems(401, 403, 404, 422),
)
def provider_trust_endpoint(request: HttpRequest, provider_id: Path[EnterpriseId]) -> dict[str, Any]:
    provider = providers_visible_to(request.user).filter(pk=provider_id).first()
    if provider is None:
        raise Http404
    if role_of(request.user) == Role.BANK:
        raise PermissionDenied
    trust = provider_trust(provider)
    return {
        "provider_id": provider.pk,
        "provider_name": provider.name,
        "vetting_state": provider.vetting_state,
        "score": trust.score,
        "excluded": trust.excluded,
        "weights_version": trust.weights_version,
        "components": [
            {
                "id": c.id,
                "weight": c.weight,
                "value": c.value,
                "sample": c.sample,
                "has_data": c.has_data,
                "raw": c.raw,
            }
            for c in trust.components
        ],
    }
