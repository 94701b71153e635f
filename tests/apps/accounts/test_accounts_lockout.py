"""Login lockout (django-axes) and session security: through the real login page."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.support.api import bearer

pytestmark = pytest.mark.django_db

PASSWORD = "Right-horse-battery-7"


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", email="bob@example.com", password=PASSWORD)


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def log_in(client: Client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail_five_times(client: Client, username: str = "bob") -> None:
    for _ in range(5):
        log_in(client, username, "wrong-password")


def test_it_refuses_the_right_password_after_five_wrong_ones_with_the_lockout_page(client, bob):
    english(client)
    fail_five_times(client)
    response = log_in(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Too many failed logins" in page and "try again after" in page
    assert reverse("accounts:password_reset") in page
    assert "_auth_user_id" not in client.session


def test_it_still_accepts_the_right_password_after_four_wrong_ones(client, bob):
    for _ in range(4):
        log_in(client, "bob", "wrong-password")
    response = log_in(client, "bob", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")


def test_it_lets_another_username_from_the_same_address_log_in(client, bob, django_user_model):
    django_user_model.objects.create_user("carol", password=PASSWORD)
    fail_five_times(client)
    response = log_in(client, "carol", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(django_user_model.objects.get(username="carol").pk)


def test_it_locks_the_username_only_from_the_address_that_failed(client, bob):
    fail_five_times(client)
    assert log_in(client, "bob", PASSWORD).status_code == 429
    assert log_in(Client(), "bob", PASSWORD, ip="198.51.100.7").status_code == 302


def test_it_lifts_the_lock_after_the_cool_off_time(client, bob):
    fail_five_times(client)
    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")
    assert log_in(client, "bob", PASSWORD).status_code == 302


def test_api_tokens_keep_working_for_a_locked_out_username(client, bob):
    headers = bearer(bob)
    fail_five_times(client)
    assert log_in(client, "bob", PASSWORD).status_code == 429
    assert Client().get("/api/v1/enterprises", **headers).status_code == 200


def test_it_uses_a_new_session_key_on_login(client, bob):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before
    response = log_in(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_the_session_ends_with_the_browser_and_after_eight_hours(client, bob):
    response = log_in(client, "bob", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert client.session.get_expiry_age() == 8 * 60 * 60


def test_it_locks_an_address_that_tries_many_usernames(client, bob, django_user_model, settings):
    """40 failures spread over 10 usernames from one address: the address is locked, bob too."""
    english(client)
    for n in range(10):
        for _ in range(4):  # below the per-user limit of 5 each time
            log_in(client, f"user{n}", "wrong-password", ip="203.0.113.9")
    response = log_in(client, "bob", PASSWORD, ip="203.0.113.9")
    assert response.status_code == 429
    assert "from your network for several accounts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_office_keeps_room_for_typos_below_the_address_limit(client, bob, django_user_model, settings):
    for n in range(7):
        for _ in range(4):  # 28 failures from one address, under the limit of 30
            log_in(client, f"user{n}", "wrong-password", ip="203.0.113.10")
    assert log_in(client, "bob", PASSWORD, ip="203.0.113.10").status_code == 302


def test_another_address_is_not_locked_by_a_locked_one(client, bob):
    for n in range(8):
        for _ in range(4):
            log_in(client, f"user{n}", "wrong-password", ip="203.0.113.11")
    assert log_in(client, "bob", PASSWORD, ip="198.51.100.7").status_code == 302
