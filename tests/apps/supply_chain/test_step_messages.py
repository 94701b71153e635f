"""Each step of a receivable reaches the other enterprise's inbox once, in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from funeng.apps.notifications.models import Notification
from funeng.apps.supply_chain.services import receivable_confirm, receivable_dispute, receivable_finance
from tests.support import supply_chain as chain

pytestmark = pytest.mark.django_db


def messages_of(enterprise) -> list[Notification]:
    return list(Notification.objects.filter(enterprise=enterprise).order_by("id"))


def test_the_party_that_acts_next_hears_of_each_step(world):
    receivable = chain.submit(world)
    (to_anchor,) = messages_of(world["b"])
    assert to_anchor.topic == "supply_chain" and "33012345678" in to_anchor.title
    assert to_anchor.link == reverse("supply_chain:receivable", args=[receivable.pk])
    assert messages_of(world["a"]) == []  # the supplier did it itself

    receivable = receivable_confirm(actor=world["enterprise_b"], receivable=receivable)
    (confirmed,) = messages_of(world["a"])
    assert "Confirmed by the anchor enterprise" in confirmed.title_en
    assert "500,000.00" in confirmed.body


def test_a_dispute_tells_the_supplier_why_and_financing_tells_both(world):
    receivable = chain.submit(world)
    receivable_dispute(actor=world["enterprise_b"], receivable=receivable, reason="货物尚未交付")
    (disputed,) = messages_of(world["a"])
    assert "货物尚未交付" in disputed.body and "Disputed" in disputed.title_en

    other = chain.offered(world, invoice_number="33099999999")
    receivable_finance(
        actor=world["banker"],
        receivable=other,
        advance_cny=Decimal("380000"),
        annual_rate=Decimal("3.9"),
        financed_on=dt.date(2026, 11, 2),
    )
    financed = [m for m in Notification.objects.filter(title_en__contains="Financed by the bank")]
    assert sorted(m.enterprise_id for m in financed) == sorted([world["a"].pk, world["b"].pk])
