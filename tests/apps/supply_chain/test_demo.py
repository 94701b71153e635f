"""The demo's supply-chain finance: deterministic, idempotent, and on the demo logins' enterprises."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from funeng.apps.enterprises.models import Enterprise
from funeng.apps.supply_chain.const import ReceivableStatus
from funeng.apps.supply_chain.demo import load_demo_supply_chain
from funeng.apps.supply_chain.models import FinancingListing, Receivable

pytestmark = pytest.mark.django_db


def test_the_demo_region_gives_demo_enterprise_receivables_on_demo_enterprise_b(frozen_today):
    with override_settings(DEBUG=True):
        call_command("demo_region", "--enterprises", "200", "--seed", "1", stdout=StringIO())
    supplier = Enterprise.objects.get(members__user__username="demo_enterprise")
    anchor = Enterprise.objects.get(members__user__username="demo_enterprise_b")
    mine = Receivable.objects.filter(supplier=supplier, anchor=anchor)
    assert sorted(mine.values_list("status", flat=True)) == ["confirmed", "offered", "submitted"]
    offered = mine.get(status=ReceivableStatus.OFFERED)
    assert offered.institution.members.filter(user__username="demo_bank").exists()
    assert offered.requested_cny <= offered.amount_cny
    assert Receivable.objects.filter(supplier=anchor, anchor=supplier, status="submitted").count() == 1
    assert (
        FinancingListing.objects.filter(enterprise=supplier).exists()
        and FinancingListing.objects.count() == 4
    )
    before = list(Receivable.objects.order_by("pk").values_list("invoice_number", "amount_cny"))
    assert load_demo_supply_chain(1).receivables == 4
    assert list(Receivable.objects.order_by("pk").values_list("invoice_number", "amount_cny")) == before
    assert all(r.events.exists() for r in Receivable.objects.all())
