"""Sign-ups and password resets per client address: the eleventh attempt within the hour gets a 429 page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from funeng.apps.core.models import ThrottleHit
from tests.support.claims import english, signup

pytestmark = pytest.mark.django_db

SIGN_UPS = ["/accounts/register/enterprise/", "/providers/apply/"]
RESET = "/accounts/password/reset/"


def post(url: str, address: str = "203.0.113.7", **data):
    client = english(Client(REMOTE_ADDR=address))
    return client.post(url, data or {"email": "nobody@example.com"})


@pytest.mark.parametrize("url", [*SIGN_UPS, RESET])
def test_the_eleventh_attempt_from_one_address_is_refused_and_another_address_is_not(url):
    for _attempt in range(10):
        assert post(url).status_code in (200, 302)
    refused = post(url)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many attempts" in page and "10 attempts per network address within 60 minutes" in page
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert post(url, address="198.51.100.4").status_code in (200, 302)


def test_a_refused_sign_up_writes_nothing(django_user_model):
    for index in range(10):
        post(SIGN_UPS[0], username=f"user{index}")  # invalid forms: counted all the same
    assert post(SIGN_UPS[0], **signup()).status_code == 429
    assert not django_user_model.objects.filter(username="boss").exists()
    assert ThrottleHit.objects.count() == 10  # refused attempts are not stored


def test_both_sign_up_forms_share_one_count():
    for _attempt in range(5):
        post(SIGN_UPS[0])
        post(SIGN_UPS[1])
    assert post(SIGN_UPS[0]).status_code == 429
    assert post(SIGN_UPS[1]).status_code == 429
    assert post(RESET).status_code == 302  # password resets are counted on their own


def test_reading_the_forms_is_not_counted():
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(20):
        assert client.get(SIGN_UPS[0]).status_code == 200
    assert not ThrottleHit.objects.exists()


def test_attempts_older_than_the_window_stop_counting():
    for _attempt in range(10):
        post(RESET)
    ThrottleHit.objects.update(at=timezone.now() - dt.timedelta(minutes=61))
    assert post(RESET).status_code == 302
    assert ThrottleHit.objects.count() == 1  # the old rows were cleared


@override_settings(THROTTLE_ATTEMPTS=2, THROTTLE_WINDOW=dt.timedelta(minutes=5))
def test_the_limit_and_window_come_from_the_settings():
    assert post(RESET).status_code == 302
    assert post(RESET).status_code == 302
    refused = post(RESET)
    assert (
        refused.status_code == 429
        and "2 attempts per network address within 5 minutes" in refused.content.decode()
    )


def test_the_address_is_stored_only_as_a_keyed_hash():
    post(RESET, address="203.0.113.7")
    hit = ThrottleHit.objects.get()
    assert "203.0.113.7" not in hit.address_hash and len(hit.address_hash) == 64


def test_a_signed_in_users_new_claim_is_counted_with_the_sign_ups(django_user_model):
    user = django_user_model.objects.create_user("roleless", password="x" * 12)
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(user)
    for _attempt in range(10):
        assert client.post(reverse("accounts:claim_new"), {"proof": "claim_code"}).status_code == 200
    assert client.post(reverse("accounts:claim_new"), {"proof": "claim_code"}).status_code == 429
