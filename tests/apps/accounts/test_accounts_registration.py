"""Enterprise sign-up through the page: every sign-up is a claim, settled by a claim code, an official or a verifier.

The answer never tells a stranger whether a credit code is in the registry or already claimed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from funeng.apps.accounts.const import ClaimProof, ClaimState
from funeng.apps.accounts.models import ClaimCode, ClaimDocument, EnterpriseClaim
from funeng.apps.accounts.services import claim_code_issue
from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from tests.conftest import make_credit_code
from tests.support.claims import (
    PDF,
    PNG,
    REGISTER_URL,
    STUB,
    english,
    pdf,
    signup,
    without_tokens,
)

pytestmark = pytest.mark.django_db

URL = REGISTER_URL


@pytest.fixture
def official(django_user_model):
    user = django_user_model.objects.create_user("gov_hz", password="x" * 12)
    Membership.objects.create(user=user, role=Role.OFFICIAL, region_code="330100")
    return user


@pytest.fixture
def unclaimed(enterprise_fields):
    return enterprise_create(acting_user=None, **enterprise_fields(name="杭州老厂", region_code="330106"))


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


def counts() -> tuple[int, ...]:
    return (
        get_user_model().objects.count(),
        Enterprise.objects.count(),
        Membership.objects.count(),
        EnterpriseClaim.objects.count(),
        ClaimDocument.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_url_name_resolves():
    assert reverse("accounts:register_enterprise") == URL


# --- documents: an official reviews ---------------------------------------------------------------


def test_a_sign_up_with_documents_waits_for_review_and_gives_the_account_no_role(client):
    data = signup(credit_code=make_credit_code("330106").lower())
    response = client.post(URL, data)
    assert response.status_code == 302 and response.url == reverse("home")
    user = get_user_model().objects.get(username="boss")
    assert user.email == "boss@example.com" and client.session["_auth_user_id"] == str(user.pk)
    assert not Membership.objects.filter(user=user).exists()
    assert not Enterprise.objects.exists()  # created only when an official approves
    claim = EnterpriseClaim.objects.get(user=user)
    assert (claim.state, claim.proof, claim.credit_code, claim.region_code) == (
        ClaimState.PENDING,
        ClaimProof.DOCUMENTS,
        data["credit_code"].upper(),
        "330106",
    )
    assert claim.enterprise is None and claim.legal_representative == "王芳"
    documents = {d.kind: d for d in claim.documents.all()}
    assert set(documents) == {"licence", "authorisation"}
    for document in documents.values():
        # Stored under a random name in its own folder; the uploader's name is kept for display only.
        assert document.file.name.startswith("claims/") and document.file.name.endswith(".pdf")
        assert "营业执照" not in document.file.name and document.file_type == "pdf"
        assert default_storage.open(document.file.name).read() == PDF
    assert documents["licence"].original_name == "营业执照.pdf"
    audited = set(AuditEvent.objects.values_list("object_type", "action", "actor_id"))
    assert audited == {("auth.user", "create", user.pk), ("accounts.enterpriseclaim", "create", user.pk)}
    event = AuditEvent.objects.get(object_type="accounts.enterpriseclaim")
    assert event.changes["state"] == [None, "pending"] and event.region_code == "330106"
    assert len(event.changes["documents"][1]) == 2
    assert "王芳" not in str(event.changes)  # the legal representative's name stays out of the log
    home = english(client).get(reverse("home")).content.decode()
    assert "Your claim is being reviewed" in home and "杭州新注册科技有限公司" in home


def test_a_claim_for_an_already_claimed_enterprise_goes_to_review_like_any_other(client, unclaimed):
    owner = get_user_model().objects.create_user("owner", password="x" * 12)
    Membership.objects.create(
        user=owner, role=Role.ENTERPRISE, enterprise=unclaimed, is_enterprise_admin=True
    )
    response = client.post(URL, signup(credit_code=unclaimed.credit_code, name="杭州老厂"))
    assert response.status_code == 302
    claim = EnterpriseClaim.objects.get(user__username="boss")
    assert claim.state == ClaimState.PENDING and claim.enterprise == unclaimed
    assert Membership.objects.filter(enterprise=unclaimed).count() == 1


def test_the_registry_region_decides_who_reviews_whatever_region_is_entered(client, unclaimed):
    client.post(URL, signup(credit_code=unclaimed.credit_code, region_code="320102"))
    claim = EnterpriseClaim.objects.get()
    assert (claim.entered_region_code, claim.region_code) == ("320102", unclaimed.region_code)


def test_the_answer_is_the_same_for_a_new_an_unclaimed_and_a_claimed_enterprise(unclaimed, enterprise_fields):
    claimed = enterprise_create(acting_user=None, **enterprise_fields(name="杭州另一厂"))
    owner = get_user_model().objects.create_user("owner", password="x" * 12)
    Membership.objects.create(user=owner, role=Role.ENTERPRISE, enterprise=claimed, is_enterprise_admin=True)
    pages = []
    for index, credit_code in enumerate(
        [make_credit_code("330106"), unclaimed.credit_code, claimed.credit_code]
    ):
        client = Client()
        username = f"claimant{index}"
        response = client.post(URL, signup(credit_code=credit_code, name="杭州老厂", username=username))
        assert (response.status_code, response.url) == (302, reverse("home"))
        home = client.get(response.url).content.decode()
        pages.append(without_tokens(home).replace(credit_code, "CODE").replace(username, "USER"))
    assert pages[0] == pages[1] == pages[2]
    assert "杭州另一厂" not in pages[2]  # nothing of the registry's data


# --- claim code: approved at once -------------------------------------------------------------------


def test_a_valid_claim_code_makes_the_registrant_administrator_at_once(client, unclaimed, official):
    issued, code = claim_code_issue(enterprise=unclaimed, acting_user=official)
    typed = " ".join(code[i : i + 4] for i in range(0, 16, 4)).lower()  # as someone types it from paper
    response = english(client).post(
        URL,
        signup(
            credit_code=unclaimed.credit_code,
            name="杭州老厂",
            region_code="330102",
            industry_code="3911",
            proof=ClaimProof.CLAIM_CODE,
            claim_code=typed,
            licence=None,
            authorisation=None,
            legal_representative="",
        ),
    )
    assert response.status_code == 302 and response.url == reverse("home")
    membership = Membership.objects.get(user__username="boss")
    assert (membership.enterprise, membership.is_enterprise_admin, membership.role) == (
        unclaimed,
        True,
        Role.ENTERPRISE,
    )
    unclaimed.refresh_from_db()
    # The registry keeps its own data; the form's region and industry are not applied.
    assert (unclaimed.region_code, unclaimed.industry_code) == ("330106", "3484")
    claim = EnterpriseClaim.objects.get(user__username="boss")
    assert (claim.state, claim.proof, claim.decided_by) == (ClaimState.APPROVED, ClaimProof.CLAIM_CODE, None)
    issued.refresh_from_db()
    assert issued.used_at is not None and issued.used_by_claim == claim
    actions = set(AuditEvent.objects.values_list("object_type", "action"))
    assert {
        ("accounts.enterpriseclaim", "create"),
        ("accounts.enterpriseclaim", "update"),
        ("accounts.claimcode", "update"),
        ("core.membership", "create"),
    } <= actions
    assert "Welcome! You are the administrator of 杭州老厂" in client.get("/").content.decode()


def test_a_claim_code_works_only_once(unclaimed, official):
    _issued, code = claim_code_issue(enterprise=unclaimed, acting_user=official)
    data = dict(proof=ClaimProof.CLAIM_CODE, claim_code=code, credit_code=unclaimed.credit_code)
    assert Client().post(URL, signup(**data)).status_code == 302
    second = english(Client()).post(URL, signup(username="second", **data))
    assert "does not work with this credit code" in " ".join(errors(second)["claim_code"])
    assert Membership.objects.filter(enterprise=unclaimed).count() == 1


def test_a_wrong_claim_code_gets_one_message_whatever_is_wrong(unclaimed, official, enterprise_fields):
    other = enterprise_create(acting_user=None, **enterprise_fields(name="杭州乙厂"))
    _issued, code_of_other = claim_code_issue(enterprise=other, acting_user=official)
    expired, expired_code = claim_code_issue(enterprise=unclaimed, acting_user=official)
    ClaimCode.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    replaced, replaced_code = claim_code_issue(
        enterprise=enterprise_create(acting_user=None, **enterprise_fields(name="杭州丙厂")),
        acting_user=official,
    )
    claim_code_issue(enterprise=replaced.enterprise, acting_user=official)  # revokes the first
    cases = {
        "unknown code, known enterprise": (unclaimed.credit_code, "WXYZ-2345-6789-HJKM"),
        "valid code, enterprise not in the registry": (make_credit_code("330106"), code_of_other),
        "another enterprise's code": (unclaimed.credit_code, code_of_other),
        "expired code": (unclaimed.credit_code, expired_code),
        "replaced code": (replaced.enterprise.credit_code, replaced_code),
        "a code of the wrong length": (unclaimed.credit_code, "XYZ-2345"),
    }
    before = counts()
    pages = {}
    for case, (credit_code, code) in cases.items():
        response = english(Client()).post(
            URL, signup(credit_code=credit_code, proof=ClaimProof.CLAIM_CODE, claim_code=code)
        )
        assert list(errors(response)) == ["claim_code"], case
        pages[case] = (
            without_tokens(response.content.decode()).replace(credit_code, "CODE").replace(code, "TYPED")
        )
    assert counts() == before
    assert len(set(pages.values())) == 1, [case for case in pages if pages[case] != pages["expired code"]]
    assert "does not work with this credit code" in pages["expired code"]


# --- the online verifier --------------------------------------------------------------------------


def test_without_a_configured_verifier_the_option_is_not_offered(client):
    page = client.get(URL).content.decode()
    assert 'value="documents"' in page and 'value="claim_code"' in page
    assert 'value="verifier"' not in page
    response = english(client).post(URL, signup(proof=ClaimProof.VERIFIER))
    assert "proof" in errors(response)


@override_settings(CLAIM_VERIFIER=STUB)
def test_the_development_stub_is_not_offered_with_debug_off(client):
    assert 'value="verifier"' not in client.get(URL).content.decode()


@override_settings(DEBUG=True, CLAIM_VERIFIER=STUB)
def test_the_development_stub_is_labelled_as_such_and_approves_at_once(client):
    page = english(client).get(URL).content.decode()
    assert 'value="verifier"' in page and "Test verifier (development only)" in page
    assert "测试用核验（仅开发环境）" in Client().get(URL).content.decode()
    data = signup(proof=ClaimProof.VERIFIER, licence=None, authorisation=None)
    assert client.post(URL, data).status_code == 302
    membership = Membership.objects.get(user__username="boss")
    assert membership.is_enterprise_admin and membership.enterprise.credit_code == data["credit_code"]
    claim = EnterpriseClaim.objects.get()
    assert claim.state == ClaimState.APPROVED and claim.verifier_reference == "stub"


# --- documents are checked by their contents ----------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "problem"),
    [
        (pdf("licence.pdf", b"<html><script>alert(1)</script></html>"), "is not a PDF, PNG or JPEG file"),
        (pdf("licence.pdf", PDF + b"0" * (5 * 1024 * 1024)), "larger than 5 MB"),
        (pdf("licence.pdf", b""), "empty"),
        (pdf("licence.xlsx", b"PK\x03\x04" + b"\x00" * 40), "is not a PDF, PNG or JPEG file"),
    ],
)
def test_documents_are_checked_by_their_contents_and_nothing_is_written(client, upload, problem):
    before = counts()
    response = english(client).post(URL, signup(licence=upload))
    assert problem in " ".join(errors(response)["licence"])
    assert counts() == before


def test_a_photo_of_the_licence_is_accepted(client):
    photo = pdf("licence.png", PNG)
    assert client.post(URL, signup(licence=photo)).status_code == 302
    assert ClaimDocument.objects.get(kind="licence").file_type == "png"


def test_the_documents_proof_needs_both_files_and_the_legal_representative(client):
    before = counts()
    response = client.post(URL, signup(licence=None, authorisation=None, legal_representative=""))
    assert {"licence", "authorisation", "legal_representative"} <= set(errors(response))
    assert counts() == before


# --- the rest of the form -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_code", "91330106000000019A"),  # wrong check character
        ("region_code", "330100"),  # a city, not a county
        ("region_code", "999999"),
        ("industry_code", "9999"),
        ("email", "not-an-email"),
        ("username", "bad name!"),
        ("password", "12345678"),  # too common, entirely numeric
        ("password_confirm", "Another-river-lantern-42"),
        ("proof", "magic"),
    ],
)
def test_it_shows_each_invalid_field_next_to_it_and_writes_nothing(client, field, value):
    before = counts()
    data = signup(**{field: value})
    if field == "password":
        data["password_confirm"] = value
    response = client.post(URL, data)
    assert field in errors(response)
    assert counts() == before
    assert 'class="errorlist"' in response.content.decode()


def test_it_refuses_a_taken_username_whatever_its_case(client, django_user_model):
    django_user_model.objects.create_user("Boss", password="x" * 12)
    before = counts()
    assert "username" in errors(client.post(URL, signup(username="boss")))
    assert counts() == before


def test_it_refuses_a_ten_thousand_character_name_and_writes_nothing(client):
    before = counts()
    response = client.post(URL, signup(name="厂" * 10_000, username="x" * 10_000))
    found = errors(response)
    assert "name" in found and "username" in found
    assert counts() == before


def test_it_escapes_html_in_the_enterprise_name(client):
    name = '<script>alert("x")</script>厂'
    response = client.post(URL, signup(name=name), follow=True)
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page  # shown escaped in the confirmation message


def test_it_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    before = counts()
    assert client.post(URL, signup()).status_code == 403
    assert counts() == before


def test_a_logged_in_user_is_sent_home(client, operator):
    client.force_login(operator)
    response = client.post(URL, signup())
    assert response.status_code == 302 and response.url == reverse("home")
    assert not EnterpriseClaim.objects.exists()


def test_the_form_is_served_to_anonymous_visitors(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and 'name="credit_code"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="licence"' in page
