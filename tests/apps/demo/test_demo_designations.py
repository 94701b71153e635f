"""The demo designations: every kind listed over 2020–2026, some exited, a queue for demo_official."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from funeng.apps.core.models import Membership
from funeng.apps.demo.designations import demo_designations_create
from funeng.apps.designations.access import access_entry_for_user, can_decide
from funeng.apps.designations.const import EntryStatus
from funeng.apps.designations.kinds import CASE_LIBRARY_KINDS, KINDS
from funeng.apps.designations.models import DesignationEntry
from funeng.apps.designations.selectors import designation_counts, designations_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo region, built once for the module inside a transaction rolled back at the end.

    The tests only read it (the last one checks that a second call adds nothing).
    """
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):  # demo_region creates its logins only in DEBUG
                call_command("demo_region", "--enterprises", "300", "--seed", "1", stdout=StringIO())
            assert demo_designations_create(seed=1) == 0  # demo_region made them; a second call adds nothing
            yield DesignationEntry.objects.count()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_it_lists_every_kind_between_2020_and_2026_with_some_exits(demo):
    assert demo > 0
    listed = DesignationEntry.objects.filter(status__in=[EntryStatus.APPROVED, EntryStatus.EXITED])
    assert set(listed.values_list("kind", flat=True)) == {kind.id for kind in KINDS}
    years = {day.year for day in listed.values_list("valid_from", flat=True)}
    assert min(years) >= 2020 and max(years) <= 2026 and len(years) >= 4
    assert all(e.region_code.startswith("33") for e in listed)
    for exited in DesignationEntry.objects.filter(status=EntryStatus.EXITED):
        assert exited.valid_from < exited.exited_at and exited.exit_reason


def test_case_library_entries_have_summaries_and_solutions(demo):
    cases = DesignationEntry.objects.filter(kind__in=CASE_LIBRARY_KINDS, status=EntryStatus.APPROVED)
    assert cases.exists()
    assert all(case.summary and case.solutions.exists() for case in cases)


def test_demo_official_has_a_queue_and_demo_enterprise_an_application_with_evidence(demo):
    users = get_user_model().objects
    official, owner = users.get(username="demo_official"), users.get(username="demo_enterprise")
    waiting = DesignationEntry.objects.filter(status=EntryStatus.APPLIED)
    assert sum(can_decide(official, entry) for entry in waiting) >= 2
    own = Membership.objects.get(user=owner).enterprise
    mine = DesignationEntry.objects.get(enterprise=own, status=EntryStatus.APPLIED)
    assert mine.applied_by == owner and mine.evidence.count() == 1
    assert access_entry_for_user(owner, mine.pk) == mine
    assert mine.evidence.get().file.read().startswith(b"%PDF-")


def test_counts_and_snapshot_agree_with_the_entries(demo):
    counts = designation_counts(None, dt.date(2026, 11, 30))
    assert counts["cloud_benchmark"] > 0 and sum(counts.values()) <= DesignationEntry.objects.count()
    assert (
        designations_snapshot().height
        == DesignationEntry.objects.filter(status__in=[EntryStatus.APPROVED, EntryStatus.EXITED]).count()
    )


def test_it_does_nothing_the_second_time(demo):
    before = DesignationEntry.objects.count()
    assert demo_designations_create(seed=1) == 0
    assert DesignationEntry.objects.count() == before
