"""/api/v1/supply-chain: the same steps, parties and validation as the pages, as JSON."""

from __future__ import annotations

import json

import pytest

from funeng.apps.supply_chain.const import ReceivableStatus
from funeng.apps.supply_chain.models import FinancingListing, Receivable, ReceivableEvent
from tests.support.api import assert_problem, bearer, field_errors
from tests.support.supply_chain import listed, offered, submit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supply-chain"


def post(client, user, path, data):
    return client.post(
        f"{BASE}{path}", data=json.dumps(data), content_type="application/json", **bearer(user)
    )


def get(client, user, path):
    return client.get(f"{BASE}{path}", **bearer(user))


def test_a_receivable_goes_through_every_step_over_the_api(client, world):
    created = post(
        client,
        world["enterprise_a"],
        "/receivables",
        {
            "anchor_credit_code": world["b"].credit_code,
            "invoice_number": "INV-9",
            "amount_cny": "120000.50",
            "issued_on": "2026-10-01",
            "due_on": "2027-01-01",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["supplier"] == world["a"].name and body["anchor"] == world["b"].name
    assert body["amount_cny"] == "120000.50" and body["your_party"] == "supplier"
    rid = body["id"]
    assert (
        post(client, world["enterprise_b"], f"/receivables/{rid}/confirm", {}).json()["status"] == "confirmed"
    )
    offered_body = post(
        client,
        world["enterprise_a"],
        f"/receivables/{rid}/offer",
        {"bank": world["bank"].name, "requested_cny": "100000"},
    ).json()
    assert offered_body["status"] == "offered" and offered_body["bank"] == world["bank"].name
    financed = post(
        client,
        world["banker"],
        f"/receivables/{rid}/finance",
        {"advance_cny": "95000", "annual_rate": "4.35", "financed_on": "2026-11-20"},
    ).json()
    assert financed["status"] == "financed" and financed["annual_rate"] == "4.35"
    settled = post(client, world["banker"], f"/receivables/{rid}/settle", {"settled_on": "2026-11-30"}).json()
    assert [e["step"] for e in settled["events"]] == [
        "submitted",
        "confirmed",
        "offered",
        "financed",
        "settled",
    ]
    assert settled["events"][3]["party_name"] == world["bank"].name


def test_the_lists_follow_who_may_see(client, world):
    submit(world, invoice_number="S-1")
    offered(world, invoice_number="O-1")

    def numbers(user, query=""):
        return {r["invoice_number"] for r in get(client, user, f"/receivables{query}").json()["items"]}

    assert numbers(world["enterprise_a"]) == {"S-1", "O-1"}
    assert numbers(world["enterprise_b"], "?party=anchor") == {"S-1", "O-1"}
    assert numbers(world["enterprise_b"], "?party=supplier") == set()
    assert numbers(world["banker"]) == {"O-1"}
    assert numbers(world["other_banker"]) == set()
    assert numbers(world["official"]) == set()


def test_the_wrong_party_gets_403_the_unseen_404_and_the_wrong_state_422(client, world):
    receivable = offered(world)
    path = f"/receivables/{receivable.pk}"
    assert_problem(post(client, world["enterprise_a"], f"{path}/decline", {"reason": "x"}), 403)
    assert_problem(post(client, world["other_banker"], f"{path}/decline", {"reason": "x"}), 404)
    assert_problem(get(client, world["enterprise_c"], path), 404)
    body = assert_problem(post(client, world["enterprise_b"], f"{path}/confirm", {}), 422)
    [error] = body["errors"]
    assert "刷新页面" in error["message_zh"] and "Reload the page" in error["message_en"]
    assert Receivable.objects.get().status == ReceivableStatus.OFFERED
    assert ReceivableEvent.objects.count() == 3


def test_validation_errors_name_the_field_in_both_languages(client, world):
    data = {
        "anchor_credit_code": "91330100MA0000000X",
        "invoice_number": "INV-1",
        "amount_cny": "100",
        "issued_on": "2026-10-01",
        "due_on": "2026-09-01",
    }
    errors = field_errors(assert_problem(post(client, world["enterprise_a"], "/receivables", data), 422))
    assert set(errors) == {"anchor_credit_code", "due_on"}
    assert "到期日应晚于开票日期" in errors["due_on"]["message_zh"]
    assert errors["due_on"]["message_en"] == "The due date comes after the invoice date."
    data |= {"anchor_credit_code": world["b"].credit_code, "due_on": "2027-01-01", "amount_cny": "0"}
    errors = field_errors(assert_problem(post(client, world["enterprise_a"], "/receivables", data), 422))
    assert set(errors) == {"amount_cny"}
    receivable = offered(world, invoice_number="X")
    errors = field_errors(
        assert_problem(
            post(
                client,
                world["banker"],
                f"/receivables/{receivable.pk}/finance",
                {"advance_cny": "9999999", "annual_rate": "4", "financed_on": "2026-11-20"},
            ),
            422,
        )
    )
    assert set(errors) == {"advance_cny"} and "500,000.00" in errors["advance_cny"]["message_en"]
    errors = field_errors(
        assert_problem(
            post(
                client,
                world["enterprise_a"],
                "/receivables",
                data | {"amount_cny": "1", "invoice_number": "X"},
            ),
            422,
        )
    )
    assert set(errors) == {"invoice_number"}


def test_an_offer_to_an_unknown_bank_names_the_bank_field(client, world):
    receivable = submit(world)
    post(client, world["enterprise_b"], f"/receivables/{receivable.pk}/confirm", {})
    body = assert_problem(
        post(
            client,
            world["enterprise_a"],
            f"/receivables/{receivable.pk}/offer",
            {"bank": "无此银行", "requested_cny": "1"},
        ),
        422,
    )
    assert set(field_errors(body)) == {"bank"}


def test_officials_list_and_withdraw_directory_entries_and_everyone_with_a_role_reads_them(client, world):
    created = post(
        client,
        world["official"],
        "/listings",
        {
            "credit_code": world["a"].credit_code,
            "kind": "project",
            "title": "数字化车间",
            "description": "新建车间。",
            "amount_sought_cny": "3000000",
            "purpose": "设备采购",
            "valid_until": "2027-06-30",
        },
    )
    assert created.status_code == 201, created.content
    lid = created.json()["id"]
    assert created.json()["enterprise"] == world["a"].name
    assert [x["id"] for x in get(client, world["banker"], "/listings").json()["items"]] == [lid]
    assert_problem(post(client, world["banker"], f"/listings/{lid}/withdraw", {}), 403)
    entry = {
        "credit_code": world["a"].credit_code,
        "kind": "project",
        "title": "x",
        "description": "x",
        "amount_sought_cny": "1",
        "purpose": "x",
        "valid_until": "2027-06-30",
    }
    assert_problem(post(client, world["enterprise_a"], "/listings", entry), 403)
    outside = post(client, world["official_b"], "/listings", entry)
    assert set(field_errors(assert_problem(outside, 422))) == {"credit_code"}
    assert post(client, world["official"], f"/listings/{lid}/withdraw", {}).json()["status"] == "withdrawn"
    assert get(client, world["banker"], "/listings").json()["items"] == []
    assert_problem(get(client, world["banker"], f"/listings/{lid}"), 404)
    assert FinancingListing.objects.get().status == "withdrawn"
    listed(world, title="第二")
    assert get(client, world["outsider"], "/listings").json()["items"] == []
