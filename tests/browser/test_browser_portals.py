"""Browser tests: each role logs in and gets its own home; other tenants' pages are refused.

Drives Debian's chromium through Playwright against a live server with a small demo region.
Screenshots of every role's home (desktop and phone) land in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from tests.support.browser import HOME, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]

ROLES = {
    "demo_enterprise": Role.ENTERPRISE,
    "demo_enterprise_b": Role.ENTERPRISE,
    "demo_provider": Role.PROVIDER,
    "demo_bank": Role.BANK,
    "demo_official": Role.OFFICIAL,
    "demo_official_b": Role.OFFICIAL,
    "demo_official_zj": Role.OFFICIAL,
    "demo_admin": Role.ADMIN,
}


def chinese(text: object) -> str:
    """The zh-Hans translation of a msgid or lazy label."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def enterprise_of(username: str) -> Enterprise:
    membership = Membership.objects.select_related("enterprise").get(user__username=username)
    assert membership.enterprise is not None
    return membership.enterprise


def expect_no_console_errors(page: Page) -> None:
    """CSP violations, missing static files and script errors all show up as console errors."""
    assert page.console_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("username", list(ROLES))
def test_each_role_lands_on_its_own_home(page: Page, username: str) -> None:
    log_in(page, username)
    badge = page.locator(".role-badge")
    expect(badge).to_have_text(chinese(ROLES[username].label))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in badge.inner_text()), "the default UI is Chinese"
    role = ROLES[username]
    if role == Role.ENTERPRISE:
        expect(page.locator("h1")).to_have_text(enterprise_of(username).name)
        expect(page.locator("a[href$='/edit/']")).to_be_visible()
    elif role == Role.PROVIDER:
        expect(page.locator(".banner")).to_be_visible()
    elif role == Role.BANK:
        expect(page.locator(".banner.info")).to_be_visible()
        expect(page.locator("nav.mainnav a[href='/consents/']")).to_be_visible()
    else:  # officials and administrators get the registry dashboard with charts
        # A province's (and the operator's) dashboard adds the enterprises of each area below it.
        by_area = role == Role.ADMIN or username == "demo_official_zj"
        expect(page.locator("[data-chart-ready]")).to_have_count(3 if by_area else 2)
        expect(page.locator("nav.mainnav a[href='/audit/']")).to_be_visible()
    if role != Role.ADMIN:
        expect(page.locator("nav.mainnav a[href='/admin/']")).to_have_count(0)
    screenshot(page, f"home-{username}")
    page.set_viewport_size(PHONE)
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways on a phone"
    screenshot(page, f"home-{username}-phone")
    expect_no_console_errors(page)


@pytest.mark.parametrize(
    ("username", "other_tenant"),
    [
        ("demo_enterprise", "demo_enterprise_b"),  # enterprise A's user on enterprise B
        ("demo_enterprise_b", "demo_enterprise"),
        ("demo_official_b", "demo_enterprise"),  # 320100 official on a Hangzhou enterprise
        ("demo_provider", "demo_enterprise"),
    ],
)
def test_another_tenants_pages_are_refused(page: Page, username: str, other_tenant: str) -> None:
    log_in(page, username)
    target = enterprise_of(other_tenant)
    for path in (f"/enterprises/{target.pk}/", f"/enterprises/{target.pk}/edit/"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_text(target.name)).to_have_count(0)


def test_the_enterprise_page_of_ones_own_enterprise_opens(page: Page) -> None:
    log_in(page, "demo_official")
    target = enterprise_of("demo_enterprise")  # in Hangzhou, inside 330100
    response = page.goto(f"/enterprises/{target.pk}/")
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_contain_text(target.name)


def test_language_switch_changes_and_keeps_the_language(page: Page) -> None:
    log_in(page, "demo_official")
    assert page.get_attribute("html", "lang") == "zh-hans"
    overview = page.locator("nav.mainnav a[href='/']")
    expect(overview).to_have_text(chinese("Overview"))
    page.click("form.langswitch button[value=en]")
    page.wait_for_url(HOME)
    assert page.get_attribute("html", "lang") == "en"
    expect(overview).to_have_text("Overview")
    page.goto("/enterprises/")
    assert page.get_attribute("html", "lang") == "en", "the choice is kept across pages"
    page.click("form.langswitch button[value=zh-hans]")
    expect(page.locator("nav.mainnav a[href='/']")).to_have_text(chinese("Overview"))
    expect_no_console_errors(page)


def test_a_validation_error_appears_next_to_its_field_and_nothing_is_saved(page: Page) -> None:
    enterprise = enterprise_of("demo_enterprise")
    log_in(page, "demo_enterprise")
    page.goto(f"/enterprises/{enterprise.pk}/edit/")
    page.fill("#id_employees", "-5")
    page.fill("#id_invention_patents", "3")
    page.click("form.card button[type=submit].primary")
    field = page.locator(".field.has-error", has=page.locator("#id_employees"))
    expect(field).to_have_count(1)
    expect(field.locator(".errorlist")).to_be_visible()
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator("[role=alert]")).to_be_visible()
    enterprise.refresh_from_db()
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert stored.employees != -5 and stored.invention_patents == enterprise.invention_patents
    screenshot(page, "edit-validation-error")
    # Correcting the field saves both values and lands on the detail page.
    page.fill("#id_employees", "120")
    page.click("form.card button[type=submit].primary")
    page.wait_for_url(f"**/enterprises/{enterprise.pk}/")
    stored.refresh_from_db()
    assert (stored.employees, stored.invention_patents) == (120, 3)


def test_signed_out_visitors_are_sent_to_the_login_page(page: Page) -> None:
    page.goto("/enterprises/")
    assert "/accounts/login/" in page.url
    expect(page.locator("input[name=username]")).to_be_visible()
