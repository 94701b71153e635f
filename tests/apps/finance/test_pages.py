"""The digital-footprint page in both languages: names, never ids; recognised value with its reasons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funeng.apps.audit.models import AuditEvent
from funeng.apps.finance.models import CloudUsageRecord, DigitalInvestment
from tests.apps.finance.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def bills(world):
    for month in (10, 11):
        CloudUsageRecord.objects.create(
            enterprise=world["a"],
            provider_name="之江云",
            provider=world["provider_org"],
            month=dt.date(2026, month, 1),
            service_category="compute",
            amount_cny=Decimal("12800.00"),
            provenance="provider_reported",
        )
    CloudUsageRecord.objects.create(
        enterprise=world["b"],
        provider_name="南京私有云",
        month=dt.date(2026, 10, 1),
        service_category="storage",
        amount_cny=Decimal("77.00"),
        provenance="platform_verified",
    )
    return world


def test_the_page_in_chinese_shows_bills_values_and_provenance(bills):
    page = client_for(bills["enterprise_a"]).get(f"/finance/enterprises/{bills['a'].pk}/").content.decode()
    assert "数字足迹" in page and "认定数字资产" in page and "研发投入" in page
    assert "之江云" in page and "服务商直报" in page and "暂定" in page
    assert "南京私有云" not in page
    assert "provider_reported" not in page.replace("provenance-provider_reported", "")


def test_the_page_in_english_reads_in_english(bills):
    page = (
        client_for(bills["enterprise_a"], "en").get(f"/finance/enterprises/{bills['a'].pk}/").content.decode()
    )
    assert "Digital footprint" in page and "Recognised digital assets" in page and "R&amp;D input" in page
    assert "Reported by the cloud provider" in page and "provisional" in page
    assert "数字足迹" not in page and "服务商直报" not in page


def test_an_official_reads_the_page_without_the_declare_button(bills):
    page = client_for(bills["official"]).get(f"/finance/enterprises/{bills['a'].pk}/").content.decode()
    assert "之江云" in page and "investments/new" not in page


def test_the_administrator_declares_an_investment_with_its_evidence_and_it_is_audited(world):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    response = client_for(world["enterprise_a"]).post(
        f"/finance/enterprises/{world['a'].pk}/investments/new/",
        {
            "invoice_number": "NO.0001",
            "supplier": "浙江智造装备有限公司",
            "category": "smart_equipment",
            "amount_cny": "120000",
            "invested_on": "2026-06-01",
            "evidence": SimpleUploadedFile("发票.png", png, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    investment = DigitalInvestment.objects.get()
    assert investment.provenance == "self_declared" and investment.evidence_name == "发票.png"
    assert investment.evidence_file.name.startswith("finance/")
    event = AuditEvent.objects.get(object_type="finance.digitalinvestment")
    assert event.action == "create" and event.enterprise_id == world["a"].pk


def test_the_same_invoice_twice_is_refused(world):
    client = client_for(world["enterprise_a"])
    data = {
        "invoice_number": "NO.0001",
        "supplier": "浙江智造装备有限公司",
        "category": "software",
        "amount_cny": "5000",
        "invested_on": "2026-06-01",
    }
    assert client.post(f"/finance/enterprises/{world['a'].pk}/investments/new/", data).status_code == 302
    response = client.post(f"/finance/enterprises/{world['a'].pk}/investments/new/", data)
    assert response.status_code == 200 and "已登记" in response.content.decode()
    assert DigitalInvestment.objects.count() == 1


def test_a_future_invoice_date_is_refused(world):
    response = client_for(world["enterprise_a"]).post(
        f"/finance/enterprises/{world['a'].pk}/investments/new/",
        {
            "invoice_number": "1",
            "supplier": "甲",
            "category": "software",
            "amount_cny": "5000",
            "invested_on": "2027-06-01",
        },
    )
    assert response.status_code == 200 and not DigitalInvestment.objects.exists()


def test_viewing_the_page_changes_nothing(bills):
    before = (CloudUsageRecord.objects.count(), DigitalInvestment.objects.count(), AuditEvent.objects.count())
    client_for(bills["enterprise_a"]).get(f"/finance/enterprises/{bills['a'].pk}/")
    assert (
        CloudUsageRecord.objects.count(),
        DigitalInvestment.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_the_home_link_sends_each_role_to_its_page(world):
    assert (
        client_for(world["enterprise_a"]).get("/finance/")["Location"]
        == f"/finance/enterprises/{world['a'].pk}/"
    )
    assert client_for(world["provider"]).get("/finance/")["Location"] == "/finance/cloud-bills/import/"
    assert client_for(world["official"]).get("/finance/").status_code == 404
