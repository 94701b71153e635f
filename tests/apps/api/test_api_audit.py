"""/api/v1/audit through HTTP: who may read, region scope, filters, pagination, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.contrib.auth import get_user_model

from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.audit.services import audit_record
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.services import enterprise_update
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.support.api import assert_problem, bearer, field_errors, make_world

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit"


@pytest.fixture
def world(enterprise_fields, operator):
    """make_world's A (杭州) and B (南京), both updated by the operator, and the roles that are refused."""
    world = make_world(enterprise_fields)
    enterprise_update(enterprise=world["a"], acting_user=operator, employees=15)
    enterprise_update(enterprise=world["b"], acting_user=operator, employees=16)
    users = get_user_model().objects
    provider = Provider.objects.create(
        name="服务商",
        credit_code="91330106MA2H7K1N3G",
        region_code="330106",
        vetting_state=VettingState.APPROVED,
    )
    for username, fields in [
        ("prov", {"role": Role.PROVIDER, "provider": provider}),
        ("bank", {"role": Role.BANK, "institution": FinancialInstitution.objects.create(name="银行")}),
        ("ea2", {"role": Role.ENTERPRISE, "enterprise": world["a"]}),
    ]:
        world[username] = users.create_user(username, password="x" * 12)
        Membership.objects.create(user=world[username], **fields)
    return world


def _event(enterprise, action="update"):
    return AuditEvent.objects.get(object_id=str(enterprise.pk), action=action)


def test_it_asks_for_authentication(client, world):
    assert_problem(client.get(URL), 401)
    assert_problem(client.get(f"{URL}/{_event(world['a']).pk}"), 401)


@pytest.mark.parametrize("persona", ["prov", "bank", "ea2"])
def test_roles_that_cannot_browse_the_log_are_refused(client, world, persona):
    headers = bearer(world[persona])
    assert_problem(client.get(URL, **headers), 403)
    assert_problem(client.get(f"{URL}/{_event(world['a']).pk}", **headers), 403)


def test_a_user_without_role_is_refused(client, outsider, world):
    assert_problem(client.get(URL, **bearer(outsider)), 403)


def test_an_official_lists_the_regions_rows_only(client, world):
    body = client.get(URL, **bearer(world["official_hz"])).json()
    assert {item["object_id"] for item in body["items"]} == {str(world["a"].pk)}
    assert body["count"] == 2 and {item["region_code"] for item in body["items"]} == {"330106"}


def test_an_enterprise_admin_lists_its_own_rows_only(client, world):
    body = client.get(URL, **bearer(world["enterprise_a"])).json()
    assert body["count"] == 2 and {item["enterprise_id"] for item in body["items"]} == {world["a"].pk}


def test_it_hides_a_row_of_another_region(client, world):
    headers = bearer(world["official_hz"])
    assert_problem(client.get(f"{URL}/{_event(world['b']).pk}", **headers), 404)
    assert_problem(client.get(f"{URL}/999999", **headers), 404)
    item = client.get(f"{URL}/{_event(world['a']).pk}", **headers).json()
    assert item["changes"]["employees"] == [350, 15]
    assert (item["action"], item["object_type"], item["actor"]) == (
        "update",
        "enterprises.enterprise",
        "alice",
    )
    assert item["occurred_at"].endswith("+08:00")


def test_it_pages_newest_first(client, operator, world):
    headers = bearer(operator)  # creating the token writes a fifth row
    everything = client.get(URL, **headers).json()
    ids = [item["id"] for item in everything["items"]]
    assert ids == sorted(ids, reverse=True) and everything["count"] == len(ids) == 5
    first = client.get(URL, {"limit": 3}, **headers).json()
    rest = client.get(URL, {"limit": 3, "offset": 3}, **headers).json()
    assert [i["id"] for i in first["items"] + rest["items"]] == ids
    assert (rest["limit"], rest["offset"], rest["count"]) == (3, 3, 5)


def test_filters_narrow_the_list(client, operator, world):
    headers = bearer(operator)
    moment = datetime(2026, 3, 1, 16, 10, tzinfo=UTC)  # 2026-03-02 00:10 in Shanghai
    with mock.patch("django.utils.timezone.now", return_value=moment):
        dated = audit_record(actor=world["official_hz"], action=AuditAction.UPDATE, obj=world["a"])

    def ids(**query):
        return [item["id"] for item in client.get(URL, query, **headers).json()["items"]]

    assert ids(date_from="2026-03-02", date_to="2026-03-02") == [dated.pk]
    assert ids(date_to="2026-03-01") == []
    assert ids(actor="gov") == [dated.pk]
    assert len(ids(action="create", object_type="enterprises.enterprise")) == 2
    assert len(ids(object_type="enterprises.enterprise", object_id=str(world["b"].pk))) == 2
    assert ids(object_type="providers.provider") == []
    assert len(ids(q="南京")) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-01"},
        {"date_to": "yesterday"},
        {"action": "Drop Table"},
        {"object_type": "<b>"},
        {"actor": "x" * 151},
        {"q": "a\x00b"},
    ],
)
def test_it_refuses_malformed_filters(client, operator, query):
    body = assert_problem(client.get(URL, query, **bearer(operator)), 422)
    assert set(field_errors(body)) == set(query)


@pytest.mark.parametrize("query", [{"limit": 201}, {"limit": 0}, {"offset": -1}])
def test_it_refuses_page_parameters_out_of_range(client, operator, query):
    assert_problem(client.get(URL, query, **bearer(operator)), 422)


def test_dates_at_the_ends_of_the_calendar_are_answered(client, operator, world):
    query = {"date_from": "0001-01-01", "date_to": "9999-12-31", "object_type": "enterprises.enterprise"}
    response = client.get(URL, query, **bearer(operator))
    assert response.status_code == 200 and response.json()["count"] == 4


def test_it_lists_without_a_query_per_row(client, operator, world, django_assert_max_num_queries):
    for number in range(30):
        audit_record(
            actor=operator, action=AuditAction.UPDATE, obj=world["a"], changes={"n": [number, number + 1]}
        )
    headers = bearer(operator)
    client.get(URL, **headers)  # token last-used write happens once a minute at most
    with django_assert_max_num_queries(4):
        assert len(client.get(URL, {"limit": 30}, **headers).json()["items"]) == 30


def test_the_api_has_no_way_to_change_rows(client, operator, world):
    event = _event(world["a"])
    headers = bearer(operator)
    for method in (client.post, client.put, client.patch, client.delete):
        assert_problem(method(f"{URL}/{event.pk}", **headers), 405)
    assert AuditEvent.objects.get(pk=event.pk).changes == {
        "employees": [350, 15],
        "size_class": ["medium", "micro"],
    }
