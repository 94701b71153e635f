"""An official of the region verifies a self-declared investment against its evidence file, once, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engines.credit.collateral import EvidenceRecord, value_one
from funeng.apps.audit.models import AuditEvent
from funeng.apps.finance.models import DigitalInvestment
from funeng.apps.finance.services import digital_investment_declare
from tests.apps.finance.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def declare(world, *, evidence: bool = True, invoice: str = "NO.0001") -> DigitalInvestment:
    return digital_investment_declare(
        enterprise=world["a"],
        acting_user=world["enterprise_a"],
        invoice_number=invoice,
        amount_cny=Decimal("120000"),
        invested_on=dt.date(2026, 6, 1),
        supplier="浙江智造装备有限公司",
        category="smart_equipment",
        evidence=SimpleUploadedFile("发票.png", PNG, content_type="image/png") if evidence else None,
    )


def verify(world, persona: str, investment: DigitalInvestment):
    return client_for(world[persona]).post(f"/finance/investments/{investment.pk}/verify/")


def updates(investment: DigitalInvestment) -> int:
    return AuditEvent.objects.filter(
        object_type="finance.digitalinvestment", object_id=str(investment.pk), action="update"
    ).count()


def test_the_official_of_the_region_verifies_it_once_and_the_page_offers_it_only_to_them(world):
    investment = declare(world)
    page = client_for(world["official"]).get(f"/finance/enterprises/{world['a'].pk}/").content.decode()
    assert f"/finance/investments/{investment.pk}/verify/" in page
    owner_page = client_for(world["enterprise_a"]).get(f"/finance/enterprises/{world['a'].pk}/")
    assert "/verify/" not in owner_page.content.decode()

    response = verify(world, "official", investment)
    assert response.status_code == 302 and response["Location"].endswith("#investments")
    investment.refresh_from_db()
    assert investment.provenance == "official_verified" and updates(investment) == 1
    again = verify(world, "official_province", investment)  # a double submit, or a second official
    assert again.status_code == 302 and updates(investment) == 1
    page = client_for(world["official"]).get(f"/finance/enterprises/{world['a'].pk}/").content.decode()
    assert "/verify/" not in page and "政府部门核验" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("enterprise_a", 403),  # the enterprise cannot vouch for its own invoice
        ("enterprise_a_colleague", 403),
        ("admin", 403),
        ("official_b", 404),  # Nanjing does not see a Hangzhou enterprise
        ("enterprise_b", 404),
        ("banker", 404),
        ("provider", 404),
        ("outsider", 404),
    ],
)
def test_nobody_else_verifies(world, persona, status):
    investment = declare(world)
    assert verify(world, persona, investment).status_code == status
    investment.refresh_from_db()
    assert investment.provenance == "self_declared" and updates(investment) == 0


def test_a_get_changes_nothing_and_an_investment_without_evidence_cannot_be_verified(world):
    with_file, without_file = declare(world), declare(world, evidence=False, invoice="NO.0002")
    assert (
        client_for(world["official"]).get(f"/finance/investments/{with_file.pk}/verify/").status_code == 405
    )
    assert verify(world, "official", without_file).status_code == 403
    assert set(DigitalInvestment.objects.values_list("provenance", flat=True)) == {"self_declared"}


def test_verified_evidence_counts_in_full_where_self_declared_counts_at_a_discount():
    def value(provenance: str) -> Decimal:
        record = EvidenceRecord(
            kind="digital_investment",
            category="smart_equipment",
            amount_cny=Decimal("120000"),
            on=dt.date(2026, 6, 1),
            provenance=provenance,
        )
        return value_one([record], dt.date(2026, 11, 1)).recognised_cny

    assert value("official_verified") > value("self_declared") > 0
