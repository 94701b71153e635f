"""Shared fixtures: personas and a factory for valid enterprises."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from unittest import mock

import pytest
from django.utils import translation

from engines.reference.credit_code import check_character, org_code_check

# Playwright fixtures (browser, page, demo_world) for the browser tests; demo SQLite files for the CLI.
pytest_plugins = ["tests.support.browser", "tests.support.runtime"]

_serial = itertools.count(1)


def make_credit_code(region: str = "330106", serial: int | None = None) -> str:
    """A valid 统一社会信用代码 for a company registered in `region` (91 = 工商, 企业)."""
    number = next(_serial) if serial is None else serial
    body = f"{number:08d}"
    first17 = "91" + region + body + org_code_check(body)
    return first17 + check_character(first17)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Chinese).

    The language middleware activates the user's language for the rest of the thread, so a test
    that browses in English would otherwise leave English on for the tests after it.
    """
    yield
    translation.deactivate()


@pytest.fixture
def credit_code():
    return make_credit_code


@pytest.fixture
def enterprise_fields():
    """Valid fields of a medium-sized Hangzhou manufacturer; override what a test needs."""

    def build(**overrides: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "credit_code": make_credit_code(),
            "name": "杭州示例精密机械有限公司",
            "industry_code": "3484",
            "region_code": "330106",
            "employees": 350,
            "revenue_cny": 50_000_000,
            "assets_cny": 80_000_000,
        }
        fields.update(overrides)
        return fields

    return build


@pytest.fixture
def operator(django_user_model):
    """Alice, a platform operator (staff) who sees the whole registry."""
    return django_user_model.objects.create_user("alice", password="pw-alice-1234", is_staff=True)


@pytest.fixture
def outsider(django_user_model):
    """Charlie, a logged-in user with no role: must be refused everything."""
    return django_user_model.objects.create_user("charlie", password="pw-charlie-1234")


def run_queued_tasks() -> int:
    """Run every queued background task here, in this thread and transaction, as `funeng worker --batch` would."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().count()
    # The real worker closes stale connections between tasks; here that would end the test's own
    # transaction (PostgreSQL), so the worker keeps the connection it is given.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None):
        _worker().run()
    return waiting


def _worker():
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


@pytest.fixture
def run_tasks():
    """Call it to let the background worker do what the test queued."""
    return run_queued_tasks


# A fixed day for tests whose outcome depends on today: programmes' dated thresholds, consents'
# end dates, claim codes' expiry. The clock still ticks from there, so durations stay real.
FROZEN_TODAY = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def frozen_today():
    """Run the test on FROZEN_TODAY (Beijing time)."""
    import time_machine

    with time_machine.travel(FROZEN_TODAY, tick=True):
        yield FROZEN_TODAY
