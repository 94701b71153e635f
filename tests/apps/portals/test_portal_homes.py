"""Role-aware home pages and navigation, and the enterprise profile edit page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from funeng.apps.audit.models import AuditEvent
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.support import personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields, credit_code):
    hz = enterprise_create(
        acting_user=None, **enterprise_fields(name="杭州<b>甲</b>厂", region_code="330106")
    )
    nj = enterprise_create(acting_user=None, **enterprise_fields(name="南京乙厂", region_code="320102"))
    provider = Provider.objects.create(
        name="待审<script>x</script>服务商", credit_code=credit_code("330106"), region_code="330106"
    )
    bank = FinancialInstitution.objects.create(name="某银行")
    users = get_user_model().objects

    def member(username, **membership):
        return personas.member(username, password="pw-" + username + "-123", **membership)

    return {
        "hz": hz,
        "nj": nj,
        "provider": provider,
        "enterprise": member("ea", role=Role.ENTERPRISE, enterprise=hz, is_enterprise_admin=True),
        "colleague": member("ea2", role=Role.ENTERPRISE, enterprise=hz),
        "provider_user": member("pv", role=Role.PROVIDER, provider=provider),
        "bank": member("bk", role=Role.BANK, institution=bank),
        "official": member("gov", role=Role.OFFICIAL, region_code="330100"),
        "admin": users.create_user("root", password="pw-root-123", is_staff=True, is_superuser=True),
        "nobody": users.create_user("nobody", password="pw-nobody-123"),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "template"),
    [
        ("enterprise", "portals/home_enterprise.html"),
        ("colleague", "portals/home_enterprise.html"),
        ("provider_user", "portals/home_provider.html"),
        ("bank", "portals/home_bank.html"),
        ("official", "portals/home_official.html"),
        ("admin", "portals/home_admin.html"),
        ("nobody", "portals/home_no_role.html"),
    ],
)
def test_each_role_gets_its_home(world, persona, template):
    response = client_for(world[persona]).get("/")
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]


def test_the_official_home_counts_only_the_region(world):
    response = client_for(world["official"]).get("/")
    overview = response.context["overview"]
    assert overview.total == 1  # the Hangzhou enterprise, not the Nanjing one
    assert sum(overview.size_chart.values) == 1
    assert response.context["pending_count"] == 1  # the applied provider in 330106
    assert overview.area_chart is None  # a prefecture official gets no area breakdown


def test_the_admin_home_breaks_down_by_province(world):
    overview = client_for(world["admin"]).get("/").context["overview"]
    assert overview.total == 2
    assert sorted(overview.area_chart.labels) == sorted(["浙江省", "江苏省"])


def test_provider_home_shows_the_pending_state(world):
    response = client_for(world["provider_user"]).get("/")
    assert response.context["provider"].vetting_state == VettingState.APPLIED
    assert b"banner warn" in response.content


def test_user_text_is_escaped_on_homes(world):
    body = client_for(world["enterprise"]).get("/").content.decode()
    assert "杭州&lt;b&gt;甲&lt;/b&gt;厂" in body and "<b>甲</b>" not in body
    body = client_for(world["official"]).get("/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x</script>" not in body


NAV = {
    "enterprise": {
        "/library/",
        "/",
        "/enterprises/{hz}/",
        "/assessment/",
        "/policies/enterprises/{hz}/",
        "/matching/needs/",
        "/designations/",
        "/manufacturing/",
        "/workforce/",
        "/lending/",
        "/supply-chain/",
        "/finance/enterprises/{hz}/",
        "/consents/",
        "/accounts/colleagues/",
        "/audit/",
    },
    "colleague": {
        "/library/",
        "/",
        "/enterprises/{hz}/",
        "/assessment/",
        "/policies/enterprises/{hz}/",
        "/matching/needs/",
        "/designations/",
        "/manufacturing/",
        "/workforce/",
        "/lending/",
        "/supply-chain/",
        "/finance/enterprises/{hz}/",
        "/consents/",
    },
    "provider_user": {
        "/library/",
        "/",
        "/providers/{provider}/",
        "/matching/inbox/",
        "/policies/programmes/",
        # No "Cloud bills": this provider is still waiting for vetting; only approved ones report bills.
    },
    "bank": {"/library/", "/", "/lending/bank/", "/consents/", "/enterprises/", "/supply-chain/"},
    "official": {
        "/library/",
        "/",
        "/enterprises/",
        "/providers/",
        "/accounts/claims/",
        "/assessment/region/",
        "/policies/proactive/",
        "/matching/gaps/",
        "/monitoring/",
        "/designations/",
        "/manufacturing/",
        "/workforce/",
        "/lending/region/",
        "/supply-chain/",
        "/audit/",
    },
    "admin": {
        "/library/",
        "/",
        "/enterprises/",
        "/providers/",
        "/accounts/claims/",
        "/consents/",
        "/assessment/region/",
        "/policies/proactive/",
        "/matching/gaps/",
        "/monitoring/",
        "/designations/",
        "/manufacturing/",
        "/workforce/",
        "/lending/region/",
        "/supply-chain/",
        "/finance/cloud-bills/import/",
        "/audit/",
        "/admin/",
    },
    "nobody": {"/"},
}


@pytest.mark.parametrize("persona", list(NAV))
def test_navigation_fits_the_role(world, persona):
    from funeng.apps.portals.navigation import nav_items

    expected = {url.format(hz=world["hz"].pk, provider=world["provider"].pk) for url in NAV[persona]}
    assert {item.url for item in nav_items(world[persona])} == expected


def test_every_navigation_link_opens_for_its_user(world):
    from funeng.apps.portals.navigation import nav_items

    for persona in NAV:
        client = client_for(world[persona])
        for item in nav_items(world[persona]):
            if item.url == "/admin/":
                continue  # Django admin is covered by Django's own tests
            assert client.get(item.url).status_code == 200, (persona, item.url)


# --- the profile edit page --------------------------------------------------------------------


def post_form(client: Client, url: str, **changes: str):
    """Post the edit form as a browser would: every shown field with its current value, then changes."""
    form = client.get(url).context["form"]
    data = {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}
    data.update(changes)
    return client.post(url, data)


def test_enterprise_user_edits_figures_but_not_identity(world):
    client = client_for(world["enterprise"])
    hz = world["hz"]
    page = client.get(f"/enterprises/{hz.pk}/edit/")
    assert "region_code" not in page.context["form"].fields
    response = post_form(
        client,
        f"/enterprises/{hz.pk}/edit/",
        employees="12",
        region_code="320102",
        name="改名",
        size_class="large",
    )
    assert response.status_code == 302
    hz.refresh_from_db()
    assert hz.employees == 12
    assert (hz.region_code, hz.name) == ("330106", "杭州<b>甲</b>厂")  # mass assignment ignored
    assert hz.size_class != "large" or hz.revenue_cny >= 40_000_000  # derived, never posted
    event = AuditEvent.objects.filter(object_id=str(hz.pk), action="update").get()
    assert event.changes["employees"] == [350, 12]


def test_a_bad_value_is_shown_next_to_its_field_and_nothing_is_saved(world):
    client = client_for(world["enterprise"])
    hz = world["hz"]
    response = post_form(client, f"/enterprises/{hz.pk}/edit/", employees="-5", invention_patents="9" * 40)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"employees", "invention_patents"}
    assert 'id="id_employees_errors"' in response.content.decode()
    assert Enterprise.objects.get(pk=hz.pk).employees == 350
    assert not AuditEvent.objects.filter(object_id=str(hz.pk), action="update").exists()


def test_admin_cannot_save_an_overlong_name(world):
    client = client_for(world["admin"])
    nj = world["nj"]
    response = post_form(client, f"/enterprises/{nj.pk}/edit/", name="长" * 10_000)
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert Enterprise.objects.get(pk=nj.pk).name == "南京乙厂"


@pytest.mark.parametrize(
    ("persona", "status"), [("official", 403), ("bank", 404), ("provider_user", 404), ("nobody", 404)]
)
def test_others_cannot_open_the_edit_page(world, persona, status):
    assert client_for(world[persona]).get(f"/enterprises/{world['hz'].pk}/edit/").status_code == status


def test_enterprise_user_cannot_edit_another_enterprise(world):
    client = client_for(world["enterprise"])
    assert client.get(f"/enterprises/{world['nj'].pk}/edit/").status_code == 404
    assert client.post(f"/enterprises/{world['nj'].pk}/edit/", {"employees": "1"}).status_code == 404


def test_the_edit_form_needs_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["enterprise"])
    response = client.post(f"/enterprises/{world['hz'].pk}/edit/", {"employees": "12"})
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=world["hz"].pk).employees == 350
