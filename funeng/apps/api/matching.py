"""/api/v1/matching: solutions, needs, ranked matches, proposals, deals, reviews, complaints, trust scores.

Every object goes through funeng.apps.matching.access; every change through its services (audited).
Money is a decimal string in CNY.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Annotated, Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import StringConstraints

from engines.match import match_points
from engines.trust import TrustScore
from funeng.apps.api.errors import Problem, Text, field_errors_from_django
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import (
    ID_MAX,
    INT_MAX,
    NO_CONTROL,
    EnterpriseId,
    MoneyText,
    RequestBody,
    problems,
)
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching import services
from funeng.apps.matching.access import (
    access_deal_for_user,
    access_need_for_user,
    access_proposal_for_user,
    access_provider_trust_for_user,
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
from funeng.apps.matching.models import Complaint, Deal, Match, Need, Proposal, Review, Solution
from funeng.apps.matching.selectors import need_matches_for_user, provider_trust
from funeng.apps.providers.models import Provider

router = Router(tags=["matching"])
STATE_CONFLICT = Text(
    "对象当前的状态不允许此操作（例如方案已被接受、需求已关闭）：请重新读取对象，按 errors 中的说明处理。",
    "The object's current state does not allow this (for example the proposal was already accepted or "
    "the need is closed): read the object again and see errors.",
)
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def state_conflicts_are_409(endpoint: Endpoint) -> Endpoint:
    """A service's MatchingStateConflict becomes a 409 problem (with its field errors), not a 422."""

    @wraps(endpoint)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        except services.MatchingStateConflict as error:
            raise Problem(409, STATE_CONFLICT, errors=field_errors_from_django(error)) from error

    return wrapper  # type: ignore[return-value]


ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL)]
# Free text may hold line breaks, but never NUL (PostgreSQL cannot store it).
NO_NUL = r"^[^\x00]*$"
LongText = Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")]
ProvinceCode = Annotated[str, StringConstraints(pattern=r"^\d{2}0000$")]
IndustryTarget = Annotated[str, StringConstraints(pattern=r"^([A-Ta-t]|\d{2})$")]
Price = Annotated[
    Decimal, Field(ge=0, le=MAX_PRICE, max_digits=14, decimal_places=2, allow_inf_nan=False, strict=False)
]
Employees = Annotated[int, Field(ge=0, le=INT_MAX)]
DeploymentId = Literal["saas", "private", "hybrid", "hardware_saas"]


# --- schemas ---------------------------------------------------------------------------------------


class SolutionIn(RequestBody):
    title: Title
    description: LongText = ""
    scenarios: list[Ident] = Field(default_factory=list, max_length=30)
    industries: list[IndustryTarget] = Field(default_factory=list, max_length=120)
    regions: list[ProvinceCode] = Field(default_factory=list, max_length=40)
    price_cny_per_year: Price | None = None
    deployment: DeploymentId | None = None
    min_employees: Employees | None = None
    max_employees: Employees | None = None


class SolutionPatch(RequestBody):
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
    """A provider's solution in the catalogue."""

    id: int
    external_id: str
    provider_id: int
    provider_name: str = Field(alias="provider.name")
    title: str
    description: str
    scenarios: list[str]
    industries: list[str]
    regions: list[str]
    price_cny_per_year: MoneyText | None
    deployment: str | None
    min_employees: int | None
    max_employees: int | None
    status: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_deployment(obj: Solution) -> str | None:
        return obj.deployment or None


class SolutionFilters(Schema):
    status: Literal["draft", "published", "withdrawn"] | None = None
    mine: bool = Field(False, description="Only your provider's solutions")


class NeedIn(RequestBody):
    title: Title
    description: LongText = ""
    scenarios: list[Ident] = Field(default_factory=list, max_length=30)
    budget_cny_per_year: Price | None = None


class NeedOut(Schema):
    """A need; who posted it is null for a provider it was not yet asked of."""

    id: int
    external_id: str
    enterprise_id: int | None
    title: str
    description: str
    scenarios: list[str]
    detected_scenarios: list[str]
    budget_cny_per_year: MoneyText | None
    status: str
    industry_code: str
    region_code: str
    employees: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_enterprise_id(obj: Need, context: dict[str, Any]) -> int | None:
        # A provider's list marks the needs it was asked for in one query; a single need is checked here.
        shown = getattr(obj, _ENTERPRISE_SHOWN, None)
        if shown is None:
            shown = can_see_need_enterprise(context["request"].user, obj)
        return obj.enterprise_id if shown else None


class StatusFilter(Schema):
    status: Annotated[str, StringConstraints(max_length=16, pattern=r"^[a-z_]*$")] = ""


class ReasonOut(Schema):
    code: str
    zh: str
    en: str
    effect: str


class MatchOut(Schema):
    rank: int
    score: float = Field(description="The ranker's raw score: compares solutions of one need, not a scale.")
    points: float = Field(ge=0, le=100, description="The score on the 0-100 scale the pages show.")
    solution: SolutionOut
    reasons: list[ReasonOut]

    @staticmethod
    def resolve_points(obj: Match) -> float:
        return round(match_points(obj.score), 1)


class ProposalRequestIn(RequestBody):
    solution_id: ObjectId
    note: Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)] = ""


class ProposalSubmitIn(RequestBody):
    price_cny: Price
    delivery_plan: Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=NO_NUL)]
    delivery_weeks: Annotated[int, Field(ge=1, le=260)] | None = None


class ProposalOut(Schema):
    """A proposal a provider was asked for on a need."""

    id: int
    need_id: int
    solution_id: int
    enterprise_id: int
    provider_id: int
    provider_name: str = Field(alias="provider.name")
    status: str
    request_note: str
    price_cny: MoneyText | None
    delivery_plan: str
    delivery_weeks: int | None
    requested_at: dt.datetime
    submitted_at: dt.datetime | None


class DealOut(Schema):
    id: int
    proposal_id: int
    need_id: int
    enterprise_id: int
    provider_id: int
    solution_id: int
    amount_cny: MoneyText
    status: str
    scenarios: list[str]
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class CancelIn(RequestBody):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=NO_NUL)]


class ReviewIn(RequestBody):
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


class ComplaintIn(RequestBody):
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


class TrustPart(Schema):
    id: str
    weight: float
    value: float
    sample: int
    has_data: bool
    raw: float | None


class TrustOut(Schema):
    """A provider's trusted-provider score with its parts and sample sizes."""

    provider_id: int = Field(alias="provider.pk")
    provider_name: str = Field(alias="provider.name")
    vetting_state: str = Field(alias="provider.vetting_state")
    score: float = Field(alias="trust.score")
    excluded: bool = Field(alias="trust.excluded")
    weights_version: str = Field(
        alias="trust.weights_version",
        description="Version of the trust-score weights (engines/trust/weights.yaml)",
    )
    components: list[TrustPart] = Field(alias="trust.components")


@dataclass(frozen=True)
class ProviderTrust:
    """What the trust endpoint answers: the provider and its score."""

    provider: Provider
    trust: TrustScore


# Set on the needs of a provider's list: whether the provider may see who posted each.
_ENTERPRISE_SHOWN = "enterprise_shown"


# --- solutions ---------------------------------------------------------------------------------------


@router.get(
    "/solutions", response=list[SolutionOut], summary="List solutions", openapi_extra=problems(401, 422)
)
@paginated()
def solutions_list(request: HttpRequest, filters: Query[SolutionFilters]) -> QuerySet[Solution]:
    """Published solutions (and your own provider's in any state); newest change first."""
    solutions = solutions_visible_to(request.user).select_related("provider").order_by("-updated_at", "-id")
    if filters.status:
        solutions = solutions.filter(status=filters.status)
    if filters.mine:
        solutions = solutions.filter(provider_id=provider_id_of(request.user) or 0)
    return solutions


@router.post(
    "/solutions",
    response={201: SolutionOut},
    summary="Create a draft solution",
    openapi_extra=problems(401, 403, 422),
)
def solutions_create(request: HttpRequest, payload: SolutionIn) -> Status[Solution]:
    """Your (approved) provider's new solution, as a draft; publish it to have it matched."""
    provider_id = provider_id_of(request.user)
    if provider_id is None:
        raise PermissionDenied
    provider = Provider.objects.get(pk=provider_id)
    values = payload.dict()
    values["deployment"] = values["deployment"] or ""
    return Status(201, services.solution_create(provider=provider, acting_user=request.user, **values))


@router.get(
    "/solutions/{solution_id}",
    response=SolutionOut,
    summary="Get a solution",
    openapi_extra=problems(401, 404, 422),
)
def solution_detail(request: HttpRequest, solution_id: Path[ObjectId]) -> Solution:
    return access_solution_for_user(request.user, solution_id)


@router.patch(
    "/solutions/{solution_id}",
    response=SolutionOut,
    summary="Change a solution",
    openapi_extra=problems(401, 403, 404, 422),
)
def solution_patch(request: HttpRequest, solution_id: Path[ObjectId], payload: SolutionPatch) -> Solution:
    """Only the fields sent are changed; send null for price or employee bounds to clear them."""
    solution = access_solution_for_user(request.user, solution_id, write=True)
    values = payload.dict(exclude_unset=True)
    for name in ("title", "description", "scenarios", "industries", "regions"):
        if name in values and values[name] is None:
            values.pop(name)
    if "deployment" in values:
        values["deployment"] = values["deployment"] or ""
    return services.solution_update(solution=solution, acting_user=request.user, **values)


@router.post(
    "/solutions/{solution_id}/publish",
    response=SolutionOut,
    summary="Publish a solution",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def solution_publish(request: HttpRequest, solution_id: Path[ObjectId]) -> Solution:
    solution = access_solution_for_user(request.user, solution_id, write=True)
    return services.solution_publish(solution=solution, acting_user=request.user)


@router.post(
    "/solutions/{solution_id}/withdraw",
    response=SolutionOut,
    summary="Withdraw a solution from the catalogue",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def solution_withdraw(request: HttpRequest, solution_id: Path[ObjectId]) -> Solution:
    solution = access_solution_for_user(request.user, solution_id, write=True)
    return services.solution_withdraw(solution=solution, acting_user=request.user)


# --- needs -------------------------------------------------------------------------------------------


@router.get("/needs", response=list[NeedOut], summary="List needs", openapi_extra=problems(401, 422))
@paginated()
def needs_list(request: HttpRequest, filters: Query[StatusFilter]) -> QuerySet[Need]:
    """Your enterprise's needs; officials their region's; providers those they were matched to or asked for."""
    needs = needs_visible_to(request.user).order_by("-created_at", "-id")
    if filters.status:
        needs = needs.filter(status=filters.status)
    provider_id = provider_id_of(request.user)
    if provider_id is None:
        return needs
    # Who posted a need is shown to a provider only once it was asked for a proposal on it.
    asked = Proposal.objects.filter(provider_id=provider_id, need_id=OuterRef("pk"))
    return needs.annotate(**{_ENTERPRISE_SHOWN: Exists(asked)})


@router.post("/needs", response={201: NeedOut}, summary="Post a need", openapi_extra=problems(401, 403, 422))
def needs_create(request: HttpRequest, payload: NeedIn) -> Status[Need]:
    """Your enterprise's need; the catalogue is ranked for it at once (see /needs/{id}/matches)."""
    enterprise_id = enterprise_id_of(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    return Status(
        201, services.need_create(enterprise=enterprise, acting_user=request.user, **payload.dict())
    )


@router.get("/needs/{need_id}", response=NeedOut, summary="Get a need", openapi_extra=problems(401, 404, 422))
def need_detail(request: HttpRequest, need_id: Path[ObjectId]) -> Need:
    return access_need_for_user(request.user, need_id)


@router.post(
    "/needs/{need_id}/close",
    response=NeedOut,
    summary="Close a need",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def need_close(request: HttpRequest, need_id: Path[ObjectId]) -> Need:
    need = access_need_for_user(request.user, need_id, write=True)
    return services.need_close(need=need, acting_user=request.user)


@router.get(
    "/needs/{need_id}/matches",
    response=list[MatchOut],
    summary="Ranked solutions for a need, with reasons",
    openapi_extra=problems(401, 404, 422),
)
def need_matches(request: HttpRequest, need_id: Path[ObjectId]) -> list[Match]:
    """Best first, each with the engine's reasons in Chinese and English; providers see only their own."""
    need = access_need_for_user(request.user, need_id)
    return need_matches_for_user(request.user, need)


@router.post(
    "/needs/{need_id}/proposals",
    response={201: ProposalOut},
    summary="Ask a solution's provider for a proposal",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def proposal_request(
    request: HttpRequest, need_id: Path[ObjectId], payload: ProposalRequestIn
) -> Status[Proposal]:
    need = access_need_for_user(request.user, need_id, write=True)
    solution = access_solution_for_user(request.user, payload.solution_id)
    proposal = services.proposal_request(
        need=need, solution=solution, acting_user=request.user, note=payload.note
    )
    return Status(201, proposal)


# --- proposals ----------------------------------------------------------------------------------------


@router.get(
    "/proposals", response=list[ProposalOut], summary="List proposals", openapi_extra=problems(401, 422)
)
@paginated()
def proposals_list(request: HttpRequest, filters: Query[StatusFilter]) -> QuerySet[Proposal]:
    """Proposals of your enterprise or provider (officials: their region's); newest first."""
    proposals = proposals_visible_to(request.user).select_related("provider").order_by("-requested_at", "-id")
    if filters.status:
        proposals = proposals.filter(status=filters.status)
    return proposals


@router.get(
    "/proposals/{proposal_id}",
    response=ProposalOut,
    summary="Get a proposal",
    openapi_extra=problems(401, 404, 422),
)
def proposal_detail(request: HttpRequest, proposal_id: Path[ObjectId]) -> Proposal:
    return access_proposal_for_user(request.user, proposal_id)


@router.post(
    "/proposals/{proposal_id}/submit",
    response=ProposalOut,
    summary="Answer a proposal request (provider)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def proposal_submit(request: HttpRequest, proposal_id: Path[ObjectId], payload: ProposalSubmitIn) -> Proposal:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    return services.proposal_submit(proposal=proposal, acting_user=request.user, **payload.dict())


@router.post(
    "/proposals/{proposal_id}/accept",
    response={201: DealOut},
    summary="Accept a proposal: make a deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def proposal_accept(request: HttpRequest, proposal_id: Path[ObjectId]) -> Status[Deal]:
    """The other waiting proposals of the need are declined and the need is marked as having a deal."""
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    return Status(201, services.proposal_accept(proposal=proposal, acting_user=request.user))


@router.post(
    "/proposals/{proposal_id}/decline",
    response=ProposalOut,
    summary="Decline a proposal (enterprise)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def proposal_decline(request: HttpRequest, proposal_id: Path[ObjectId]) -> Proposal:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    return services.proposal_decline(proposal=proposal, acting_user=request.user)


@router.post(
    "/proposals/{proposal_id}/withdraw",
    response=ProposalOut,
    summary="Withdraw a proposal (provider)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def proposal_withdraw(request: HttpRequest, proposal_id: Path[ObjectId]) -> Proposal:
    proposal = access_proposal_for_user(request.user, proposal_id, write=True)
    return services.proposal_withdraw(proposal=proposal, acting_user=request.user)


# --- deals, reviews, complaints -------------------------------------------------------------------------


@router.get("/deals", response=list[DealOut], summary="List deals", openapi_extra=problems(401, 422))
@paginated()
def deals_list(request: HttpRequest, filters: Query[StatusFilter]) -> QuerySet[Deal]:
    deals = deals_visible_to(request.user).order_by("-created_at", "-id")
    return deals.filter(status=filters.status) if filters.status else deals


@router.get("/deals/{deal_id}", response=DealOut, summary="Get a deal", openapi_extra=problems(401, 404, 422))
def deal_detail(request: HttpRequest, deal_id: Path[ObjectId]) -> Deal:
    return access_deal_for_user(request.user, deal_id)


@router.post(
    "/deals/{deal_id}/deliver",
    response=DealOut,
    summary="Confirm receipt of a deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def deal_deliver(request: HttpRequest, deal_id: Path[ObjectId]) -> Deal:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    return services.deal_deliver(deal=deal, acting_user=request.user)


@router.post(
    "/deals/{deal_id}/cancel",
    response=DealOut,
    summary="Cancel a deal before delivery",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def deal_cancel(request: HttpRequest, deal_id: Path[ObjectId], payload: CancelIn) -> Deal:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    return services.deal_cancel(deal=deal, acting_user=request.user, reason=payload.reason)


@router.post(
    "/deals/{deal_id}/review",
    response={201: ReviewOut},
    summary="Review a delivered deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def deal_review(request: HttpRequest, deal_id: Path[ObjectId], payload: ReviewIn) -> Status[Review]:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    review = services.review_create(
        deal=deal, acting_user=request.user, rating=payload.rating, text=payload.text
    )
    return Status(201, review)


@router.post(
    "/deals/{deal_id}/complaints",
    response={201: ComplaintOut},
    summary="Complain about a deal (enterprise)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
@state_conflicts_are_409
def deal_complain(request: HttpRequest, deal_id: Path[ObjectId], payload: ComplaintIn) -> Status[Complaint]:
    deal = access_deal_for_user(request.user, deal_id, write=True)
    return Status(201, services.complaint_create(deal=deal, acting_user=request.user, text=payload.text))


@router.get("/reviews", response=list[ReviewOut], summary="List reviews", openapi_extra=problems(401, 422))
@paginated()
def reviews_list(request: HttpRequest) -> QuerySet[Review]:
    """Reviews your enterprise wrote or your provider received (officials: their region's)."""
    return reviews_visible_to(request.user).order_by("-created_at", "-id")


@router.get(
    "/complaints", response=list[ComplaintOut], summary="List complaints", openapi_extra=problems(401, 422)
)
@paginated()
def complaints_list(request: HttpRequest, filters: Query[StatusFilter]) -> QuerySet[Complaint]:
    complaints = complaints_visible_to(request.user).order_by("-created_at", "-id")
    return complaints.filter(status=filters.status) if filters.status else complaints


@router.get(
    "/providers/{provider_id}/trust",
    response=TrustOut,
    summary="A provider's trusted-provider score with its parts and sample sizes",
    openapi_extra=problems(401, 403, 404, 422),
)
def provider_trust_endpoint(request: HttpRequest, provider_id: Path[EnterpriseId]) -> ProviderTrust:
    provider = access_provider_trust_for_user(request.user, provider_id)
    return ProviderTrust(provider, provider_trust(provider))
