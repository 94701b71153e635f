"""/api/v1/workforce: shared workforce (共享用工) — skills, posts, ranked matches, agreements, hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import StringConstraints

from engines.workforce import skill_ids, skills
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import ID_MAX, NO_CONTROL, NO_NUL, IsoDate, RequestBody, problems
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_workforce.access import (
    access_agreement_for_user,
    access_demand_for_user,
    access_matches_for_user,
    access_surplus_for_user,
    agreements_visible_to,
    demand_posts_visible_to,
    member_enterprise_id,
    sees_worker_of,
    surplus_posts_visible_to,
)
from funeng.apps.shared_workforce.models import Agreement, DemandPost, HoursRecord, SurplusPost, Worker
from funeng.apps.shared_workforce.selectors import hours_summary, mask_name, matches_for_demand
from funeng.apps.shared_workforce.services import (
    agreement_answer,
    agreement_propose,
    demand_post_create,
    hours_record,
    surplus_post_create,
)

router = Router(tags=["workforce"])
SkillId = Literal[tuple(skill_ids())]  # type: ignore[valid-type]
Rate = Annotated[
    Decimal, Field(ge=0, le=10_000, max_digits=8, decimal_places=2, allow_inf_nan=False, strict=False)
]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL)]
Note = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
Region = Annotated[str, StringConstraints(pattern=r"^(\d{6})?$")]
Headcount = Annotated[int, Field(ge=1, le=500)]
ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]


class SkillOut(Schema):
    id: str
    name_zh: str
    name_en: str
    divisions: list[str]


class SurplusPostOut(Schema):
    id: int
    enterprise: str = Field(alias="enterprise.name")
    title: str
    skills: list[str]
    headcount: int
    available_from: dt.date
    available_to: dt.date
    region_code: str
    hourly_cost: Decimal
    status: str


class DemandPostOut(Schema):
    id: int
    enterprise: str = Field(alias="enterprise.name")
    title: str
    skills: list[str]
    headcount: int
    starts_on: dt.date
    ends_on: dt.date
    place: str
    region_code: str
    hourly_budget: Decimal | None
    status: str


class PostQuery(Schema):
    mine: bool = Field(False, description="Only the caller's enterprise's posts, in any state")


class SurplusPostIn(RequestBody):
    title: Title
    skills: list[SkillId] = Field(..., min_length=1, max_length=30)  # type: ignore[valid-type]
    headcount: Headcount
    available_from: IsoDate
    available_to: IsoDate
    hourly_cost: Rate
    region_code: Region = ""
    note: Note = ""
    workers: list[ObjectId] = Field(default_factory=list, max_length=500)


class DemandPostIn(RequestBody):
    title: Title
    skills: list[SkillId] = Field(..., min_length=1, max_length=30)  # type: ignore[valid-type]
    headcount: Headcount
    starts_on: IsoDate
    ends_on: IsoDate
    place: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL)]
    hourly_budget: Rate | None = None
    region_code: Region = ""
    note: Note = ""


class WorkforceMatchOut(Schema):
    surplus_post: int
    worker: int
    worker_name: str = Field(description="Masked until an agreement names the worker")
    lender: str
    score: float
    features: dict[str, float]
    reasons_zh: list[str]
    reasons_en: list[str]


class AgreementOut(Schema):
    id: int
    lender: str
    borrower: str
    worker: int
    worker_name: str
    surplus_post: int | None
    demand_post: int | None
    starts_on: dt.date
    ends_on: dt.date
    hourly_pay: Decimal
    payment_terms: str
    insurance_terms: str
    place: str
    region_code: str
    status: str


class AgreementIn(RequestBody):
    demand_post: ObjectId
    surplus_post: ObjectId
    worker: ObjectId
    starts_on: IsoDate
    ends_on: IsoDate
    hourly_pay: Rate
    payment_terms: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_NUL)]
    insurance_terms: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_NUL)]
    place: Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)] = ""


class AgreementAnswerIn(RequestBody):
    confirm: bool
    reason: Note = ""


class HoursOut(Schema):
    id: int
    day: dt.date
    hours: Decimal
    note: str


class HoursIn(RequestBody):
    day: IsoDate
    hours: Annotated[
        Decimal, Field(gt=0, le=24, max_digits=4, decimal_places=2, allow_inf_nan=False, strict=False)
    ]
    note: Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)] = ""


class HoursSummaryOut(Schema):
    days: int
    total_hours: Decimal
    hourly_pay: Decimal
    amount_due: Decimal
    records: list[HoursOut]


def _own_enterprise(request: HttpRequest) -> Enterprise:
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    return Enterprise.objects.get(pk=enterprise_id)


def _agreement_out(request: HttpRequest, agreement: Agreement) -> dict[str, Any]:
    name = agreement.worker.name
    return {
        "id": agreement.pk,
        "lender": agreement.lender.name,
        "borrower": agreement.borrower.name,
        "worker": agreement.worker_id,
        "worker_name": name if sees_worker_of(request.user, agreement) else mask_name(name),
        "surplus_post": agreement.surplus_post_id,
        "demand_post": agreement.demand_post_id,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "hourly_pay": agreement.hourly_pay,
        "payment_terms": agreement.payment_terms,
        "insurance_terms": agreement.insurance_terms,
        "place": agreement.place,
        "region_code": agreement.region_code,
        "status": agreement.status,
    }


@router.get("/skills", response=list[SkillOut], summary="List the skills", openapi_extra=problems(401))
def skills_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The skills taxonomy posts and workers use (provisional, our own list)."""
    return [{"id": s.id, "name_zh": s.zh, "name_en": s.en, "divisions": list(s.divisions)} for s in skills()]


@router.get(
    "/surplus-posts",
    response=list[SurplusPostOut],
    summary="List surplus staff posts",
    openapi_extra=problems(401, 422),
)
@paginated()
def surplus_posts_list(request: HttpRequest, query: Query[PostQuery]) -> QuerySet[SurplusPost]:
    """Open posts of every enterprise and the caller's own in any state."""
    posts = surplus_posts_visible_to(request.user).select_related("enterprise")
    if query.mine:
        posts = posts.filter(enterprise_id=member_enterprise_id(request.user) or 0)
    return posts.order_by("-created_at", "-pk")


@router.post(
    "/surplus-posts",
    response={201: SurplusPostOut},
    summary="Offer surplus staff",
    openapi_extra=problems(403, 422),
)
def surplus_post_create_endpoint(request: HttpRequest, payload: SurplusPostIn) -> Status[SurplusPost]:
    enterprise = _own_enterprise(request)
    workers = list(Worker.objects.filter(enterprise=enterprise, pk__in=payload.workers))
    if len(workers) != len(set(payload.workers)):
        raise Http404("no such worker of your enterprise")
    fields = payload.model_dump(exclude={"workers"})
    return Status(
        201, surplus_post_create(actor=request.user, enterprise=enterprise, workers=workers, **fields)
    )


@router.get(
    "/demand-posts",
    response=list[DemandPostOut],
    summary="List staff demand posts",
    openapi_extra=problems(401, 422),
)
@paginated()
def demand_posts_list(request: HttpRequest, query: Query[PostQuery]) -> QuerySet[DemandPost]:
    """Open posts of every enterprise and the caller's own in any state."""
    posts = demand_posts_visible_to(request.user).select_related("enterprise")
    if query.mine:
        posts = posts.filter(enterprise_id=member_enterprise_id(request.user) or 0)
    return posts.order_by("-created_at", "-pk")


@router.post(
    "/demand-posts", response={201: DemandPostOut}, summary="Ask for staff", openapi_extra=problems(403, 422)
)
def demand_post_create_endpoint(request: HttpRequest, payload: DemandPostIn) -> Status[DemandPost]:
    enterprise = _own_enterprise(request)
    return Status(201, demand_post_create(actor=request.user, enterprise=enterprise, **payload.model_dump()))


@router.get(
    "/demand-posts/{demand_id}/matches",
    response=list[WorkforceMatchOut],
    summary="Rank workers for a demand",
    openapi_extra=problems(401, 403, 404),
)
def demand_matches(request: HttpRequest, demand_id: Path[ObjectId]) -> list[dict[str, Any]]:
    """Workers offered on other enterprises' open posts, best first, with reasons; names masked."""
    demand = access_matches_for_user(request.user, demand_id)
    return [
        {
            "surplus_post": row.post.pk,
            "worker": row.worker.pk,
            "worker_name": mask_name(row.worker.name),
            "lender": row.post.enterprise.name,
            "score": row.match.score,
            "features": {k: float(v) for k, v in row.match.features.items()},
            "reasons_zh": row.match.reasons_zh,
            "reasons_en": row.match.reasons_en,
        }
        for row in matches_for_demand(demand)
    ]


@router.get(
    "/agreements", response=list[AgreementOut], summary="List agreements", openapi_extra=problems(401, 422)
)
@paginated()
def agreements_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Agreements of the caller's enterprise (lender or borrower) and those naming the caller as the worker."""
    agreements = agreements_visible_to(request.user).select_related("lender", "borrower", "worker")
    return [_agreement_out(request, a) for a in agreements.order_by("-proposed_at", "-pk")]


@router.post(
    "/agreements",
    response={201: AgreementOut},
    summary="Propose an agreement",
    openapi_extra=problems(403, 404, 422),
)
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Status[dict[str, Any]]:
    """The borrower proposes to borrow a worker offered on a surplus post; the worker must confirm it."""
    demand = access_demand_for_user(request.user, payload.demand_post, write=True)
    surplus = access_surplus_for_user(request.user, payload.surplus_post)
    worker = surplus.workers.filter(pk=payload.worker).first()
    if worker is None:
        raise Http404("the worker is not offered on this post")
    fields = payload.model_dump(exclude={"demand_post", "surplus_post", "worker"})
    agreement = agreement_propose(actor=request.user, demand=demand, surplus=surplus, worker=worker, **fields)
    return Status(201, _agreement_out(request, access_agreement_for_user(request.user, agreement.pk)))


@router.post(
    "/agreements/{agreement_id}/confirm",
    response=AgreementOut,
    summary="The worker confirms or declines",
    openapi_extra=problems(403, 404, 422),
)
def agreement_confirm(
    request: HttpRequest, agreement_id: Path[ObjectId], payload: AgreementAnswerIn
) -> dict[str, Any]:
    """Only the worker, with their own login, answers a proposed agreement."""
    agreement = access_agreement_for_user(request.user, agreement_id)
    agreement_answer(actor=request.user, agreement=agreement, confirm=payload.confirm, reason=payload.reason)
    return _agreement_out(request, access_agreement_for_user(request.user, agreement_id))


@router.get(
    "/agreements/{agreement_id}/hours",
    response=HoursSummaryOut,
    summary="Hours of an agreement",
    openapi_extra=problems(401, 404),
)
def hours_list(request: HttpRequest, agreement_id: Path[ObjectId]) -> dict[str, Any]:
    """Every day recorded, the total hours and the amount due to the lender (hours × rate)."""
    agreement = access_agreement_for_user(request.user, agreement_id)
    summary = hours_summary(agreement)
    return {
        "days": summary.days,
        "total_hours": summary.total_hours,
        "hourly_pay": summary.hourly_pay,
        "amount_due": summary.amount_due,
        "records": list(agreement.hours.order_by("day")),
    }


@router.post(
    "/agreements/{agreement_id}/hours",
    response={201: HoursOut},
    summary="Record a day's hours",
    openapi_extra=problems(403, 404, 422),
)
def hours_create(request: HttpRequest, agreement_id: Path[ObjectId], payload: HoursIn) -> Status[HoursRecord]:
    """The borrower records the hours worked on one day of an active agreement."""
    agreement = access_agreement_for_user(request.user, agreement_id)
    return Status(201, hours_record(actor=request.user, agreement=agreement, **payload.model_dump()))
