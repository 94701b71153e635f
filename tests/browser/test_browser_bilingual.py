"""Browser test: in English, the policy, enterprise and assessment pages explain themselves in English.

An enterprise and an official of the demo region switch to English and read 我的政策, a programme,
an enterprise profile and an assessment report. What an engine explains there (conditions, reasons,
gaps, the size class, the level) must hold no Chinese; quoted government clauses, enterprise names
and region names stay as they are. Screenshots land in test-artifacts/bilingual-*.png.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from engines.rules.loader import load_programmes
from funeng.apps.assessment.models import Assessment
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from tests.support.browser import log_in, screenshot
from tests.support.i18n import TEXT_WITHOUT_CHINESE_PARTS, cjk_in, programme_region_names

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]


@pytest.fixture(autouse=True)
def media(tmp_path):
    # set before demo_world writes its evidence files, and seen by the live server's thread
    previous = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    settings.MEDIA_ROOT = previous


def english(page: Page) -> None:
    """Switch to English with the language buttons in the header, as a person would."""
    page.locator("form.langswitch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def chinese_in(page: Page, selector: str, allowed: list[str]) -> list[str]:
    """Chinese left in the matched parts, outside quoted clauses and the allowed names."""
    expect(page.locator(selector).first).to_be_visible()
    text = page.evaluate(TEXT_WITHOUT_CHINESE_PARTS, selector)
    assert text.strip(), f"nothing to read in {selector}"
    return cjk_in(text, allowed)


def enterprise_of(username: str) -> Enterprise:
    membership = Membership.objects.select_related("enterprise").get(user__username=username)
    assert membership.enterprise is not None
    return membership.enterprise


def test_an_enterprise_reads_its_policies_profile_and_report_in_english(page: Page) -> None:
    enterprise = enterprise_of("demo_enterprise")
    allowed = [enterprise.name, *programme_region_names()]
    log_in(page, "demo_enterprise")
    english(page)

    page.goto("/policies/")
    page.wait_for_url(re.compile(rf"/policies/enterprises/{enterprise.pk}/$"))
    expect(page.locator("h1")).to_contain_text("My policies")
    assert chinese_in(page, ".programme-card", allowed) == []
    names = {programme.name_en for programme in load_programmes().values()}
    assert page.locator(".programme-card h3").first.inner_text() in names
    card = page.locator(".programme-card").first
    card.locator("details > summary").first.click()  # all conditions with their clauses
    card.locator("details.cite > summary").first.click()
    expect(card.locator("details.cite[open] blockquote").first).to_be_visible()
    expect(card.locator(".cite-label").first).to_have_text("Original text (Chinese):")
    screenshot(page, "bilingual-my-policies")

    card.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/policies/programmes/[a-z0-9-]+/$"))
    assert chinese_in(page, ".programme-facts, ol.conditions", allowed) == []
    page.locator("details.cite > summary").first.click()
    screenshot(page, "bilingual-programme")

    page.goto(f"/enterprises/{enterprise.pk}/")
    assert chinese_in(page, ".size-card, .de-card", allowed) == []
    expect(page.locator(".size-card .size-explanation")).to_contain_text(":")
    screenshot(page, "bilingual-enterprise")

    latest = Assessment.objects.filter(enterprise=enterprise, status="submitted").order_by("-round_index")[0]
    page.goto(f"/assessment/{latest.pk}/report/")
    assert chinese_in(page, ".report-head, .level-card", allowed) == []
    meta = page.locator(".report-meta").inner_text()
    assert latest.framework_id not in meta and "version" in meta
    screenshot(page, "bilingual-assessment-report")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_an_official_reads_runs_programmes_and_profiles_by_name_in_english(page: Page) -> None:
    log_in(page, "demo_official")
    english(page)
    runs = page.locator("section.card:has(a[href='/policies/proactive/']) ul.plain li")
    expect(runs.first).to_be_visible()
    for text in runs.all_inner_texts():
        assert "srdi-" not in text
        assert not cjk_in(text.split("·")[0]), text  # the programme's English name
    screenshot(page, "bilingual-official-home")

    runs.first.locator("a").click()
    page.wait_for_url(re.compile(r"/policies/runs/\d+/"))
    assert chinese_in(page, "table.data td.small", []) == []
    screenshot(page, "bilingual-run")

    page.goto("/policies/programmes/srdi-national-little-giant/")
    assert chinese_in(page, ".programme-facts, ol.conditions", programme_region_names()) == []
    expect(page.locator("ol.conditions")).to_contain_text("∈ medium, small, micro")

    enterprise = enterprise_of("demo_enterprise")
    page.goto(f"/policies/enterprises/{enterprise.pk}/")
    assert chinese_in(page, ".programme-card", [enterprise.name, *programme_region_names()]) == []
    screenshot(page, "bilingual-official-my-policies")
    assert page.console_errors == []  # type: ignore[attr-defined]


def _typed_in_matchmaking() -> list[str]:
    """What people typed that matchmaking pages show: names, titles, descriptions, notes, reviews."""
    from funeng.apps.matching.models import Need, Proposal, Review, Solution
    from funeng.apps.providers.models import Provider

    texts = list(Provider.objects.values_list("name", flat=True))
    texts += list(Enterprise.objects.filter(needs__isnull=False).values_list("name", flat=True))
    for title, description in Solution.objects.values_list("title", "description"):
        texts += [title, description]
    for title, description in Need.objects.values_list("title", "description"):
        texts += [title, description]
    texts += list(Proposal.objects.values_list("request_note", flat=True))
    texts += list(Proposal.objects.values_list("delivery_plan", flat=True))
    texts += list(Review.objects.values_list("text", flat=True))
    return [t for t in texts if t]


def test_matchmaking_reads_in_english_for_an_enterprise_and_an_official(page: Page) -> None:
    """Issue 19, item 18: "serves 浙江" and other Chinese on English matchmaking pages."""
    from funeng.apps.matching.models import Need

    allowed = _typed_in_matchmaking()
    enterprise = enterprise_of("demo_enterprise")
    log_in(page, "demo_enterprise")
    english(page)
    need = Need.objects.filter(enterprise=enterprise, matches__isnull=False).distinct().first()
    assert need is not None, "the demo enterprise has no ranked need"
    for url in (
        "/matching/needs/",
        f"/matching/needs/{need.pk}/",
        "/matching/providers/",
        "/matching/deals/",
    ):
        page.goto(url)
        assert chinese_in(page, "main", allowed) == [], url
    page.goto(f"/matching/needs/{need.pk}/")
    expect(page.locator("ol.matches .reasons").first).to_be_visible()
    assert "浙江" not in page.locator("main").inner_text().replace(enterprise.name, "")
    screenshot(page, "bilingual-matching-need")

    page.context.clear_cookies()
    log_in(page, "demo_official")
    english(page)
    for url in ("/matching/gaps/", "/matching/trust/", "/matching/providers/"):
        page.goto(url)
        assert chinese_in(page, "main", allowed) == [], url
    screenshot(page, "bilingual-matching-gaps")
    assert page.console_errors == []  # type: ignore[attr-defined]
