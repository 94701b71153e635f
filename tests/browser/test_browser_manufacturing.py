"""Browser test of shared manufacturing: a factory finds its share, reads the Gantt chart, accepts.

Drives Debian's chromium against a live server with a small demo region (which plans 20 orders
across ~40 factories). Screenshots land in test-artifacts/ (manufacturing-*.png).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]


def test_a_factory_reads_its_share_on_the_gantt_chart_and_accepts_it(page: Page):
    log_in(page, "demo_enterprise")
    page.get_by_role("link", name="共享制造").first.click()
    pending = page.locator("#pending-shares tbody tr")
    expect(pending.first).to_be_visible()
    waiting = pending.count()
    pending.first.locator("a").click()
    expect(page.locator("[data-chart='plan-gantt'][data-chart-ready]")).to_be_visible()
    expect(page.get_by_text("仅显示贵厂的工序。")).to_be_visible()
    shares = page.locator("#shares tbody tr")
    expect(shares).to_have_count(1)  # a factory sees its own share only
    shares.get_by_role("button", name="拒绝").click()  # a decline must say why: the browser holds it back
    expect(shares.locator("textarea:invalid")).to_have_count(1)
    expect(shares.locator(".badge", has_text="待工厂确认")).to_be_visible()
    screenshot(page, "manufacturing-plan-factory")
    page.locator("#shares").get_by_role("button", name="接受").click()
    expect(page.locator("#shares .badge", has_text="已接受")).to_be_visible()
    page.go_back()  # the back button and a second click accept nothing twice
    page.goto("/manufacturing/")
    expect(page.locator("#pending-shares tbody tr")).to_have_count(waiting - 1)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_the_capacity_registry_filters_by_process_and_a_cycle_is_refused(page: Page):
    log_in(page, "demo_enterprise")
    page.goto("/manufacturing/capacity/")
    page.select_option("select[name=process]", "edm")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("#capacity tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.first).to_contain_text("电火花")
    page.goto("/manufacturing/orders/new/")
    page.fill("#id_product", "测试件")
    page.fill("#id_quantity", "10")
    page.fill("#id_due_date", "2027-01-31")
    page.fill("#id_op-0-code", "A")
    page.fill("#id_op-0-name", "铣")
    page.select_option("#id_op-0-process", "cnc_milling")
    page.fill("#id_op-0-run_minutes_per_unit", "2")
    page.fill("#id_op-0-after", "B")
    page.fill("#id_op-1-code", "B")
    page.fill("#id_op-1-name", "磨")
    page.select_option("#id_op-1-process", "grinding")
    page.fill("#id_op-1-run_minutes_per_unit", "2")
    page.fill("#id_op-1-after", "A")
    page.get_by_role("button", name="录入订单").click()
    expect(page.locator(".form-error")).to_contain_text("工艺路线存在循环：A → B → A")
    page.fill("#id_op-0-after", "")
    page.get_by_role("button", name="录入订单").click()
    expect(page.get_by_role("heading", name="测试件")).to_be_visible()
    screenshot(page, "manufacturing-order")
    assert page.console_errors == []  # type: ignore[attr-defined]
