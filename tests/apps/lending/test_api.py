"""The lending API: apply with one consent, the bank's logged read and its refusal, decisions, repayments, subsidy."""

from __future__ import annotations

import json

import pytest

from funeng.apps.consents.models import ConsentRead
from funeng.apps.consents.services import consent_revoke
from funeng.apps.lending.models import LoanApplication
from tests.apps.lending.test_services import months_ago
from tests.support.api import assert_problem, bearer, field_errors

pytestmark = pytest.mark.django_db


def post(client, user, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


def apply(client, world, **changes):
    body = {"amount_cny": "500000.00", "term_months": 24, "purpose": "购置设备"} | changes
    return post(
        client, world["enterprise_a"], f"/api/v1/lending/products/{world['product'].pk}/applications", body
    )


def test_products_carry_the_callers_eligibility(client, world):
    rows = client.get("/api/v1/lending/products", **bearer(world["enterprise_a"])).json()["items"]
    assert rows[0]["name"] == "云量贷" and rows[0]["may_apply"] is True and rows[0]["eligibility"] == ""
    rows = client.get("/api/v1/lending/products", **bearer(world["official"])).json()["items"]
    assert rows[0]["may_apply"] is None


def test_apply_grants_the_consent_and_the_bank_reads_under_it(client, world):
    response = apply(client, world)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "submitted" and created["facts"] is None  # the enterprise sees no fact table
    assert created["scorecard"]["reasons"] and created["collateral"]["recognised_cny"]
    bank = client.get(f"/api/v1/lending/applications/{created['id']}", **bearer(world["banker"])).json()
    assert bank["data_readable"] is True and bank["facts"]["cloud_spend_12m_cny"] == 60000.0
    assert ConsentRead.objects.filter(channel="api", reader=world["banker"]).exists()
    listed = client.get("/api/v1/lending/applications", **bearer(world["banker"])).json()["items"]
    assert listed[0]["facts"] is None and listed[0]["scorecard"] is None  # one application at a time


def test_a_second_application_and_bad_fields_are_422(client, world):
    assert apply(client, world).status_code == 201
    body = assert_problem(apply(client, world), 422)
    assert "product" in field_errors(body)
    body = assert_problem(apply(client, world, amount_cny="1.00", term_months=48), 422)
    assert {"amount", "term_months"} <= set(field_errors(body))
    assert LoanApplication.objects.count() == 1


def test_after_revocation_the_bank_gets_no_data_and_the_try_is_logged(client, world):
    created = apply(client, world).json()
    application = LoanApplication.objects.get(pk=created["id"])
    consent_revoke(actor=world["enterprise_a"], consent=application.consent)
    bank = client.get(f"/api/v1/lending/applications/{created['id']}", **bearer(world["banker"])).json()
    assert bank["data_readable"] is False and bank["facts"] is None and bank["scorecard"] is None
    assert ConsentRead.objects.filter(channel="refused").count() == 1


def test_decision_repayment_and_subsidy_through_the_api(client, world):
    created = apply(client, world).json()
    url = f"/api/v1/lending/applications/{created['id']}/decision"
    assert_problem(post(client, world["other_banker"], url, {"decision": "approve"}), 404)
    body = {
        "decision": "approve",
        "amount_cny": "500000",
        "annual_rate": "3.60",
        "disbursed_on": months_ago(3).isoformat(),
    }
    decided = post(client, world["banker"], url, body)
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert_problem(post(client, world["banker"], url, body), 422)  # decided once
    loan_id = client.get("/api/v1/lending/loans", **bearer(world["banker"])).json()["items"][0]["id"]
    repayment = {
        "month": months_ago(2).isoformat(),
        "interest_paid_cny": "1500.00",
        "principal_paid_cny": "0",
        "status": "on_time",
    }
    assert_problem(
        post(client, world["enterprise_a"], f"/api/v1/lending/loans/{loan_id}/repayments", repayment), 403
    )
    recorded = post(client, world["banker"], f"/api/v1/lending/loans/{loan_id}/repayments", repayment)
    assert recorded.status_code == 201 and recorded.json()["subsidy"][0]["subsidy_cny"] == "750.00"
    assert_problem(client.get("/api/v1/lending/subsidy", **bearer(world["enterprise_a"])), 403)
    due = client.get("/api/v1/lending/subsidy", **bearer(world["official"])).json()
    assert due == [
        {
            "institution_id": world["bank"].pk,
            "institution": "甲银行杭州分行",
            "month": months_ago(2).isoformat(),
            "interest_paid_cny": "1500.00",
            "subsidy_cny": "750.00",
            "loans": 1,
            "approved": False,
        }
    ]
    approval = {"institution_id": world["bank"].pk, "month": months_ago(2).isoformat()}
    assert post(client, world["official"], "/api/v1/lending/subsidy/approvals", approval).status_code == 201
    assert_problem(post(client, world["official"], "/api/v1/lending/subsidy/approvals", approval), 422)
    assert client.get("/api/v1/lending/subsidy", **bearer(world["nanjing_official"])).json() == []
