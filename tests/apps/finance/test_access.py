"""Who sees an enterprise's digital footprint, who declares to it, who imports cloud bills."""

from __future__ import annotations

import pytest

from funeng.apps.finance.models import DigitalInvestment
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.apps.finance.conftest import client_for
from tests.support.personas import provider_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("enterprise_a", 200),
        ("enterprise_a_colleague", 200),
        ("enterprise_b", 404),
        ("official", 200),
        ("official_province", 200),
        ("official_b", 404),
        ("provider", 404),
        ("banker", 404),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_the_footprint_page_opens_for_members_officials_of_the_region_and_operators_only(
    world, persona, status
):
    assert client_for(world[persona]).get(f"/finance/enterprises/{world['a'].pk}/").status_code == status


def test_an_anonymous_visitor_is_sent_to_log_in(world):
    response = client_for(None).get(f"/finance/enterprises/{world['a'].pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("enterprise_a", 200),
        ("enterprise_a_colleague", 403),
        ("enterprise_b", 404),
        ("official", 403),
        ("admin", 403),
        ("provider", 404),
    ],
)
def test_only_the_enterprises_administrator_declares_an_investment(world, persona, status):
    url = f"/finance/enterprises/{world['a'].pk}/investments/new/"
    assert client_for(world[persona]).get(url).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("admin", 200),
        ("enterprise_a", 403),
        ("official", 403),
        ("banker", 403),
        ("outsider", 403),
    ],
)
def test_approved_providers_and_operators_import_cloud_bills(world, persona, status):
    assert client_for(world[persona]).get("/finance/cloud-bills/import/").status_code == status


def test_a_provider_still_under_vetting_imports_nothing(world, credit_code):
    applicant = Provider.objects.create(
        name="待审服务商",
        credit_code=credit_code("330106"),
        region_code="330106",
        vetting_state=VettingState.APPLIED,
    )
    user = provider_user("applicant", applicant)
    assert client_for(user).get("/finance/cloud-bills/import/").status_code == 403


def test_the_evidence_file_downloads_only_for_those_who_see_the_footprint(world):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world["enterprise_a"])
    response = client.post(
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
    url = f"/finance/investments/{investment.pk}/evidence/"
    for persona, status in [
        ("enterprise_a", 200),
        ("official", 200),
        ("enterprise_b", 404),
        ("provider", 404),
    ]:
        assert client_for(world[persona]).get(url).status_code == status, persona
