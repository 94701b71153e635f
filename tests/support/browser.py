"""Playwright against Debian's chromium (never `playwright install`), plus a demo world to click through."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.paths import ROOT
from tests.support.snapshot import demo_region_copied

CHROMIUM = os.environ.get("FUNENG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PASSWORD = "funeng-demo-2026"
PHONE = {"width": 390, "height": 844}
HOME = re.compile(r"^https?://[^/]+/$")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the session; a missing browser is an error, not a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/ensure_system_packages.sh chromium`")
    # Playwright's sync API keeps an asyncio loop on this thread, which makes Django think the
    # (synchronous) test code runs in async context; it does not, so the ORM guard is lifted.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def demo_world(transactional_db: None) -> None:
    """A small demo region with one login per role (the command only creates logins in DEBUG)."""
    demo_region_copied("--enterprises", "300", "--seed", "1")


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    """A fresh browser context (no cookies) whose console errors fail the test."""
    context = browser.new_context(base_url=str(live_server.url), locale="en-US")  # type: ignore[attr-defined]
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.console_errors = errors  # type: ignore[attr-defined]
    yield tab
    context.close()


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the home page."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit].primary")
    page.wait_for_url(HOME)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (git-ignored) for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
