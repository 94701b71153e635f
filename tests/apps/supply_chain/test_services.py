"""Supply-chain finance services: each step by its party, every other party and state refused, nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funeng.apps.audit.models import AuditEvent
from funeng.apps.supply_chain.const import ListingStatus, ReceivableStatus
from funeng.apps.supply_chain.models import FinancingListing, Receivable, ReceivableEvent
from funeng.apps.supply_chain.services import (
    listing_mark_financed,
    listing_withdraw,
    receivable_confirm,
    receivable_decline,
    receivable_dispute,
    receivable_finance,
    receivable_offer,
    receivable_settle,
    receivable_submit,
)
from tests.support.supply_chain import DUE, ISSUED, confirmed, listed, offered, submit

pytestmark = pytest.mark.django_db


def fields_of(caught: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(caught.value.message_dict)


def finance(world, receivable, **more):
    fields = {
        "advance_cny": Decimal("380000"),
        "annual_rate": Decimal("4.35"),
        "financed_on": dt.date(2026, 11, 20),
    }
    return receivable_finance(actor=world["banker"], receivable=receivable, **(fields | more))


def steps(receivable) -> list[tuple[str, str]]:
    return list(receivable.events.order_by("occurred_at", "pk").values_list("status", "party"))


# --- the happy path ------------------------------------------------------------------------------


def test_it_takes_a_receivable_from_submission_to_settlement(world):
    receivable = submit(world)
    assert receivable.status == ReceivableStatus.SUBMITTED
    receivable = receivable_confirm(actor=world["enterprise_b"], receivable=receivable, note="已核对")
    receivable = receivable_offer(
        actor=world["enterprise_a"], receivable=receivable, institution=world["bank"], requested_cny="400000"
    )
    assert receivable.institution == world["bank"] and receivable.requested_cny == Decimal("400000")
    receivable = finance(world, receivable)
    assert (receivable.advance_cny, receivable.annual_rate) == (Decimal("380000"), Decimal("4.35"))
    receivable = receivable_settle(
        actor=world["enterprise_b"], receivable=receivable, settled_on=dt.date(2026, 11, 30)
    )
    assert receivable.status == ReceivableStatus.SETTLED
    assert steps(receivable) == [
        ("submitted", "supplier"),
        ("confirmed", "anchor"),
        ("offered", "supplier"),
        ("financed", "bank"),
        ("settled", "anchor"),
    ]
    names = list(receivable.events.order_by("pk").values_list("party_name", flat=True))
    assert names == [world["a"].name, world["b"].name, world["a"].name, world["bank"].name, world["b"].name]


def test_the_bank_may_record_the_payment_of_a_financed_receivable(world):
    receivable = finance(world, offered(world))
    settled = receivable_settle(
        actor=world["banker_colleague"], receivable=receivable, settled_on=dt.date(2026, 11, 30)
    )
    assert settled.status == ReceivableStatus.SETTLED and steps(settled)[-1] == ("settled", "bank")


def test_the_anchor_disputes_with_a_reason(world):
    disputed = receivable_dispute(
        actor=world["enterprise_b"], receivable=submit(world), reason="金额与合同不符"
    )
    assert disputed.status == ReceivableStatus.DISPUTED and disputed.dispute_reason == "金额与合同不符"
    with pytest.raises(ValidationError) as caught:
        receivable_dispute(
            actor=world["enterprise_b"], receivable=submit(world, invoice_number="2"), reason=" "
        )
    assert fields_of(caught) == {"reason"}


def test_after_a_decline_the_supplier_offers_to_another_bank_and_the_first_one_loses_sight(world):
    declined = receivable_decline(actor=world["banker"], receivable=offered(world), reason="额度已满")
    assert declined.status == ReceivableStatus.DECLINED
    with pytest.raises(ValidationError) as caught:
        receivable_offer(
            actor=world["enterprise_a"], receivable=declined, institution=world["bank"], requested_cny="1"
        )
    assert fields_of(caught) == {"institution"}
    again = receivable_offer(
        actor=world["enterprise_a"],
        receivable=declined,
        institution=world["other_bank"],
        requested_cny="300000",
    )
    assert again.status == ReceivableStatus.OFFERED and again.decline_reason == ""
    assert not Receivable.objects.filter(institution=world["bank"]).exists()
    # The timeline still names the bank that declined.
    assert ("declined", world["bank"].name) in [(e.status, e.party_name) for e in again.events.all()]


def test_the_anchor_records_the_direct_payment_of_an_unfinanced_receivable(world):
    settled = receivable_settle(
        actor=world["enterprise_b"], receivable=confirmed(world), settled_on=dt.date(2026, 11, 1)
    )
    assert settled.status == ReceivableStatus.SETTLED


# --- wrong party, wrong state --------------------------------------------------------------------


WRONG_PARTIES = {
    "confirm": ["enterprise_a", "enterprise_c", "banker", "official", "admin", "outsider"],
    "offer": ["enterprise_b", "enterprise_c", "banker", "official", "admin"],
    "finance": ["enterprise_a", "enterprise_b", "other_banker", "official", "admin"],
    "settle": ["enterprise_a", "enterprise_c", "other_banker", "official", "admin"],
}


def _step(world, name, actor, receivable):
    if name == "confirm":
        return receivable_confirm(actor=actor, receivable=receivable)
    if name == "offer":
        return receivable_offer(
            actor=actor, receivable=receivable, institution=world["bank"], requested_cny="1"
        )
    if name == "finance":
        return receivable_finance(
            actor=actor,
            receivable=receivable,
            advance_cny="1",
            annual_rate="4",
            financed_on=dt.date(2026, 11, 20),
        )
    return receivable_settle(actor=actor, receivable=receivable, settled_on=dt.date(2026, 11, 30))


@pytest.mark.parametrize(("name", "persona"), [(n, p) for n, people in WRONG_PARTIES.items() for p in people])
def test_a_step_by_the_wrong_party_is_refused_and_writes_nothing(world, name, persona):
    receivable = {
        "confirm": submit,
        "offer": confirmed,
        "finance": offered,
        "settle": lambda w: finance(w, offered(w)),
    }[name](world)
    before = (ReceivableEvent.objects.count(), AuditEvent.objects.count(), receivable.status)
    with pytest.raises(PermissionDenied):
        _step(world, name, world[persona], receivable)
    receivable.refresh_from_db()
    assert (ReceivableEvent.objects.count(), AuditEvent.objects.count(), receivable.status) == before


@pytest.mark.parametrize(
    ("name", "persona", "state"),
    [
        ("confirm", "enterprise_b", "confirmed"),
        ("offer", "enterprise_a", "submitted"),
        ("offer", "enterprise_a", "offered"),
        ("finance", "banker", "financed"),
        ("settle", "enterprise_b", "submitted"),
        ("settle", "enterprise_b", "offered"),
        ("settle", "banker", "declined"),
    ],
)
def test_a_step_in_the_wrong_state_is_refused_with_a_message(world, name, persona, state):
    receivable = {
        "submitted": submit,
        "confirmed": confirmed,
        "offered": offered,
        "financed": lambda w: finance(w, offered(w)),
        "declined": lambda w: receivable_decline(
            actor=w["banker"], receivable=offered(w), reason="不符合条件"
        ),
    }[state](world)
    before = ReceivableEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _step(world, name, world[persona], receivable)
    assert "Reload the page" in " ".join(caught.value.messages) or "刷新" in " ".join(caught.value.messages)
    assert ReceivableEvent.objects.count() == before


def test_a_double_confirm_or_finance_writes_each_step_once(world):
    receivable = submit(world)
    receivable_confirm(actor=world["enterprise_b"], receivable=receivable)
    with pytest.raises(ValidationError):
        receivable_confirm(actor=world["enterprise_b"], receivable=receivable)
    receivable = receivable_offer(
        actor=world["enterprise_a"], receivable=receivable, institution=world["bank"], requested_cny="1000"
    )
    finance(world, receivable, advance_cny="900")
    with pytest.raises(ValidationError):
        finance(world, receivable, advance_cny="900")
    assert [s for s, _ in steps(receivable)] == ["submitted", "confirmed", "offered", "financed"]
    assert (
        AuditEvent.objects.filter(object_type="supply_chain.receivable", object_id=str(receivable.pk)).count()
        == 4
    )


def test_the_same_invoice_is_submitted_once(world):
    submit(world)
    with pytest.raises(ValidationError) as caught:
        submit(world)
    assert fields_of(caught) == {"invoice_number"}
    assert Receivable.objects.count() == 1
    # Another anchor may be billed under the same number.
    receivable_submit(
        actor=world["enterprise_a"], supplier=world["a"], anchor=world["c"], invoice_number="33012345678",
        amount_cny="1", issued_on=ISSUED, due_on=DUE,
    )  # fmt: skip


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("more", "field"),
    [
        ({"amount_cny": "0"}, "amount_cny"),
        ({"amount_cny": "-5"}, "amount_cny"),
        ({"amount_cny": "10000000000.01"}, "amount_cny"),
        ({"amount_cny": "12.345"}, "amount_cny"),
        ({"amount_cny": "abc"}, "amount_cny"),
        ({"due_on": ISSUED}, "due_on"),
        ({"due_on": ISSUED - dt.timedelta(days=1)}, "due_on"),
        ({"due_on": ISSUED + dt.timedelta(days=2000)}, "due_on"),
        ({"issued_on": None}, "issued_on"),
        ({"invoice_number": "  "}, "invoice_number"),
        ({"invoice_number": "9" * 51}, "invoice_number"),
    ],
)
def test_a_bad_receivable_is_refused_naming_the_field(world, more, field):
    with pytest.raises(ValidationError) as caught:
        submit(world, **more)
    assert fields_of(caught) == {field}
    assert not Receivable.objects.exists()


def test_the_supplier_cannot_bill_itself_or_an_unknown_enterprise(world):
    for anchor in (world["a"], None):
        with pytest.raises(ValidationError) as caught:
            receivable_submit(
                actor=world["enterprise_a"], supplier=world["a"], anchor=anchor, invoice_number="1",
                amount_cny="1", issued_on=ISSUED, due_on=DUE,
            )  # fmt: skip
        assert fields_of(caught) == {"anchor"}


def test_only_a_member_of_the_supplier_submits(world):
    with pytest.raises(PermissionDenied):
        receivable_submit(
            actor=world["enterprise_b"], supplier=world["a"], anchor=world["b"], invoice_number="1",
            amount_cny="1", issued_on=ISSUED, due_on=DUE,
        )  # fmt: skip


def test_the_amount_asked_and_the_advance_are_at_most_the_receivable(world):
    receivable = confirmed(world)
    with pytest.raises(ValidationError) as caught:
        receivable_offer(
            actor=world["enterprise_a"],
            receivable=receivable,
            institution=world["bank"],
            requested_cny="500000.01",
        )
    assert fields_of(caught) == {"requested_cny"}
    with pytest.raises(ValidationError) as caught:
        receivable_offer(
            actor=world["enterprise_a"], receivable=receivable, institution=None, requested_cny="1"
        )
    assert fields_of(caught) == {"institution"}
    receivable = receivable_offer(
        actor=world["enterprise_a"], receivable=receivable, institution=world["bank"], requested_cny="1000"
    )
    for more, field in [
        ({"advance_cny": "500000.01"}, "advance_cny"),
        ({"annual_rate": "36.01"}, "annual_rate"),
        ({"annual_rate": "-1"}, "annual_rate"),
        ({"financed_on": DUE + dt.timedelta(days=1)}, "financed_on"),
        ({"financed_on": None}, "financed_on"),
    ]:
        with pytest.raises(ValidationError) as caught:
            finance(world, receivable, **more)
        assert fields_of(caught) == {field}, more
    assert Receivable.objects.get().status == ReceivableStatus.OFFERED


def test_a_payment_is_recorded_once_it_is_made(world):
    with pytest.raises(ValidationError) as caught:
        receivable_settle(
            actor=world["enterprise_b"], receivable=confirmed(world), settled_on=dt.date(2026, 12, 5)
        )
    assert fields_of(caught) == {"settled_on"}


# --- audit ---------------------------------------------------------------------------------------


def test_every_step_is_audited_out_of_the_officials_sight(world):
    receivable = finance(world, offered(world))
    rows = AuditEvent.objects.filter(object_type="supply_chain.receivable", object_id=str(receivable.pk))
    assert [r.action for r in rows.order_by("pk")] == ["create", "update", "update", "update"]
    assert rows.order_by("pk").last().changes["status"] == ["offered", "financed"]
    assert rows.order_by("pk").last().actor == world["banker"]
    # No region and no enterprise: only operators read these rows (never an official of the region).
    assert set(rows.values_list("region_code", "enterprise_id")) == {("", None)}
    assert all("33012345678" not in r.object_repr for r in rows)


# --- the directory -------------------------------------------------------------------------------


def test_an_official_of_the_region_lists_withdraws_and_marks_financed(world):
    listing = listed(world)
    assert listing.status == ListingStatus.LISTED and listing.region_code == world["a"].region_code
    row = AuditEvent.objects.get(object_type="supply_chain.financinglisting", action="create")
    assert row.enterprise_id == world["a"].pk and row.region_code == world["a"].region_code
    assert (
        listing_withdraw(actor=world["official_province"], listing=listing).status == ListingStatus.WITHDRAWN
    )
    with pytest.raises(ValidationError):
        listing_mark_financed(actor=world["official"], listing=listing)
    second = listed(world, title="第二个项目")
    assert listing_mark_financed(actor=world["admin"], listing=second).status == ListingStatus.FINANCED


@pytest.mark.parametrize("persona", ["official_b", "enterprise_a", "banker", "outsider"])
def test_only_officials_of_the_region_and_operators_list_enterprises(world, persona):
    with pytest.raises(PermissionDenied):
        listed(world | {"official": world[persona]})
    listing = listed(world)
    with pytest.raises(PermissionDenied):
        listing_withdraw(actor=world[persona], listing=listing)
    assert FinancingListing.objects.get().status == ListingStatus.LISTED


@pytest.mark.parametrize(
    ("more", "field"),
    [
        ({"amount_sought_cny": "0"}, "amount_sought_cny"),
        ({"valid_until": dt.date(2026, 11, 30)}, "valid_until"),
        ({"valid_until": dt.date(2028, 1, 1)}, "valid_until"),
        ({"title": ""}, "title"),
        ({"kind": "bond"}, "kind"),
    ],
)
def test_a_bad_directory_entry_is_refused_naming_the_field(world, more, field):
    with pytest.raises(ValidationError) as caught:
        listed(world, **more)
    assert fields_of(caught) == {field}
