"""Enterprise claims after sign-up: the officials' review, claim codes and their letter, the claimant's view.

Personas: gov_hz (official of 330100) reviews claims in Hangzhou; gov_nj (320100) must see none of
them; the claimant sees nothing of the enterprise until the claim is approved.
"""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse

from funeng.apps.accounts.checks import claim_verifier_check
from funeng.apps.accounts.const import ClaimState
from funeng.apps.accounts.models import ClaimCode, EnterpriseClaim, claim_code_hash
from funeng.apps.accounts.services import claim_code_issue, enterprise_claim_decide
from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from tests.conftest import make_credit_code
from tests.support.api import bearer
from tests.support.claims import PDF, STUB, claim_with_documents, english, pdf
from tests.support.personas import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def world(enterprise_fields, django_user_model):
    users = django_user_model.objects

    registered = enterprise_create(
        acting_user=None, **enterprise_fields(name="杭州老厂", region_code="330106")
    )
    people = {
        "gov_hz": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "gov_nj": member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "operator": users.create_user("alice", password="x" * 12, is_staff=True),
        "enterprise_user": member(
            "ea",
            role=Role.ENTERPRISE,
            enterprise=enterprise_create(acting_user=None, **enterprise_fields(name="杭州甲厂")),
            is_enterprise_admin=True,
        ),
    }
    claim = claim_with_documents(credit_code=registered.credit_code, username="claimant", name="杭州老厂")
    return {"registered": registered, "claim": claim, **people}


def logged_in(user) -> Client:
    client = english(Client())
    client.force_login(user)
    return client


def decide(client: Client, claim: EnterpriseClaim, decision: str, reason: str):
    """Post a decision and confirm it on the confirmation page."""
    url = reverse("accounts:claim_decide", args=[claim.pk])
    page = client.post(url, {"decision": decision, "reason": reason})
    assert page.status_code == 200 and 'name="confirmed" value="1"' in page.content.decode()
    return client.post(url, {"decision": decision, "reason": reason, "confirmed": "1"})


# --- the pending claimant sees nothing ----------------------------------------------------------


def test_a_pending_claimant_sees_nothing_of_the_enterprise(world):
    claimant, registered = world["claim"].user, world["registered"]
    client = logged_in(claimant)
    home = client.get("/").content.decode()
    assert "Your claim is being reviewed" in home
    assert client.get(reverse("enterprises:detail", args=[registered.pk])).status_code == 404
    assert registered.credit_code not in client.get(reverse("enterprises:list")).content.decode()
    api = Client()
    assert api.get(f"/api/v1/enterprises/{registered.pk}", **bearer(claimant)).status_code == 404
    assert (
        api.get(
            f"/api/v1/enterprises/by-credit-code/{registered.credit_code}", **bearer(claimant)
        ).status_code
        == 404
    )
    listed = api.get("/api/v1/enterprises", **bearer(claimant)).json()
    assert listed["count"] == 0
    assert client.get(reverse("accounts:claims")).status_code == 403
    assert client.get(reverse("accounts:claim_detail", args=[world["claim"].pk])).status_code == 404
    document = world["claim"].documents.first()
    assert client.get(reverse("accounts:claim_document", args=[document.pk])).status_code == 404
    assert client.get(reverse("audit:list")).status_code == 403


# --- the officials' review ---------------------------------------------------------------------------


def test_the_queue_shows_an_official_the_claims_of_their_region_only(world):
    queue = logged_in(world["gov_hz"]).get(reverse("accounts:claims"))
    assert queue.status_code == 200 and "杭州老厂" in queue.content.decode()
    other = logged_in(world["gov_nj"])
    assert "杭州老厂" not in other.get(reverse("accounts:claims")).content.decode()
    assert other.get(reverse("accounts:claim_detail", args=[world["claim"].pk])).status_code == 404
    for persona in ("enterprise_user",):
        assert logged_in(world[persona]).get(reverse("accounts:claims")).status_code == 403


def test_officials_and_operators_get_the_nav_item(world):
    for persona in ("gov_hz", "operator"):
        assert 'href="/accounts/claims/"' in logged_in(world[persona]).get("/").content.decode()
    assert 'href="/accounts/claims/"' not in logged_in(world["enterprise_user"]).get("/").content.decode()


def test_the_review_page_shows_the_documents_and_flags_what_differs(world, django_user_model):
    owner = django_user_model.objects.create_user("owner", password="x" * 12)
    Membership.objects.create(
        user=owner, role=Role.ENTERPRISE, enterprise=world["registered"], is_enterprise_admin=True
    )
    other_claim = claim_with_documents(
        credit_code=world["registered"].credit_code, username="second", name="杭州老厂有限公司"
    )
    page = (
        logged_in(world["gov_hz"])
        .get(reverse("accounts:claim_detail", args=[other_claim.pk]))
        .content.decode()
    )
    assert "The name differs from the registry&#x27;s: 杭州老厂." in page
    assert "already has 1 member" in page and "Other claims name the same credit code" in page
    assert reverse("accounts:claim_document", args=[other_claim.documents.first().pk]) in page


def test_only_reviewers_download_claim_documents_as_attachments(world):
    document = world["claim"].documents.get(kind="licence")
    url = reverse("accounts:claim_document", args=[document.pk])
    response = logged_in(world["gov_hz"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    for persona in ("gov_nj", "enterprise_user"):
        assert logged_in(world[persona]).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_an_official_approves_a_claim_and_the_claimant_becomes_administrator(world):
    claim, registered = world["claim"], world["registered"]
    response = decide(logged_in(world["gov_hz"]), claim, "approve", "营业执照与授权书核对无误")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.reason, claim.decided_by) == (
        ClaimState.APPROVED,
        "营业执照与授权书核对无误",
        world["gov_hz"],
    )
    membership = Membership.objects.get(user=claim.user)
    assert (membership.enterprise, membership.is_enterprise_admin) == (registered, True)
    event = AuditEvent.objects.get(object_type="accounts.enterpriseclaim", action="update")
    assert event.actor == world["gov_hz"] and event.changes["state"] == ["pending", "approved"]
    assert event.changes["reason"] == ["", "营业执照与授权书核对无误"]
    assert AuditEvent.objects.filter(object_type="core.membership", actor=world["gov_hz"]).exists()
    claimant = logged_in(claim.user)
    assert claimant.get(reverse("enterprises:detail", args=[registered.pk])).status_code == 200


def test_approving_a_claim_for_an_enterprise_not_in_the_registry_adds_it(world):
    code = make_credit_code("330106")
    claim = claim_with_documents(credit_code=code, username="newcomer", name="杭州新厂")
    assert claim.enterprise is None and not Enterprise.objects.filter(credit_code=code).exists()
    decide(logged_in(world["gov_hz"]), claim, "approve", "核对无误")
    enterprise = Enterprise.objects.get(credit_code=code)
    assert (enterprise.name, enterprise.region_code) == ("杭州新厂", "330106")
    assert Membership.objects.get(user=claim.user).enterprise == enterprise
    assert AuditEvent.objects.filter(
        object_type="enterprises.enterprise", object_id=str(enterprise.pk)
    ).exists()


def test_an_official_rejects_with_a_reason_the_claimant_reads_and_may_claim_again(world):
    claim = world["claim"]
    official = logged_in(world["gov_hz"])
    refused = official.post(
        reverse("accounts:claim_decide", args=[claim.pk]), {"decision": "reject", "reason": ""}
    )
    assert "Give a reason" in refused.content.decode()
    decide(official, claim, "reject", "授权书未盖公章")
    claim.refresh_from_db()
    assert (claim.state, claim.reason) == (ClaimState.REJECTED, "授权书未盖公章")
    event = AuditEvent.objects.get(object_type="accounts.enterpriseclaim", action="update")
    assert (
        event.changes["state"] == ["pending", "rejected"] and event.changes["reason"][1] == "授权书未盖公章"
    )
    assert not Membership.objects.filter(user=claim.user).exists()
    claimant = logged_in(claim.user)
    home = claimant.get("/").content.decode()
    assert "Your claim was not approved" in home and "授权书未盖公章" in home
    assert reverse("accounts:claim_new") in home
    again = claimant.post(
        reverse("accounts:claim_new"),
        {
            "credit_code": claim.credit_code,
            "name": claim.name,
            "region_code": "330106",
            "industry_code": "3484",
            "legal_representative": "王芳",
            "proof": "documents",
            "licence": pdf(),
            "authorisation": pdf("盖章授权书.pdf"),
        },
    )
    assert again.status_code == 302
    assert EnterpriseClaim.objects.filter(user=claim.user, state=ClaimState.PENDING).count() == 1
    # One claim at a time: while it is in review the form sends the account home.
    assert claimant.get(reverse("accounts:claim_new")).status_code == 302


def test_a_decided_claim_cannot_be_decided_again_nor_by_another_region(world):
    claim = world["claim"]
    with pytest.raises(PermissionDenied):
        enterprise_claim_decide(claim=claim, decision="approve", reason="x", acting_user=world["gov_nj"])
    enterprise_claim_decide(claim=claim, decision="reject", reason="材料不全", acting_user=world["gov_hz"])
    url = reverse("accounts:claim_decide", args=[claim.pk])
    data = {"decision": "approve", "reason": "改主意", "confirmed": "1"}
    response = logged_in(world["gov_hz"]).post(url, data, follow=True)
    assert "already decided" in response.content.decode()
    assert not Membership.objects.filter(user=claim.user).exists()


# --- claim codes ------------------------------------------------------------------------------------


def test_an_official_issues_a_code_and_gets_a_printable_chinese_letter_once(world):
    registered = world["registered"]
    client = logged_in(world["gov_hz"])
    detail = client.get(reverse("enterprises:detail", args=[registered.pk])).content.decode()
    assert reverse("accounts:enterprise_claims", args=[registered.pk]) in detail
    url = reverse("accounts:claim_code_issue", args=[registered.pk])
    confirm = client.post(url)
    assert confirm.status_code == 200 and 'name="confirmed" value="1"' in confirm.content.decode()
    assert not ClaimCode.objects.exists()
    letter = client.post(url, {"confirmed": "1"})
    page = letter.content.decode()
    assert letter.status_code == 200 and "no-store" in letter["Cache-Control"]
    code = letter.context["code"]
    assert len(code) == 19 and code in page
    # The letter is Chinese whatever the official's language, and names where to register.
    assert "企业认领码通知书" in page and registered.name in page and registered.credit_code in page
    assert "http://testserver/accounts/register/enterprise/" in page
    issued = ClaimCode.objects.get()
    assert issued.code_hash == claim_code_hash(code) and code.replace("-", "") not in str(
        list(ClaimCode.objects.values())
    )
    event = AuditEvent.objects.get(object_type="accounts.claimcode")
    assert event.actor == world["gov_hz"] and code.replace("-", "") not in str(event.changes)
    status = client.get(reverse("accounts:enterprise_claims", args=[registered.pk])).content.decode()
    assert "Not used yet" in status and code not in status


def test_a_new_code_revokes_the_live_one(world):
    first, first_code = claim_code_issue(enterprise=world["registered"], acting_user=world["gov_hz"])
    second, _code = claim_code_issue(enterprise=world["registered"], acting_user=world["gov_hz"])
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert not ClaimCode.objects.live().with_code(first_code).exists()


def test_only_the_region_and_operators_issue_codes(world):
    url = reverse("accounts:claim_code_issue", args=[world["registered"].pk])
    assert logged_in(world["gov_nj"]).post(url, {"confirmed": "1"}).status_code == 404
    assert logged_in(world["enterprise_user"]).post(url, {"confirmed": "1"}).status_code == 404
    assert logged_in(world["claim"].user).post(url, {"confirmed": "1"}).status_code == 404
    assert logged_in(world["operator"]).post(url, {"confirmed": "1"}).status_code == 200
    assert ClaimCode.objects.count() == 1
    with pytest.raises(PermissionDenied):
        claim_code_issue(enterprise=world["registered"], acting_user=world["gov_nj"])


def test_a_signed_in_account_without_a_role_claims_with_a_code(world, django_user_model):
    _issued, code = claim_code_issue(enterprise=world["registered"], acting_user=world["gov_hz"])
    world["claim"].delete()  # the code is for someone else than the pending claimant
    user = django_user_model.objects.create_user("late", email="late@example.com", password="x" * 12)
    response = logged_in(user).post(
        reverse("accounts:claim_new"),
        {
            "credit_code": world["registered"].credit_code,
            "name": "杭州老厂",
            "region_code": "330106",
            "industry_code": "3484",
            "proof": "claim_code",
            "claim_code": code,
        },
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=user).enterprise == world["registered"]


# --- the verifier's system check ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("debug", "verifier", "expected"),
    [
        (False, STUB, ["funeng.accounts.E001"]),
        (True, STUB, []),
        (False, "", []),
        (False, "funeng.apps.accounts.verifiers.NoSuchVerifier", ["funeng.accounts.E002"]),
    ],
)
def test_the_system_check_refuses_the_stub_verifier_without_debug(debug, verifier, expected):
    with override_settings(DEBUG=debug, CLAIM_VERIFIER=verifier):
        found = claim_verifier_check()
        assert [message.id for message in found] == expected
        assert all(message.level == checks.ERROR for message in found)


def test_the_check_runs_with_the_others(settings):
    settings.DEBUG, settings.CLAIM_VERIFIER = False, STUB
    ids = [message.id for message in checks.run_checks()]
    assert "funeng.accounts.E001" in ids
