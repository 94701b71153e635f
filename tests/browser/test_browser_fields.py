"""Browser tests: the industry-code picker finds a class by pinyin; text fields show their limit as a counter.

Drives Debian's chromium through Playwright against a live server; the registration page needs no
login, so no demo world is built.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_typing_pinyin_offers_industry_classes_and_picking_one_fills_in_the_code(page: Page) -> None:
    page.goto("/accounts/register/enterprise/")
    field = page.locator("input[name=industry_code]")
    expect(field).to_have_attribute("role", "combobox")
    field.press_sequentially("jxlbjjg", delay=20)
    option = page.locator("[role=listbox] [role=option][data-code='3484']")
    expect(option).to_be_visible()
    expect(option).to_contain_text("机械零部件加工")
    screenshot(page, "industry-picker")
    option.click()
    expect(field).to_have_value("3484")
    expect(page.locator("[role=listbox]")).to_be_hidden()
    # The keyboard works too: a Chinese fragment, arrow down, Enter.
    field.fill("")
    field.press_sequentially("软件开发", delay=20)
    expect(page.locator("[role=listbox] [role=option]").first).to_be_visible()
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("6511")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_text_field_with_a_limit_shows_a_counter_before_anything_is_typed(page: Page) -> None:
    page.goto("/accounts/register/enterprise/")
    name = page.locator("input[name=name]")
    counter = page.locator("#" + (name.get_attribute("id") or "") + "_counter")
    expect(counter).to_have_text("已输入 0 / 200 字")
    name.press_sequentially("杭州示例", delay=10)
    expect(counter).to_have_text("已输入 4 / 200 字")
    assert counter.get_attribute("id") in (name.get_attribute("aria-describedby") or "")
    # Codes with a short fixed width get no counter.
    expect(
        page.locator("#" + (page.locator("input[name=credit_code]").get_attribute("id") or "") + "_counter")
    ).to_have_count(0)
    assert page.console_errors == []  # type: ignore[attr-defined]
