"""Role × object × action: who may view, edit, export or delete an enterprise, pages and functions alike.

Personas: each role, plus the cross-tenant cases (enterprise A's user on B; an official of 330100
on an enterprise in 320100; banks with an active, an expired, a revoked or no consent, and a bank
whose institution holds consent on B only), and people who claimed A: while the claim waits for
review, and after it was rejected, they see nothing of it. Only an enterprise's administrator edits
its figures; colleagues view them.
"""

import datetime as dt
import html
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from funeng.apps.accounts.const import ClaimProof, ClaimState
from funeng.apps.accounts.models import EnterpriseClaim
from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.access import (
    access_enterprise_by_credit_code,
    access_enterprise_for_user,
    can_export_enterprises,
    can_import_enterprises,
    enterprise_categories_readable_by,
    enterprise_fields_writable_by,
)
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.support.api import bearer
from tests.support.personas import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

ALLOW, HIDE, DENY = "allow", "404", "403"


@pytest.fixture
def world(enterprise_fields):
    """Enterprise A in 杭州 330106, B in 南京 320102, and one user per persona."""
    a = enterprise_create(acting_user=None, **enterprise_fields(name="杭州甲厂", region_code="330106"))
    b = enterprise_create(acting_user=None, **enterprise_fields(name="南京乙厂", region_code="320102"))
    users = get_user_model().objects
    provider = Provider.objects.create(
        name="服务商",
        credit_code="91330106MA2H7K1N3G",
        region_code="330106",
        vetting_state=VettingState.APPROVED,
    )
    bank = FinancialInstitution.objects.create(name="银行")
    banks = {
        name: FinancialInstitution.objects.create(name=name)
        for name in ("授权银行", "过期银行", "撤销银行", "乙方银行")
    }

    today = timezone.localdate()
    granter = users.create_user("granter", password="x" * 12)
    # Created directly: the grant service refuses past end dates, and these states must exist.
    for institution, enterprise, valid_until, revoked in [
        (banks["授权银行"], a, today + dt.timedelta(days=30), False),
        (banks["过期银行"], a, today - dt.timedelta(days=1), False),
        (banks["撤销银行"], a, today + dt.timedelta(days=30), True),
        (banks["乙方银行"], b, today + dt.timedelta(days=30), False),
    ]:
        Consent.objects.create(
            enterprise=enterprise,
            institution=institution,
            categories=["profile", "financials"],
            valid_until=valid_until,
            granted_by=granter,
            revoked_at=timezone.now() if revoked else None,
        )

    def claimant(username, state):
        user = users.create_user(username, password="x" * 12)
        EnterpriseClaim.objects.create(
            user=user,
            enterprise=a,
            credit_code=a.credit_code,
            name=a.name,
            entered_region_code=a.region_code,
            region_code=a.region_code,
            industry_code=a.industry_code,
            proof=ClaimProof.DOCUMENTS,
            state=state,
        )
        return user

    people = {
        "admin": users.create_user("root", password="x" * 12, is_staff=True, is_superuser=True),
        "admin_role": member("ops", role=Role.ADMIN),
        "enterprise_a": member("ea", role=Role.ENTERPRISE, enterprise=a, is_enterprise_admin=True),
        "enterprise_a_colleague": member("ea2", role=Role.ENTERPRISE, enterprise=a),
        "enterprise_b": member("eb", role=Role.ENTERPRISE, enterprise=b),
        "official_330100": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "official_330000": member("gov_zj", role=Role.OFFICIAL, region_code="330000"),
        "official_320100": member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "provider": member("prov", role=Role.PROVIDER, provider=provider),
        "bank_without_consent": member("bank", role=Role.BANK, institution=bank),
        "bank_with_consent": member("bank_ok", role=Role.BANK, institution=banks["授权银行"]),
        "bank_with_expired_consent": member("bank_old", role=Role.BANK, institution=banks["过期银行"]),
        "bank_with_revoked_consent": member("bank_rev", role=Role.BANK, institution=banks["撤销银行"]),
        "bank_consented_by_b_only": member("bank_b", role=Role.BANK, institution=banks["乙方银行"]),
        "no_role": users.create_user("nobody", password="x" * 12),
        "pending_claimant_of_a": claimant("claiming", ClaimState.PENDING),
        "rejected_claimant_of_a": claimant("refused", ClaimState.REJECTED),
        "inactive_admin": users.create_user("gone", password="x" * 12, is_staff=True, is_active=False),
    }
    return {"a": a, "b": b, **people}


# persona → (view A, edit A, view B, edit B, export, import)
MATRIX = {
    "admin": (ALLOW, ALLOW, ALLOW, ALLOW, True, True),
    "admin_role": (ALLOW, ALLOW, ALLOW, ALLOW, True, True),
    "enterprise_a": (ALLOW, ALLOW, HIDE, HIDE, False, False),
    # Colleagues view the figures; the administrator who invited them edits them.
    "enterprise_a_colleague": (ALLOW, DENY, HIDE, HIDE, False, False),
    "enterprise_b": (HIDE, HIDE, ALLOW, DENY, False, False),  # B's colleague, not its administrator
    "official_330100": (ALLOW, DENY, HIDE, HIDE, True, False),
    "official_330000": (ALLOW, DENY, HIDE, HIDE, True, False),
    "official_320100": (HIDE, HIDE, ALLOW, DENY, True, False),
    "provider": (HIDE, HIDE, HIDE, HIDE, False, False),
    "bank_without_consent": (HIDE, HIDE, HIDE, HIDE, False, False),
    # Banks read under consent and never write, export or import.
    "bank_with_consent": (ALLOW, DENY, HIDE, HIDE, False, False),
    "bank_with_expired_consent": (HIDE, HIDE, HIDE, HIDE, False, False),
    "bank_with_revoked_consent": (HIDE, HIDE, HIDE, HIDE, False, False),
    "bank_consented_by_b_only": (HIDE, HIDE, ALLOW, DENY, False, False),
    "no_role": (HIDE, HIDE, HIDE, HIDE, False, False),
    # A claim gives nothing until an official approves it (or a claim code settles it).
    "pending_claimant_of_a": (HIDE, HIDE, HIDE, HIDE, False, False),
    "rejected_claimant_of_a": (HIDE, HIDE, HIDE, HIDE, False, False),
    "inactive_admin": (HIDE, HIDE, HIDE, HIDE, False, False),
}


def _outcome(user, enterprise, *, write):
    try:
        access_enterprise_for_user(user, enterprise.pk, write=write)
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_access_functions_follow_the_matrix(world, persona):
    user = world[persona]
    got = (
        _outcome(user, world["a"], write=False),
        _outcome(user, world["a"], write=True),
        _outcome(user, world["b"], write=False),
        _outcome(user, world["b"], write=True),
        can_export_enterprises(user),
        can_import_enterprises(user),
    )
    assert got == MATRIX[persona]


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_pages_follow_the_matrix(world, persona, client):
    client.force_login(world[persona])  # an inactive user's session is refused by the backend
    view_a, _, view_b, _, export, importing = MATRIX[persona]
    for enterprise, expected in ((world["a"], view_a), (world["b"], view_b)):
        response = client.get(f"/enterprises/{enterprise.pk}/")
        status = response.status_code
        assert (status == 200) == (expected == ALLOW), (persona, enterprise.name, status)
        listed = enterprise.name in client.get("/enterprises/").content.decode()
        assert listed == (expected == ALLOW)
    export_status = client.get("/enterprises/export.csv").status_code
    assert (export_status == 200) == export
    assert (client.get("/enterprises/import/").status_code == 200) == importing


# persona → status of A's edit page (GET and POST), of PATCH /api/v1/enterprises/{A}, and whether A's page
# offers the edit link or says that only the administrator changes the figures.
EDIT_MATRIX = {
    "admin": (200, 200, "link"),
    "enterprise_a": (200, 200, "link"),
    "enterprise_a_colleague": (403, 403, "note"),
    "official_330100": (403, 403, None),
    "bank_with_consent": (403, 403, None),
    "enterprise_b": (404, 404, None),
}


@pytest.mark.parametrize("persona", sorted(EDIT_MATRIX))
def test_only_the_administrator_edits_the_figures_on_the_page_and_through_the_api(world, persona, client):
    user, a = world[persona], world["a"]
    page_status, api_status, shown = EDIT_MATRIX[persona]
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(f"/enterprises/{a.pk}/edit/").status_code == page_status
    posted = client.post(f"/enterprises/{a.pk}/edit/", {"employees": "7"})
    if page_status != 200:
        assert posted.status_code == page_status
    response = client.patch(
        f"/api/v1/enterprises/{a.pk}",
        data=json.dumps({"employees": 8}),
        content_type="application/json",
        **bearer(user),
    )
    assert response.status_code == api_status, response.content
    a.refresh_from_db()
    assert a.employees == (8 if api_status == 200 else 350)
    if page_status == 404:
        return
    # The enterprise portal's home offers the same link as the enterprise page.
    pages = ["/enterprises/{a.pk}/", "/"] if persona.startswith("enterprise_a") else ["/enterprises/{a.pk}/"]
    for url in pages:
        page = html.unescape(client.get(url.format(a=a)).content.decode())
        assert (f"/enterprises/{a.pk}/edit/" in page) == (shown == "link"), url
        assert ("Only your enterprise's administrator can change these figures" in page) == (shown == "note")


def test_an_official_export_holds_only_their_region(world, client):
    client.force_login(world["official_330100"])
    body = b"".join(client.get("/enterprises/export.csv").streaming_content).decode("utf-8-sig")
    assert "杭州甲厂" in body and "南京乙厂" not in body


def test_credit_code_lookups_obey_the_same_rules(world):
    assert (
        access_enterprise_by_credit_code(world["enterprise_a"], world["a"].credit_code.lower()) == world["a"]
    )
    with pytest.raises(Http404):
        access_enterprise_by_credit_code(world["enterprise_a"], world["b"].credit_code)


def test_an_enterprise_user_cannot_change_identity_or_region(world):
    writable = enterprise_fields_writable_by(world["enterprise_a"], world["a"])
    assert {"employees", "revenue_cny", "industry_code"} <= writable
    assert not writable & {"region_code", "credit_code", "name", "size_class", "de_core"}
    assert enterprise_fields_writable_by(world["enterprise_a"], world["b"]) == frozenset()
    assert enterprise_fields_writable_by(world["official_330100"], world["a"]) == frozenset()


def test_a_bank_reads_only_the_consented_categories_and_no_one_else_is_limited(world):
    assert enterprise_categories_readable_by(world["bank_with_consent"], world["a"]) == {
        "profile",
        "financials",
    }
    assert enterprise_categories_readable_by(world["bank_with_consent"], world["b"]) == frozenset()
    assert enterprise_categories_readable_by(world["bank_with_expired_consent"], world["a"]) == frozenset()
    assert enterprise_categories_readable_by(world["bank_with_revoked_consent"], world["a"]) == frozenset()
    everything = {"profile", "financials", "innovation", "digital"}
    for persona in ("admin", "admin_role", "enterprise_a", "official_330100"):
        assert enterprise_categories_readable_by(world[persona], world["a"]) == everything, persona
    for persona in ("enterprise_b", "official_320100", "provider", "no_role"):
        assert enterprise_categories_readable_by(world[persona], world["a"]) == frozenset(), persona


def test_nobody_deletes_enterprises_through_the_admin(world, client):
    client.force_login(world["admin"])
    response = client.post(f"/admin/enterprises/enterprise/{world['a'].pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(world["a"]).objects.filter(pk=world["a"].pk).exists()


@pytest.mark.parametrize(
    "membership",
    [
        {"role": Role.ENTERPRISE},  # no enterprise
        {"role": Role.OFFICIAL},  # no region
        {"role": Role.ENTERPRISE, "region_code": "330100"},  # an enterprise user posing as an official
        {"role": Role.ADMIN, "region_code": "330100"},
    ],
)
def test_the_database_refuses_a_membership_bound_to_the_wrong_tenant(membership, world):
    from django.db import IntegrityError, transaction

    user = get_user_model().objects.create_user("mismatch", password="x" * 12)
    if membership["role"] == Role.ENTERPRISE and "region_code" in membership:
        membership = {**membership, "enterprise": world["a"]}
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, **membership)
