"""Messages: told once per event, only site paths as links, read only by the enterprise's members."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.translation import get_language, gettext

from funeng.apps.audit.models import AuditEvent
from funeng.apps.notifications.models import Notification
from funeng.apps.notifications.services import notify
from tests.support.api import assert_problem, bearer
from tests.support.personas import cast

pytestmark = pytest.mark.django_db


def test_the_same_event_is_told_once_and_only_site_paths_are_links(enterprise_fields):
    from funeng.apps.enterprises.services import enterprise_create

    enterprise = enterprise_create(acting_user=None, **enterprise_fields())
    first = notify(
        actor=None,
        enterprise_id=enterprise.pk,
        topic="lending",
        key="event-1",
        wording=lambda: ("标题", "正文"),
        link="//evil.example/phish",
    )
    again = notify(
        actor=None, enterprise_id=enterprise.pk, topic="lending", key="event-1", wording=lambda: ("x", "y")
    )
    assert again.pk == first.pk and Notification.objects.count() == 1
    assert first.link == ""  # a protocol-relative address is not a path on this site


# --- the inbox: pages, access and API ------------------------------------------------------------


@pytest.fixture
def people(enterprise_fields):
    world = cast(enterprise_fields)
    for number, enterprise in ((1, world["a"]), (2, world["a"]), (3, world["b"])):
        notify(
            actor=None,
            enterprise_id=enterprise.pk,
            topic="lending" if number < 3 else "supply_chain",
            key=f"event-{number}",
            wording=lambda number=number: (
                gettext("Messages") + f" {number}",
                f"正文 {number}" if get_language() == "zh-hans" else f"body {number}",
            ),
            link=reverse("lending:home"),
        )
    return world


def inbox_of(client, user, *query: str):
    client.force_login(user)
    return client.get(reverse("inbox") + ("?" + "&".join(query) if query else ""))


def test_members_read_their_enterprises_messages_and_nobody_elses(client, people):
    page = inbox_of(client, people["enterprise_a_colleague"]).content.decode()
    assert "消息 1" in page and "消息 2" in page and "正文 1" in page and "消息 3" not in page
    assert 'class="count"' in page  # the header shows the unread count
    page = inbox_of(client, people["enterprise_b"]).content.decode()
    assert "消息 3" in page and "消息 1" not in page


@pytest.mark.parametrize("persona", ["banker", "official", "provider", "admin", "outsider"])
def test_other_roles_have_no_inbox(client, people, persona):
    assert inbox_of(client, people[persona]).status_code == 404
    mine = Notification.objects.filter(enterprise=people["a"]).first()
    response = client.post(reverse("notifications:read", args=[mine.pk]))
    assert response.status_code == 404
    assert client.post(reverse("notifications:read-all")).status_code == 403
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_another_enterprises_message_is_not_found_and_stays_unread(client, people):
    theirs = Notification.objects.get(enterprise=people["b"])
    client.force_login(people["enterprise_a"])
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_message_marks_it_read_once_and_a_get_changes_nothing(client, people):
    message = Notification.objects.filter(enterprise=people["a"]).first()
    client.force_login(people["enterprise_a"])
    assert client.get(reverse("notifications:read", args=[message.pk])).status_code == 405
    response = client.post(reverse("notifications:read", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == message.link
    client.post(reverse("notifications:read", args=[message.pk]))  # the double click
    message.refresh_from_db()
    assert message.read_at is not None
    reads = AuditEvent.objects.filter(object_type="notifications.notification", object_id=str(message.pk))
    assert reads.filter(action="update").count() == 1
    unread = client.get(reverse("inbox") + "?unread=1").content.decode()
    assert f"消息 {message.key[-1]}" not in unread and "消息" in unread


def test_mark_all_read_and_filter_by_topic(client, people):
    client.force_login(people["enterprise_a"])
    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302 and response["Location"] == reverse("inbox")
    assert not Notification.objects.filter(enterprise=people["a"], read_at__isnull=True).exists()
    assert not Notification.objects.filter(enterprise=people["b"], read_at__isnull=False).exists()
    page = inbox_of(client, people["enterprise_b"], "topic=lending").content.decode()
    assert "消息 3" not in page
    page = inbox_of(client, people["enterprise_b"], "topic=supply_chain").content.decode()
    assert "消息 3" in page


def test_the_inbox_in_english_shows_the_english_wording(client, people):
    client.force_login(people["enterprise_a"])
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("inbox")).content.decode()
    assert "Messages 1" in page and "body 1" in page and "正文 1" not in page


def test_the_api_lists_only_your_enterprises_messages_and_marks_them_read(client, people):
    headers = bearer(people["enterprise_b"])
    body = json.loads(client.get("/api/v1/messages", **headers).content)
    items = body["items"] if isinstance(body, dict) else body
    assert [item["title"] for item in items] == ["消息 3"] and items[0]["title_en"] == "Messages 3"
    theirs = Notification.objects.filter(enterprise=people["a"]).first()
    assert_problem(client.post(f"/api/v1/messages/{theirs.pk}/read", **headers), 404)
    mine = Notification.objects.get(enterprise=people["b"])
    answer = json.loads(client.post(f"/api/v1/messages/{mine.pk}/read", **headers).content)
    assert answer["read_at"] is not None
    banker = json.loads(client.get("/api/v1/messages", **bearer(people["banker"])).content)
    assert (banker["items"] if isinstance(banker, dict) else banker) == []
