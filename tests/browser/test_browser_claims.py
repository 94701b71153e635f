"""Browser test: an enterprise is claimed with documents, waits, is approved by an official, then shows up.

Drives Debian's chromium through Playwright against a live server with a small demo region;
screenshots of each step land in test-artifacts/claim-*.png for people to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from funeng.apps.accounts.models import EnterpriseClaim
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from tests.support.browser import HOME, log_in, screenshot
from tests.support.claims import PDF, PNG

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]

PASSWORD = "Quiet-river-lantern-42"


def log_out(page: Page) -> None:
    page.click("details.usermenu summary")
    page.click("details.usermenu form button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_a_claim_with_documents_is_approved_by_an_official_and_the_enterprise_appears(page: Page) -> None:
    enterprise = (
        Enterprise.objects.filter(region_code__startswith="3301", members__isnull=True, claims__isnull=True)
        .order_by("id")
        .first()
    )
    assert enterprise is not None

    # 1. Sign up, claiming the enterprise with the licence and an authorisation letter.
    page.goto("/accounts/register/enterprise/")
    page.fill("input[name=credit_code]", enterprise.credit_code)
    page.fill("input[name=name]", enterprise.name)
    page.fill("input[name=region_code]", enterprise.region_code)
    page.fill("input[name=industry_code]", enterprise.industry_code)
    page.fill("input[name=legal_representative]", "王芳")
    page.check("input[name=proof][value=documents]")
    # Once a proof is chosen, only its own fields are shown (CSS :has, no script).
    expect(page.locator("fieldset.proof-claim_code")).to_be_hidden()
    expect(page.locator("fieldset.proof-documents")).to_be_visible()
    page.set_input_files(
        "input[name=licence]", files=[{"name": "营业执照.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.set_input_files(
        "input[name=authorisation]",
        files=[{"name": "授权书.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.fill("input[name=email]", "wangfang@example.com")
    page.fill("input[name=username]", "wangfang")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    screenshot(page, "claim-1-register")
    page.click("form button[type=submit].primary")
    page.wait_for_url(HOME)

    # 2. The claimant's home says the claim is waiting; the enterprise's pages are not theirs yet.
    expect(page.locator("h1#claim-title")).to_contain_text("您的认领正在审核中")
    expect(page.locator("main")).to_contain_text(enterprise.credit_code)
    screenshot(page, "claim-2-pending-home")
    assert page.request.get(f"/enterprises/{enterprise.pk}/").status == 404
    assert page.request.get(f"/api/v1/enterprises/{enterprise.pk}").status == 404
    log_out(page)

    # 3. The official of the region finds it in the claim review queue and approves it.
    log_in(page, "demo_official")
    page.click("nav.mainnav a[href='/accounts/claims/']")
    claim = EnterpriseClaim.objects.get(user__username="wangfang")
    page.click(f"a[href='/accounts/claims/{claim.pk}/']")
    expect(page.locator("h1")).to_contain_text(enterprise.name)
    expect(page.locator("a[href^='/accounts/claims/documents/']")).to_have_count(2)
    page.select_option("select[name=decision]", "approve")
    page.fill("textarea[name=reason]", "营业执照与授权书已核对，法定代表人签字盖章齐全")
    screenshot(page, "claim-3-review")
    page.click("form[action$='/decide/'] button[type=submit]")
    expect(page.locator("#confirm-title")).to_contain_text(enterprise.name)
    screenshot(page, "claim-4-confirm")
    page.click("form button[type=submit].primary")
    expect(page.locator(".messages")).to_contain_text("已通过")
    screenshot(page, "claim-5-approved")
    log_out(page)

    # 4. The claimant now administers the enterprise.
    log_in(page, "wangfang", PASSWORD)
    expect(page.locator("h1")).to_have_text(enterprise.name)
    membership = Membership.objects.get(user__username="wangfang")
    assert membership.enterprise_id == enterprise.pk and membership.is_enterprise_admin
    assert page.request.get(f"/enterprises/{enterprise.pk}/").status == 200
    screenshot(page, "claim-6-enterprise-home")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_an_official_prints_a_claim_code_letter_and_the_enterprise_registers_with_it(page: Page) -> None:
    enterprise = (
        Enterprise.objects.filter(region_code__startswith="3301", members__isnull=True, claims__isnull=True)
        .exclude(claim_codes__isnull=False)
        .order_by("-id")
        .first()
    )
    assert enterprise is not None

    # 1. The official issues a code from the enterprise's page, confirms, and gets the letter.
    log_in(page, "demo_official")
    page.goto(f"/enterprises/{enterprise.pk}/")
    page.click(f"a[href='/accounts/claims/enterprises/{enterprise.pk}/']")
    screenshot(page, "claim-code-1-enterprise-claims")
    page.click("form[action$='/code/'] button[type=submit]")
    expect(page.locator("#confirm-title")).to_contain_text(enterprise.name)
    page.click("form button[type=submit].primary")
    letter = page.locator("article.letter")
    expect(letter).to_contain_text("企业认领码通知书")
    expect(letter).to_contain_text(enterprise.credit_code)
    code = page.locator("code.claim-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}", code), code
    screenshot(page, "claim-code-2-letter")
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    screenshot(page, "claim-code-3-letter-print")
    page.emulate_media(media="screen")
    log_out(page)

    # 2. Someone at the enterprise registers with the code and is its administrator at once.
    page.goto("/accounts/register/enterprise/")
    page.fill("input[name=credit_code]", enterprise.credit_code)
    page.fill("input[name=name]", enterprise.name)
    page.fill("input[name=region_code]", enterprise.region_code)
    page.fill("input[name=industry_code]", enterprise.industry_code)
    page.check("input[name=proof][value=claim_code]")
    expect(page.locator("fieldset.proof-documents")).to_be_hidden()
    page.fill("input[name=claim_code]", code.lower())
    page.fill("input[name=email]", "li@example.com")
    page.fill("input[name=username]", "li_office")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    screenshot(page, "claim-code-4-register")
    page.click("form button[type=submit].primary")
    page.wait_for_url(HOME)
    expect(page.locator("h1")).to_have_text(enterprise.name)
    screenshot(page, "claim-code-5-enterprise-home")
    assert page.console_errors == []  # type: ignore[attr-defined]
