"""Who sees, answers, downloads and reviews which assessment: role × object × action, through HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funeng.apps.assessment.access import access_assessment_for_user, assessments_visible_to
from funeng.apps.assessment.const import EvidenceState
from funeng.apps.assessment.models import Answer
from funeng.apps.assessment.services import assessment_answer_save, evidence_attach
from funeng.apps.consents.models import ConsentRead
from tests.support.assessment import PDF_BYTES, make_world, started, submitted, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(enterprise_fields):
    world = make_world(enterprise_fields)
    done = submitted(world)
    evidence = evidence_attach(
        assessment=done,
        question_id="digital_plan",
        upload=upload("plan.pdf", PDF_BYTES),
        acting_user=world["enterprise_a"],
    )
    # the submitted round's evidence waits for review; a T1 draft is open
    draft = started(world)
    world.update(done=done, draft=draft, evidence=evidence, answer=Answer.objects.get(pk=evidence.answer_id))
    return world


# persona → (report of submitted, wizard/answer on draft, evidence download, review)
MATRIX = {
    "enterprise_a": (200, 200, 200, 403),
    "enterprise_a_colleague": (200, 200, 200, 403),
    "enterprise_b": (404, 404, 404, 404),
    "official": (200, 403, 200, 302),
    "official_province": (200, 403, 200, 302),
    "official_b": (404, 404, 404, 404),
    "admin": (200, 403, 200, 302),
    "banker": (200, 404, 403, 403),
    "banker_profile_only": (404, 404, 404, 404),
    "provider": (404, 404, 404, 404),
    "outsider": (404, 404, 404, 404),
}


@pytest.mark.parametrize(("persona", "expected"), list(MATRIX.items()))
def test_each_role_gets_exactly_its_access(client, world, persona, expected):
    report, answer, download, review = expected
    client.force_login(world[persona])
    assert client.get(reverse("assessment:report", args=[world["done"].pk])).status_code == report
    response = client.post(
        reverse("assessment:answer", args=[world["draft"].pk]), {"question": "network", "value": "office"}
    )
    assert response.status_code == answer
    assert (
        client.get(reverse("assessment:evidence_file", args=[world["evidence"].pk])).status_code == download
    )
    response = client.post(reverse("assessment:review", args=[world["answer"].pk]), {"decision": "verify"})
    assert response.status_code == review
    world["answer"].refresh_from_db()
    verified = world["answer"].evidence_state == EvidenceState.VERIFIED
    assert verified == (review == 302)
    saved = Answer.objects.filter(assessment=world["draft"], question_id="network", value="office").exists()
    assert saved == (answer == 200)


def test_anonymous_visitors_are_sent_to_log_in_and_autosave_says_401(client, world):
    response = client.get(reverse("assessment:report", args=[world["done"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(
        reverse("assessment:answer", args=[world["draft"].pk]), {"question": "network", "value": "x"}
    )
    assert response.status_code == 401 and b"save-error" in response.content


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("official", 200),
        ("admin", 200),
        ("enterprise_a", 403),
        ("banker", 403),
        ("provider", 403),
        ("outsider", 403),
    ],
)
def test_the_region_pages_are_for_officials_and_administrators(client, world, persona, status):
    client.force_login(world[persona])
    for name in ("assessment:region", "assessment:region_enterprises", "assessment:queue"):
        assert client.get(reverse(name)).status_code == status


def test_an_official_sees_only_the_region_and_a_bank_only_consented_submitted_results(world):
    b_done = submitted(world, enterprise="b", framework_id="miit-2024-services")
    assert set(assessments_visible_to(world["official"])) == {world["done"], world["draft"]}
    assert set(assessments_visible_to(world["official_b"])) == {b_done}
    assert set(assessments_visible_to(world["banker"])) == {world["done"]}
    assert not assessments_visible_to(world["banker_profile_only"]).exists()
    assert assessments_visible_to(world["admin"]).count() == 3


def test_a_bank_read_of_a_report_is_logged_on_its_consent(client, world):
    client.force_login(world["banker"])
    client.get(reverse("assessment:report", args=[world["done"].pk]))
    read = ConsentRead.objects.get(reader=world["banker"])
    assert read.categories == ["digital"] and read.channel == "web"
    assert b"plan.pdf" not in client.get(reverse("assessment:report", args=[world["done"].pk])).content


def test_a_revoked_consent_hides_the_results_at_once(world):
    from funeng.apps.consents.models import Consent
    from funeng.apps.consents.services import consent_revoke

    consent = Consent.objects.get(institution__name="甲银行杭州分行")
    consent_revoke(actor=world["enterprise_a"], consent=consent)
    with pytest.raises(Exception) as error:
        access_assessment_for_user(world["banker"], world["done"].pk)
    assert error.typename == "Http404"


def test_providers_and_people_without_a_role_have_no_assessment_home(client, world):
    for persona in ("provider", "outsider"):
        client.force_login(world[persona])
        assert client.get(reverse("assessment:home")).status_code == 403


def test_only_the_enterprise_uploads_evidence(client, world):
    assessment_answer_save(
        assessment=world["draft"], question_id="network", value="office", acting_user=world["enterprise_a"]
    )
    url = reverse("assessment:evidence_upload", args=[world["draft"].pk])
    for persona, status in [("official", 403), ("admin", 403), ("enterprise_b", 404), ("banker", 404)]:
        client.force_login(world[persona])
        response = client.post(url, {"question": "network", "file": upload("x.pdf", PDF_BYTES)})
        assert response.status_code == status
    assert not Answer.objects.get(assessment=world["draft"], question_id="network").files.exists()
