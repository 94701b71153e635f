"""The API tokens page and `funeng create_token`: create (secret shown once), list, revoke, refuse others."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import NoReverseMatch, include, path, reverse

import funeng.urls
from funeng.apps.api.models import PersonalAccessToken
from funeng.apps.api.services import token_create


def _urlpatterns() -> list:
    """funeng/urls.py, plus the tokens page if it is not mounted yet."""
    try:
        reverse("tokens:list")
    except NoReverseMatch:
        return [*funeng.urls.urlpatterns, path("settings/tokens/", include("funeng.apps.api.page_urls"))]
    return list(funeng.urls.urlpatterns)


urlpatterns = _urlpatterns()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SECRET = re.compile(r"fn_[A-Za-z0-9_-]{40,}")


def test_it_asks_for_login(client):
    response = client.get(reverse("tokens:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_creates_a_token_and_shows_the_secret_only_once(client, operator):
    client.force_login(operator)
    response = client.post(reverse("tokens:list"), {"name": "月报脚本", "expires_in": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    secrets = SECRET.findall(response.content.decode())
    assert len(secrets) == 1
    token = PersonalAccessToken.objects.get(user=operator)
    assert token.name == "月报脚本" and token.expires_at is not None
    api = Client().get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {secrets[0]}")
    assert api.status_code == 200
    listing = client.get(reverse("tokens:list")).content.decode()
    assert "月报脚本" in listing and token.prefix in listing
    assert not SECRET.search(listing)


def test_it_lists_only_your_own_tokens(client, operator, outsider):
    token_create(user=outsider, name="charlie-only")
    token_create(user=operator, name="alice-only")
    client.force_login(operator)
    page = client.get(reverse("tokens:list")).content.decode()
    assert "alice-only" in page and "charlie-only" not in page


def test_it_revokes_your_token(client, operator):
    token, secret = token_create(user=operator, name="t")
    client.force_login(operator)
    response = client.post(reverse("tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_it_does_not_let_you_revoke_someone_elses_token(client, operator, outsider):
    token, _secret = token_create(user=operator, name="t")
    client.force_login(outsider)
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_revokes_only_by_post(client, operator):
    token, _secret = token_create(user=operator, name="t")
    client.force_login(operator)
    assert client.get(reverse("tokens:revoke", args=[token.pk])).status_code == 405


def test_it_requires_csrf_on_its_forms(operator):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(operator)
    assert browser.post(reverse("tokens:list"), {"name": "x"}).status_code == 403
    assert not PersonalAccessToken.objects.exists()


def test_it_refuses_an_over_long_token_name(client, operator):
    client.force_login(operator)
    response = client.post(reverse("tokens:list"), {"name": "x" * 101})
    assert response.status_code == 200
    assert not PersonalAccessToken.objects.exists()
    assert not SECRET.search(response.content.decode())


# ---------------------------------------------------------------- create_token command


def test_create_token_prints_only_a_working_secret(client, operator):
    out = io.StringIO()
    call_command("create_token", "alice", "--name", "ci", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and SECRET.fullmatch(lines[0])
    assert PersonalAccessToken.objects.get(user=operator).name == "ci"
    assert client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {lines[0]}").status_code == 200


def test_create_token_exits_2_for_an_unknown_user():
    with pytest.raises(CommandError) as excinfo:
        call_command("create_token", "nobody", stdout=io.StringIO())
    assert excinfo.value.returncode == 2
    assert "nobody" in str(excinfo.value) and "\n" not in str(excinfo.value)
    assert not PersonalAccessToken.objects.exists()
