"""/api/v1/library: documents, clauses, measures, targets and search, for any signed-in user."""

from __future__ import annotations

import json

import pytest

from engines.library.model import Metadata
from funeng.apps.library.services import document_ingest
from tests.support.api import assert_problem, bearer, field_errors
from tests.support.library import PLAN_ID, PLAN_V1
from tests.support.personas import official, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers():
    document_ingest(
        actor=None,
        raw=PLAN_V1.encode(),
        slug=PLAN_ID,
        metadata=Metadata(region_code="330100", level="municipal"),
    )
    return bearer(official("hz", "330100"))


def _json(client, url, headers, status=200):
    response = client.get(url, **headers)
    assert response.status_code == status, response.content.decode()
    return json.loads(response.content)


def test_documents_and_their_clauses_are_listed_in_pages(client, headers):
    page = _json(client, "/api/v1/library/documents", headers)
    assert page["count"] == 1 and page["items"][0]["id"] == PLAN_ID
    assert page["items"][0]["doc_number"] == "测政发〔2021〕12号"
    clauses = _json(client, f"/api/v1/library/documents/{PLAN_ID}/clauses?limit=3&offset=3", headers)
    assert clauses["count"] == 8 and [c["id"] for c in clauses["items"]] == [
        f"{PLAN_ID}/二/(一)",
        f"{PLAN_ID}/二/(一)/1",
        f"{PLAN_ID}/二/(一)/2",
    ]


def test_measures_carry_units_and_targets_in_base_units(client, headers):
    measures = _json(client, f"/api/v1/library/documents/{PLAN_ID}/measures", headers)
    assert [m["no"] for m in measures] == [1, 2, 3]
    second = measures[1]
    assert second["lead_unit"] == "市金融办" and second["units"] == ["市金融办", "市经信局"]
    (target,) = second["targets"]
    assert float(target["value"]) == 1e9 and (target["unit"], target["year"], target["op"]) == (
        "元",
        2023,
        ">=",
    )
    targets = _json(client, f"/api/v1/library/documents/{PLAN_ID}/targets", headers)
    assert len(targets) == 4 and targets[0]["clause"] == f"{PLAN_ID}/一"


def test_a_clause_and_a_search(client, headers):
    clause = _json(client, f"/api/v1/library/clauses/{PLAN_ID}/二/(一)/2", headers)
    assert clause["heading"] == "创新“云量贷”服务" and clause["rules"] == []
    hits = _json(client, "/api/v1/library/search?q=云量贷&k=2", headers)
    assert hits[0]["clause"] == f"{PLAN_ID}/二/(一)/2" and "云量" in "".join(hits[0]["highlights"])
    assert _json(client, "/api/v1/library/search?q=云量贷&region=320000", headers) == []


def test_bad_requests_and_unknown_objects(client, headers):
    body = assert_problem(client.get("/api/v1/library/search?q=云&k=0", **headers), 422)
    assert "k" in field_errors(body)
    assert_problem(client.get("/api/v1/library/search?q=", **headers), 422)
    assert_problem(client.get("/api/v1/library/documents/no-such", **headers), 404)
    assert_problem(client.get(f"/api/v1/library/clauses/{PLAN_ID}/九", **headers), 404)


def test_it_needs_a_signed_in_user(client, headers):
    assert_problem(client.get("/api/v1/library/documents"), 401)
    # A role-less user reads the library too: it is public to signed-in users.
    assert _json(client, "/api/v1/library/documents", bearer(person("nobody")))["count"] == 1
