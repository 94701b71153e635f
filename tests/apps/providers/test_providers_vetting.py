"""Officials vet providers of their region: the queue, the decision, its rules and its audit trail."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from funeng.apps.providers.services import provider_vet
from tests.conftest import make_credit_code
from tests.support.personas import member

pytestmark = pytest.mark.django_db

LIST = "/providers/"


def provider(name: str, region: str, state: str = VettingState.APPLIED) -> Provider:
    return Provider.objects.create(
        name=name, credit_code=make_credit_code(region), region_code=region, vetting_state=state
    )


@pytest.fixture
def world(django_user_model, enterprise_fields, operator):
    hz = provider("杭州申请中", "330106")
    nj = provider("南京申请中", "320102")
    hz_ok = provider("杭州已通过", "330108", VettingState.APPROVED)
    enterprise = enterprise_create(acting_user=None, **enterprise_fields())

    return {
        "hz": hz,
        "nj": nj,
        "hz_ok": hz_ok,
        "operator": operator,
        "gov_hz": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "gov_nj": member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "prov_hz": member("prov_hz", role=Role.PROVIDER, provider=hz),
        "ent": member("ent", role=Role.ENTERPRISE, enterprise=enterprise, is_enterprise_admin=True),
    }


def as_user(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def vet(client: Client, target: Provider, decision: str, reason: str = "", *, confirmed: bool = True):
    data = {"decision": decision, "reason": reason, **({"confirmed": "1"} if confirmed else {})}
    return client.post(reverse("providers:vet", args=[target.pk]), data)


def provider_audit() -> bool:
    return AuditEvent.objects.filter(object_type="providers.provider").exists()


def state_of(target: Provider) -> str:
    target.refresh_from_db()
    return target.vetting_state


# ---------------------------------------------------------------- the queue


def test_an_official_sees_the_applications_of_their_region_by_default(world):
    response = as_user(world["gov_hz"]).get(LIST)
    assert response.status_code == 200
    assert [p.name for p in response.context["page"].object_list] == ["杭州申请中"]


def test_the_state_filter_shows_other_states_and_all(world):
    client = as_user(world["gov_hz"])
    approved = client.get(LIST, {"state": "approved"}).context["page"].object_list
    assert [p.name for p in approved] == ["杭州已通过"]
    everything = client.get(LIST, {"state": "all"}).context["page"].object_list
    assert {p.name for p in everything} == {"杭州申请中", "杭州已通过"}
    nonsense = client.get(LIST, {"state": "<x>"}).context["page"].object_list
    assert [p.name for p in nonsense] == ["杭州申请中"]


def test_an_operator_sees_every_region(world):
    page = as_user(world["operator"]).get(LIST, {"state": "all"}).context["page"]
    assert {p.name for p in page.object_list} == {"杭州申请中", "南京申请中", "杭州已通过"}


@pytest.mark.parametrize("persona", ["prov_hz", "ent"])
def test_other_roles_may_not_open_the_queue(world, persona):
    assert as_user(world[persona]).get(LIST).status_code == 403


def test_a_user_without_a_role_is_refused_and_a_visitor_is_sent_to_log_in(world, outsider):
    assert as_user(outsider).get(LIST).status_code == 403
    assert Client().get(LIST).url.startswith(reverse("login"))


def test_the_queue_costs_the_same_few_queries_for_many_providers(world):
    client = as_user(world["gov_hz"])
    client.get(LIST)  # warm up the session and the reference tables
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for number in range(40):
        provider(f"杭州服务商{number}", "330106")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 41
    assert len(many) == len(one) <= 6


def test_provider_names_are_escaped_in_the_queue_and_on_the_page(world):
    world["hz"].name = '<img src=x onerror="alert(1)">'
    world["hz"].save()
    client = as_user(world["gov_hz"])
    for url in (LIST, reverse("providers:detail", args=[world["hz"].pk])):
        page = client.get(url).content.decode()
        assert "<img src=x" not in page and "&lt;img src=x" in page


# ---------------------------------------------------------------- detail visibility


def test_an_official_of_another_region_does_not_see_the_provider(world):
    client = as_user(world["gov_nj"])
    assert client.get(reverse("providers:detail", args=[world["hz"].pk])).status_code == 404
    assert vet(client, world["hz"], "approve").status_code == 404
    assert state_of(world["hz"]) == VettingState.APPLIED


def test_an_official_sees_the_decision_form_only_for_their_region(world):
    response = as_user(world["gov_hz"]).get(reverse("providers:detail", args=[world["hz"].pk]))
    assert response.status_code == 200 and response.context["vet_form"] is not None
    choices = [value for value, _label in response.context["vet_form"].fields["decision"].choices]
    assert choices == ["", "approve", "reject"]  # nothing preselected


def test_enterprises_see_approved_providers_without_vetting_details(world):
    client = as_user(world["ent"])
    assert client.get(reverse("providers:detail", args=[world["hz"].pk])).status_code == 404
    response = client.get(reverse("providers:detail", args=[world["hz_ok"].pk]))
    assert response.status_code == 200
    assert response.context["vet_form"] is None and response.context["history"] == []


# ---------------------------------------------------------------- decisions


def test_an_official_approves_an_application_and_it_is_audited(world):
    response = vet(as_user(world["gov_hz"]), world["hz"], "approve", "licence checked")
    assert response.status_code == 302 and response.url == reverse("providers:detail", args=[world["hz"].pk])
    world["hz"].refresh_from_db()
    assert (world["hz"].vetting_state, world["hz"].vetting_reason) == ("approved", "licence checked")
    event = AuditEvent.objects.get(object_type="providers.provider")
    assert (event.action, event.actor, event.object_id) == ("update", world["gov_hz"], str(world["hz"].pk))
    assert event.changes == {
        "decision": [None, "approve"],
        "vetting_state": ["applied", "approved"],
        "vetting_reason": ["", "licence checked"],
    }


def test_a_decision_is_asked_for_once_more_before_it_takes_effect(world):
    client = as_user(world["gov_hz"])
    response = vet(client, world["hz"], "approve", "licence checked", confirmed=False)
    page = response.content.decode()
    assert response.status_code == 200 and "core/confirm.html" in [t.name for t in response.templates]
    assert 'name="confirmed" value="1"' in page and "licence checked" in page
    assert state_of(world["hz"]) == VettingState.APPLIED and not provider_audit()


def test_no_decision_is_recorded_without_choosing_one(world):
    response = vet(as_user(world["gov_hz"]), world["hz"], "", "licence checked")
    assert response.status_code == 200 and "decision" in response.context["vet_form"].errors
    assert state_of(world["hz"]) == VettingState.APPLIED and not provider_audit()


def test_the_provider_page_shows_the_decision_history(world):
    vet(as_user(world["gov_hz"]), world["hz"], "reject", "licence expired")
    response = as_user(world["prov_hz"]).get(reverse("providers:detail", args=[world["hz"].pk]))
    history = response.context["history"]
    assert [(row["from"], row["to"], row["reason"], row["by"]) for row in history] == [
        ("Applied", "Rejected", "licence expired", "gov_hz")
    ]
    assert "licence expired" in response.content.decode()


@pytest.mark.parametrize("decision", ["approve", "reject", "suspend"])
def test_every_decision_needs_a_reason(world, decision):
    target = world["hz_ok"] if decision == "suspend" else world["hz"]
    before = state_of(target)
    response = vet(as_user(world["gov_hz"]), target, decision, "   ")
    assert response.status_code == 200 and "reason" in response.context["vet_form"].errors
    assert state_of(target) == before and not provider_audit()


def test_a_reason_longer_than_500_characters_is_refused(world):
    response = vet(as_user(world["gov_hz"]), world["hz"], "reject", "x" * 501)
    assert "reason" in response.context["vet_form"].errors
    assert state_of(world["hz"]) == VettingState.APPLIED and not provider_audit()
    with pytest.raises(ValidationError) as error:
        provider_vet(actor=world["gov_hz"], provider=world["hz"], decision="reject", reason="x" * 10_000)
    assert "reason" in error.value.message_dict


@pytest.mark.parametrize(
    ("start", "decision", "end"),
    [
        ("applied", "approve", "approved"),
        ("applied", "reject", "rejected"),
        ("approved", "suspend", "suspended"),
        ("suspended", "reinstate", "approved"),
    ],
)
def test_it_follows_the_allowed_transitions(world, start, decision, end):
    Provider.objects.filter(pk=world["hz"].pk).update(vetting_state=start)
    provider_vet(actor=world["gov_hz"], provider=world["hz"], decision=decision, reason="because")
    assert state_of(world["hz"]) == end


@pytest.mark.parametrize(
    ("start", "decision"),
    [
        ("applied", "suspend"),
        ("applied", "reinstate"),
        ("approved", "approve"),
        ("approved", "reject"),
        ("rejected", "approve"),
        ("suspended", "approve"),
        ("applied", "delete"),
    ],
)
def test_it_refuses_other_transitions_and_writes_nothing(world, start, decision):
    Provider.objects.filter(pk=world["hz"].pk).update(vetting_state=start)
    with pytest.raises(ValidationError) as error:
        provider_vet(actor=world["gov_hz"], provider=world["hz"], decision=decision, reason="because")
    assert "decision" in error.value.message_dict
    assert state_of(world["hz"]) == start and not provider_audit()


def test_an_invalid_transition_through_the_page_shows_an_error(world):
    response = vet(as_user(world["gov_hz"]), world["hz_ok"], "approve", "checked")
    assert response.status_code == 200 and "decision" in response.context["vet_form"].errors


@pytest.mark.parametrize("persona", ["prov_hz", "ent"])
def test_those_who_see_a_provider_but_may_not_vet_it_are_refused(world, persona):
    # The provider sees itself; the enterprise sees approved providers; neither may decide.
    target = world["hz"] if persona == "prov_hz" else world["hz_ok"]
    before = state_of(target)
    assert vet(as_user(world[persona]), target, "suspend", "x").status_code == 403
    assert vet(as_user(world[persona]), target, "approve").status_code == 403
    assert state_of(target) == before


def test_the_service_refuses_an_actor_who_may_not_vet(world):
    with pytest.raises(PermissionDenied):
        provider_vet(actor=world["gov_nj"], provider=world["hz"], decision="approve")
    assert state_of(world["hz"]) == VettingState.APPLIED


def test_an_operator_may_vet_anywhere(world):
    assert vet(as_user(world["operator"]), world["nj"], "approve", "licence checked").status_code == 302
    assert state_of(world["nj"]) == VettingState.APPROVED


def test_vetting_needs_the_csrf_token(world):
    response = vet(as_user(world["gov_hz"], csrf=True), world["hz"], "approve")
    assert response.status_code == 403
    assert state_of(world["hz"]) == VettingState.APPLIED


def test_vetting_is_post_only(world):
    assert as_user(world["gov_hz"]).get(reverse("providers:vet", args=[world["hz"].pk])).status_code == 405
