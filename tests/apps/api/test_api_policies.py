"""/api/v1/policies through HTTP: programmes, one enterprise's evaluations, runs, notices, decisions."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from engines.rules.loader import get_programme
from funeng.apps.policies.const import Track
from funeng.apps.policies.models import PolicyNotice, PolicyRun, ReviewDecision
from tests.support.api import assert_problem, bearer, field_errors
from tests.support.policies import make_policy_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
URL = "/api/v1/policies"
ZJ = "srdi-zhejiang"


@pytest.fixture
def world(enterprise_fields):
    return make_policy_world(enterprise_fields)


def post(client, url, data, user):
    return client.post(url, data=json.dumps(data), content_type="application/json", **bearer(user))


def test_every_policy_endpoint_needs_authentication(client, world):
    for method, url in [
        ("get", f"{URL}/programmes"),
        ("get", f"{URL}/programmes/{ZJ}"),
        ("get", f"{URL}/enterprises/{world['strong'].pk}/evaluations"),
        ("get", f"{URL}/runs"),
        ("post", f"{URL}/runs"),
        ("get", f"{URL}/notices"),
    ]:
        assert_problem(getattr(client, method)(url), 401)


def test_it_lists_programmes_in_force_and_shows_one_with_its_citations(client, world):
    body = client.get(f"{URL}/programmes", **bearer(world["outsider"])).json()
    assert {p["id"] for p in body} >= {ZJ, "srdi-national-little-giant"}
    detail = client.get(f"{URL}/programmes/{ZJ}", **bearer(world["outsider"])).json()
    assert detail["version"] == get_programme(ZJ).version
    root = detail["conditions"]
    assert root["citation"]["clause"] and root["children"]
    assert_problem(client.get(f"{URL}/programmes/nope", **bearer(world["outsider"])), 404)
    assert_problem(client.get(f"{URL}/programmes/{ZJ}?as_of=2001-01-01", **bearer(world["outsider"])), 404)


def test_an_enterprise_reads_its_evaluations_with_tracks_and_gaps(client, world):
    body = client.get(f"{URL}/enterprises/{world['weak'].pk}/evaluations", **bearer(world["official"])).json()
    zj = next(item for item in body if item["programme"] == ZJ)
    assert zj["outcome"] == "not_eligible" and zj["track"] == Track.ALMOST and zj["applies_to_region"]
    assert zj["failing"] and zj["gaps"] and zj["failing"][0]["citation"]["quote"]
    own = client.get(
        f"{URL}/enterprises/{world['gappy'].pk}/evaluations", **bearer(world["gappy_admin"])
    ).json()
    assert next(item for item in own if item["programme"] == ZJ)["unknown"]
    assert_problem(
        client.get(f"{URL}/enterprises/{world['strong'].pk}/evaluations", **bearer(world["gappy_admin"])), 404
    )


def test_an_official_runs_a_programme_reads_results_notifies_and_decides(client, world):
    official = world["official"]
    response = post(client, f"{URL}/runs", {"programme": ZJ}, official)
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["version"] == get_programme(ZJ).version and run["enterprises"] == 3
    results = client.get(f"{URL}/runs/{run['id']}/results?track=review", **bearer(official)).json()
    assert results["count"] == 1 and results["items"][0]["enterprise_id"] == world["strong"].pk
    case = results["items"][0]["id"]
    assert post(client, f"{URL}/runs/{run['id']}/notify", {"tracks": ["review"]}, official).json() == {
        "sent": 1
    }
    assert post(client, f"{URL}/runs/{run['id']}/notify", {"tracks": ["review"]}, official).json() == {
        "sent": 0
    }
    body = assert_problem(
        post(client, f"{URL}/results/{case}/decision", {"decision": "approved", "reason": "好"}, official),
        422,
    )
    assert "reason" in field_errors(body)
    response = post(
        client,
        f"{URL}/results/{case}/decision",
        {"decision": "rejected", "reason": "细分市场地位材料不足"},
        official,
    )
    assert response.status_code == 201 and response.json()["version"] == run["version"]
    assert ReviewDecision.objects.get().decision == "rejected"


def test_runs_are_for_officials_of_the_region_only(client, world):
    assert_problem(post(client, f"{URL}/runs", {"programme": ZJ}, world["strong_admin"]), 403)
    assert_problem(post(client, f"{URL}/runs", {"programme": ZJ}, world["banker"]), 403)
    body = assert_problem(
        post(client, f"{URL}/runs", {"programme": ZJ, "as_of": "2001-01-01"}, world["official"]), 422
    )
    assert "as_of" in field_errors(body)
    run = post(client, f"{URL}/runs", {"programme": ZJ}, world["official"]).json()
    assert_problem(client.get(f"{URL}/runs/{run['id']}", **bearer(world["official_nj"])), 404)
    assert client.get(f"{URL}/runs", **bearer(world["official_nj"])).json()["count"] == 0
    assert client.get(f"{URL}/runs", **bearer(world["operator"])).json()["count"] == 1
    assert PolicyRun.objects.count() == 1


def test_an_enterprise_lists_its_notices_and_marks_them_read(client, world):
    run = post(client, f"{URL}/runs", {"programme": ZJ}, world["official"]).json()
    post(client, f"{URL}/runs/{run['id']}/notify", {"tracks": ["missing", "review"]}, world["official"])
    own = client.get(f"{URL}/notices", **bearer(world["gappy_admin"])).json()
    assert own["count"] == 1 and own["items"][0]["kind"] == "missing"
    notice = own["items"][0]["id"]
    assert_problem(post(client, f"{URL}/notices/{notice}/read", {}, world["strong_admin"]), 404)
    assert post(client, f"{URL}/notices/{notice}/read", {}, world["gappy_admin"]).json()["read_at"]
    assert PolicyNotice.objects.get(pk=notice).read_at <= timezone.now()


def test_a_run_far_in_the_future_is_refused_with_the_latest_date(client, world):
    response = post(client, f"{URL}/runs", {"programme": ZJ, "as_of": "2999-01-01"}, world["official"])
    body = assert_problem(response, 422)
    assert "as_of" in field_errors(body) and not PolicyRun.objects.exists()
