"""Colleague invitations: the enterprise administrator invites, revokes and removes; colleagues join by link."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funeng.apps.accounts.models import Invitation
from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.providers.models import Provider
from tests.support import personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

COLLEAGUES = "/accounts/colleagues/"
PASSWORD = "Quiet-river-lantern-42"


@pytest.fixture
def world(enterprise_fields, django_user_model):
    """Alice administers A; Bob is her non-admin colleague; Dora administers B; Otto is an official."""
    a = enterprise_create(acting_user=None, **enterprise_fields(name="杭州甲厂"))
    b = enterprise_create(acting_user=None, **enterprise_fields(name="南京乙厂", region_code="320102"))
    provider = Provider.objects.create(name="服务商", credit_code="91330106MA2H7K1N3G", region_code="330106")

    def member(username, **membership):
        return personas.member(username, email=f"{username}@example.com", **membership)

    return {
        "a": a,
        "b": b,
        "alice": member("alice_admin", role=Role.ENTERPRISE, enterprise=a, is_enterprise_admin=True),
        "bob": member("bob", role=Role.ENTERPRISE, enterprise=a),
        "dora": member("dora", role=Role.ENTERPRISE, enterprise=b, is_enterprise_admin=True),
        "otto": member("otto", role=Role.OFFICIAL, region_code="330100"),
        "pat": member("pat", role=Role.PROVIDER, provider=provider),
    }


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def invite(client: Client, email: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(COLLEAGUES, {"email": email})


def token_of(response) -> str:
    link = response.context["new_link"]
    match = re.search(r"/accounts/invitations/accept/([^/]+)/$", link)
    assert match, link
    return match.group(1)


def accept_url(token: str) -> str:
    return reverse("accounts:invite_accept", args=[token])


def test_the_administrator_sees_members_and_sends_an_invitation_by_email(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    client = as_user(world["alice"])
    page = client.get(COLLEAGUES)
    assert page.status_code == 200
    assert [m.user.username for m in page.context["members"]] == ["alice_admin", "bob"]

    response = invite(client, "Carol@Example.COM", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    link = response.context["new_link"]
    assert link.startswith("http://testserver/accounts/invitations/accept/")
    assert link in response.content.decode()  # shown once for offline hand-over
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["Carol@example.com"]
    assert link in mailoutbox[0].body and "杭州甲厂" in mailoutbox[0].subject

    invitation = Invitation.objects.get()
    token = token_of(response)
    # Only the hash is stored; the token appears nowhere in the database.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Invitation.objects.values())) + str(list(AuditEvent.objects.values()))
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
    )
    event = AuditEvent.objects.get(object_type="accounts.invitation")
    assert (event.action, event.actor, event.changes["email"]) == (
        "create",
        world["alice"],
        [None, "Carol@example.com"],
    )

    # The link is not shown again on the next visit.
    assert link not in client.get(COLLEAGUES).content.decode()


def test_the_invited_colleague_joins_as_a_non_admin_member(world, django_capture_on_commit_callbacks):
    token = token_of(invite(as_user(world["alice"]), "carol@example.com", django_capture_on_commit_callbacks))
    visitor = Client()
    page = visitor.get(accept_url(token))
    assert page.status_code == 200 and "杭州甲厂" in page.content.decode()
    response = visitor.post(
        accept_url(token), {"username": "carol", "password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("home")
    carol = get_user_model().objects.get(username="carol")
    assert carol.email == "carol@example.com" and carol.check_password(PASSWORD)
    assert (carol.membership.enterprise, carol.membership.is_enterprise_admin) == (world["a"], False)
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == carol and invitation.accepted_at is not None
    audited = set(AuditEvent.objects.filter(actor=carol).values_list("object_type", "action"))
    assert audited == {
        ("auth.user", "create"),
        ("core.membership", "create"),
        ("accounts.invitation", "update"),
    }


def test_a_used_link_cannot_be_used_again(world, django_capture_on_commit_callbacks):
    token = token_of(invite(as_user(world["alice"]), "carol@example.com", django_capture_on_commit_callbacks))
    data = {"username": "carol", "password": PASSWORD, "password_confirm": PASSWORD}
    assert Client().post(accept_url(token), data).status_code == 302
    users = get_user_model().objects.count()
    again = Client().post(accept_url(token), {**data, "username": "mallory"})
    assert again.status_code == 410 and again.context["state"] == "accepted"
    assert get_user_model().objects.count() == users


def test_an_expired_link_shows_a_clear_error(world, django_capture_on_commit_callbacks):
    token = token_of(invite(as_user(world["alice"]), "carol@example.com", django_capture_on_commit_callbacks))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = visitor.get(accept_url(token))
    assert response.status_code == 410 and "has expired" in response.content.decode()
    posted = visitor.post(
        accept_url(token), {"username": "carol", "password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert posted.status_code == 410 and not get_user_model().objects.filter(username="carol").exists()


def test_a_revoked_link_stops_working_and_the_revocation_is_audited(
    world, django_capture_on_commit_callbacks
):
    alice = as_user(world["alice"])
    token = token_of(invite(alice, "carol@example.com", django_capture_on_commit_callbacks))
    invitation = Invitation.objects.get()
    response = alice.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(
        object_type="accounts.invitation", action="update", actor=world["alice"]
    ).exists()
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = visitor.get(accept_url(token))
    assert page.status_code == 410 and "withdrawn" in page.content.decode()


def test_an_unknown_or_absurd_token_is_not_found(world):
    assert Client().get(accept_url("nope")).status_code == 404
    assert Client().get(accept_url("x" * 5000)).status_code == 404


def test_a_logged_in_user_cannot_accept_an_invitation(world, django_capture_on_commit_callbacks):
    token = token_of(invite(as_user(world["alice"]), "carol@example.com", django_capture_on_commit_callbacks))
    response = as_user(world["dora"]).post(
        accept_url(token), {"username": "carol", "password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert response.status_code == 409
    assert Invitation.objects.get().accepted_at is None


def test_it_refuses_a_second_pending_invitation_and_an_existing_member(
    world, django_capture_on_commit_callbacks
):
    alice = as_user(world["alice"])
    invite(alice, "carol@example.com", django_capture_on_commit_callbacks)
    again = invite(alice, "CAROL@example.com", django_capture_on_commit_callbacks)
    assert "pending invitation" in " ".join(again.context["form"].errors["email"])
    member = invite(alice, "bob@example.com", django_capture_on_commit_callbacks)
    assert "already uses this email" in " ".join(member.context["form"].errors["email"])
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("persona", ["bob", "otto", "pat"])
def test_only_the_enterprise_administrator_may_manage_colleagues(world, persona):
    client = as_user(world[persona])
    assert client.get(COLLEAGUES).status_code == 403
    assert client.post(COLLEAGUES, {"email": "eve@example.com"}).status_code == 403
    assert not Invitation.objects.exists()


def test_a_user_without_a_role_is_refused_and_a_visitor_is_sent_to_log_in(world, outsider):
    assert as_user(outsider).get(COLLEAGUES).status_code == 403
    response = Client().get(COLLEAGUES)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_administrator_cannot_revoke_another_enterprises_invitation(
    world, django_capture_on_commit_callbacks
):
    invite(as_user(world["alice"]), "carol@example.com", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert (
        as_user(world["dora"]).post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code
        == 404
    )
    assert (
        as_user(world["bob"]).post(reverse("accounts:invitation_revoke", args=[invitation.pk])).status_code
        == 403
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_administrator_removes_a_colleague_whose_account_is_then_deactivated(world):
    bob_membership = world["bob"].membership
    response = as_user(world["alice"]).post(reverse("accounts:colleague_remove", args=[bob_membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=bob_membership.pk).exists()
    world["bob"].refresh_from_db()
    assert world["bob"].is_active is False
    deleted = AuditEvent.objects.get(object_type="core.membership", action="delete")
    assert deleted.actor == world["alice"] and deleted.changes["enterprise"] == [world["a"].pk, None]


def test_the_administrator_cannot_remove_themselves_nor_another_enterprises_member(world):
    alice = as_user(world["alice"])
    alice.post(reverse("accounts:colleague_remove", args=[world["alice"].membership.pk]))
    assert Membership.objects.filter(user=world["alice"]).exists()
    assert (
        alice.post(reverse("accounts:colleague_remove", args=[world["dora"].membership.pk])).status_code
        == 404
    )
    assert (
        as_user(world["bob"])
        .post(reverse("accounts:colleague_remove", args=[world["alice"].membership.pk]))
        .status_code
        == 403
    )
    assert Membership.objects.count() == 5 and not AuditEvent.objects.filter(action="delete").exists()


def test_invitation_posts_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["alice"])
    assert client.post(COLLEAGUES, {"email": "carol@example.com"}).status_code == 403
    assert not Invitation.objects.exists()


def test_html_in_an_invited_address_and_names_is_escaped(world, django_capture_on_commit_callbacks):
    world["a"].name = "<b>甲厂</b>"
    world["a"].save()
    alice = as_user(world["alice"])
    page = alice.get(COLLEAGUES).content.decode()
    assert "<b>甲厂</b>" not in page and "&lt;b&gt;甲厂&lt;/b&gt;" in page
