"""/api/v1/monitoring and /api/v1/designations: indicators, reported values, targets, progress, list counts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from funeng.apps.designations.services import designation_decide, designation_nominate
from funeng.apps.monitoring.models import IndicatorValue
from funeng.apps.monitoring.services import target_confirm
from tests.support.api import assert_problem, bearer, field_errors
from tests.support.monitoring import monitoring_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields):
    return monitoring_world(enterprise_fields)


def _post(client, user, payload):
    return client.post(
        "/api/v1/monitoring/values", json.dumps(payload), content_type="application/json", **bearer(user)
    )


def _get(client, user, url, status=200):
    response = client.get(url, **bearer(user))
    assert response.status_code == status, response.content.decode()
    return json.loads(response.content)


VALUE = {
    "indicator": "open_datasets",
    "region_code": "330000",
    "year": 2021,
    "value": "7200",
    "source": "2021年公报",
}


def test_a_reported_value_is_stored_once_and_a_correction_is_a_revision(client, world):
    assert json.loads(_post(client, world.province, VALUE).content) == {"stored": True, "revision": 1}
    assert json.loads(_post(client, world.province, VALUE).content) == {"stored": False, "revision": None}
    assert json.loads(_post(client, world.province, {**VALUE, "value": "7300"}).content) == {
        "stored": True,
        "revision": 2,
    }
    history = _get(client, world.province, "/api/v1/monitoring/values?indicator=open_datasets&history=true")
    assert [(v["value"], v["current"]) for v in history["items"]] == [
        ("7300.000000", True),
        ("7200.000000", False),
    ]


def test_a_value_outside_the_reporter_s_region_is_a_field_error(client, world):
    body = assert_problem(_post(client, world.city, VALUE), 422)
    assert "region_code" in field_errors(body)
    assert not IndicatorValue.objects.exists()


def test_progress_of_the_confirmed_targets_with_status_and_ratio(client, world):
    target = world.target("open_datasets")
    target_confirm(
        actor=world.province,
        target=target,
        baseline_year=2020,
        baseline_value=Decimal(6400),
        target_year=2022,
        target_value=target.target_value,
    )
    _post(client, world.province, VALUE)
    (row,) = _get(
        client, world.city, "/api/v1/monitoring/progress"
    )  # the province's target applies in Hangzhou
    assert (row["indicator"], row["status"], row["lead_unit"]) == ("open_datasets", "limited", "省大数据局")
    assert row["ratio"] == pytest.approx(0.5) and row["explanation_en"]
    proposed = _get(client, world.province, "/api/v1/monitoring/targets?status=proposed")
    assert proposed["count"] == world.proposed - 1


def test_other_roles_and_regions_are_refused(client, world):
    assert_problem(client.get("/api/v1/monitoring/indicators", **bearer(world.alice)), 403)
    assert_problem(client.get("/api/v1/monitoring/progress?region=330100", **bearer(world.other)), 404)


def test_designation_counts_follow_decisions(client, world):
    from funeng.apps.enterprises.models import Enterprise

    hangzhou = Enterprise.objects.get()
    entry = designation_nominate(
        actor=world.province, enterprise=hangzhou, kind="future_factory", title="未来工厂"
    )
    counts = {c["kind"]: c["count"] for c in _get(client, world.city, "/api/v1/designations/counts")}
    assert counts["future_factory"] == 0  # nominated, not yet decided
    designation_decide(actor=world.province, entry=entry, approve=True, valid_from=dt.date(2024, 1, 1))
    counts = {c["kind"]: c["count"] for c in _get(client, world.city, "/api/v1/designations/counts")}
    assert counts["future_factory"] == 1
    before = {
        c["kind"]: c["count"] for c in _get(client, world.city, "/api/v1/designations/counts?on=2023-12-31")
    }
    assert before["future_factory"] == 0
    kinds = _get(client, world.alice, "/api/v1/designations/kinds")
    assert {k["id"] for k in kinds} >= {"cloud_benchmark", "future_factory"} and all(
        k["clauses"] for k in kinds
    )
