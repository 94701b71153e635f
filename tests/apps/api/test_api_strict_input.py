"""One input rule for the whole API: JSON as application/json (415 otherwise), a JSON object with only
the documented fields (422 otherwise), ISO dates, and every error an operation can answer documented."""

from __future__ import annotations

import json

import pytest

from funeng.apps.api.urls import api
from funeng.apps.matching.models import Need
from tests.support.api import assert_problem, bearer, field_errors, make_world

pytestmark = pytest.mark.django_db

NEEDS = "/api/v1/matching/needs"


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


def _document() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _json_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation that takes a JSON body."""
    return [
        (method, path)
        for path, methods in _document()["paths"].items()
        for method, operation in methods.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def _with_ids(path: str) -> str:
    """The path with every parameter set to 1 (well formed; the body is refused before it is looked up)."""
    return "/".join("1" if part.startswith("{") else part for part in path.split("/"))


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded", ""]
)
def test_it_refuses_json_sent_as_another_media_type(client, world, content_type):
    response = client.post(
        NEEDS, data=json.dumps({"title": "x"}), content_type=content_type, **bearer(world["enterprise_a"])
    )
    body = assert_problem(response, 415)
    assert "application/json" in body["detail_en"]
    assert not Need.objects.exists()


def test_it_reads_application_json_with_a_charset(client, world):
    response = client.post(
        NEEDS,
        data=json.dumps({"title": "数据上云"}).encode("utf-8"),
        content_type="application/json; charset=utf-8",
        **bearer(world["enterprise_a"]),
    )
    assert response.status_code == 201, response.content


def test_it_refuses_a_multipart_upload_sent_as_json(client, operator):
    response = client.post(
        "/api/v1/enterprises/import",
        data=json.dumps({"file": "a.csv"}),
        content_type="application/json",
        **bearer(operator),
    )
    assert "multipart/form-data" in assert_problem(response, 415)["detail_en"]


@pytest.mark.parametrize("payload", ["hello world", ["title"], 3, None, True])
def test_it_refuses_a_body_that_is_not_a_json_object(client, world, payload):
    response = client.post(
        NEEDS, data=json.dumps(payload), content_type="application/json", **bearer(world["enterprise_a"])
    )
    errors = field_errors(assert_problem(response, 422))
    assert errors["body"]["message_zh"] == "应为 JSON 对象"
    assert not Need.objects.exists()


def test_it_answers_400_to_a_query_string_with_too_many_fields(client, operator, settings):
    query = "&".join(f"q{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert_problem(client.get(f"/api/v1/enterprises?{query}", **bearer(operator)), 400)


def test_it_answers_400_to_json_it_cannot_parse(client, world):
    response = client.post(
        NEEDS, data=b'{"title": ', content_type="application/json", **bearer(world["enterprise_a"])
    )
    assert_problem(response, 400)


@pytest.mark.parametrize(("method", "path"), _json_operations(), ids=lambda value: str(value))
def test_every_json_body_refuses_an_unknown_field(client, operator, method, path):
    response = getattr(client, method)(
        _with_ids(path),
        data=json.dumps({"surprise": 1}),
        content_type="application/json",
        **bearer(operator),
    )
    errors = field_errors(assert_problem(response, 422))
    assert errors["surprise"]["message_en"] == "Extra inputs are not permitted"


def test_an_unknown_field_creates_nothing(client, world):
    response = client.post(
        NEEDS,
        data=json.dumps({"title": "上云", "budget": "5000"}),
        content_type="application/json",
        **bearer(world["enterprise_a"]),
    )
    assert "budget" in field_errors(assert_problem(response, 422))
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/policies/programmes?as_of=0",
        "/api/v1/policies/programmes?as_of=1735689600",
        "/api/v1/policies/programmes?as_of=2024-1-5",
        "/api/v1/audit?date_from=0",
    ],
)
def test_a_date_in_the_query_must_be_an_iso_date(client, operator, url):
    body = assert_problem(client.get(url, **bearer(operator)), 422)
    assert next(iter(field_errors(body).values()))["message_zh"] == "应为日期，格式 YYYY-MM-DD"


def test_an_iso_date_in_the_query_is_read(client, operator):
    response = client.get("/api/v1/policies/programmes?as_of=2024-07-01", **bearer(operator))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("employees", [True, "12", 12.5, [12]])
def test_a_count_in_a_body_must_be_a_json_integer(client, world, employees):
    response = client.patch(
        f"/api/v1/enterprises/{world['a'].pk}",
        data=json.dumps({"employees": employees}),
        content_type="application/json",
        **bearer(world["enterprise_a"]),
    )
    assert "employees" in field_errors(assert_problem(response, 422))
    world["a"].refresh_from_db()
    assert world["a"].employees == 350


@pytest.mark.parametrize("flag", ["true", 1, "yes"])
def test_a_flag_in_a_body_must_be_true_or_false(client, world, flag):
    response = client.patch(
        f"/api/v1/enterprises/{world['a'].pk}",
        data=json.dumps({"quality_cert": flag}),
        content_type="application/json",
        **bearer(world["enterprise_a"]),
    )
    assert "quality_cert" in field_errors(assert_problem(response, 422))


def test_amounts_are_read_from_strings_or_numbers(client, world):
    for revenue in ("60000000.50", 60000000.5):
        response = client.patch(
            f"/api/v1/enterprises/{world['a'].pk}",
            data=json.dumps({"revenue_cny": revenue, "founded_on": "2015-03-01"}),
            content_type="application/json",
            **bearer(world["enterprise_a"]),
        )
        assert response.json()["revenue_cny"] == "60000000.50", response.content


def test_free_text_must_not_hold_nul(client, operator):
    """PostgreSQL cannot store NUL in text; it is refused where it arrives instead of failing there."""
    response = client.post(
        "/api/v1/policies/results/1/decision",
        data=json.dumps({"decision": "approved", "reason": "符合\x00条件"}),
        content_type="application/json",
        **bearer(operator),
    )
    errors = field_errors(assert_problem(response, 422))
    assert errors["reason"]["message_en"] == "must not contain the NUL character"


def _run(client, user, as_of):
    return client.post(
        "/api/v1/policies/runs",
        data=json.dumps({"programme": "srdi-zhejiang", "as_of": as_of}),
        content_type="application/json",
        **bearer(user),
    )


# 1735689600 s after 1970 is 2025-01-01, a date a run accepts when written as one.
@pytest.mark.parametrize("as_of", [1_735_689_600, "1735689600", "2025-1-1", "20250101"])
def test_a_date_in_a_body_must_be_an_iso_date(client, operator, as_of):
    errors = field_errors(assert_problem(_run(client, operator, as_of), 422))
    assert errors["as_of"]["message_zh"] == "应为日期，格式 YYYY-MM-DD"


def test_an_iso_date_in_a_body_is_read(client, operator):
    response = _run(client, operator, "2025-01-01")
    assert response.status_code == 201, response.content


def _operations() -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, methods in _document()["paths"].items()
        for method, operation in methods.items()
    ]


@pytest.mark.parametrize(
    ("method", "path", "operation"), _operations(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_every_operation_documents_the_errors_its_shape_can_cause(method, path, operation):
    """The document lists the errors any operation of this shape can answer.

    Token or session (401); CSRF on writes (403); unknown ids (404); invalid input (422); unreadable
    input (400); a body too large (413) or not JSON (415).
    """
    expected = {401, 422} if operation.get("parameters") or "requestBody" in operation else {401}
    if method != "get":
        expected.add(403)
    if "{" in path:
        expected.add(404)
    if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
        expected.add(400)
    if "requestBody" in operation:
        expected |= {413, 415}
    documented = {int(code) for code in operation["responses"]}
    assert expected <= documented
    for code in documented - {200, 201}:
        content = operation["responses"][code]["content"]
        assert content == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
