"""Assessment services: rounds, autosave, submission through the engine's one path, evidence, review."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.maturity import get_framework, score_response
from funeng.apps.assessment import services
from funeng.apps.assessment.const import EVIDENCE_MAX_BYTES, AssessmentStatus, EvidenceState
from funeng.apps.assessment.models import Answer, Assessment, AssessmentResult, Evidence
from funeng.apps.assessment.selectors import evidence_shares, report_of
from funeng.apps.assessment.services import (
    AnswersInvalid,
    assessment_answer_save,
    assessment_answers_save,
    assessment_start,
    assessment_submit,
    evidence_attach,
    evidence_review,
)
from funeng.apps.audit.models import AuditEvent
from tests.support.assessment import (
    JPEG_BYTES,
    MANUFACTURING,
    PDF_BYTES,
    PNG_BYTES,
    answers_for,
    make_world,
    started,
    submitted,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def audit_rows(assessment: Assessment) -> int:
    return AuditEvent.objects.filter(
        object_type="assessment.assessment", object_id=str(assessment.pk)
    ).count()


# ---------------------------------------------------------------- rounds


def test_it_starts_t0_with_the_framework_and_engine_versions_and_audits_it(world):
    assessment = started(world)
    framework = get_framework(MANUFACTURING)
    assert assessment.round_label == "T0" and assessment.is_draft
    assert assessment.framework_family == "miit-2024" and assessment.framework_version == framework.version
    assert assessment.engine_version and assessment.started_by == world["enterprise_a"]
    event = AuditEvent.objects.get(object_type="assessment.assessment", object_id=str(assessment.pk))
    assert event.enterprise_id == world["a"].pk and event.region_code == "330106"


def test_it_refuses_a_new_round_while_a_draft_is_open(world):
    started(world)
    with pytest.raises(ValidationError) as error:
        started(world)
    assert error.value.code == "draft_open"
    assert Assessment.objects.count() == 1


def test_only_the_enterprises_own_users_start_its_assessment(world):
    for persona in ("enterprise_b", "official", "admin", "banker"):
        with pytest.raises(PermissionDenied):
            assessment_start(enterprise=world["a"], framework_id=MANUFACTURING, acting_user=world[persona])
    assert not Assessment.objects.exists()


def test_an_unknown_framework_is_a_field_error(world):
    with pytest.raises(ValidationError) as error:
        assessment_start(enterprise=world["a"], framework_id="nope", acting_user=world["enterprise_a"])
    assert "framework_id" in error.value.message_dict


def test_a_reassessment_follows_t0_with_its_answers_filled_in_but_no_evidence(world):
    t0 = submitted(world, strength=0.4)
    t1 = started(world)
    assert t1.round_label == "T1" and t1.previous == t0
    copied = dict(t1.answers.values_list("question_id", "value"))
    assert copied == dict(t0.answers.values_list("question_id", "value"))
    assert set(t1.answers.values_list("evidence_state", flat=True)) == {EvidenceState.SELF_DECLARED}


def test_a_reassessment_keeps_the_framework_of_the_earlier_rounds(world):
    submitted(world)
    with pytest.raises(ValidationError) as error:
        started(world, framework_id="miit-2024-services")
    assert error.value.error_dict["framework_id"][0].code == "framework_changed"
    # another family is a separate series of rounds
    assert started(world, framework_id="dma").round_label == "T0"


# ---------------------------------------------------------------- answers


def test_autosave_writes_and_audits_a_change_once_and_ignores_a_replayed_value(world):
    assessment = started(world)
    before = audit_rows(assessment)
    for _ in range(3):  # the browser replays an unsent answer after a reload
        assessment_answer_save(
            assessment=assessment,
            question_id="network",
            value="office",
            acting_user=world["enterprise_a_colleague"],
        )
    assert Answer.objects.get(assessment=assessment, question_id="network").value == "office"
    assert audit_rows(assessment) == before + 1
    assessment_answer_save(
        assessment=assessment, question_id="network", value=None, acting_user=world["enterprise_a"]
    )
    assert Answer.objects.get(assessment=assessment, question_id="network").value is None
    assert audit_rows(assessment) == before + 2


def test_invalid_answers_name_each_question_and_nothing_is_written(world):
    assessment = started(world)
    with pytest.raises(AnswersInvalid) as error:
        assessment_answers_save(
            assessment=assessment,
            answers={
                "network": "office",
                "equipment_digitised_rate": 140,
                "s_quality": 7,
                "no_such_question": 1,
                "energy_per_100_yuan": {"before": 0, "after": 3},
            },
            acting_user=world["enterprise_a"],
        )
    reasons = error.value.by_question()
    assert set(reasons) == {
        "equipment_digitised_rate",
        "s_quality",
        "no_such_question",
        "energy_per_100_yuan",
    }
    assert "above the maximum 100" in reasons["equipment_digitised_rate"].reason
    assert reasons["equipment_digitised_rate"].reason_zh
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_other_users_cannot_answer(world):
    assessment = started(world)
    for persona in ("enterprise_b", "official", "admin", "banker", "provider"):
        with pytest.raises(PermissionDenied):
            assessment_answer_save(
                assessment=assessment, question_id="network", value="office", acting_user=world[persona]
            )
    assert not Answer.objects.exists()


# ---------------------------------------------------------------- submit


def test_submit_refuses_unanswered_questions_naming_each_and_writes_nothing(world):
    assessment = started(world)
    answers = answers_for(get_framework(MANUFACTURING))
    del answers["s_quality"], answers["network"]
    assessment_answers_save(assessment=assessment, answers=answers, acting_user=world["enterprise_a"])
    with pytest.raises(AnswersInvalid) as error:
        assessment_submit(assessment=assessment, acting_user=world["enterprise_a"])
    assert set(error.value.by_question()) == {"s_quality", "network"}
    assessment.refresh_from_db()
    assert assessment.is_draft and not AssessmentResult.objects.exists()


def test_submit_stores_what_the_engine_one_path_gives_and_freezes_the_answers(world):
    framework = get_framework(MANUFACTURING)
    answers = answers_for(framework, 0.6)
    assessment = submitted(world, strength=0.6)
    expected = score_response(framework, answers)
    result = assessment.result
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.submitted_at is not None
    assert result.score == expected.score and result.level == expected.level
    assert result.explanation == list(expected.explanation)
    assert result.next_level == expected.as_dict()["next_level"]
    assert result.framework_version == framework.version and result.engine_version
    assert sum(result.contributions.values()) == pytest.approx(result.score, abs=1e-4)
    with pytest.raises(ValidationError) as error:
        assessment_answer_save(
            assessment=assessment, question_id="network", value="none", acting_user=world["enterprise_a"]
        )
    assert error.value.code == "not_draft"
    with pytest.raises(ValidationError):
        assessment_submit(assessment=assessment, acting_user=world["enterprise_a"])
    assert AssessmentResult.objects.count() == 1


def test_a_framework_without_scenarios_submits_too(world):
    assessment = submitted(world, framework_id="dma", strength=0.5)
    result = assessment.result
    assert result.scenarios == {} and result.level >= 1 and len(result.dimensions) == 6
    report = report_of(assessment, "en", with_answers=True)
    assert report.scenarios == [] and len(report.radar["labels"]) == 6


def test_a_new_framework_version_never_rewrites_an_old_result(world, monkeypatch):
    t0 = submitted(world, strength=0.3)
    stored = AssessmentResult.objects.values().get(assessment=t0)
    newer = dataclasses.replace(get_framework(MANUFACTURING), version="2025.1-test")
    monkeypatch.setattr(services, "get_framework", lambda framework_id: newer)
    t1 = started(world)
    assessment_answers_save(assessment=t1, answers=answers_for(newer, 0.8), acting_user=world["enterprise_a"])
    assessment_submit(assessment=t1, acting_user=world["enterprise_a"])
    t1.refresh_from_db()
    assert t1.result.framework_version == "2025.1-test" and t1.framework_version == "2025.1-test"
    assert AssessmentResult.objects.values().get(assessment=t0) == stored
    report = report_of(t1, "en", with_answers=False)
    assert report.same_version is False
    assert report.score_delta == pytest.approx(t1.result.score - t0.result.score)


def test_the_report_shows_deltas_against_the_previous_round(world):
    t0 = submitted(world, strength=0.3)
    t1 = started(world)
    assessment_answers_save(
        assessment=t1,
        answers=answers_for(get_framework(MANUFACTURING), 0.9),
        acting_user=world["enterprise_a"],
    )
    assessment_submit(assessment=t1, acting_user=world["enterprise_a"])
    t1.refresh_from_db()
    report = report_of(t1, "zh-hans", with_answers=True)
    assert report.previous == t0 and report.score_delta > 0 and report.level_delta >= 0
    assert all(d.delta is not None for d in report.dimensions)
    assert any(s.previous is not None and s.level > s.previous for s in report.scenarios)
    assert report.roadmap, "a gap to the next level gives steps"
    assert report.answers and all(text for text, _answer, _state in report.answers)


# ---------------------------------------------------------------- evidence


def test_evidence_is_stored_under_a_random_name_with_its_own_type_and_audited(world, media):
    assessment = started(world)
    assessment_answer_save(
        assessment=assessment, question_id="network", value="site_wide", acting_user=world["enterprise_a"]
    )
    evidence = evidence_attach(
        assessment=assessment,
        question_id="network",
        upload=upload("../../etc/网络拓扑.pdf", PDF_BYTES, "image/png"),
        acting_user=world["enterprise_a"],
    )
    path = Path(evidence.file.path)
    assert path.is_file() and path.read_bytes() == PDF_BYTES
    assert path.parent == Path(media) / "evidence" and path.suffix == ".pdf" and "网络" not in path.name
    assert evidence.original_name == "网络拓扑.pdf" and evidence.kind == "pdf" and len(evidence.sha256) == 64
    answer = Answer.objects.get(pk=evidence.answer_id)
    assert answer.evidence_state == EvidenceState.EVIDENCE_ATTACHED
    assert AuditEvent.objects.filter(changes__has_key="evidence.network").exists()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("a.png", PNG_BYTES, "png"), ("photo.JPG", JPEG_BYTES, "jpeg"), ("台账.xlsx", xlsx_bytes(), "xlsx")],
)
def test_evidence_accepts_png_jpeg_and_xlsx_by_their_bytes(world, name, content, kind):
    assessment = started(world)
    assessment_answer_save(
        assessment=assessment, question_id="network", value="office", acting_user=world["enterprise_a"]
    )
    evidence = evidence_attach(
        assessment=assessment,
        question_id="network",
        upload=upload(name, content),
        acting_user=world["enterprise_a"],
    )
    assert evidence.kind == kind


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("report.pdf", b"MZ\x90\x00 this is a windows program", "bad_type"),
        ("scan.png", b"<html><script>alert(1)</script></html>", "bad_type"),
        ("book.xlsx", xlsx_bytes(macros=True), "bad_type"),
        ("archive.xlsx", b"PK\x03\x04not really a zip", "bad_type"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", PDF_BYTES + b"0" * EVIDENCE_MAX_BYTES, "too_big"),
    ],
)
def test_evidence_of_the_wrong_type_or_size_is_refused_and_nothing_is_stored(
    world, media, name, content, code
):
    assessment = started(world)
    assessment_answer_save(
        assessment=assessment, question_id="network", value="office", acting_user=world["enterprise_a"]
    )
    with pytest.raises(ValidationError) as error:
        evidence_attach(
            assessment=assessment,
            question_id="network",
            upload=upload(name, content),
            acting_user=world["enterprise_a"],
        )
    assert error.value.error_dict["file"][0].code == code
    assert name.split("/")[-1] in error.value.messages[0] or code != "bad_type"
    assert not Evidence.objects.exists()
    assert not (Path(media) / "evidence").exists() or not any((Path(media) / "evidence").iterdir())
    assert Answer.objects.get(question_id="network").evidence_state == EvidenceState.SELF_DECLARED


def test_evidence_needs_an_answer_first(world):
    assessment = started(world)
    with pytest.raises(ValidationError) as error:
        evidence_attach(
            assessment=assessment,
            question_id="network",
            upload=upload("a.pdf", PDF_BYTES),
            acting_user=world["enterprise_a"],
        )
    assert error.value.error_dict["file"][0].code == "unanswered"


# ---------------------------------------------------------------- review


def _with_evidence(world) -> tuple[Assessment, Answer]:
    assessment = started(world)
    framework = get_framework(MANUFACTURING)
    assessment_answers_save(
        assessment=assessment, answers=answers_for(framework), acting_user=world["enterprise_a"]
    )
    evidence_attach(
        assessment=assessment,
        question_id="digital_plan",
        upload=upload("plan.pdf", PDF_BYTES),
        acting_user=world["enterprise_a"],
    )
    assessment_submit(assessment=assessment, acting_user=world["enterprise_a"])
    assessment.refresh_from_db()
    return assessment, Answer.objects.get(assessment=assessment, question_id="digital_plan")


def test_an_official_verifies_evidence_and_the_verified_share_follows_without_rescoring(world):
    assessment, answer = _with_evidence(world)
    stored = AssessmentResult.objects.values().get(assessment=assessment)
    states = dict(assessment.answers.values_list("question_id", "evidence_state"))
    assert evidence_shares(assessment.result, states)[EvidenceState.VERIFIED] == 0.0
    evidence_review(answer=answer, decision="verify", reason="", acting_user=world["official"])
    answer.refresh_from_db()
    assert answer.evidence_state == EvidenceState.VERIFIED and answer.reviewed_by == world["official"]
    states = dict(assessment.answers.values_list("question_id", "evidence_state"))
    share = evidence_shares(assessment.result, states)[EvidenceState.VERIFIED]
    assert share == pytest.approx(
        assessment.result.contributions["digital_plan"] / assessment.result.score, abs=1e-4
    )
    assert share > 0
    assert AssessmentResult.objects.values().get(assessment=assessment) == stored
    assert AuditEvent.objects.filter(
        changes__has_key="evidence_state.digital_plan", actor=world["official"]
    ).exists()


def test_rejecting_needs_a_reason_and_lets_the_enterprise_try_again(world):
    assessment, answer = _with_evidence(world)
    with pytest.raises(ValidationError) as error:
        evidence_review(answer=answer, decision="reject", reason="   ", acting_user=world["official"])
    assert "reason" in error.value.message_dict
    evidence_review(answer=answer, decision="reject", reason="未盖章", acting_user=world["official_province"])
    answer.refresh_from_db()
    assert answer.evidence_state == EvidenceState.REJECTED and answer.review_reason == "未盖章"
    with pytest.raises(ValidationError):  # nothing new to review
        evidence_review(answer=answer, decision="verify", reason="", acting_user=world["official"])
    evidence_attach(
        assessment=assessment,
        question_id="digital_plan",
        upload=upload("plan2.pdf", PDF_BYTES),
        acting_user=world["enterprise_a"],
    )
    answer.refresh_from_db()
    assert answer.evidence_state == EvidenceState.EVIDENCE_ATTACHED and answer.review_reason == ""


def test_only_officials_of_the_region_and_administrators_review(world):
    _assessment, answer = _with_evidence(world)
    for persona in ("official_b", "enterprise_a", "banker", "provider", "outsider"):
        with pytest.raises(PermissionDenied):
            evidence_review(answer=answer, decision="verify", reason="", acting_user=world[persona])
    evidence_review(answer=answer, decision="verify", reason="ok", acting_user=world["admin"])


def test_draft_answers_are_not_reviewed(world):
    assessment = started(world)
    assessment_answer_save(
        assessment=assessment, question_id="network", value="office", acting_user=world["enterprise_a"]
    )
    evidence_attach(
        assessment=assessment,
        question_id="network",
        upload=upload("n.pdf", PDF_BYTES),
        acting_user=world["enterprise_a"],
    )
    answer = Answer.objects.get(question_id="network")
    with pytest.raises(ValidationError) as error:
        evidence_review(answer=answer, decision="verify", reason="", acting_user=world["official"])
    assert error.value.code == "draft"
