"""Pages in English read in English, pages in Chinese in Chinese, and people see names, never ids.

Quoted government clauses stay Chinese (marked lang="zh-Hans"), and so do enterprise and region
names; everything else an engine explains (conditions, gaps, size class, levels) follows the page.
"""

from __future__ import annotations

import html as html_text

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from engines.maturity import get_framework
from engines.rules.loader import get_programme, load_programmes
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.policies.models import PolicyNotice
from funeng.apps.policies.services import policy_notices_send, policy_run_create
from tests.support.assessment import MANUFACTURING, make_world, submitted
from tests.support.i18n import chinese_left, programme_region_names, scoped_text
from tests.support.policies import make_policy_world

pytestmark = pytest.mark.django_db
ZJ = "srdi-zhejiang"
NATIONAL = "srdi-national-little-giant"


def as_user(client, user, language="en"):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def policy_world(enterprise_fields):
    return make_policy_world(enterprise_fields)


@pytest.fixture
def assessment_world(enterprise_fields, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_world(enterprise_fields)


# ---------------------------------------------------------------- policies


@pytest.mark.parametrize("who", ["strong", "gappy", "weak"])
def test_my_policies_in_english_shows_conditions_reasons_and_gaps_in_english(client, policy_world, who):
    enterprise = policy_world[who]
    html = as_user(client, policy_world["official"]).get(f"/policies/enterprises/{enterprise.pk}/")
    page = html.content.decode()
    assert chinese_left(page, "programme-card", allowed=programme_region_names()) == []
    programme = get_programme(ZJ)
    assert programme.name_en in page and programme.leaves()[0].citation.quote in page
    assert "Original text (Chinese)" in page


def test_the_gaps_count_money_in_full_yuan_in_english_and_in_wan_in_chinese(client, policy_world):
    url = f"/policies/enterprises/{policy_world['weak'].pk}/"
    english = scoped_text(as_user(client, policy_world["official"]).get(url).content.decode(), "gaps")
    assert "CNY" in english and "万" not in english
    chinese = scoped_text(
        as_user(client, policy_world["official"], "zh-hans").get(url).content.decode(), "gaps"
    )
    assert "万" in chinese and "CNY" not in chinese


def test_the_programme_page_in_english_translates_everything_but_the_quoted_clauses(client, policy_world):
    for programme in load_programmes().values():
        page = as_user(client, policy_world["official"]).get(f"/policies/programmes/{programme.id}/")
        html = page.content.decode()
        assert chinese_left(html, "programme-facts", "conditions", allowed=programme_region_names()) == [], (
            programme.id
        )
        assert html_text.escape(programme.name_en) in html
        assert all(html_text.escape(leaf.citation.quote) in html for leaf in programme.leaves())


def test_the_programme_page_in_chinese_keeps_the_chinese_conditions(client, policy_world):
    programme = get_programme(NATIONAL)
    html = as_user(client, policy_world["official"], "zh-hans").get(f"/policies/programmes/{NATIONAL}/")
    page = html.content.decode()
    assert programme.name in page and all(node.text in page for node in programme.nodes.values())
    assert programme.conditions.text_en not in page


def test_code_values_in_a_condition_read_as_names_in_either_language(client, policy_world):
    url = f"/policies/programmes/{NATIONAL}/"
    english = as_user(client, policy_world["official"]).get(url).content.decode()
    chinese = as_user(client, policy_world["official"], "zh-hans").get(url).content.decode()
    assert "∈ medium, small, micro" in english and "∈ provincial SRDI, national little giant" in english
    assert "∈ 中型、小型、微型" in chinese
    assert "medium, small" not in chinese and "provincial, national" not in chinese


def test_notices_are_read_in_the_language_of_the_page(client, policy_world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=policy_world["official"])
    policy_notices_send(run=run, tracks=["missing"], acting_user=policy_world["official"])
    notice = PolicyNotice.objects.get(enterprise=policy_world["gappy"])
    assert "缺少数据" in notice.message and "needs more data" in notice.message_en
    # The missing facts are named as people call them, never by their field names.
    assert "R&D expense / revenue over the last 2 years" in notice.message_en
    assert "rd_intensity_2y" not in notice.message_en + notice.message
    url = f"/policies/enterprises/{policy_world['gappy'].pk}/"
    assert (
        html_text.escape(notice.message_en)
        in as_user(client, policy_world["gappy_admin"]).get(url).content.decode()
    )
    assert (
        html_text.escape(notice.message)
        in as_user(client, policy_world["gappy_admin"], "zh-hans").get(url).content.decode()
    )


# ---------------------------------------------------------------- enterprises


def test_the_size_class_is_explained_in_english_on_an_english_page(client, policy_world):
    html = as_user(client, policy_world["strong_admin"]).get(f"/enterprises/{policy_world['strong'].pk}/")
    page = html.content.decode()
    assert chinese_left(page, "size-card", "de-card") == []
    assert "Industry: employees 120" in scoped_text(page, "size-card")


def test_missing_size_data_is_named_as_people_call_it(client, policy_world, enterprise_fields):
    developer = enterprise_create(
        acting_user=None,
        **enterprise_fields(
            name="杭州丙房地产开发有限公司", industry_code="7010", revenue_cny=None, assets_cny=None
        ),
    )
    url = f"/enterprises/{developer.pk}/"
    english = as_user(client, policy_world["official"]).get(url).content.decode()
    chinese = as_user(client, policy_world["official"], "zh-hans").get(url).content.decode()
    assert "Missing data that decides the class: operating revenue, total assets" in english
    assert "营业收入、资产总额" in chinese
    assert "revenue_cny" not in english + chinese and "assets_cny" not in english + chinese


# ---------------------------------------------------------------- assessment


def test_the_report_header_names_the_framework_in_the_language_of_the_page(client, assessment_world):
    assessment = submitted(assessment_world, strength=0.7)
    framework = get_framework(MANUFACTURING)
    url = reverse("assessment:report", args=[assessment.pk])
    english = as_user(client, assessment_world["enterprise_a"]).get(url).content.decode()
    enterprise = assessment_world["a"].name
    assert chinese_left(english, "report-head", "level-card", allowed=[enterprise]) == []
    head = scoped_text(english, "report-head")
    assert framework.name.en in head and f"version {framework.version}" in head
    assert MANUFACTURING not in head
    chinese = as_user(client, assessment_world["enterprise_a"], "zh-hans").get(url).content.decode()
    assert framework.name.zh in scoped_text(chinese, "report-head")
