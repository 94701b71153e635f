"""/api/v1/consents and the bank's view of /api/v1/enterprises through HTTP: access, validation, reads."""

from __future__ import annotations

import json
import typing

import pytest
from django.utils import timezone

from funeng.apps.api.schemas import DataCategoryName
from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.consents.categories import CATEGORY_FIELDS
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import Consent, ConsentRead
from funeng.apps.consents.services import consent_latest_end, consent_revoke
from tests.support.api import assert_problem, bearer, field_errors
from tests.support.consents import expired, grant, in_days, make_consent_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

URL = "/api/v1/consents"


@pytest.fixture
def world(enterprise_fields):
    return make_consent_world(enterprise_fields)


def post(client, url, data, headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def grant_body(world, **overrides):
    body = {
        "enterprise_id": world["a"].pk,
        "institution_id": world["bank"].pk,
        "categories": ["profile", "financials"],
        "valid_until": in_days(90).isoformat(),
    }
    body.update(overrides)
    return body


def test_the_api_category_names_are_the_data_categories():
    assert set(typing.get_args(DataCategoryName)) == set(DataCategory.values)


# ---------------------------------------------------------------- authentication


def test_every_consent_endpoint_needs_authentication(client, world):
    consent = grant(world)
    for method, url in [
        ("get", URL),
        ("post", URL),
        ("get", f"{URL}/{consent.pk}"),
        ("post", f"{URL}/{consent.pk}/revoke"),
        ("get", f"{URL}/{consent.pk}/reads"),
    ]:
        assert_problem(getattr(client, method)(url), 401)
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


# ---------------------------------------------------------------- grant


def test_the_enterprise_administrator_grants_a_consent(client, world):
    response = post(client, URL, grant_body(world), bearer(world["enterprise_a"]))
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    consent = Consent.objects.get()
    assert body["id"] == consent.pk and body["status"] == "active"
    assert body["categories"] == ["profile", "financials"]
    assert body["institution_name"] == "甲银行杭州分行" and body["enterprise_id"] == world["a"].pk
    assert body["valid_until"] == in_days(90).isoformat() and body["revoked_at"] is None
    assert AuditEvent.objects.filter(
        object_type="consents.consent", object_id=str(consent.pk), action=AuditAction.CREATE
    ).exists()


@pytest.mark.parametrize(("persona", "status"), [("enterprise_a_colleague", 403), ("official", 403)])
def test_a_visible_enterprise_user_who_is_not_its_administrator_gets_403(client, world, persona, status):
    assert_problem(post(client, URL, grant_body(world), bearer(world[persona])), status)
    assert not Consent.objects.exists()


def test_a_bank_cannot_grant_itself_a_consent(client, world):
    grant(world, categories=["profile"])
    assert_problem(post(client, URL, grant_body(world), bearer(world["banker"])), 403)
    assert_problem(post(client, URL, grant_body(world), bearer(world["other_banker"])), 404)
    assert Consent.objects.count() == 1


def test_another_enterprise_cannot_grant_for_a_and_does_not_learn_it_exists(client, world):
    assert_problem(post(client, URL, grant_body(world), bearer(world["enterprise_b"])), 404)
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": []}, "categories"),
        ({"categories": ["profile", "salaries"]}, "categories.1"),
        ({"valid_until": 0}, "valid_until"),  # days from (frozen) today, resolved in the test
        ({"valid_until": 400}, "valid_until"),
        ({"valid_until": "2026-13-01"}, "valid_until"),
        ({"institution_id": 999_999}, "institution_id"),
        ({"granted_by": 1}, "granted_by"),
    ],
)
def test_invalid_grants_are_422_with_field_errors(client, world, overrides, field):
    if isinstance(overrides.get("valid_until"), int):
        overrides = {"valid_until": in_days(overrides["valid_until"]).isoformat()}
    body = assert_problem(
        post(client, URL, grant_body(world, **overrides), bearer(world["enterprise_a"])), 422
    )
    errors = field_errors(body)
    assert field in errors, errors
    assert not Consent.objects.exists()


def test_a_too_long_consent_names_the_latest_date(client, world):
    body = assert_problem(
        post(
            client,
            URL,
            grant_body(world, valid_until=in_days(400).isoformat()),
            bearer(world["enterprise_a"]),
        ),
        422,
    )
    message = field_errors(body)["valid_until"]["message_en"]
    assert "at most one year" in message and consent_latest_end(timezone.localdate()).isoformat() in message


# ---------------------------------------------------------------- list and detail


def test_each_side_lists_only_its_own_consents(client, world, operator):
    mine = grant(world)
    theirs = grant(world, enterprise="b", bank="other_bank")
    ids = {
        persona: [item["id"] for item in client.get(URL, **bearer(world[persona])).json()["items"]]
        for persona in ("enterprise_a", "enterprise_a_colleague", "banker", "enterprise_b", "other_banker")
    }
    assert ids == {
        "enterprise_a": [mine.pk],
        "enterprise_a_colleague": [mine.pk],
        "banker": [mine.pk],
        "enterprise_b": [theirs.pk],
        "other_banker": [theirs.pk],
    }
    body = client.get(URL, **bearer(operator)).json()
    assert body["count"] == 2 and (body["limit"], body["offset"]) == (50, 0)
    assert client.get(URL, **bearer(world["official"])).json()["count"] == 0


def test_the_list_filters_by_status_and_paginates(client, world):
    active = grant(world)
    revoked = grant(world, categories=["digital"])
    consent_revoke(actor=world["enterprise_a"], consent=revoked)
    old = expired(grant(world, categories=["innovation"]))
    headers = bearer(world["enterprise_a"])
    for status, consent in (("active", active), ("revoked", revoked), ("expired", old)):
        items = client.get(URL, {"status": status}, **headers).json()["items"]
        assert [(i["id"], i["status"]) for i in items] == [(consent.pk, status)]
    first = client.get(URL, {"limit": 2}, **headers).json()
    rest = client.get(URL, {"limit": 2, "offset": 2}, **headers).json()
    assert first["count"] == 3 and len(first["items"]) == 2 and len(rest["items"]) == 1
    assert_problem(client.get(URL, {"status": "pending"}, **headers), 422)


def test_a_consent_of_another_enterprise_or_bank_is_404(client, world):
    consent = grant(world)
    for persona in ("enterprise_b", "other_banker", "official", "provider"):
        headers = bearer(world[persona])
        assert_problem(client.get(f"{URL}/{consent.pk}", **headers), 404)
        assert_problem(client.get(f"{URL}/{consent.pk}/reads", **headers), 404)
        assert_problem(client.post(f"{URL}/{consent.pk}/revoke", **headers), 404)
    assert client.get(f"{URL}/{consent.pk}", **bearer(world["banker"])).json()["id"] == consent.pk
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


# ---------------------------------------------------------------- revoke


def test_the_administrator_revokes_and_a_second_revoke_is_409(client, world):
    consent = grant(world)
    headers = bearer(world["enterprise_a"])
    body = client.post(f"{URL}/{consent.pk}/revoke", **headers).json()
    assert body["status"] == "revoked" and body["revoked_at"]
    problem = assert_problem(client.post(f"{URL}/{consent.pk}/revoke", **headers), 409)
    assert "already revoked" in problem["detail_en"]
    assert AuditEvent.objects.filter(object_id=str(consent.pk), action=AuditAction.UPDATE).count() == 1


@pytest.mark.parametrize("persona", ["banker", "enterprise_a_colleague"])
def test_the_bank_and_colleagues_cannot_revoke(client, world, persona):
    consent = grant(world)
    assert_problem(client.post(f"{URL}/{consent.pk}/revoke", **bearer(world[persona])), 403)
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


# ---------------------------------------------------------------- the bank reading enterprises


def test_a_bank_gets_null_for_fields_it_was_not_granted_and_the_read_is_logged(client, world):
    consent = grant(world, categories=["financials"])
    body = client.get(f"/api/v1/enterprises/{world['a'].pk}", **bearer(world["banker"])).json()
    assert body["shared_categories"] == ["financials"]
    assert body["name"] == world["a"].name and body["credit_code"] == world["a"].credit_code
    assert body["revenue_cny"] == "87654321.00" and body["net_profit_cny"] == "-1234567.00"
    withheld = [*CATEGORY_FIELDS["innovation"], *CATEGORY_FIELDS["digital"], "industry_code", "region_code"]
    withheld += [
        "founded_on",
        "employees",
        "industry_name",
        "region_name",
        "size_class",
        "de_codes",
        "de_core",
    ]
    assert {name: body[name] for name in withheld} == dict.fromkeys(withheld)
    read = ConsentRead.objects.get()
    assert (read.consent, read.reader, read.channel, read.categories) == (
        consent,
        world["banker"],
        "api",
        ["financials"],
    )


def test_a_bank_lists_only_consented_enterprises_with_their_shared_categories(client, world):
    grant(world, categories=["profile", "digital"])
    body = client.get("/api/v1/enterprises", **bearer(world["banker"])).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == world["a"].pk and item["shared_categories"] == ["profile", "digital"]
    assert item["region_code"] == "330106" and item["cloud_level"] == "platform"
    assert item["revenue_cny"] is None and item["rd_staff"] is None
    assert ConsentRead.objects.get().channel == "api"
    assert client.get("/api/v1/enterprises", **bearer(world["other_banker"])).json()["count"] == 0


def test_a_bank_cannot_filter_by_fields_it_was_not_shown(client, world):
    grant(world, categories=["financials"])
    headers = bearer(world["banker"])
    assert client.get("/api/v1/enterprises", {"region": "330000"}, **headers).json()["count"] == 0
    assert client.get("/api/v1/enterprises", {"q": world["a"].name}, **headers).json()["count"] == 1


def test_a_bank_cannot_change_an_enterprise(client, world):
    grant(world)
    response = client.patch(
        f"/api/v1/enterprises/{world['a'].pk}",
        data=json.dumps({"employees": 1}),
        content_type="application/json",
        **bearer(world["banker"]),
    )
    assert_problem(response, 403)


def test_an_expired_or_revoked_consent_makes_the_enterprise_404(client, world):
    consent = expired(grant(world))
    headers = bearer(world["banker"])
    assert_problem(client.get(f"/api/v1/enterprises/{world['a'].pk}", **headers), 404)
    revoked = grant(world)
    consent_revoke(actor=world["enterprise_a"], consent=revoked)
    assert_problem(client.get(f"/api/v1/enterprises/{world['a'].pk}", **headers), 404)
    assert_problem(client.get(f"/api/v1/enterprises/by-credit-code/{world['a'].credit_code}", **headers), 404)
    assert not ConsentRead.objects.exists()
    assert consent.pk  # the bank still sees the consent itself
    assert client.get(f"{URL}/{consent.pk}", **headers).json()["status"] == "expired"


def test_everyone_else_still_gets_every_field_and_every_category(client, world, operator):
    for user in (operator, world["enterprise_a"], world["official"]):
        body = client.get(f"/api/v1/enterprises/{world['a'].pk}", **bearer(user)).json()
        assert body["shared_categories"] == ["profile", "financials", "innovation", "digital"]
        assert body["rd_staff"] == 41 and body["cloud_spend_cny"] == "555555.00"
    assert not ConsentRead.objects.exists()


def test_the_enterprise_reads_the_log_of_reads_under_its_consent(client, world):
    consent = grant(world)
    client.get(f"/api/v1/enterprises/{world['a'].pk}", **bearer(world["banker"]))
    client.get(
        f"/api/v1/enterprises/by-credit-code/{world['a'].credit_code}", **bearer(world["banker_colleague"])
    )
    body = client.get(f"{URL}/{consent.pk}/reads", **bearer(world["enterprise_a"])).json()
    assert body["count"] == 2
    assert [(i["reader"], i["channel"]) for i in body["items"]] == [("banker2", "api"), ("banker", "api")]
    assert body["items"][0]["institution_name"] == "甲银行杭州分行"
    assert body["items"][0]["categories"] == ["profile", "financials"]
