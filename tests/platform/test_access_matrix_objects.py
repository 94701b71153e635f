"""Role × object × action for the other protected objects: providers, consents and audit rows.

The enterprise matrix lives in test_access_matrix.py; this one calls the access functions that
every page and API endpoint uses for providers (view / edit / vet), consents (view / revoke),
audit rows (view) and enterprise claims (review / decide / documents / claim codes), with the
cross-tenant cases.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from funeng.apps.accounts.access import (
    access_claim_document_for_user,
    access_claim_for_user,
    access_enterprise_claims_for_user,
    can_decide_claim,
)
from funeng.apps.audit.access import access_audit_event_for_user
from funeng.apps.audit.models import AuditEvent
from funeng.apps.consents.access import access_consent_for_user
from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.enterprises.services import enterprise_create, enterprise_update
from funeng.apps.providers.access import access_provider_for_user
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.support.claims import claim_with_documents
from tests.support.personas import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
ALLOW, HIDE, DENY = "allow", "404", "403"


@pytest.fixture
def world(enterprise_fields, credit_code):
    a = enterprise_create(acting_user=None, **enterprise_fields(name="杭州甲厂", region_code="330106"))
    b = enterprise_create(acting_user=None, **enterprise_fields(name="南京乙厂", region_code="320102"))
    enterprise_update(enterprise=a, acting_user=None, employees=351)
    enterprise_update(enterprise=b, acting_user=None, employees=352)
    p1 = Provider.objects.create(
        name="杭州服务商",
        credit_code=credit_code("330106"),
        region_code="330106",
        vetting_state=VettingState.APPROVED,
    )
    p2 = Provider.objects.create(
        name="南京申请中",
        credit_code=credit_code("320102"),
        region_code="320102",
        vetting_state=VettingState.APPLIED,
    )
    bank, other_bank = (
        FinancialInstitution.objects.create(name="甲银行"),
        FinancialInstitution.objects.create(name="乙银行"),
    )
    users = get_user_model().objects

    people = {
        "admin": users.create_user("root", password="x" * 12, is_staff=True, is_superuser=True),
        "enterprise_a": member("ea", role=Role.ENTERPRISE, enterprise=a, is_enterprise_admin=True),
        "enterprise_a_colleague": member("ea2", role=Role.ENTERPRISE, enterprise=a),
        "enterprise_b": member("eb", role=Role.ENTERPRISE, enterprise=b, is_enterprise_admin=True),
        "official_330100": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "official_320100": member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "provider_1": member("p1", role=Role.PROVIDER, provider=p1),
        "bank": member("bank", role=Role.BANK, institution=bank),
        "other_bank": member("bank2", role=Role.BANK, institution=other_bank),
        "no_role": users.create_user("nobody", password="x" * 12),
    }
    consent = Consent.objects.create(
        enterprise=a,
        institution=bank,
        categories=["profile"],
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        granted_by=people["enterprise_a"],
    )
    events = AuditEvent.objects.filter(object_type="enterprises.enterprise", action="update")
    claim = claim_with_documents(credit_code=a.credit_code, username="claimant", name=a.name)
    return {
        "claim": claim,
        "claimant": claim.user,
        "document": claim.documents.first(),
        "p1": p1,
        "p2": p2,
        "consent": consent,
        "event_a": events.get(object_id=str(a.pk)),
        "event_b": events.get(object_id=str(b.pk)),
        **people,
    }


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


# persona → (view P1, edit P1, vet P1, view P2, vet P2)
PROVIDERS = {
    "admin": (ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    "enterprise_a": (ALLOW, DENY, DENY, HIDE, HIDE),  # enterprises see approved providers only
    "enterprise_a_colleague": (ALLOW, DENY, DENY, HIDE, HIDE),
    "enterprise_b": (ALLOW, DENY, DENY, HIDE, HIDE),
    "official_330100": (ALLOW, DENY, ALLOW, HIDE, HIDE),
    "official_320100": (HIDE, HIDE, HIDE, ALLOW, ALLOW),
    "provider_1": (ALLOW, ALLOW, DENY, HIDE, HIDE),
    "bank": (ALLOW, DENY, DENY, HIDE, HIDE),
    "other_bank": (ALLOW, DENY, DENY, HIDE, HIDE),
    "no_role": (HIDE, HIDE, HIDE, HIDE, HIDE),
}


@pytest.mark.parametrize("persona", list(PROVIDERS))
def test_provider_access_follows_the_matrix(world, persona):
    user, p1, p2 = world[persona], world["p1"].pk, world["p2"].pk
    assert (
        outcome(lambda: access_provider_for_user(user, p1)),
        outcome(lambda: access_provider_for_user(user, p1, write=True)),
        outcome(lambda: access_provider_for_user(user, p1, vet=True)),
        outcome(lambda: access_provider_for_user(user, p2)),
        outcome(lambda: access_provider_for_user(user, p2, vet=True)),
    ) == PROVIDERS[persona]


# persona → (view, revoke) of enterprise A's consent to 甲银行
CONSENTS = {
    "admin": (ALLOW, DENY),  # operators read every consent; only the enterprise revokes its own
    "enterprise_a": (ALLOW, ALLOW),
    "enterprise_a_colleague": (ALLOW, DENY),
    "enterprise_b": (HIDE, HIDE),
    "official_330100": (HIDE, HIDE),  # consents are between an enterprise and a bank
    "official_320100": (HIDE, HIDE),
    "provider_1": (HIDE, HIDE),
    "bank": (ALLOW, DENY),
    "other_bank": (HIDE, HIDE),
    "no_role": (HIDE, HIDE),
}


@pytest.mark.parametrize("persona", list(CONSENTS))
def test_consent_access_follows_the_matrix(world, persona):
    user, consent = world[persona], world["consent"].pk
    assert (
        outcome(lambda: access_consent_for_user(user, consent)),
        outcome(lambda: access_consent_for_user(user, consent, write=True)),
    ) == CONSENTS[persona]


# persona → (view the update of A, view the update of B)
AUDIT = {
    "admin": (ALLOW, ALLOW),
    "enterprise_a": (ALLOW, HIDE),
    "enterprise_a_colleague": (DENY, DENY),  # the log is for the enterprise's administrator
    "enterprise_b": (HIDE, ALLOW),
    "official_330100": (ALLOW, HIDE),
    "official_320100": (HIDE, ALLOW),
    "provider_1": (DENY, DENY),
    "bank": (DENY, DENY),
    "other_bank": (DENY, DENY),
    "no_role": (DENY, DENY),
}


@pytest.mark.parametrize("persona", list(AUDIT))
def test_audit_access_follows_the_matrix(world, persona):
    user = world[persona]
    assert (
        outcome(lambda: access_audit_event_for_user(user, world["event_a"].pk)),
        outcome(lambda: access_audit_event_for_user(user, world["event_b"].pk)),
    ) == AUDIT[persona]


def test_an_expired_or_revoked_consent_is_still_listed_for_the_bank_but_opens_no_enterprise(world):
    """The bank keeps seeing the consent record (its history) but no longer the enterprise's data."""
    from funeng.apps.enterprises.access import access_enterprise_for_user

    consent = world["consent"]
    enterprise_id = consent.enterprise_id
    assert outcome(lambda: access_enterprise_for_user(world["bank"], enterprise_id)) == ALLOW
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    assert outcome(lambda: access_consent_for_user(world["bank"], consent.pk)) == ALLOW
    assert outcome(lambda: access_enterprise_for_user(world["bank"], enterprise_id)) == HIDE


# persona → (review A's claim, decide it, download its licence, manage A's claim codes, B's)
CLAIMS = {
    "admin": (ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    "enterprise_a": (HIDE, DENY, HIDE, DENY, HIDE),  # even its own administrator: officials decide
    "enterprise_a_colleague": (HIDE, DENY, HIDE, DENY, HIDE),
    "enterprise_b": (HIDE, DENY, HIDE, HIDE, DENY),
    "official_330100": (ALLOW, ALLOW, ALLOW, ALLOW, HIDE),
    "official_320100": (HIDE, DENY, HIDE, HIDE, ALLOW),
    "provider_1": (HIDE, DENY, HIDE, HIDE, HIDE),
    "bank": (HIDE, DENY, HIDE, DENY, HIDE),  # sees A under consent, manages nothing
    "other_bank": (HIDE, DENY, HIDE, HIDE, HIDE),
    "no_role": (HIDE, DENY, HIDE, HIDE, HIDE),
    "claimant": (HIDE, DENY, HIDE, HIDE, HIDE),  # the claim's own author, while it waits
}


@pytest.mark.parametrize("persona", list(CLAIMS))
def test_claim_access_follows_the_matrix(world, persona):
    user, claim = world[persona], world["claim"]
    a, b = world["claim"].enterprise_id, world["event_b"].enterprise_id

    def decide():
        if not can_decide_claim(user, claim):
            raise PermissionDenied

    assert (
        outcome(lambda: access_claim_for_user(user, claim.pk)),
        outcome(decide),
        outcome(lambda: access_claim_document_for_user(user, world["document"].pk)),
        outcome(lambda: access_enterprise_claims_for_user(user, a)),
        outcome(lambda: access_enterprise_claims_for_user(user, b)),
    ) == CLAIMS[persona]
