"""API authentication: personal access tokens (401 on anything wrong), the browser session, token services."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from funeng.apps.api.models import PersonalAccessToken, secret_hash
from funeng.apps.api.services import LAST_USED_GRANULARITY, token_create, token_revoke
from funeng.apps.audit.models import AuditAction, AuditEvent
from tests.support.api import assert_problem, bearer

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises"


def test_it_answers_401_with_both_languages_without_credentials(client):
    response = client.get(URL)
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in body["detail_en"] and "令牌" in body["detail_zh"]


def test_it_answers_401_not_403_to_an_anonymous_write(client):
    # Session auth would check CSRF first and answer 403; with no session there is nothing to protect.
    response = client.patch(f"{URL}/1", data="{}", content_type="application/json")
    assert_problem(response, 401)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer fn_not-a-real-token",
        "Bearer " + "fn_" + "x" * 5000,
        "Bearer ",
        "Bearer",
        "Token fn_abc",
        "Basic YWxpY2U6cHctYWxpY2UtMTIzNA==",
        "fn_abc",
    ],
)
def test_it_answers_401_to_a_wrong_authorization_header(client, operator, header):
    response = client.get(URL, HTTP_AUTHORIZATION=header)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


@pytest.fixture
def registered(enterprise_fields):
    from funeng.apps.enterprises.services import enterprise_create

    return enterprise_create(acting_user=None, **enterprise_fields())


def _listed(response) -> list[str]:
    assert response.status_code == 200
    return [item["credit_code"] for item in response.json()["items"]]


def test_it_accepts_a_valid_token_and_answers_as_its_user(client, operator, registered):
    assert _listed(client.get(URL, **bearer(operator))) == [registered.credit_code]


def test_it_accepts_the_scheme_in_any_case(client, operator, registered):
    _token, secret = token_create(user=operator, name="t")
    assert _listed(client.get(URL, HTTP_AUTHORIZATION=f"bearer {secret}")) == [registered.credit_code]


def test_a_token_of_a_user_without_a_role_sees_nothing(client, outsider, registered):
    assert _listed(client.get(URL, **bearer(outsider))) == []


def test_it_refuses_a_revoked_token(client, operator):
    token, secret = token_create(user=operator, name="t")
    token_revoke(token=token, acting_user=operator)
    assert_problem(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}"), 401)


def test_it_refuses_an_expired_token(client, operator):
    _token, secret = token_create(
        user=operator, name="t", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_problem(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}"), 401)


def test_it_refuses_the_token_of_a_deactivated_user(client, operator):
    headers = bearer(operator)
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    assert_problem(client.get(URL, **headers), 401)


def test_it_refuses_a_bad_token_even_when_a_session_is_logged_in(client, operator):
    client.force_login(operator)
    assert_problem(client.get(URL, HTTP_AUTHORIZATION="Bearer fn_wrong"), 401)


def test_it_accepts_the_browser_session_for_reads(client, operator, registered):
    client.force_login(operator)
    assert _listed(client.get(URL)) == [registered.credit_code]


def test_it_requires_csrf_for_session_writes(operator, enterprise_fields):
    from django.test import Client

    from funeng.apps.enterprises.services import enterprise_create

    enterprise = enterprise_create(acting_user=None, **enterprise_fields())
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(operator)
    url = f"{URL}/{enterprise.pk}"
    body = json.dumps({"employees": 3})
    refused = assert_problem(browser.patch(url, data=body, content_type="application/json"), 403)
    assert "CSRF" in refused["detail_en"]
    browser.get("/api/v1/docs")  # sets the CSRF cookie, as the docs page does in a browser
    token = browser.cookies["csrftoken"].value
    response = browser.patch(url, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200 and response.json()["employees"] == 3
    enterprise.refresh_from_db()
    assert enterprise.employees == 3


def test_it_does_not_need_csrf_with_a_token(operator, enterprise_fields):
    from django.test import Client

    from funeng.apps.enterprises.services import enterprise_create

    enterprise = enterprise_create(acting_user=None, **enterprise_fields())
    program = Client(enforce_csrf_checks=True)
    response = program.patch(
        f"{URL}/{enterprise.pk}",
        data=json.dumps({"employees": 3}),
        content_type="application/json",
        **bearer(operator),
    )
    assert response.status_code == 200
    enterprise.refresh_from_db()
    assert enterprise.employees == 3


# ---------------------------------------------------------------- token services


def test_it_stores_only_the_hash_and_a_display_prefix(operator):
    token, secret = token_create(user=operator, name="报表脚本")
    assert secret.startswith("fn_") and len(secret) > 40
    stored = PersonalAccessToken.objects.get(pk=token.pk)
    assert stored.secret_hash == secret_hash(secret)
    assert secret.startswith(stored.prefix) and len(stored.prefix) < 16
    row = PersonalAccessToken.objects.filter(pk=token.pk).values().get()
    assert secret not in json.dumps(row, default=str)


def test_it_audits_creation_and_revocation_without_the_secret(operator):
    token, secret = token_create(user=operator, name="t")
    token_revoke(token=token, acting_user=operator)
    token_revoke(token=token, acting_user=operator)  # twice: recorded once
    events = list(AuditEvent.objects.filter(object_type="api.personalaccesstoken", object_id=str(token.pk)))
    assert sorted(e.action for e in events) == [AuditAction.CREATE, AuditAction.UPDATE]
    assert all(e.actor == operator for e in events)
    dumped = json.dumps([[e.changes, e.object_repr] for e in events])
    assert secret not in dumped and secret[len(token.prefix) :] not in dumped


def test_it_notes_when_a_token_was_last_used_at_most_once_a_minute(client, operator):
    token, secret = token_create(user=operator, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.get(URL, **headers)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(URL, **headers)
    token.refresh_from_db()
    assert token.last_used_at == first
    PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=first - LAST_USED_GRANULARITY)
    client.get(URL, **headers)
    token.refresh_from_db()
    assert token.last_used_at > first - LAST_USED_GRANULARITY


def test_a_busy_database_costs_the_last_used_note_never_the_call(client, operator, monkeypatch, caplog):
    from django.db import OperationalError
    from django.db.models import QuerySet

    token, secret = token_create(user=operator, name="t")
    real_update = QuerySet.update

    def locked_update(self, **fields):
        if self.model is PersonalAccessToken and "last_used_at" in fields:
            raise OperationalError("database is locked")
        return real_update(self, **fields)

    monkeypatch.setattr(QuerySet, "update", locked_update)
    with caplog.at_level("WARNING", logger="funeng.db"):
        response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert "skipped noting when an API token was last used" in caplog.text
    token.refresh_from_db()
    assert token.last_used_at is None
