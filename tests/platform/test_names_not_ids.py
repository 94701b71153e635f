"""People see names, never internal ids: programmes, frameworks and answer options by their names.

Ids stay in URLs and in the id columns of exports; the version of a rule or framework may show, as
a version. Covers the texts written for people by the pages, the engines and the API.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from engines.maturity import get_framework
from engines.maturity.scoring import AnswerError, score_response
from engines.rules.loader import get_programme
from funeng.apps.assessment.models import Answer
from funeng.apps.policies.exporting import run_workbook
from funeng.apps.policies.services import policy_run_check, policy_run_create
from tests.support.api import bearer
from tests.support.assessment import MANUFACTURING, make_world, started, submitted
from tests.support.policies import make_policy_world

pytestmark = pytest.mark.django_db
ZJ = "srdi-zhejiang"
MFG = MANUFACTURING


def as_user(client, user, language="en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def visible_text(html: str) -> str:
    """The page without its tags (so ids inside URLs and form values do not count)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))


@pytest.fixture
def policy_world(enterprise_fields):
    return make_policy_world(enterprise_fields)


@pytest.fixture
def assessment_world(enterprise_fields, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_world(enterprise_fields)


# ---------------------------------------------------------------- policy programmes


def test_the_programme_list_shows_names_not_ids(client, policy_world):
    html = as_user(client, policy_world["official"]).get("/policies/programmes/").content.decode()
    assert "srdi-" not in visible_text(html)
    assert get_programme(ZJ).name_en in visible_text(html)


def test_the_official_home_names_the_programme_of_a_run_not_its_id(client, policy_world):
    policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=policy_world["official"])
    for language, name in (("en", get_programme(ZJ).name_en), ("zh-hans", get_programme(ZJ).name)):
        html = as_user(client, policy_world["official"], language).get("/").content.decode()
        assert name in html and ZJ not in html


def test_a_date_no_rule_version_covers_is_refused_naming_the_programme(client, policy_world):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        policy_run_check(programme_id=ZJ, as_of=dt.date(2020, 1, 1), acting_user=policy_world["official"])
    message = " ".join(caught.value.messages)
    assert get_programme(ZJ).name_en in message and ZJ not in message
    response = client.post(
        "/api/v1/policies/runs",
        data=json.dumps({"programme": ZJ, "as_of": "2020-01-01"}),
        content_type="application/json",
        **bearer(policy_world["official"]),
    )
    [error] = response.json()["errors"]
    assert get_programme(ZJ).name in error["message_zh"] and get_programme(ZJ).name_en in error["message_en"]
    assert ZJ not in error["message_zh"] + error["message_en"]


def test_the_proactive_page_offers_and_lists_programmes_by_name(client, policy_world):
    policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=policy_world["official"])
    html = as_user(client, policy_world["official"]).get("/policies/proactive/").content.decode()
    assert f"{get_programme(ZJ).name_en} (version {get_programme(ZJ).version})" in html
    assert "srdi-" not in visible_text(html)


def test_an_export_names_the_programme_and_keeps_its_id_in_its_own_row(policy_world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=policy_world["official"])
    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(run_workbook(run)))
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Programme"] == get_programme(ZJ).name_en and about["Programme id"] == ZJ


def test_the_audit_log_names_the_programme_of_a_run_not_its_id(client, policy_world):
    policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=policy_world["official"])
    for language, name in (("en", get_programme(ZJ).name_en), ("zh-hans", get_programme(ZJ).name)):
        text = visible_text(
            as_user(client, policy_world["official"], language).get("/audit/").content.decode()
        )
        assert name in text and ZJ not in text


# ---------------------------------------------------------------- assessment frameworks


def test_the_report_header_names_the_framework_and_shows_its_version(client, assessment_world):
    assessment = submitted(assessment_world, strength=0.7)
    framework = get_framework(MFG)
    url = reverse("assessment:report", args=[assessment.pk])
    for language, name in (("en", framework.name.en), ("zh-hans", framework.name.zh)):
        html = as_user(client, assessment_world["enterprise_a"], language).get(url).content.decode()
        head = visible_text(html.split('class="report-head"')[1].split("</p>")[0])
        assert name in head and framework.version in head and MFG not in head


def test_the_bank_list_names_frameworks(client, assessment_world):
    submitted(assessment_world, strength=0.7)
    html = as_user(client, assessment_world["banker"]).get(reverse("assessment:home")).content.decode()
    assert get_framework(MFG).name.en in html and MFG not in visible_text(html)


def test_framework_families_are_offered_by_name(client, assessment_world):
    html = as_user(client, assessment_world["official"]).get(reverse("assessment:region")).content.decode()
    assert ">miit-2024<" not in html and ">dma<" not in html
    assert "SME digital maturity (2024 MIIT structure)" in html


def test_the_none_of_these_error_names_the_option_as_people_see_it(client, assessment_world):
    assessment = started(assessment_world)
    url = reverse("assessment:answer", args=[assessment.pk])
    fields = {"question": "data_collected", "value": ["none", "quality"]}
    english = as_user(client, assessment_world["enterprise_a"]).post(url, fields).content.decode()
    assert "“None of these” cannot be combined with other options" in english
    chinese = as_user(client, assessment_world["enterprise_a"], "zh-hans").post(url, fields).content.decode()
    assert "“以上都没有”不能与其他选项同时选择" in chinese
    assert "“none”" not in english + chinese
    assert not Answer.objects.exists()


def test_the_none_of_these_error_names_the_option_as_labelled_not_its_id():
    framework = get_framework(MFG)
    question = framework.question("data_collected")
    none = next(option for option in question.options if option.exclusive)
    with pytest.raises(AnswerError) as caught:
        score_response(framework, {"data_collected": [none.id, "quality"]})
    [error] = caught.value.errors
    assert none.label.zh in error.reason_zh and none.label.en in error.reason
    assert f"“{none.id}”" not in error.reason_zh and f"'{none.id}'" not in error.reason


def test_an_unknown_question_is_refused_naming_the_framework_not_its_id():
    framework = get_framework(MFG)
    with pytest.raises(AnswerError) as caught:
        score_response(framework, {"telepathy": 1})
    [error] = caught.value.errors
    assert framework.name.zh in error.reason_zh and framework.name.en in error.reason
    assert MFG not in error.reason and MFG not in error.reason_zh


def test_the_audit_log_names_an_assessments_framework_questions_and_options(client, assessment_world):
    submitted(assessment_world, strength=0.7)
    framework = get_framework(MFG)
    html = as_user(client, assessment_world["enterprise_a"]).get("/audit/").content.decode()
    text = visible_text(html)
    assert framework.name.en in text and assessment_world["a"].name in text
    assert MFG not in text
    question = next(q for q in framework.questions if q.options)
    assert question.text.en in text and f"answers.{question.id}" not in text
