"""Enterprise self-registration through the sign-up page: new, unclaimed and already claimed enterprises."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db

URL = "/accounts/register/enterprise/"
PASSWORD = "Quiet-river-lantern-42"


def form(**overrides):
    data = {
        "credit_code": make_credit_code("330106"),
        "name": "杭州新注册科技有限公司",
        "region_code": "330106",
        "industry_code": "3484",
        "email": "boss@example.com",
        "username": "boss",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(overrides)
    return data


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


def counts() -> tuple[int, int, int, int]:
    return (
        get_user_model().objects.count(),
        Enterprise.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_url_name_resolves():
    assert reverse("accounts:register_enterprise") == URL


def test_it_creates_a_new_enterprise_with_the_user_as_its_administrator(client):
    data = form(credit_code=make_credit_code("330106").lower())
    response = client.post(URL, data)
    assert response.status_code == 302 and response.url == reverse("home")
    user = get_user_model().objects.get(username="boss")
    assert user.email == "boss@example.com" and user.check_password(PASSWORD)
    membership = user.membership
    assert (membership.role, membership.is_enterprise_admin) == (Role.ENTERPRISE, True)
    enterprise = membership.enterprise
    assert enterprise.credit_code == data["credit_code"].upper()
    assert (enterprise.name, enterprise.region_code, enterprise.industry_code) == (
        "杭州新注册科技有限公司",
        "330106",
        "3484",
    )
    assert enterprise.size_class  # classified by enterprise_create
    assert client.session["_auth_user_id"] == str(user.pk)
    audited = set(AuditEvent.objects.values_list("object_type", "action", "actor_id"))
    assert audited == {
        ("auth.user", "create", user.pk),
        ("enterprises.enterprise", "create", user.pk),
        ("core.membership", "create", user.pk),
    }
    event = AuditEvent.objects.get(object_type="core.membership")
    assert event.changes == {
        "role": [None, "enterprise"],
        "enterprise": [None, enterprise.pk],
        "is_enterprise_admin": [None, True],
    }


def test_it_lets_the_first_user_claim_an_unclaimed_registry_entry_by_its_exact_name(
    client, enterprise_fields
):
    existing = enterprise_create(acting_user=None, **enterprise_fields(name="杭州老厂"))
    response = client.post(
        URL,
        form(credit_code=existing.credit_code, name="杭州老厂", region_code="330102", industry_code="3911"),
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="boss")
    assert membership.enterprise == existing and membership.is_enterprise_admin
    existing.refresh_from_db()
    # The registry keeps its own data; the form's region and industry are not applied.
    assert (existing.region_code, existing.industry_code) == ("330106", "3484")
    assert Enterprise.objects.count() == 1


def test_it_refuses_a_claim_whose_name_differs_from_the_registered_one(client, enterprise_fields):
    existing = enterprise_create(acting_user=None, **enterprise_fields(name="杭州老厂"))
    before = counts()
    response = english(client).post(URL, form(credit_code=existing.credit_code, name="杭州老厂有限公司"))
    assert "does not match the one registered" in " ".join(errors(response)["name"])
    assert counts() == before


def test_it_sends_colleagues_of_a_claimed_enterprise_to_their_administrator(client, enterprise_fields):
    existing = enterprise_create(acting_user=None, **enterprise_fields(name="杭州老厂"))
    first = client.post(URL, form(credit_code=existing.credit_code, name="杭州老厂"))
    assert first.status_code == 302
    other = english(Client())
    before = counts()
    response = other.post(URL, form(credit_code=existing.credit_code, name="杭州老厂", username="second"))
    message = " ".join(errors(response)["credit_code"])
    assert (
        "already registered" in message and "ask your enterprise administrator for an invitation" in message
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_code", "91330106000000019A"),  # wrong check character
        ("region_code", "330100"),  # a city, not a county
        ("region_code", "999999"),
        ("industry_code", "9999"),
        ("email", "not-an-email"),
        ("username", "bad name!"),
        ("password", "12345678"),  # too common, entirely numeric
        ("password_confirm", "Another-river-lantern-42"),
    ],
)
def test_it_shows_each_invalid_field_next_to_it_and_writes_nothing(client, field, value):
    before = counts()
    data = form(**{field: value})
    if field == "password":
        data["password_confirm"] = value
    response = client.post(URL, data)
    assert field in errors(response)
    assert counts() == before
    assert 'class="errorlist"' in response.content.decode()


def test_it_refuses_a_taken_username_whatever_its_case(client, django_user_model):
    django_user_model.objects.create_user("Boss", password="x" * 12)
    before = counts()
    assert "username" in errors(client.post(URL, form(username="boss")))
    assert counts() == before


def test_it_refuses_a_ten_thousand_character_name_and_writes_nothing(client):
    before = counts()
    response = client.post(URL, form(name="厂" * 10_000, username="x" * 10_000))
    found = errors(response)
    assert "name" in found and "username" in found
    assert counts() == before


def test_it_escapes_html_in_the_enterprise_name(client):
    name = '<script>alert("x")</script>厂'
    response = client.post(URL, form(name=name), follow=True)
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page  # shown escaped in the welcome message


def test_it_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    before = counts()
    assert client.post(URL, form()).status_code == 403
    assert counts() == before


def test_a_logged_in_user_is_sent_home(client, operator):
    client.force_login(operator)
    response = client.post(URL, form())
    assert response.status_code == 302 and response.url == reverse("home")
    assert not Enterprise.objects.exists()


def test_the_form_is_served_to_anonymous_visitors(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and 'name="credit_code"' in page
