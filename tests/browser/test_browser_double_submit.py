"""Double clicks and back-and-resend create nothing twice: consent grants, 免申即享 runs (browser)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from funeng.apps.consents.models import Consent
from funeng.apps.tasks.models import TaskRun
from tests.conftest import run_queued_tasks
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]


def test_a_double_click_on_grant_creates_one_consent_and_back_and_resend_no_second(page: Page) -> None:
    log_in(page, "demo_enterprise")
    before = Consent.objects.count()
    page.goto("/consents/grant/")
    page.select_option("#id_institution", index=1)
    page.check("input[name=categories][value=digital]")
    page.locator("form[action$='/consents/grant/'] button[type=submit]").dblclick()
    page.wait_for_url(re.compile(r"/consents/$"))
    assert Consent.objects.count() == before + 1
    # Back to the filled form and send it again: the same token, so nothing new is granted.
    page.go_back()
    page.locator("form[action$='/consents/grant/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert Consent.objects.count() == before + 1
    screenshot(page, "double-submit-consent")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_double_click_on_evaluate_starts_one_region_run(page: Page) -> None:
    log_in(page, "demo_official")
    page.goto("/policies/proactive/")
    page.locator("form button[type=submit].primary").first.dblclick()
    page.wait_for_url(re.compile(r"/tasks/[0-9a-f-]+/$"))
    assert TaskRun.objects.filter(kind="policies.run").count() == 1
    expect(page.locator("#task-progress .state-queued")).to_be_visible()
    screenshot(page, "task-progress-policy-run")
    # The worker runs it; the page, polling every second, turns to done and links the result.
    assert run_queued_tasks() == 1
    expect(page.locator("#task-progress .state-done")).to_be_visible(timeout=10_000)
    page.locator("#task-progress a", has_text=re.compile("查看结果|See the result")).click()
    page.wait_for_url(re.compile(r"/policies/runs/\d+/$"))
    screenshot(page, "task-done-policy-run")
    assert page.console_errors == []  # type: ignore[attr-defined]
