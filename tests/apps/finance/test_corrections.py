"""Corrected cloud bills: a month already stored is replaced (audited, old and new), only by its own provider."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from funeng.apps.audit.models import AuditEvent
from funeng.apps.finance.models import CloudUsageRecord
from tests.apps.finance.conftest import client_for, csv_file
from tests.apps.finance.test_import import URL, rows_for
from tests.support.api import bearer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def send(client, rows, *, correct: bool):
    data = {"file": csv_file(rows)}
    if correct:
        data["correct"] = "on"
    return client.post(URL, data)


def amounts(enterprise) -> dict[str, Decimal]:
    return {
        r.month.isoformat(): r.amount_cny
        for r in CloudUsageRecord.objects.filter(enterprise=enterprise).order_by("month")
    }


def test_a_correction_replaces_the_stored_month_adds_new_ones_and_is_audited_once(world):
    client = client_for(world["provider"])
    assert send(client, rows_for(world["a"], "2026-01", "2026-02"), correct=False).status_code == 302
    without_flag = send(client, rows_for(world["a"], "2026-02", amount="9999.00"), correct=False)
    assert without_flag.status_code == 400 and amounts(world["a"])["2026-02-01"] == Decimal("12800.00")

    fixed = rows_for(world["a"], "2026-02", amount="11800.00") + rows_for(world["a"], "2026-03")
    response = send(client, fixed, correct=True)
    assert response.status_code == 302
    assert amounts(world["a"]) == {
        "2026-01-01": Decimal("12800.00"),
        "2026-02-01": Decimal("11800.00"),
        "2026-03-01": Decimal("12800.00"),
    }
    updates = AuditEvent.objects.filter(object_type="finance.cloudusagerecord", action="update")
    assert updates.count() == 1
    assert updates.get().changes["amount_cny"] == ["12800.00", "11800.00"]

    assert send(client, fixed, correct=True).status_code == 302  # the same correction again: a no-op
    assert updates.count() == 1 and CloudUsageRecord.objects.filter(enterprise=world["a"]).count() == 3


def test_a_bad_row_in_a_correction_changes_nothing(world):
    client = client_for(world["provider"])
    send(client, rows_for(world["a"], "2026-01"), correct=False)
    rows = rows_for(world["a"], "2026-01", amount="100.00") + rows_for(world["a"], "2026-02", amount="-5")
    assert send(client, rows, correct=True).status_code == 400
    assert amounts(world["a"]) == {"2026-01-01": Decimal("12800.00")}
    assert not AuditEvent.objects.filter(object_type="finance.cloudusagerecord", action="update").exists()


def test_a_provider_never_corrects_another_providers_bill(world):
    # The operator stored 示例云's bill for January; the provider's correction is its own new bill.
    send(client_for(world["admin"]), rows_for(world["a"], "2026-01", provider="示例云"), correct=False)
    send(client_for(world["provider"]), rows_for(world["a"], "2026-01", amount="1.00"), correct=True)
    stored = {(r.provider_name, r.amount_cny) for r in CloudUsageRecord.objects.filter(enterprise=world["a"])}
    assert stored == {("示例云", Decimal("12800.00")), (world["provider_org"].name, Decimal("1.00"))}


def test_the_api_corrects_with_correct_true(world, client):
    headers = bearer(world["provider"])
    row = {
        "credit_code": world["a"].credit_code,
        "month": "2026-01",
        "service_category": "compute",
        "amount_cny": "12800.00",
    }

    def post(body):
        return client.post(
            "/api/v1/finance/cloud-usage", json.dumps(body), content_type="application/json", **headers
        )

    assert json.loads(post({"rows": [row]}).content) == {"created": 1, "corrected": 0}
    assert post({"rows": [row | {"amount_cny": "1.00"}]}).status_code == 422
    answer = post({"rows": [row | {"amount_cny": "1.00"}], "correct": True})
    assert answer.status_code == 201 and json.loads(answer.content) == {"created": 0, "corrected": 1}
    assert amounts(world["a"]) == {"2026-01-01": Decimal("1.00")}
