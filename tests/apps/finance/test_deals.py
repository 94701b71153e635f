"""A deal delivered through Funeng's matchmaking counts as platform-verified digital investment, once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funeng.apps.audit.models import AuditEvent
from funeng.apps.finance.models import DigitalInvestment
from funeng.apps.finance.services import digital_investment_record_deal
from funeng.apps.matching import services
from tests.support.matching import accepted_deal, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal():
    w = make_world()
    _solution, _need, _proposal, deal = accepted_deal(
        enterprise=w.enterprise_a, provider=w.provider_1, requested_by=w["enterprise_a"]
    )
    return w, deal


def test_delivering_a_deal_records_a_platform_verified_investment(deal):
    w, deal = deal
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    investment = DigitalInvestment.objects.get()
    assert investment.deal_id == deal.pk
    assert investment.enterprise_id == w.enterprise_a.pk
    assert investment.supplier == w.provider_1.name
    assert investment.amount_cny == Decimal("1000.00")
    assert (investment.category, investment.provenance) == (
        "digital_transformation_project",
        "platform_verified",
    )
    event = AuditEvent.objects.get(object_type="finance.digitalinvestment")
    assert event.actor_id == w["enterprise_a"].pk and event.enterprise_id == w.enterprise_a.pk


def test_delivering_twice_leaves_one_investment(deal):
    w, deal = deal
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    with pytest.raises(ValidationError):
        services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    deal.refresh_from_db()
    digital_investment_record_deal(deal=deal, acting_user=None)
    assert DigitalInvestment.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="finance.digitalinvestment").count() == 1


def test_a_cancelled_deal_records_nothing(deal):
    w, deal = deal
    services.deal_cancel(deal=deal, acting_user=w["enterprise_a"], reason="预算取消")
    assert not DigitalInvestment.objects.exists()


def test_the_footprint_marks_an_investment_from_a_delivered_deal(deal, client):
    w, deal = deal
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    client.force_login(w["enterprise_a"])
    page = client.get(f"/finance/enterprises/{w.enterprise_a.pk}/").content.decode()
    assert "经赋能平台撮合交付" in page and deal.solution.title in page and "平台核验" in page
    assert "FUNENG-DEAL" not in page
