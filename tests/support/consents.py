"""Helpers shared by the consent tests (no tests here): two enterprises, their people and two banks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.consents.services import consent_grant
from tests.support.personas import (
    approved_provider,
    banker,
    colleague,
    enterprise_admin,
    official,
    provider_user,
    two_enterprises,
)

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
    a, b = two_enterprises(enterprise_fields, **A_FIGURES)
    bank = FinancialInstitution.objects.create(name="甲银行杭州分行")
    other_bank = FinancialInstitution.objects.create(name="乙银行南京分行")
    return {
        "a": a,
        "b": b,
        "bank": bank,
        "other_bank": other_bank,
        "enterprise_a": enterprise_admin("ea", a),
        "enterprise_a_colleague": colleague("ea2", a),
        "enterprise_b": enterprise_admin("eb", b),
        "banker": banker("banker", bank),
        "banker_colleague": banker("banker2", bank),
        "other_banker": banker("other_banker", other_bank),
        "official": official("gov_hz", "330100"),
        "provider": provider_user("prov", approved_provider()),
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
