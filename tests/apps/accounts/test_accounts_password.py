"""Password reset by email and password change, through the pages a person uses."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from funeng.apps.audit.models import AuditEvent
from tests.apps.accounts.test_accounts_lockout import fail_five_times, log_in

pytestmark = pytest.mark.django_db

OLD = "Old-horse-battery-7"
NEW = "New-staple-correct-9"


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", email="bob@example.com", password=OLD)


def reset_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_the_login_page_links_to_reset_and_to_both_sign_ups(client):
    page = client.get(reverse("login")).content.decode()
    for name in ("accounts:password_reset", "accounts:register_enterprise", "providers:apply"):
        assert f'href="{reverse(name)}"' in page


def test_it_resets_a_password_through_the_emailed_link(client, bob, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "BOB@example.com"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["bob@example.com"]
    link = reset_link(mailoutbox[0])
    assert link.startswith("/accounts/password/reset/")

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")

    assert log_in(client, "bob", OLD).status_code == 200  # the old password no longer works
    assert log_in(client, "bob", NEW).status_code == 302
    event = AuditEvent.objects.get(object_type="auth.user", action="update")
    assert event.changes == {"password": [None, "reset"]} and "pbkdf2" not in str(event.changes)


def test_the_reset_link_works_only_once(client, bob, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "bob@example.com"})
    link = reset_link(mailoutbox[0])
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, bob, mailoutbox):
    known = client.post(reverse("accounts:password_reset"), {"email": "bob@example.com"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert len(mailoutbox) == 1

    # The pages match except for the masked CSRF token, which differs on every render.
    def page(url: str) -> str:
        return re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf>", client.get(url).content.decode())

    assert page(known.url) == page(unknown.url)


def test_a_reset_lifts_the_login_lockout_of_that_username(client, bob, mailoutbox):
    fail_five_times(client)
    assert log_in(client, "bob", OLD).status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": "bob@example.com"})
    set_url = client.get(reset_link(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert log_in(client, "bob", NEW).status_code == 302


def test_it_changes_the_password_of_a_logged_in_user_and_keeps_them_logged_in(client, bob):
    client.force_login(bob)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response.url == reverse("accounts:password_change_done")
    assert client.get(reverse("accounts:password_change_done")).status_code == 200
    bob.refresh_from_db()
    assert bob.check_password(NEW)
    assert AuditEvent.objects.filter(object_type="auth.user", changes__password=[None, "changed"]).exists()


def test_a_wrong_old_password_changes_nothing(client, bob):
    client.force_login(bob)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    bob.refresh_from_db()
    assert bob.check_password(OLD) and not AuditEvent.objects.exists()


def test_password_change_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
