"""Helpers shared by the consent tests (no tests here): two enterprises, their people and two banks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.consents.services import consent_grant
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

# Figures whose rendered forms are easy to find in a page or a response.
A_FIGURES = {
    "revenue_cny": "87654321.00",
    "net_profit_cny": "-1234567.00",
    "rd_expense_cny": "7777777.00",
    "rd_staff": 41,
    "invention_patents": 13,
    "cloud_level": "platform",
    "cloud_spend_cny": "555555.00",
    "founded_on": dt.date(2011, 4, 5),
}


def make_consent_world(enterprise_fields) -> dict[str, Any]:
    """A in 杭州 with every figure filled, B in 南京; enterprise users, banks, and refused roles."""
    a = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="杭州甲精密机械有限公司", region_code="330106", **A_FIGURES),
    )
    b = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="南京乙软件有限公司", region_code="320102", industry_code="6513"),
    )
    bank = FinancialInstitution.objects.create(name="甲银行杭州分行")
    other_bank = FinancialInstitution.objects.create(name="乙银行南京分行")
    provider = Provider.objects.create(
        name="服务商",
        credit_code="91330106MA2H7K1N3G",
        region_code="330106",
        vetting_state=VettingState.APPROVED,
    )
    users = get_user_model().objects

    def member(username: str, **membership: Any):
        user = users.create_user(username, password="x" * 12)
        Membership.objects.create(user=user, **membership)
        return user

    return {
        "a": a,
        "b": b,
        "bank": bank,
        "other_bank": other_bank,
        "enterprise_a": member("ea", role=Role.ENTERPRISE, enterprise=a, is_enterprise_admin=True),
        "enterprise_a_colleague": member("ea2", role=Role.ENTERPRISE, enterprise=a),
        "enterprise_b": member("eb", role=Role.ENTERPRISE, enterprise=b, is_enterprise_admin=True),
        "banker": member("banker", role=Role.BANK, institution=bank),
        "banker_colleague": member("banker2", role=Role.BANK, institution=bank),
        "other_banker": member("other_banker", role=Role.BANK, institution=other_bank),
        "official": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "provider": member("prov", role=Role.PROVIDER, provider=provider),
    }


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def grant(
    world: dict[str, Any], *, enterprise: str = "a", bank: str = "bank", categories=None, days=90
) -> Consent:
    """A consent granted through the service by the enterprise's administrator."""
    return consent_grant(
        actor=world[f"enterprise_{enterprise}"],
        enterprise=world[enterprise],
        institution=world[bank],
        categories=categories or ["profile", "financials"],
        valid_until=in_days(days),
    )


def expired(consent: Consent) -> Consent:
    """Move a consent's end into the past (the service refuses to create one there)."""
    Consent.objects.filter(pk=consent.pk).update(valid_until=in_days(-1))
    consent.refresh_from_db()
    return consent
