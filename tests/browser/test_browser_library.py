"""Browser test of the policy library: search, open a clause, follow it to its rule and back, copy a citation.

Drives Debian's chromium through Playwright against a live server with a small demo region (which
loads the library). Screenshots land in test-artifacts/ (library-*.png) for people to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]


def test_an_enterprise_user_searches_opens_a_clause_and_reaches_the_rule_that_cites_it(page: Page):
    log_in(page, "demo_enterprise")
    page.get_by_role("link", name="政策库").first.click()
    expect(page.get_by_role("heading", name="政策库")).to_be_visible()
    page.fill("#id_q", "在省内工商注册登记")
    page.get_by_role("button", name="搜索").click()
    # Many provinces word it alike; the region filter keeps Zhejiang's.
    expect(page.locator("ol.hits li")).not_to_have_count(0)
    page.fill("#id_region", "330000")
    page.get_by_role("button", name="搜索").click()
    hit = page.locator("ol.hits li a").first
    expect(hit).to_contain_text("浙江省专精特新")
    screenshot(page, "library-search")
    hit.click()
    expect(page.locator("blockquote")).to_contain_text("在省内工商注册登记")
    expect(page.get_by_role("heading", name="引用本条款的规则")).to_be_visible()
    screenshot(page, "library-clause")
    page.get_by_role("link", name="浙江省专精特新“小巨人”企业", exact=True).first.click()
    expect(page.get_by_role("heading", name="浙江省专精特新“小巨人”企业")).to_be_visible()
    # The programme page links each condition back to its clause in the library.
    page.locator("details.cite summary").nth(1).click()
    page.get_by_role("link", name="在政策库中打开该条款").first.click()
    expect(page.locator("blockquote")).to_contain_text("在省内工商注册登记")


def test_the_document_page_copies_a_citation_and_jumps_to_a_clause(page: Page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "demo_official")
    page.goto("/library/documents/zj-2020-digital-empowerment/")
    page.locator(".toc a", has_text="推动企业深度上云").click()
    expect(page.locator("section.clause:target")).to_contain_text("推动企业深度上云")
    button = page.locator("section.clause:target button.copy")
    button.click()
    expect(button).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "《浙江省数字赋能促进新业态新模式发展行动计划（2020—2022年）》（1.）"
    screenshot(page, "library-document")
