"""A form is carried out once: a replayed post (double click, back and resend) leads where the first went."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership, SubmittedForm
from funeng.apps.core.pages import new_submit_token
from funeng.apps.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, django_user_model, enterprise_fields) -> Client:
    enterprise = Enterprise.objects.create(**enterprise_fields())
    alice = django_user_model.objects.create_user("alice", password="pw-alice-123456")
    Membership.objects.create(
        user=alice, role=Role.ENTERPRISE, enterprise=enterprise, is_enterprise_admin=True
    )
    FinancialInstitution.objects.create(name="示例银行")
    client.force_login(alice)
    return client


def _grant(client: Client, token: str, **extra: str):
    bank = FinancialInstitution.objects.get()
    valid_until = (timezone.localdate() + timezone.timedelta(days=90)).isoformat()
    data = {
        "institution": bank.pk,
        "categories": ["profile"],
        "valid_until": valid_until,
        "submit_token": token,
    }
    return client.post("/consents/grant/", {**data, **extra})


def test_the_same_form_posted_twice_grants_one_consent_and_leads_to_the_same_page(admin_client):
    token = new_submit_token()
    first, second = _grant(admin_client, token), _grant(admin_client, token)
    assert first.status_code == second.status_code == 302 and first.url == second.url == "/consents/"
    assert Consent.objects.count() == 1
    assert SubmittedForm.objects.get(token=token).result_url == "/consents/"


def test_a_form_with_errors_frees_its_token_for_the_corrected_post(admin_client):
    token = new_submit_token()
    refused = _grant(admin_client, token, valid_until="1999-01-01")
    assert refused.status_code == 200 and not Consent.objects.exists()
    assert _grant(admin_client, token).status_code == 302 and Consent.objects.count() == 1


def test_an_identical_consent_is_refused_even_from_a_fresh_form(admin_client):
    _grant(admin_client, new_submit_token())
    admin_client.cookies["django_language"] = "en"
    again = _grant(admin_client, new_submit_token())
    assert again.status_code == 200 and "already in force" in again.content.decode()
    assert Consent.objects.count() == 1


def test_the_grant_page_carries_a_fresh_token_each_time(admin_client):
    first = admin_client.get("/consents/grant/").content.decode()
    second = admin_client.get("/consents/grant/").content.decode()
    tokens = [page.split('name="submit_token" value="')[1][:32] for page in (first, second)]
    assert tokens[0] != tokens[1]
