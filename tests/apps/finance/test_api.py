"""/api/v1/finance: providers post cloud bills with the file import's checks; enterprises read their footprint."""

from __future__ import annotations

import json

import pytest

from funeng.apps.finance.models import CloudUsageRecord
from tests.support.api import assert_problem, bearer, field_errors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
URL = "/api/v1/finance/cloud-usage"


def row(enterprise, month="2026-01", **changes):
    return {
        "credit_code": enterprise.credit_code,
        "month": month,
        "service_category": "compute",
        "amount_cny": "12800.00",
    } | changes


def post(client, user, rows):
    return client.post(URL, json.dumps({"rows": rows}), content_type="application/json", **bearer(user))


def test_a_provider_posts_a_batch_of_bills(client, world):
    response = post(client, world["provider"], [row(world["a"]), row(world["a"], "2026-02", amount_cny=900)])
    assert response.status_code == 201, response.content
    assert json.loads(response.content) == {"created": 2, "corrected": 0}
    assert {r.provenance for r in CloudUsageRecord.objects.all()} == {"provider_reported"}


def test_one_bad_row_refuses_the_batch_naming_each_bad_cell_in_both_languages(client, world, credit_code):
    rows = [
        row(world["a"]),
        row(world["a"], amount_cny="-5"),
        row(world["a"], "2026-03", currency="USD"),
        row(world["a"], "2026-04", credit_code=credit_code("330106")),
        row(world["a"], "2026-05", amount_cny="30000000"),
    ]
    body = assert_problem(post(client, world["provider"], rows), 422)
    errors = field_errors(body)
    assert set(errors) == {
        "rows[1].amount_cny",
        "rows[2].currency",
        "rows[3].credit_code",
        "rows[4].amount_cny",
    }
    assert "万元" in errors["rows[4].amount_cny"]["message_en"]
    assert "USD" in errors["rows[2].currency"]["message_zh"]
    assert not CloudUsageRecord.objects.exists()


def test_a_month_twice_in_a_batch_names_both_rows(client, world):
    body = assert_problem(post(client, world["provider"], [row(world["a"]), row(world["a"])]), 422)
    error = field_errors(body)["rows[1].month"]
    assert "Rows 1 and 2" in error["message_en"]


def test_posting_the_same_batch_again_creates_nothing(client, world):
    assert post(client, world["provider"], [row(world["a"])]).status_code == 201
    body = assert_problem(post(client, world["provider"], [row(world["a"])]), 422)
    assert "already imported" in field_errors(body)["rows[0].month"]["message_en"]
    assert CloudUsageRecord.objects.count() == 1


@pytest.mark.parametrize("persona", ["enterprise_a", "official", "banker"])
def test_other_roles_may_not_post_bills(client, world, persona):
    assert_problem(post(client, world[persona], [row(world["a"])]), 403)


def test_an_unknown_field_is_refused(client, world):
    assert_problem(post(client, world["provider"], [row(world["a"], colour="red")]), 422)


def test_an_enterprise_reads_its_own_footprint_and_not_anothers(client, world):
    post(client, world["provider"], [row(world["a"])])
    own = client.get(
        f"/api/v1/finance/enterprises/{world['a'].pk}/footprint", **bearer(world["enterprise_a"])
    )
    assert own.status_code == 200
    body = json.loads(own.content)
    assert body["cloud_usage"][0]["amount_cny"] == "12800.00" and body["cloud_usage"][0]["month"] == "2026-01"
    assert body["collateral"]["explanation_zh"] and body["collateral"]["explanation_en"]
    other = client.get(
        f"/api/v1/finance/enterprises/{world['a'].pk}/footprint", **bearer(world["enterprise_b"])
    )
    assert_problem(other, 404)
