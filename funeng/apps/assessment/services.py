"""Writes of assessments: start a round, save answers, attach and review evidence, submit; all audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from engines import ENGINE_VERSION
from engines.maturity import FieldError, Framework, get_framework, score_response, validate_answers
from engines.maturity.scoring import question_contributions
from funeng.apps.assessment.access import can_answer, can_review_evidence, can_start_assessment
from funeng.apps.assessment.const import (
    ENGINE_EVIDENCE_STATE,
    EVIDENCE_DIR,
    EVIDENCE_KINDS,
    EVIDENCE_MAX_BYTES,
    EVIDENCE_MAX_FILES_PER_ANSWER,
    AssessmentStatus,
    EvidenceState,
    ReviewDecision,
)
from funeng.apps.assessment.evidence import display_name
from funeng.apps.assessment.models import Answer, Assessment, AssessmentResult, Evidence
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import acting_user_id, audit_record
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.services import consented_read_log
from funeng.apps.core.uploads import upload_kind, upload_sha256
from funeng.apps.enterprises.models import Enterprise

Actor = AbstractBaseUser | AnonymousUser


class AnswersInvalid(Exception):
    """Answers failed validation; `errors` names each question with a reason in English and Chinese."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    def by_question(self) -> dict[str, FieldError]:
        """The first error of each question."""
        result: dict[str, FieldError] = {}
        for error in self.errors:
            result.setdefault(error.question_id, error)
        return result


def framework_of(assessment: Assessment) -> Framework:
    """The shipped framework an assessment is answered on."""
    return get_framework(assessment.framework_id)


def _not_draft() -> ValidationError:
    return ValidationError(
        _("This assessment is already submitted; its answers can no longer change. Start a re-assessment."),
        code="not_draft",
    )


def _locked(assessment: Assessment) -> Assessment:
    """Re-read the assessment under a row lock, so a save racing a submit sees the final status."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.status = locked.status
    return locked


# --- start ------------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, enterprise: Enterprise, framework_id: str, acting_user: Actor) -> Assessment:
    """Start T0, or the next round after a submitted one (prefilled with its answers); audited."""
    if not can_start_assessment(acting_user, enterprise):
        raise PermissionDenied
    try:
        framework = get_framework(framework_id)
    except KeyError:
        raise ValidationError(
            {
                "framework_id": ValidationError(
                    _("Unknown framework: %(id)s."), code="invalid_choice", params={"id": framework_id}
                )
            }
        ) from None
    # Locking the enterprise row serialises two colleagues pressing "start" at the same time.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    last = (
        Assessment.objects.filter(enterprise=enterprise, framework_family=framework.family)
        .order_by("-round_index")
        .first()
    )
    if last is not None and last.is_draft:
        raise ValidationError(
            _("Round %(round)s is still a draft: continue it, or submit it before starting a new round."),
            code="draft_open",
            params={"round": last.round_label},
        )
    if last is not None and last.framework_id != framework.id:
        raise ValidationError(
            {
                "framework_id": ValidationError(
                    _(
                        "A re-assessment uses the framework of the earlier rounds (%(id)s), so they can be compared."
                    ),
                    code="framework_changed",
                    params={"id": last.framework_id},
                )
            }
        )
    assessment = Assessment(
        enterprise=enterprise,
        framework_id=framework.id,
        framework_family=framework.family,
        framework_version=framework.version,
        engine_version=ENGINE_VERSION,
        round_index=0 if last is None else last.round_index + 1,
        previous=last,
        started_by_id=acting_user_id(acting_user),
    )
    assessment.full_clean()
    assessment.save()
    prefilled = _prefill(assessment, last, framework) if last is not None else 0
    audit_record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=assessment,
        changes={
            "framework": [None, f"{framework.id} {framework.version}"],
            "round": [None, assessment.round_label],
            "prefilled_answers": [None, prefilled],
        },
    )
    return assessment


def _prefill(assessment: Assessment, previous: Assessment, framework: Framework) -> int:
    """Copy the previous round's answers that are still valid; evidence is not carried over."""
    rows = []
    for question_id, value in previous.answers.exclude(value__isnull=True).values_list(
        "question_id", "value"
    ):
        if framework.has_question(question_id) and not validate_answers(framework, {question_id: value}):
            rows.append(Answer(assessment=assessment, question_id=question_id, value=value))
    Answer.objects.bulk_create(rows)
    return len(rows)


# --- answers ----------------------------------------------------------------------------------


def _validated(framework: Framework, answers: Mapping[str, object]) -> None:
    errors = validate_answers(framework, {k: v for k, v in answers.items() if v is not None})
    errors += [
        FieldError(key, f"not a question of “{framework.name.en}”", f"不是《{framework.name.zh}》的题目")
        for key, value in answers.items()
        if value is None and not framework.has_question(key)
    ]
    if errors:
        raise AnswersInvalid(errors)


@transaction.atomic
def assessment_answers_save(
    *, assessment: Assessment, answers: Mapping[str, object], acting_user: Actor
) -> dict[str, Answer]:
    """Save several answers of a draft (None clears one); all are validated before any is written.

    Saving the same value again writes nothing (the wizard replays unsent answers after a reload).
    Officials review evidence only after submission, when answers no longer change, so a verdict
    always refers to the answer as it stands.
    """
    if not can_answer(acting_user, assessment):
        raise PermissionDenied
    locked = _locked(assessment)
    if not locked.is_draft:
        raise _not_draft()
    framework = framework_of(locked)
    _validated(framework, answers)
    existing = {a.question_id: a for a in locked.answers.filter(question_id__in=list(answers))}
    changes: dict[str, list[Any]] = {}
    saved: dict[str, Answer] = {}
    for question_id, value in answers.items():
        answer = existing.get(question_id)
        if answer is None:
            if value is None:
                continue
            answer = Answer.objects.create(assessment=locked, question_id=question_id, value=value)
            changes[f"answers.{question_id}"] = [None, value]
        elif answer.value != value:
            changes[f"answers.{question_id}"] = [answer.value, value]
            answer.value = value
            answer.save(update_fields=["value", "updated_at"])
        saved[question_id] = answer
    if changes:
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return saved


def assessment_answer_save(
    *, assessment: Assessment, question_id: str, value: object, acting_user: Actor
) -> Answer | None:
    """Save one answer (the wizard's autosave); None clears it."""
    saved = assessment_answers_save(
        assessment=assessment, answers={question_id: value}, acting_user=acting_user
    )
    return saved.get(question_id)


# --- evidence ---------------------------------------------------------------------------------


def evidence_check(upload: UploadedFile) -> str:
    """The file's kind, or ValidationError naming the file and what to do."""
    return upload_kind(
        upload,
        allowed=EVIDENCE_KINDS,
        max_bytes=EVIDENCE_MAX_BYTES,
        field="file",
        wrong_type=gettext(
            "%(name)s is not a PDF, PNG, JPEG or Excel (XLSX) file. The type is read from the file's "
            "contents, so renaming does not help: save or export it as one of these types."
        ),
    )


@transaction.atomic
def evidence_attach(
    *, assessment: Assessment, question_id: str, upload: UploadedFile, acting_user: Actor
) -> Evidence:
    """Store a checked file under a random name and mark the answer as backed by evidence; audited."""
    if not can_answer(acting_user, assessment):
        raise PermissionDenied
    locked = _locked(assessment)
    answer = locked.answers.filter(question_id=question_id).exclude(value__isnull=True).first()
    if answer is None:
        raise ValidationError(
            {"file": ValidationError(_("Answer the question before attaching evidence."), code="unanswered")}
        )
    if answer.files.count() >= EVIDENCE_MAX_FILES_PER_ANSWER:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("An answer takes at most %(limit)s files; combine them into one PDF."),
                    code="too_many",
                    params={"limit": EVIDENCE_MAX_FILES_PER_ANSWER},
                )
            }
        )
    kind = evidence_check(upload)
    evidence = Evidence(
        answer=answer,
        original_name=display_name(upload.name),
        kind=kind,
        size=upload.size or 0,
        sha256=upload_sha256(upload),
        uploaded_by_id=acting_user_id(acting_user),
    )
    # A random name with our own extension: the uploader chooses neither the path nor the type.
    evidence.file.save(f"{uuid.uuid4().hex}{EVIDENCE_KINDS[kind][1]}", upload, save=False)
    if not evidence.file.name.startswith(f"{EVIDENCE_DIR}/"):
        raise RuntimeError("evidence stored outside its folder")
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    before = answer.evidence_state
    if before in (EvidenceState.SELF_DECLARED, EvidenceState.REJECTED):
        answer.evidence_state = EvidenceState.EVIDENCE_ATTACHED
        answer.reviewed_by, answer.reviewed_at, answer.review_reason = None, None, ""
        answer.save(
            update_fields=["evidence_state", "reviewed_by", "reviewed_at", "review_reason", "updated_at"]
        )
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={
            f"evidence.{question_id}": [None, f"{evidence.original_name} ({kind}, {evidence.size} B)"],
            f"evidence_state.{question_id}": [before, answer.evidence_state],
        },
    )
    return evidence


@transaction.atomic
def evidence_review(
    *, answer: Answer, decision: str, reason: str, acting_user: Actor, now: dt.datetime | None = None
) -> Answer:
    """An official verifies or rejects (with a reason) the evidence of a submitted answer; audited."""
    assessment = answer.assessment
    if not can_review_evidence(acting_user, assessment):
        raise PermissionDenied
    locked = Answer.objects.select_for_update().get(pk=answer.pk)
    if assessment.is_draft:
        raise ValidationError(
            _("Evidence is reviewed once the assessment is submitted; draft answers can still change."),
            code="draft",
        )
    if locked.evidence_state != EvidenceState.EVIDENCE_ATTACHED:
        raise ValidationError(
            _("There is no new evidence to review on this answer (it is %(state)s)."),
            code="not_pending",
            params={"state": locked.get_evidence_state_display()},
        )
    reason = " ".join(reason.split())
    if decision == ReviewDecision.REJECT and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why the evidence is rejected, so the enterprise can fix it."), code="required"
                )
            }
        )
    if decision not in ReviewDecision.values:
        raise ValidationError(
            {"decision": ValidationError(_("Choose verify or reject."), code="invalid_choice")}
        )
    before = locked.evidence_state
    locked.evidence_state = (
        EvidenceState.VERIFIED if decision == ReviewDecision.VERIFY else EvidenceState.REJECTED
    )
    locked.reviewed_by_id = acting_user_id(acting_user)
    locked.reviewed_at = now or timezone.now()
    locked.review_reason = reason
    locked.full_clean()
    locked.save(update_fields=["evidence_state", "reviewed_by", "reviewed_at", "review_reason", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=assessment,
        changes={
            f"evidence_state.{locked.question_id}": [before, locked.evidence_state],
            f"review_reason.{locked.question_id}": [None, reason] if reason else [None, ""],
        },
    )
    answer.evidence_state, answer.reviewed_at = locked.evidence_state, locked.reviewed_at
    answer.reviewed_by_id, answer.review_reason = locked.reviewed_by_id, locked.review_reason
    return locked


# --- submit -----------------------------------------------------------------------------------


def answers_of(assessment: Assessment) -> tuple[dict[str, object], dict[str, str]]:
    """The assessment's non-empty answers and their engine evidence states."""
    values: dict[str, object] = {}
    states: dict[str, str] = {}
    for question_id, value, state in assessment.answers.exclude(value__isnull=True).values_list(
        "question_id", "value", "evidence_state"
    ):
        values[question_id] = value
        states[question_id] = ENGINE_EVIDENCE_STATE[EvidenceState(state)]
    return values, states


def unanswered_errors(framework: Framework, answers: Mapping[str, object]) -> list[FieldError]:
    """One error per question still without an answer."""
    return [
        FieldError(q.id, "answer this question before submitting", "提交前请回答此题")
        for q in framework.questions
        if answers.get(q.id) is None
    ]


def result_scored(
    framework: Framework, assessment: Assessment, answers: Mapping[str, object], evidence: Mapping[str, str]
) -> AssessmentResult:
    """Score answers with the engine's one path and build (not save) the result row for `assessment`.

    `evidence` maps question ids to the engine's evidence states. Raw points per question travel
    with the result: the roadmap is rebuilt from them later.
    """
    result = score_response(framework, dict(answers), evidence=dict(evidence))
    payload = {**result.as_dict(), "points": result.points}
    return AssessmentResult(
        assessment=assessment,
        framework_id=framework.id,
        framework_version=framework.version,
        engine_version=ENGINE_VERSION,
        score=result.score,
        max_score=result.max_score,
        level=result.level,
        level_name_zh=result.level_name_zh,
        level_name_en=result.level_name_en,
        dimensions=payload["dimensions"],
        scenarios=payload["scenarios"],
        explanation=payload["explanation"],
        explanation_en=payload["explanation_en"],
        next_level=payload["next_level"],
        contributions=question_contributions(framework, result.points),
        payload=payload,
    )


@transaction.atomic
def assessment_submit(
    *, assessment: Assessment, acting_user: Actor, now: dt.datetime | None = None
) -> AssessmentResult:
    """Score a complete draft with the engine's one path and store the result for good; audited.

    Every question must be answered and valid; otherwise AnswersInvalid names each one and nothing
    is written. The result records the framework and engine versions it was scored with.
    """
    if not can_answer(acting_user, assessment):
        raise PermissionDenied
    locked = _locked(assessment)
    if not locked.is_draft:
        raise _not_draft()
    framework = framework_of(locked)
    answers, states = answers_of(locked)
    errors = validate_answers(framework, answers) + unanswered_errors(framework, answers)
    if errors:
        raise AnswersInvalid(errors)
    stored = result_scored(framework, locked, answers, states)
    stored.full_clean(exclude=["assessment"])
    stored.save()
    locked.status = AssessmentStatus.SUBMITTED
    locked.submitted_at = now or timezone.now()
    locked.submitted_by_id = acting_user_id(acting_user)
    locked.framework_version = framework.version
    locked.engine_version = ENGINE_VERSION
    locked.save(
        update_fields=["status", "submitted_at", "submitted_by", "framework_version", "engine_version"]
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={
            "status": [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED],
            "score": [None, stored.score],
            "level": [None, stored.level],
            "framework_version": [None, framework.version],
        },
    )
    assessment.status, assessment.submitted_at = locked.status, locked.submitted_at
    assessment.framework_version = locked.framework_version
    return stored


def assessment_read_log(*, reader: Actor, assessment: Assessment, channel: str) -> None:
    """Log a bank's read of a submitted result under the enterprise's digital-data consent (others: nothing)."""
    consented_read_log(
        reader=reader,
        enterprise_id=assessment.enterprise_id,
        categories=[DataCategory.DIGITAL],
        channel=channel,
    )
