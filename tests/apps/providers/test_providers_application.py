"""Provider application (sign-up) and the provider's own profile edits: state is never self-assigned."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db

URL = "/providers/apply/"
PASSWORD = "Quiet-river-lantern-42"


def form(**overrides):
    data = {
        "name": "杭州数字化服务有限公司",
        "credit_code": make_credit_code("330106"),
        "region_code": "330106",
        "email": "sales@example.com",
        "username": "prov_sales",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(overrides)
    return data


def counts() -> tuple[int, int, int, int]:
    return (
        get_user_model().objects.count(),
        Provider.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_it_registers_an_application_awaiting_vetting_and_logs_the_user_in(client):
    response = client.post(URL, form())
    assert response.status_code == 302 and response.url == reverse("home")
    provider = Provider.objects.get()
    assert (provider.name, provider.region_code, provider.vetting_state) == (
        "杭州数字化服务有限公司",
        "330106",
        VettingState.APPLIED,
    )
    user = get_user_model().objects.get(username="prov_sales")
    assert (user.membership.role, user.membership.provider) == (Role.PROVIDER, provider)
    assert client.session["_auth_user_id"] == str(user.pk)
    audited = set(AuditEvent.objects.values_list("object_type", "action", "actor_id"))
    assert audited == {
        ("auth.user", "create", user.pk),
        ("providers.provider", "create", user.pk),
        ("core.membership", "create", user.pk),
    }
    assert AuditEvent.objects.get(object_type="providers.provider").changes["vetting_state"] == [
        None,
        "applied",
    ]


def test_an_applicant_cannot_set_its_own_vetting_state(client):
    client.post(URL, form(vetting_state="approved", vetting_reason="self-approved"))
    provider = Provider.objects.get()
    assert (provider.vetting_state, provider.vetting_reason) == (VettingState.APPLIED, "")


def test_it_refuses_a_credit_code_that_already_applied(client):
    code = make_credit_code("330106")
    assert client.post(URL, form(credit_code=code)).status_code == 302
    before = counts()
    response = Client().post(URL, form(credit_code=code, username="second"))
    assert response.status_code == 200 and "credit_code" in response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_code", "91330106000000019A"),
        ("region_code", "330000"),
        ("email", ""),
        ("name", ""),
        ("name", "服" * 10_000),
    ],
)
def test_it_shows_invalid_fields_and_writes_nothing(client, field, value):
    before = counts()
    response = client.post(URL, form(**{field: value}))
    assert response.status_code == 200 and field in response.context["form"].errors
    assert counts() == before


def test_it_needs_the_csrf_token():
    before = counts()
    assert Client(enforce_csrf_checks=True).post(URL, form()).status_code == 403
    assert counts() == before


# ---------------------------------------------------------------- profile edits


@pytest.fixture
def applicant(client):
    client.post(URL, form())
    return client, Provider.objects.get()


def test_a_provider_user_edits_the_name_and_contact_but_nothing_else(applicant):
    client, provider = applicant
    original_code = provider.credit_code
    response = client.post(
        reverse("providers:edit", args=[provider.pk]),
        {
            "name": "杭州数字化服务股份有限公司",
            "email": "hello@example.com",
            "vetting_state": "approved",
            "vetting_reason": "",
            "credit_code": make_credit_code("330106"),
            "region_code": "110101",
        },
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "杭州数字化服务股份有限公司"
    assert (provider.vetting_state, provider.credit_code, provider.region_code) == (
        VettingState.APPLIED,
        original_code,
        "330106",
    )
    assert get_user_model().objects.get(username="prov_sales").email == "hello@example.com"
    change = AuditEvent.objects.get(object_type="providers.provider", action="update")
    assert change.changes == {"name": ["杭州数字化服务有限公司", "杭州数字化服务股份有限公司"]}


def test_a_rejected_provider_resubmits_only_when_it_asks_to(applicant):
    client, provider = applicant
    Provider.objects.filter(pk=provider.pk).update(
        vetting_state=VettingState.REJECTED, vetting_reason="no licence"
    )
    url = reverse("providers:edit", args=[provider.pk])
    client.post(url, {"name": provider.name, "email": "sales@example.com"})
    provider.refresh_from_db()
    assert provider.vetting_state == VettingState.REJECTED
    client.post(url, {"name": provider.name, "email": "sales@example.com", "resubmit": "on"})
    provider.refresh_from_db()
    assert provider.vetting_state == VettingState.APPLIED
    change = AuditEvent.objects.get(object_type="providers.provider", action="update")
    assert change.changes == {"vetting_state": ["rejected", "applied"]}


def test_resubmit_cannot_approve_a_suspended_provider(applicant):
    client, provider = applicant
    Provider.objects.filter(pk=provider.pk).update(vetting_state=VettingState.SUSPENDED)
    client.post(
        reverse("providers:edit", args=[provider.pk]),
        {"name": provider.name, "email": "sales@example.com", "resubmit": "on"},
    )
    provider.refresh_from_db()
    assert provider.vetting_state == VettingState.SUSPENDED


def test_only_the_providers_own_users_may_edit_it(applicant, django_user_model):
    _client, provider = applicant
    other = Provider.objects.create(name="别家", credit_code=make_credit_code("330106"), region_code="330106")
    stranger = django_user_model.objects.create_user("stranger", password="x" * 12)
    Membership.objects.create(user=stranger, role=Role.PROVIDER, provider=other)
    client = Client()
    client.force_login(stranger)
    # The applicant is not approved, so another provider does not even see it.
    assert client.get(reverse("providers:edit", args=[provider.pk])).status_code == 404
    Provider.objects.filter(pk=provider.pk).update(vetting_state=VettingState.APPROVED)
    assert (
        client.post(
            reverse("providers:edit", args=[provider.pk]), {"name": "x", "email": "x@example.com"}
        ).status_code
        == 403
    )
    provider.refresh_from_db()
    assert provider.name == "杭州数字化服务有限公司"


def test_the_provider_sees_its_pending_state_on_its_page(applicant):
    client, provider = applicant
    response = client.get(reverse("providers:detail", args=[provider.pk]))
    assert response.status_code == 200
    assert response.context["may_edit"] is True and response.context["vet_form"] is None
