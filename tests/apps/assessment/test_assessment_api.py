"""/api/v1/assessment through HTTP: frameworks, templates, start, partial saves, submit, results, errors."""

from __future__ import annotations

import json

import pytest

from engines.maturity import get_framework, score_response
from funeng.apps.assessment.models import Answer, Assessment, AssessmentResult
from funeng.apps.consents.models import ConsentRead
from tests.support.api import assert_problem, bearer, field_errors
from tests.support.assessment import MANUFACTURING, answers_for, make_world, started, submitted

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessment"


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


def send(client, method, url, data, headers):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json", **headers)


def test_every_endpoint_needs_authentication(client, world):
    assessment = started(world)
    for method, url in [
        ("get", f"{URL}/frameworks"),
        ("get", f"{URL}/frameworks/dma"),
        ("get", f"{URL}/assessments"),
        ("post", f"{URL}/assessments"),
        ("get", f"{URL}/assessments/{assessment.pk}"),
        ("patch", f"{URL}/assessments/{assessment.pk}/answers"),
        ("post", f"{URL}/assessments/{assessment.pk}/submit"),
        ("get", f"{URL}/assessments/{assessment.pk}/result"),
    ]:
        assert_problem(getattr(client, method)(url), 401)


def test_frameworks_and_a_template_are_listed(client, world):
    headers = bearer(world["enterprise_a"])
    body = client.get(f"{URL}/frameworks", **headers).json()
    assert {"miit-2024-manufacturing", "miit-2024-services", "dma"} <= {f["id"] for f in body}
    template = client.get(f"{URL}/frameworks/{MANUFACTURING}", **headers).json()
    assert len(template["questions"]) == len(get_framework(MANUFACTURING).questions)
    assert template["levels"][2]["gates"] and template["version"]
    assert_problem(client.get(f"{URL}/frameworks/nope", **headers), 404)


def test_an_enterprise_starts_fills_in_part_by_part_submits_and_reads_its_result(client, world):
    headers = bearer(world["enterprise_a"])
    response = send(
        client,
        "post",
        f"{URL}/assessments",
        {"enterprise_id": world["a"].pk, "framework_id": MANUFACTURING},
        headers,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["round"] == "T0" and created["status"] == "draft" and created["answered"] == 0
    url = f"{URL}/assessments/{created['id']}"
    answers = answers_for(get_framework(MANUFACTURING), 0.6)
    keys = list(answers)
    first = send(
        client, "patch", f"{url}/answers", {"answers": {k: answers[k] for k in keys[:10]}}, headers
    ).json()
    assert first["answered"] == 10 and first["answers"][keys[0]] == answers[keys[0]]
    # submitting early names every unanswered question
    body = assert_problem(client.post(f"{url}/submit", **headers), 422)
    assert set(field_errors(body)) == {f"answers.{k}" for k in keys[10:]}
    send(client, "patch", f"{url}/answers", {"answers": {k: answers[k] for k in keys[10:]}}, headers)
    result = client.post(f"{url}/submit", **headers)
    assert result.status_code == 200, result.content
    body = result.json()
    expected = score_response(get_framework(MANUFACTURING), answers)
    assert body["score"] == expected.score and body["level"] == expected.level
    assert body["explanation"] == list(expected.explanation) and body["previous"] is None
    assert body["verified_share"] == 0 and body["roadmap"] and body["peers"]["count"] == 1
    assert body["peers"]["score_percentile"] is None
    again = client.get(f"{url}/result", **headers).json()
    assert again["score"] == body["score"] and again["scored_at"] == body["scored_at"]
    assert_problem(send(client, "patch", f"{url}/answers", {"answers": {"network": "none"}}, headers), 409)


def test_invalid_answers_are_a_422_naming_each_question_and_nothing_is_saved(client, world):
    assessment = started(world)
    headers = bearer(world["enterprise_a"])
    body = assert_problem(
        send(
            client,
            "patch",
            f"{URL}/assessments/{assessment.pk}/answers",
            {"answers": {"network": "office", "s_quality": 9, "equipment_digitised_rate": -1, "bogus": "x"}},
            headers,
        ),
        422,
    )
    errors = field_errors(body)
    assert set(errors) == {"answers.s_quality", "answers.equipment_digitised_rate", "answers.bogus"}
    assert "below the minimum" in errors["answers.equipment_digitised_rate"]["message_en"]
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        10**400,
        {"before": 1, "after": 1, "extra": 2},
        [["nested"]],
        "x" * 65,
        {"before": {"deep": 1}, "after": 1},
    ],
)
def test_answers_of_an_impossible_shape_are_refused_before_the_engine(client, world, value):
    assessment = started(world)
    response = client.patch(
        f"{URL}/assessments/{assessment.pk}/answers",
        data=json.dumps({"answers": {"network": value}}),
        content_type="application/json",
        **bearer(world["enterprise_a"]),
    )
    body = assert_problem(response, 422)
    assert "answers.network" in field_errors(body)
    assert not Answer.objects.exists()


def test_starting_again_while_a_draft_is_open_is_a_conflict(client, world):
    started(world)
    body = {"enterprise_id": world["a"].pk, "framework_id": MANUFACTURING}
    assert_problem(send(client, "post", f"{URL}/assessments", body, bearer(world["enterprise_a"])), 409)
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("enterprise_b", 404), ("official", 403), ("banker", 404)])
def test_only_the_enterprise_starts_and_answers(client, world, persona, status):
    body = {"enterprise_id": world["a"].pk, "framework_id": MANUFACTURING}
    assert_problem(
        send(client, "post", f"{URL}/assessments", body, bearer(world[persona])),
        status if persona != "banker" else 403,
    )
    assessment = started(world)
    response = send(
        client,
        "patch",
        f"{URL}/assessments/{assessment.pk}/answers",
        {"answers": {"network": "office"}},
        bearer(world[persona]),
    )
    assert_problem(response, status)
    assert not Answer.objects.exists()


def test_a_bank_reads_consented_results_without_answers_and_the_read_is_logged(client, world):
    done = submitted(world)
    started(world)  # the T1 draft stays hidden from the bank
    headers = bearer(world["banker"])
    listed = client.get(f"{URL}/assessments", **headers).json()
    assert [item["id"] for item in listed["items"]] == [done.pk]
    assert listed["items"][0]["answers"] is None and listed["items"][0]["evidence"] is None
    result = client.get(f"{URL}/assessments/{done.pk}/result", **headers)
    assert result.status_code == 200 and result.json()["level"] == done.result.level
    assert ConsentRead.objects.get(reader=world["banker"]).channel == "api"
    assert_problem(
        client.get(f"{URL}/assessments/{done.pk}/result", **bearer(world["banker_profile_only"])), 404
    )


def test_a_reassessment_result_reports_the_change(client, world):
    t0 = submitted(world, strength=0.2)
    headers = bearer(world["enterprise_a"])
    created = send(
        client,
        "post",
        f"{URL}/assessments",
        {"enterprise_id": world["a"].pk, "framework_id": MANUFACTURING},
        headers,
    ).json()
    assert created["round"] == "T1" and created["answered"] == len(get_framework(MANUFACTURING).questions)
    better = answers_for(get_framework(MANUFACTURING), 0.9)
    send(client, "patch", f"{URL}/assessments/{created['id']}/answers", {"answers": better}, headers)
    body = client.post(f"{URL}/assessments/{created['id']}/submit", **headers).json()
    assert body["previous"]["assessment_id"] == t0.pk and body["previous"]["score_delta"] > 0
    assert AssessmentResult.objects.count() == 2


def test_a_draft_has_no_result_yet(client, world):
    assessment = started(world)
    assert_problem(
        client.get(f"{URL}/assessments/{assessment.pk}/result", **bearer(world["enterprise_a"])), 409
    )
