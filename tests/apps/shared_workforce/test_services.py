"""Shared-workforce services: the agreement's life, and the bad input each step refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from funeng.apps.audit.models import AuditEvent
from funeng.apps.shared_workforce.models import Agreement, HoursRecord
from funeng.apps.shared_workforce.selectors import hours_summary, matches_for_demand
from funeng.apps.shared_workforce.services import (
    agreement_activate,
    agreement_answer,
    agreement_close,
    demand_post_create,
    hours_record,
    surplus_post_create,
    worker_create,
)
from tests.support.workforce import END, START, propose

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 15)


@pytest.fixture(autouse=True)
def _in_english():
    """Messages read in English here; the pages' tests check them in Chinese where the pages show them."""
    with translation.override("en"):
        yield


def active(world) -> Agreement:
    agreement = propose(world)
    agreement_answer(actor=world["worker_user"], agreement=agreement, confirm=True)
    return agreement_activate(actor=world["enterprise_a"], agreement=agreement)


def test_an_agreement_goes_from_proposed_to_ended_with_every_step_audited(world):
    agreement = propose(world)
    assert (agreement.lender, agreement.borrower, agreement.status) == (world["a"], world["b"], "proposed")
    agreement = agreement_answer(actor=world["worker_user"], agreement=agreement, confirm=True)
    assert agreement.status == "worker_confirmed"
    agreement = agreement_activate(actor=world["enterprise_a"], agreement=agreement)
    assert agreement.status == "active"
    agreement = agreement_close(actor=world["enterprise_b"], agreement=agreement, reason="订单完成")
    assert agreement.status == "ended"
    events = AuditEvent.objects.filter(object_type="shared_workforce.agreement", object_id=str(agreement.pk))
    assert [e.action for e in events.order_by("id")] == ["create", "update", "update", "update"]
    assert events.order_by("id").last().changes["status"] == ["active", "ended"]


def test_the_audit_log_never_holds_a_workers_name_or_phone(world):
    text = " ".join(str(e.changes) + e.object_repr for e in AuditEvent.objects.all())
    assert "王建国" not in text and "13800001234" not in text


def test_overlapping_agreements_for_one_worker_are_refused(world):
    propose(world)
    with pytest.raises(ValidationError, match="already held from 2026-03-02 to 2026-03-31"):
        propose(world, start=dt.date(2026, 3, 31), end=dt.date(2026, 4, 10))
    assert Agreement.objects.count() == 1


def test_a_declined_agreement_frees_the_workers_days(world):
    first = propose(world)
    agreement_answer(actor=world["worker_user"], agreement=first, confirm=False, reason="家中有事")
    second = propose(world)
    assert second.status == "proposed" and Agreement.objects.count() == 2


def test_the_database_refuses_an_overlap_the_service_did_not_see(world):
    first = propose(world)
    copy = Agreement(
        lender=first.lender,
        borrower=first.borrower,
        worker=first.worker,
        starts_on=dt.date(2026, 3, 20),
        ends_on=dt.date(2026, 4, 5),
        hourly_pay=Decimal("40"),
        payment_terms="x",
        insurance_terms="x",
        place="x",
        region_code="320102",
        proposed_at=first.proposed_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    # Days after the first agreement are free, in the database as in the service.
    copy.starts_on, copy.ends_on = dt.date(2026, 4, 1), dt.date(2026, 4, 5)
    copy.save()


def test_the_database_refuses_reopening_into_an_overlap(world):
    first = propose(world)
    agreement_close(actor=world["enterprise_b"], agreement=first)
    propose(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=first.pk).update(status="proposed")


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (END, START, "ends_on", "comes before the first day"),
        (dt.date(2026, 2, 20), dt.date(2026, 3, 10), "starts_on", "offers the worker from 2026-03-01"),
    ],
)
def test_a_proposal_with_bad_dates_is_refused(world, start, end, field, message):
    with pytest.raises(ValidationError) as error:
        propose(world, start=start, end=end)
    assert message in " ".join(error.value.message_dict[field])


def test_reversed_post_dates_and_a_headcount_of_zero_are_refused(world):
    with pytest.raises(ValidationError) as error:
        demand_post_create(
            actor=world["enterprise_b"],
            enterprise=world["b"],
            title="急需",
            skills=["welder"],
            headcount=0,
            starts_on=END,
            ends_on=START,
            place="南京",
        )
    assert set(error.value.message_dict) == {"headcount", "ends_on"}
    with pytest.raises(ValidationError) as error:
        surplus_post_create(
            actor=world["enterprise_a"],
            enterprise=world["a"],
            title="富余",
            skills=["no_such_skill"],
            headcount=1,
            available_from=START,
            available_to=END,
            hourly_cost="-1",
        )
    assert set(error.value.message_dict) == {"skills", "hourly_cost"}


def test_a_post_lists_only_its_own_enterprises_workers(world):
    other = worker_create(actor=world["enterprise_c"], enterprise=world["c"], name="赵六", skills=["welder"])
    with pytest.raises(ValidationError, match="own enterprise's workers"):
        surplus_post_create(
            actor=world["enterprise_a"],
            enterprise=world["a"],
            title="富余",
            skills=["welder"],
            headcount=1,
            available_from=START,
            available_to=END,
            hourly_cost="40",
            workers=[other],
        )


def test_a_worker_login_must_be_a_colleague_of_the_employer(world):
    with pytest.raises(ValidationError, match="colleague of your enterprise"):
        worker_create(
            actor=world["enterprise_c"],
            enterprise=world["c"],
            name="赵六",
            skills=["welder"],
            user=world["enterprise_b"],
        )


def test_only_the_worker_confirms_their_agreement(world):
    agreement = propose(world)
    for someone in ("enterprise_a", "enterprise_a_colleague", "enterprise_b", "admin"):
        with pytest.raises(PermissionDenied):
            agreement_answer(actor=world[someone], agreement=agreement, confirm=True)
    assert Agreement.objects.get(pk=agreement.pk).status == "proposed"


def test_another_worker_cannot_confirm_someone_elses_agreement(world):
    agreement = propose(world, worker=world["li"])
    with pytest.raises(PermissionDenied):
        agreement_answer(actor=world["worker_user"], agreement=agreement, confirm=True)


def test_the_lender_activates_only_after_the_worker_confirmed(world):
    agreement = propose(world)
    with pytest.raises(ValidationError, match="reload the page"):
        agreement_activate(actor=world["enterprise_a"], agreement=agreement)
    agreement_answer(actor=world["worker_user"], agreement=agreement, confirm=True)
    with pytest.raises(PermissionDenied):
        agreement_activate(actor=world["enterprise_b"], agreement=agreement)


def test_hours_are_summed_and_priced(world):
    agreement = active(world)
    for day, hours in [(dt.date(2026, 3, 2), "8"), (dt.date(2026, 3, 3), "7.5")]:
        hours_record(actor=world["enterprise_b"], agreement=agreement, day=day, hours=hours, today=TODAY)
    summary = hours_summary(agreement)
    assert (summary.days, summary.total_hours, summary.amount_due) == (2, Decimal("15.50"), Decimal("697.50"))


@pytest.mark.parametrize(
    ("day", "hours", "field"),
    [
        (dt.date(2026, 4, 1), "8", "day"),  # after the agreement
        (dt.date(2026, 3, 1), "8", "day"),  # before it
        (dt.date(2026, 3, 5), "24.5", "hours"),
        (dt.date(2026, 3, 5), "0", "hours"),
        (dt.date(2026, 3, 5), "abc", "hours"),
    ],
)
def test_hours_outside_the_period_or_beyond_a_day_are_refused(world, day, hours, field):
    agreement = active(world)
    with pytest.raises(ValidationError) as error:
        hours_record(actor=world["enterprise_b"], agreement=agreement, day=day, hours=hours, today=TODAY)
    assert field in error.value.message_dict
    assert not HoursRecord.objects.exists()


def test_a_day_is_recorded_once_and_only_by_the_borrower(world):
    agreement = active(world)
    hours_record(actor=world["enterprise_b"], agreement=agreement, day=START, hours="8", today=TODAY)
    with pytest.raises(ValidationError, match="already recorded"):
        hours_record(actor=world["enterprise_b"], agreement=agreement, day=START, hours="4", today=TODAY)
    with pytest.raises(PermissionDenied):
        hours_record(actor=world["enterprise_a"], agreement=agreement, day=END, hours="4", today=TODAY)
    assert HoursRecord.objects.count() == 1


def test_hours_wait_until_the_agreement_is_active(world):
    agreement = propose(world)
    with pytest.raises(ValidationError, match="once the agreement is active"):
        hours_record(actor=world["enterprise_b"], agreement=agreement, day=START, hours="8", today=TODAY)


def test_matches_rank_the_offered_workers_and_leave_out_busy_ones(world):
    rows = matches_for_demand(world["demand"])
    assert {row.worker.pk for row in rows} == {world["wang"].pk, world["li"].pk}
    assert all(row.match.features["skills"] == 0.5 for row in rows)  # welder, not electrician
    propose(world)
    assert [row.worker.pk for row in matches_for_demand(world["demand"])] == [world["li"].pk]


def test_an_enterprise_cannot_post_for_another(world):
    with pytest.raises(PermissionDenied):
        demand_post_create(
            actor=world["enterprise_c"],
            enterprise=world["b"],
            title="x",
            skills=["welder"],
            headcount=1,
            starts_on=START,
            ends_on=END,
            place="x",
        )
