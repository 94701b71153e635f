"""The assessment pages through HTTP: start, wizard autosave that survives a reload, submit, report, region."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from engines.maturity import get_framework
from funeng.apps.assessment.const import EvidenceState
from funeng.apps.assessment.models import Answer, Assessment
from funeng.apps.assessment.services import assessment_answers_save
from tests.support.assessment import (
    MANUFACTURING,
    PDF_BYTES,
    answers_for,
    make_world,
    started,
    submitted,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


def english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def save(client, assessment, **fields):
    return client.post(reverse("assessment:answer", args=[assessment.pk]), fields)


def test_an_enterprise_starts_t0_on_the_variant_for_its_industry(client, world):
    english(client, world["enterprise_a"])
    page = client.get(reverse("assessment:home")).content.decode()
    assert re.search(r'<option value="miit-2024-manufacturing"[^>]*selected', page)
    response = client.post(reverse("assessment:start"), {"framework_id": MANUFACTURING})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessment:wizard", args=[assessment.pk]
    )
    page = client.get(response["Location"]).content.decode()
    total = len(get_framework(MANUFACTURING).questions)
    assert f"0 of {total} answered" in page
    assert 'hx-post="/assessment/' in page and 'hx-trigger="change"' in page


def test_autosaved_answers_survive_a_reload(client, world):
    assessment = started(world)
    english(client, world["enterprise_a"])
    response = save(client, assessment, question="network", value="site_wide")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved" in body and 'hx-swap-oob="true"' in body and "1 of" in body
    assert save(client, assessment, question="equipment_digitised_rate", value="45.5").status_code == 200
    assert (
        save(client, assessment, question="data_collected", value=["operations", "energy"]).status_code == 200
    )
    # a reload renders what the server has, on each step
    page = client.get(
        reverse("assessment:wizard", args=[assessment.pk]) + "?step=foundation"
    ).content.decode()
    assert re.search(r'value="site_wide" checked', page)
    assert 'value="45.5"' in page
    assert re.search(r'value="operations" checked', page) and re.search(r'value="energy" checked', page)
    assert "3 of" in page
    save(client, assessment, question="energy_per_100_yuan", before="12", after="9.6")
    save(client, assessment, question="s_quality", value="3")
    page = client.get(reverse("assessment:wizard", args=[assessment.pk]) + "?step=outcomes").content.decode()
    assert 'name="before" step="any"' in page and 'value="12"' in page and 'value="9.6"' in page
    page = client.get(
        reverse("assessment:wizard", args=[assessment.pk]) + "?step=operations"
    ).content.decode()
    assert re.search(r'name="value" value="3" checked', page)
    assert Answer.objects.get(question_id="energy_per_100_yuan").value == {"before": 12, "after": 9.6}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"question": "equipment_digitised_rate", "value": "abc"}, "is not a number"),
        ({"question": "equipment_digitised_rate", "value": "120"}, "above the maximum 100"),
        ({"question": "energy_per_100_yuan", "before": "12"}, "give both"),
        ({"question": "network", "value": "fibre"}, "is not an option of this question"),
    ],
)
def test_an_invalid_answer_is_refused_with_the_reason_and_not_saved(client, world, fields, message):
    assessment = started(world)
    english(client, world["enterprise_a"])
    response = save(client, assessment, **fields)
    assert response.status_code == 422 and message in response.content.decode()
    assert not Answer.objects.exists()


def test_clearing_a_number_clears_the_answer(client, world):
    assessment = started(world)
    english(client, world["enterprise_a"])
    save(client, assessment, question="digital_staff_share", value="4")
    response = save(client, assessment, question="digital_staff_share", value="")
    assert "Answer cleared" in response.content.decode()
    assert Answer.objects.get(question_id="digital_staff_share").value is None


def test_submitting_with_gaps_lists_each_missing_question_and_submits_nothing(client, world):
    assessment = started(world)
    answers = answers_for(get_framework(MANUFACTURING))
    del answers["s_quality"]
    assessment_answers_save(assessment=assessment, answers=answers, acting_user=world["enterprise_a"])
    english(client, world["enterprise_a"])
    response = client.post(reverse("assessment:submit", args=[assessment.pk]))
    page = response.content.decode()
    assert response.status_code == 422
    assert "1 question needs an answer" in page and 'id="review-s_quality"' in page
    assert "answer this question before submitting" in page
    assessment.refresh_from_db()
    assert assessment.is_draft


def test_the_report_explains_the_level_and_shows_radar_heatmap_roadmap_and_pdf_link(client, world):
    assessment = submitted(world, strength=0.7)
    english(client, world["enterprise_a"])
    response = client.get(reverse("assessment:report", args=[assessment.pk]))
    page = response.content.decode()
    result = assessment.result
    assert result.level_name_en in page
    assert result.explanation_en[0].split(":")[0] in page
    radar = json.loads(
        re.search(r'<script id="chart-radar" type="application/json">(.*?)</script>', page).group(1)
    )
    assert radar["type"] == "radar" and len(radar["labels"]) == 3 and radar["max"] == [50, 30, 20]
    assert page.count('class="cell on lv') >= 1 and "Product design" in page
    assert "Roadmap to the next level" in page and 'class="badge solution"' in page
    assert reverse("assessment:report_pdf", args=[assessment.pk]) in page
    assert "Compared with peers" in page and "percentiles are shown from 5 on" in page
    assert "Start re-assessment" in client.get(reverse("assessment:home")).content.decode()


def test_a_reassessment_report_shows_the_change_since_t0(client, world):
    submitted(world, strength=0.3)
    english(client, world["enterprise_a"])
    response = client.post(reverse("assessment:start"), {"framework_id": MANUFACTURING})
    t1 = Assessment.objects.get(round_index=1)
    assert response["Location"] == reverse("assessment:wizard", args=[t1.pk])
    assessment_answers_save(
        assessment=t1,
        answers=answers_for(get_framework(MANUFACTURING), 0.9),
        acting_user=world["enterprise_a"],
    )
    assert client.post(reverse("assessment:submit", args=[t1.pk])).status_code == 302
    page = client.get(reverse("assessment:report", args=[t1.pk])).content.decode()
    assert "Progress from T0 to T1" in page and 'class="up"' in page


def test_evidence_upload_through_the_page_and_download_as_attachment(client, world):
    assessment = started(world)
    english(client, world["enterprise_a"])
    save(client, assessment, question="network", value="office")
    url = reverse("assessment:evidence_upload", args=[assessment.pk])
    response = client.post(
        url, {"question": "network", "file": upload("伪装.pdf", b"<html>hi</html>")}, follow=True
    )
    assert "is not a PDF, PNG, JPEG or Excel" in response.content.decode()
    response = client.post(url, {"question": "network", "file": upload("拓扑.pdf", PDF_BYTES)})
    assert response.status_code == 302 and response["Location"].endswith("?step=foundation#q-network")
    answer = Answer.objects.get(question_id="network")
    assert answer.evidence_state == EvidenceState.EVIDENCE_ATTACHED
    evidence = answer.files.get()
    download = client.get(reverse("assessment:evidence_file", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"
    assert "sandbox" in download["Content-Security-Policy"]


def test_an_official_sees_the_distribution_lists_by_level_and_works_the_queue(
    client, world, django_assert_max_num_queries
):
    done = submitted(world, strength=0.8)
    weak = submitted(world, enterprise="b", strength=0.1, framework_id="miit-2024-services")
    from funeng.apps.assessment.services import evidence_attach

    evidence_attach(
        assessment=done,
        question_id="digital_plan",
        upload=upload("p.pdf", PDF_BYTES),
        acting_user=world["enterprise_a"],
    )
    english(client, world["official"])
    page = client.get(reverse("assessment:region")).content.decode()
    assert '<script id="chart-levels" type="application/json">' in page
    assert 'data-stacked-chart="chart-divisions"' in page and "34 " in page  # division of 3484
    assert "Hangzhou" in page or "杭州" in page
    levels = json.loads(
        re.search(r'<script id="chart-levels" type="application/json">(.*?)</script>', page).group(1)
    )
    assert sum(levels["values"]) == 1, "only the official's region is counted"
    with django_assert_max_num_queries(12):
        page = client.get(
            reverse("assessment:region_enterprises") + f"?level={done.result.level}"
        ).content.decode()
    assert world["a"].name in page and world["b"].name not in page
    page = client.get(reverse("assessment:queue")).content.decode()
    assert world["a"].name in page and "p.pdf" in page
    answer = Answer.objects.get(assessment=done, question_id="digital_plan")
    response = client.post(
        reverse("assessment:review", args=[answer.pk]), {"decision": "reject", "reason": ""}, follow=True
    )
    assert "Say why the evidence is rejected" in response.content.decode()
    client.post(reverse("assessment:review", args=[answer.pk]), {"decision": "reject", "reason": "没有盖章"})
    answer.refresh_from_db()
    assert answer.evidence_state == EvidenceState.REJECTED and answer.review_reason == "没有盖章"
    assert weak.result is not None


def test_the_region_list_stays_at_a_few_queries_with_many_enterprises(
    client, world, enterprise_fields, django_assert_max_num_queries
):
    from funeng.apps.core.models import Membership
    from funeng.apps.enterprises.services import enterprise_create

    for i in range(15):
        enterprise = enterprise_create(
            acting_user=None, **enterprise_fields(name=f"杭州企业{i}", region_code="330106")
        )
        Membership.objects.create(
            user=type(world["outsider"]).objects.create_user(f"u{i}"),
            role="enterprise",
            enterprise=enterprise,
        )
        world[f"enterprise_e{i}"] = Membership.objects.get(enterprise=enterprise).user
        world[f"e{i}"] = enterprise
        submitted(world, enterprise=f"e{i}", strength=i / 15)
    english(client, world["official"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessment:region_enterprises"))
    assert response.content.decode().count('href="/assessment/') >= 15


def test_a_region_without_any_assessment_shows_empty_charts_not_an_error(client, world):
    submitted(world)  # in Hangzhou only
    english(client, world["official_b"])
    page = client.get(reverse("assessment:region")).content.decode()
    assert "No submitted assessments yet." in page
    levels = json.loads(
        re.search(r'<script id="chart-levels" type="application/json">(.*?)</script>', page).group(1)
    )
    assert sum(levels["values"]) == 0
    assert "Nothing to verify right now." in client.get(reverse("assessment:queue")).content.decode()
    assert client.get(reverse("assessment:region_enterprises") + "?level=2").status_code == 200
