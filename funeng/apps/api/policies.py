"""/api/v1/policies: programmes with clauses, one enterprise's evaluations, 免申即享 runs, review, notices."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from engines.rules.loader import get_programme, load_programme_versions
from engines.rules.model import Group, Node, Programme
from funeng.apps.api.errors import INVALID_REQUEST, FieldError, Problem
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import NO_NUL, EnterpriseId, IsoDate, MoneyText, RequestBody, problems
from funeng.apps.policies.access import (
    access_enterprise_policies_for_user,
    access_policy_notice_for_user,
    access_policy_result_for_user,
    access_policy_run_for_user,
    can_run_policies,
    policy_notices_visible_to,
    policy_runs_visible_to,
)
from funeng.apps.policies.models import PolicyNotice, PolicyResult, PolicyRun, ReviewDecision
from funeng.apps.policies.selectors import enterprise_evaluations, programmes_in_force, run_results
from funeng.apps.policies.services import (
    latest_evaluation_date,
    policy_notice_mark_read,
    policy_notices_send,
    policy_run_create,
    review_decide,
)

router = Router(tags=["policies"])
ObjectId = EnterpriseId  # the same BigAutoField bounds
ProgrammeId = Field(..., min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
TrackName = Literal["eligible", "review", "alternative", "missing", "not_eligible"]


class ProgrammeOut(Schema):
    """A policy programme in the rule version in force on the date asked."""

    id: str
    name: str
    name_en: str
    issuing_body: str
    issuing_body_en: str
    region_code: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    source_document: str
    fields: list[str]


class ProgrammeDetail(ProgrammeOut):
    notes: list[str]
    notes_en: list[str]
    conditions: dict[str, Any]


class AsOf(Schema):
    as_of: IsoDate | None = Field(
        None, description="Evaluate with the rule version and thresholds in force on this date"
    )


class EvaluationOut(Schema):
    programme: str
    version: str
    as_of: dt.date
    outcome: str
    track: str
    applies_to_region: bool
    undetermined_because: list[Literal["missing_data", "qualitative_alternative", "discretionary"]]
    failing: list[dict[str, Any]]
    unknown: list[dict[str, Any]]
    review: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    benefit: dict[str, Any] | None = Field(
        description="The programme's amount for this enterprise (amount_cny, explanation, provisional); "
        "null when the programme pays none"
    )
    review_decision: str | None


class RunIn(RequestBody):
    programme: str = ProgrammeId
    as_of: IsoDate | None = None


class RunOut(Schema):
    id: int
    programme: str = Field(alias="programme_id")
    version: str = Field(alias="programme_version")
    as_of: dt.date
    region_code: str
    created_at: dt.datetime
    enterprises: int
    eligible: int
    review: int
    alternative: int
    missing: int
    not_eligible: int
    duration_ms: int
    benefit_eligible_cny: MoneyText | None = Field(
        description="Total amount eligible enterprises receive without applying; null without a benefit"
    )
    benefit_review_cny: MoneyText | None = Field(
        description="Total amount those eligible subject to review would receive once confirmed"
    )


class PolicyResultOut(Schema):
    """One enterprise's result in a stored run: outcome, track and the ids of the conditions behind it."""

    id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    credit_code: str = Field(alias="enterprise.credit_code")
    outcome: str
    track: str
    failing: list[str]
    unknown: list[str]
    review: list[str]
    benefit_cny: MoneyText | None = Field(description="What this enterprise would receive when eligible")


class ResultFilters(Schema):
    track: TrackName | None = None


class NotifyIn(RequestBody):
    tracks: list[Literal["eligible", "review", "alternative", "missing"]] = Field(
        ..., min_length=1, max_length=4
    )


class NotifyOut(Schema):
    sent: int


class DecisionIn(RequestBody):
    decision: Literal["approved", "rejected"]
    reason: str = Field(..., min_length=1, max_length=2000, pattern=NO_NUL)


class DecisionOut(Schema):
    id: int
    result_id: int
    enterprise_id: int
    programme: str = Field(alias="programme_id")
    version: str = Field(alias="programme_version")
    decision: str
    reason: str
    decided_at: dt.datetime


class NoticeOut(Schema):
    id: int
    enterprise_id: int
    programme: str = Field(alias="programme_id")
    kind: str
    message: str
    message_en: str
    sent_at: dt.datetime
    read_at: dt.datetime | None


def _node(node: Node, as_of: dt.date) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": node.id,
        "text": node.text,
        "text_en": node.text_en,
        "citation": node.citation.as_dict(),
    }
    if node.reading is not None:
        reading = node.reading
        base["reading"] = {
            "chosen": reading.chosen,
            "alternative": reading.alternative,
            "chosen_en": reading.chosen_en,
            "alternative_en": reading.alternative_en,
        }
    if isinstance(node, Group):
        return base | {
            "kind": node.kind,
            "n": node.n or None,
            "children": [_node(child, as_of) for child in node.children],
        }
    return base | {
        "op": node.op,
        "fields": list(node.fields),
        "threshold": str(node.threshold_on(as_of)) if node.threshold else None,
        "values": list(node.values) or None,
    }


def _not_in_force(programme_id: str, as_of: dt.date) -> Problem:
    # People read this message: it names the programme, the request already holds its id.
    versions = load_programme_versions().get(programme_id)
    name_zh = versions[-1].name if versions else programme_id
    name_en = (versions[-1].name_en or name_zh) if versions else programme_id
    return Problem(
        422,
        INVALID_REQUEST,
        errors=[
            FieldError(
                "as_of",
                f"「{name_zh}」在 {as_of.isoformat()} 没有生效的版本：请选择其规则覆盖的日期",
                f"“{name_en}” has no version in force on {as_of.isoformat()}: choose a date its rules cover",
            )
        ],
    )


@router.get(
    "/programmes",
    response=list[ProgrammeOut],
    summary="List programmes in force",
    openapi_extra=problems(401, 422),
)
def programmes_list(request: HttpRequest, query: Query[AsOf]) -> list[Programme]:
    """The version of every programme in force on `as_of` (default today)."""
    return programmes_in_force(query.as_of or timezone.localdate())


@router.get(
    "/programmes/{programme_id}",
    response=ProgrammeDetail,
    summary="Get a programme with its condition tree and citations",
    openapi_extra=problems(401, 404, 422),
)
def programme_detail(request: HttpRequest, programme_id: Path[str], query: Query[AsOf]) -> dict[str, Any]:
    """Every condition with its clause, quoted text, reading and the threshold in force on `as_of`."""
    as_of = query.as_of or timezone.localdate()
    try:
        programme = get_programme(programme_id, as_of)
    except KeyError:
        raise Http404("no such programme") from None
    # The thresholds shown are those in force on `as_of`, which the programme itself does not know.
    return ProgrammeOut.model_validate(programme).model_dump() | {
        "notes": list(programme.notes),
        "notes_en": list(programme.notes_en),
        "conditions": _node(programme.conditions, as_of),
    }


@router.get(
    "/enterprises/{enterprise_id}/evaluations",
    response=list[EvaluationOut],
    summary="Evaluate every programme for one enterprise",
    openapi_extra=problems(401, 403, 404, 422),
)
def enterprise_evaluations_endpoint(
    request: HttpRequest, enterprise_id: Path[EnterpriseId], query: Query[AsOf]
) -> list[dict[str, Any]]:
    """Outcome, track, failing conditions, missing data, clauses for review and gaps, per programme."""
    enterprise = access_enterprise_policies_for_user(request.user, enterprise_id)
    as_of = query.as_of or timezone.localdate()
    out = []
    for item in enterprise_evaluations(enterprise, as_of):
        data = item.evaluation.as_dict()
        data.pop("as_of")
        out.append(
            data
            | {
                "as_of": as_of,
                "track": item.track.value,
                "applies_to_region": item.applies,
                "review_decision": item.decision.decision if item.decision else None,
            }
        )
    return out


@router.get("/runs", response=list[RunOut], summary="List stored runs", openapi_extra=problems(401, 422))
@paginated()
def runs_list(request: HttpRequest) -> QuerySet[PolicyRun]:
    """Runs over your region (officials) or all (operators); newest first."""
    return policy_runs_visible_to(request.user)


@router.post(
    "/runs",
    response={201: RunOut},
    summary="Evaluate a programme over your region (who qualifies)",
    openapi_extra=problems(401, 403, 422),
)
def runs_create(request: HttpRequest, payload: RunIn) -> Status[PolicyRun]:
    """One batch pass over every enterprise of your region; the results are stored with the rule version."""
    if not can_run_policies(request.user):
        raise PermissionDenied
    as_of = payload.as_of or timezone.localdate()
    try:
        get_programme(payload.programme, as_of)
    except KeyError:
        raise _not_in_force(payload.programme, as_of) from None
    latest = latest_evaluation_date(payload.programme, timezone.localdate())
    if as_of > latest:
        raise Problem(
            422,
            INVALID_REQUEST,
            errors=[
                FieldError(
                    "as_of",
                    f"评估日期最晚为 {latest.isoformat()}：企业数据是当前的，之后的规则版本尚未公布",
                    f"choose a date up to {latest.isoformat()}: the data are today's and no later rule version is known",
                )
            ],
        )
    run = policy_run_create(programme_id=payload.programme, as_of=as_of, acting_user=request.user)
    return Status(201, run)


@router.get(
    "/runs/{run_id}", response=RunOut, summary="Get a stored run", openapi_extra=problems(401, 404, 422)
)
def run_detail(request: HttpRequest, run_id: Path[ObjectId]) -> PolicyRun:
    return access_policy_run_for_user(request.user, run_id)


@router.get(
    "/runs/{run_id}/results",
    response=list[PolicyResultOut],
    summary="List a run's results",
    openapi_extra=problems(401, 404, 422),
)
@paginated()
def run_results_list(
    request: HttpRequest, run_id: Path[ObjectId], filters: Query[ResultFilters]
) -> QuerySet[PolicyResult]:
    """One row per enterprise: outcome, track and the ids of the conditions behind it."""
    run = access_policy_run_for_user(request.user, run_id)
    return run_results(run, filters.track or "")


@router.post(
    "/runs/{run_id}/notify",
    response=NotifyOut,
    summary="Notify a run's enterprises in-app",
    openapi_extra=problems(401, 403, 404, 422),
)
def run_notify(request: HttpRequest, run_id: Path[ObjectId], payload: NotifyIn) -> dict[str, Any]:
    """Once per run and kind: repeating the call sends nothing new."""
    run = access_policy_run_for_user(request.user, run_id)
    return {"sent": policy_notices_send(run=run, tracks=payload.tracks, acting_user=request.user)}


@router.post(
    "/results/{result_id}/decision",
    response={201: DecisionOut},
    summary="Record a review decision (快申快享)",
    openapi_extra=problems(401, 403, 404, 422),
)
def result_decide(
    request: HttpRequest, result_id: Path[ObjectId], payload: DecisionIn
) -> Status[ReviewDecision]:
    """Approve or reject a case whose measurable conditions are met; the reason is required and audited."""
    result = access_policy_result_for_user(request.user, result_id, write=True)
    made = review_decide(
        result=result, decision=payload.decision, reason=payload.reason, acting_user=request.user
    )
    return Status(201, made)


@router.get(
    "/notices", response=list[NoticeOut], summary="List policy notices", openapi_extra=problems(401, 422)
)
@paginated()
def notices_list(request: HttpRequest) -> QuerySet[PolicyNotice]:
    """Your enterprise's notices (enterprise users) or those in your region (officials); newest first."""
    return policy_notices_visible_to(request.user)


@router.post(
    "/notices/{notice_id}/read",
    response=NoticeOut,
    summary="Mark a notice as read",
    openapi_extra=problems(401, 403, 404, 422),
)
def notice_read(request: HttpRequest, notice_id: Path[ObjectId]) -> PolicyNotice:
    notice = access_policy_notice_for_user(request.user, notice_id, write=True)
    return policy_notice_mark_read(notice=notice, acting_user=request.user)
