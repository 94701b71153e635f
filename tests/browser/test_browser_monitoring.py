"""Browser test of monitoring and designations: a provincial and a city official, an enterprise's case library.

Drives Debian's chromium against a live server with a small demo region (which confirms the plans'
targets, computes the platform figures and fills the designation lists). Screenshots land in
test-artifacts/ (monitoring-*.png).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]


def test_a_provincial_official_reads_the_dashboard_and_follows_a_target_to_its_clause(page: Page):
    log_in(page, "demo_official_zj")
    page.get_by_role("link", name="统计监测").first.click()
    expect(page.get_by_role("heading", name="浙江省 — 统计监测")).to_be_visible()
    table = page.locator("section.card", has=page.get_by_role("heading", name="规划目标与进展"))
    for label in ("已实现", "进展顺利", "需加快", "进展有限", "倒退", "无数据"):
        expect(table.locator(".badge", has_text=label).first).to_be_visible()
    expect(page.locator(".badge", has_text="无目标").first).to_be_visible()
    expect(page.locator("[data-chart='chart-trend'][data-chart-ready]")).to_be_visible()
    expect(page.locator("[data-chart='chart-ranking'][data-chart-ready]")).to_be_visible()
    screenshot(page, "monitoring-dashboard")
    page.locator("table.data a", has_text="开放数据集总量").first.click()
    expect(page.get_by_role("heading", name="开放数据集总量")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text(["演示数据"])
    page.get_by_role("link", name="浙江省数字赋能促进新业态新模式发展行动计划").first.click()
    expect(page.locator("blockquote")).to_contain_text("开放数据集")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_city_official_reports_a_value_and_sees_its_revision(page: Page):
    log_in(page, "demo_official")
    page.goto("/monitoring/report/")
    page.select_option("#id_indicator", label="开放数据集总量 (个)")
    page.select_option("#id_region_code", "330100")
    page.fill("#id_year", "2025")
    page.fill("#id_value", "-5")
    page.fill("#id_source", "杭州市2025年统计公报")
    page.get_by_role("button", name="记录数值").click()
    expect(page.locator(".errorlist")).to_contain_text("不能为负数")
    page.fill("#id_value", "1200")
    page.get_by_role("button", name="记录数值").click()
    expect(page.get_by_text("数值已记录（第 1 版）")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text(["杭州市2025年统计公报"])
    page.go_back()  # the back button and a second send store nothing twice
    page.get_by_role("button", name="记录数值").click()
    expect(page.locator("body")).to_contain_text("该表单此前已提交，只执行了一次")
    expect(page.locator("tbody tr", has_text="杭州市2025年统计公报")).to_have_count(1)
    page.get_by_role("button", name="English").first.click()
    page.goto("/monitoring/?region=330100")
    expect(page.get_by_role("heading", name="Hangzhou, Zhejiang — monitoring")).to_be_visible()
    expect(page.get_by_text("Own targets of the regions below")).to_be_visible()
    screenshot(page, "monitoring-city-en")
    page.goto("/monitoring/?region=320100")
    expect(page.locator("h1")).to_contain_text("not found", ignore_case=True)


def test_an_enterprise_browses_the_case_library_and_cannot_open_monitoring(page: Page):
    log_in(page, "demo_enterprise")
    page.get_by_role("link", name="认定名录").first.click()
    page.goto("/designations/cases/")
    expect(page.locator("article, .case").first).to_be_visible()
    screenshot(page, "designations-cases")
    response = page.goto("/monitoring/")
    assert response is not None and response.status == 403
