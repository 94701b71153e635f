"""/api/v1/assessment: frameworks and their questionnaires, start a round, save answers, submit, read results.

Answers take the engine's JSON shape: question id → option id, list of option ids, number,
{"before": x, "after": y} or scenario level 0-4; null clears an answer. Invalid answers are a 422
whose errors name `answers.<question id>` in Chinese and English; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field, StringConstraints

from engines.maturity import shipped_frameworks
from engines.maturity.analysis import RoadmapStep, roadmap
from engines.maturity.template import framework_summary, framework_template
from funeng.apps.api.errors import INVALID_REQUEST, NOT_FOUND, FieldError, Problem, Text
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import NO_CONTROL, EnterpriseId, RequestBody, problems
from funeng.apps.assessment.access import access_assessment_for_user, assessments_visible_to, can_see_answers
from funeng.apps.assessment.models import Answer, Assessment
from funeng.apps.assessment.selectors import PeerPosition, Report, evidence_shares, report_of
from funeng.apps.assessment.services import (
    AnswersInvalid,
    assessment_answers_save,
    assessment_read_log,
    assessment_start,
    assessment_submit,
)
from funeng.apps.consents.const import ReadChannel
from funeng.apps.enterprises.access import access_enterprise_for_user

router = Router(tags=["assessment"])

AssessmentId = EnterpriseId  # the same BigAutoField bounds
FrameworkId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_CONTROL)]
QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_CONTROL)]
# Beyond these sizes an answer cannot be valid for any framework; refuse before the engine sees it.
MAX_ANSWERS = 300
MAX_NUMBER = 1e15
MAX_CHOICES = 50
MAX_TEXT = 64

DRAFT_OPEN = Text(
    "该评测系列已有未提交的草稿：请继续填写或先提交，再开始新一轮。",
    "A draft round of this framework is open: continue or submit it before starting a new round.",
)
NOT_DRAFT = Text(
    "该评测已提交，答案不能再修改。如需衡量进步，请开始复评。",
    "This assessment is submitted; its answers can no longer change. Start a re-assessment to measure progress.",
)
NO_RESULT = Text(
    "该评测尚未提交，还没有结果。",
    "This assessment is not submitted yet, so it has no result.",
)


class FrameworkOut(Schema):
    id: str
    name: str
    name_en: str
    version: str
    sector: str | None
    effective: str


class AssessmentIn(RequestBody):
    enterprise_id: EnterpriseId
    framework_id: FrameworkId = Field(
        description="A framework id from /frameworks, e.g. miit-2024-manufacturing"
    )


class AnswersIn(RequestBody):
    answers: dict[QuestionId, Any] = Field(
        description="Question id → answer (option id, list of option ids, number, "
        '{"before": x, "after": y}, or scenario level 0-4); null clears an answer'
    )


class AssessmentOut(Schema):
    """An assessment; answers and evidence are null for those who may not see them (financial institutions)."""

    id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    framework_id: str
    framework_family: str
    framework_version: str
    engine_version: str
    round: str = Field(alias="round_label", description="T0, T1, T2 …")
    status: Literal["draft", "submitted"]
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    answered: int
    total: int
    answers: dict[str, Any] | None = Field(description="Saved answers (null for financial institutions)")
    evidence: dict[str, str] | None = Field(description="Evidence state per answered question")

    @staticmethod
    def resolve_answered(obj: Assessment) -> int:
        return len(_given(obj))

    @staticmethod
    def resolve_total(obj: Assessment) -> int:
        framework = shipped_frameworks().get(obj.framework_id)
        return 0 if framework is None else len(framework.questions)

    @staticmethod
    def resolve_answers(obj: Assessment, context: dict[str, Any]) -> dict[str, Any] | None:
        if not can_see_answers(context["request"].user, obj):
            return None
        return {answer.question_id: answer.value for answer in _given(obj)}

    @staticmethod
    def resolve_evidence(obj: Assessment, context: dict[str, Any]) -> dict[str, str] | None:
        if not can_see_answers(context["request"].user, obj):
            return None
        return {answer.question_id: answer.evidence_state for answer in _given(obj)}


class AssessmentFilters(Schema):
    enterprise_id: EnterpriseId | None = None
    status: Literal["draft", "submitted"] | None = None


class PreviousRound(Schema):
    """The change since the previous round."""

    assessment_id: int = Field(alias="previous.pk")
    round: str = Field(alias="previous.round_label")
    score_delta: float
    level_delta: int
    same_framework_version: bool = Field(alias="same_version")


class Peers(Schema):
    count: int = Field(description="Assessed enterprises in the same GB/T 4754 division and province")
    score_percentile: float | None = Field(description="Shown from 5 peers on")

    @staticmethod
    def resolve_score_percentile(obj: PeerPosition) -> float | None:
        return obj.score_pct if obj.shown else None


class RoadmapStepOut(Schema):
    kind: str
    id: str
    name: dict[str, str]
    # Scenario levels are whole numbers, item points may have fractions: each is sent as it is.
    current: int | float
    target: int | float
    points_per_effort: float
    mandatory: bool
    solutions: list[str]

    @staticmethod
    def resolve_name(obj: RoadmapStep) -> dict[str, str]:
        return {"zh": obj.name_zh, "en": obj.name_en}


class AssessmentResultOut(Schema):
    """A submitted assessment's stored result, with today's evidence shares, the peers and the roadmap."""

    assessment_id: int = Field(alias="assessment.pk")
    round: str = Field(alias="assessment.round_label")
    framework_id: str = Field(alias="result.framework_id")
    framework_version: str = Field(alias="result.framework_version")
    engine_version: str = Field(alias="result.engine_version")
    score: float = Field(alias="result.score")
    max_score: float = Field(alias="result.max_score")
    level: int = Field(alias="result.level", description="0 = below level 1")
    level_name: dict[str, str]
    dimensions: dict[str, Any] = Field(alias="result.dimensions")
    scenarios: dict[str, Any] = Field(alias="result.scenarios")
    explanation: list[str] = Field(alias="result.explanation")
    explanation_en: list[str] = Field(alias="result.explanation_en")
    next_level: dict[str, Any] | None = Field(alias="result.next_level")
    provisional_rules: bool
    verified_share: float = Field(
        description="Share of the score backed by answers an official verified, today"
    )
    evidence_shares: dict[str, float]
    previous: PreviousRound | None
    peers: Peers
    roadmap: list[RoadmapStepOut] = Field(
        description="Scenarios to raise and items with the most points per effort; solutions are "
        "ids of the solution-scenario taxonomy shared with matchmaking"
    )
    scored_at: dt.datetime = Field(alias="result.scored_at")

    @staticmethod
    def resolve_level_name(obj: Report) -> dict[str, str]:
        return {"zh": obj.result.level_name_zh, "en": obj.result.level_name_en}

    @staticmethod
    def resolve_provisional_rules(obj: Report) -> bool:
        return bool(obj.result.payload.get("provisional_rules", False))

    @staticmethod
    def resolve_evidence_shares(obj: Report) -> dict[str, float]:
        states = dict(obj.assessment.answers.values_list("question_id", "evidence_state"))
        return evidence_shares(obj.result, states)

    @staticmethod
    def resolve_previous(obj: Report) -> Report | None:
        # PreviousRound reads the deltas from the report itself.
        if obj.previous is None or obj.score_delta is None or obj.level_delta is None:
            return None
        return obj

    @staticmethod
    def resolve_roadmap(obj: Report) -> list[RoadmapStep]:
        return [] if obj.framework is None else roadmap(obj.framework, obj.engine)


# ---------------------------------------------------------------- helpers


def _plain(value: object, depth: int = 0) -> bool:
    """A JSON value of a shape an answer can have, small enough to store."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, str):
        return len(value) <= MAX_TEXT
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER
    if isinstance(value, float):
        return math.isfinite(value) and abs(value) <= MAX_NUMBER
    if isinstance(value, list) and depth == 0:
        return len(value) <= MAX_CHOICES and all(isinstance(v, str) and len(v) <= MAX_TEXT for v in value)
    if isinstance(value, dict) and depth == 0:
        return len(value) <= 2 and all(isinstance(k, str) and _plain(v, 1) for k, v in value.items())
    return False


# Prefetched as this attribute for a whole page; loaded on first use for a single assessment.
_GIVEN = "given_answers"


def _given_answers() -> Prefetch[Any]:
    """The answers that hold a value, in the order they were first saved."""
    return Prefetch("answers", queryset=Answer.objects.exclude(value__isnull=True), to_attr=_GIVEN)


def _given(assessment: Assessment) -> list[Answer]:
    if not hasattr(assessment, _GIVEN):
        prefetch_related_objects([assessment], _given_answers())
    given: list[Answer] = getattr(assessment, _GIVEN)
    return given


def _invalid(error: AnswersInvalid) -> Problem:
    return Problem(
        422,
        INVALID_REQUEST,
        errors=[FieldError(f"answers.{e.question_id}", e.reason_zh, e.reason) for e in error.errors],
    )


def _conflict(error: ValidationError) -> Problem | None:
    code = getattr(error, "code", None)
    if code == "draft_open":
        return Problem(409, DRAFT_OPEN)
    if code == "not_draft":
        return Problem(409, NOT_DRAFT)
    return None


# ---------------------------------------------------------------- frameworks


@router.get(
    "/frameworks", response=list[FrameworkOut], summary="List frameworks", openapi_extra=problems(401)
)
def frameworks_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every assessment framework this instance ships (id, name, version)."""
    return [framework_summary(f) for f in shipped_frameworks().values()]


@router.get(
    "/frameworks/{framework_id}",
    response=dict[str, Any],
    summary="Questionnaire of a framework",
    openapi_extra=problems(401, 404, 422),
)
def framework_detail(request: HttpRequest, framework_id: Path[FrameworkId]) -> dict[str, Any]:
    """All questions with dimensions, options and scores or bands, scenario descriptors, and the level rules."""
    framework = shipped_frameworks().get(framework_id)
    if framework is None:
        raise Problem(404, NOT_FOUND)
    return framework_template(framework)


# ---------------------------------------------------------------- assessments


@router.get(
    "/assessments",
    response=list[AssessmentOut],
    summary="List assessments",
    openapi_extra=problems(401, 422),
)
@paginated()
def assessments_list(request: HttpRequest, filters: Query[AssessmentFilters]) -> QuerySet[Assessment]:
    """Assessments you may see: your enterprise's, your region's, or (banks) consented submitted ones."""
    queryset = (
        assessments_visible_to(request.user)
        .select_related("enterprise")
        .prefetch_related(_given_answers())
        .order_by("id")
    )
    if filters.enterprise_id is not None:
        queryset = queryset.filter(enterprise_id=filters.enterprise_id)
    if filters.status is not None:
        queryset = queryset.filter(status=filters.status)
    return queryset


@router.post(
    "/assessments",
    response={201: AssessmentOut},
    summary="Start an assessment",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
def assessments_start(request: HttpRequest, payload: AssessmentIn) -> Status[Assessment]:
    """Start T0, or the next round after a submitted one (prefilled with its answers); enterprise users only."""
    enterprise = access_enterprise_for_user(request.user, payload.enterprise_id)
    try:
        assessment = assessment_start(
            enterprise=enterprise, framework_id=payload.framework_id, acting_user=request.user
        )
    except ValidationError as error:
        raise _conflict(error) or error from None
    return Status(201, assessment)


@router.get(
    "/assessments/{assessment_id}",
    response=AssessmentOut,
    summary="Get an assessment",
    openapi_extra=problems(401, 404, 422),
)
def assessment_detail(request: HttpRequest, assessment_id: Path[AssessmentId]) -> Assessment:
    """One assessment with its answers and evidence states (answers are hidden from banks)."""
    return access_assessment_for_user(request.user, assessment_id)


@router.patch(
    "/assessments/{assessment_id}/answers",
    response=AssessmentOut,
    summary="Save answers (partial)",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
def assessment_answers(
    request: HttpRequest, assessment_id: Path[AssessmentId], payload: AnswersIn
) -> Assessment:
    """Save some answers of a draft; all are checked first and none is written if any is invalid."""
    assessment = access_assessment_for_user(request.user, assessment_id, write=True)
    unusable = [key for key, value in payload.answers.items() if not _plain(value)]
    if len(payload.answers) > MAX_ANSWERS or unusable:
        raise Problem(
            422,
            INVALID_REQUEST,
            errors=[
                FieldError(
                    f"answers.{key}",
                    "答案格式不对：应为选项编号、选项编号列表、数字、{before, after} 或 0-4 级",
                    "Not an answer: give an option id, a list of option ids, a number, {before, after} or a level 0-4",
                )
                for key in unusable[:50]
            ]
            or [
                FieldError(
                    "answers", f"一次最多 {MAX_ANSWERS} 个答案", f"At most {MAX_ANSWERS} answers at once"
                )
            ],
        )
    try:
        assessment_answers_save(assessment=assessment, answers=payload.answers, acting_user=request.user)
    except AnswersInvalid as error:
        raise _invalid(error) from None
    except ValidationError as error:
        raise _conflict(error) or error from None
    return assessment


@router.post(
    "/assessments/{assessment_id}/submit",
    response=AssessmentResultOut,
    summary="Submit and score",
    openapi_extra=problems(401, 403, 404, 409, 422),
)
def assessment_submit_endpoint(request: HttpRequest, assessment_id: Path[AssessmentId]) -> Report:
    """Score a complete draft with the engine and store the result for good; 422 names each unanswered question."""
    assessment = access_assessment_for_user(request.user, assessment_id, write=True)
    try:
        assessment_submit(assessment=assessment, acting_user=request.user)
    except AnswersInvalid as error:
        raise _invalid(error) from None
    except ValidationError as error:
        raise _conflict(error) or error from None
    assessment.refresh_from_db()
    return report_of(assessment, "zh-hans", with_answers=False)


@router.get(
    "/assessments/{assessment_id}/result",
    response=AssessmentResultOut,
    summary="Read the result",
    openapi_extra=problems(401, 404, 409, 422),
)
def assessment_result(request: HttpRequest, assessment_id: Path[AssessmentId]) -> Report:
    """The stored result, today's verified share, the change since the previous round, peers and the roadmap."""
    assessment = access_assessment_for_user(request.user, assessment_id)
    if assessment.is_draft:
        raise Problem(409, NO_RESULT)
    assessment_read_log(reader=request.user, assessment=assessment, channel=ReadChannel.API)
    return report_of(assessment, "zh-hans", with_answers=False)
