"""The provider directory (issue 19): approved providers with solutions, trust and reviews, filtered by scenario and province."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funeng.apps.matching import services
from funeng.apps.matching.views import DIRECTORY_PAGE_SIZE
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.conftest import make_credit_code
from tests.support.matching import make_world

pytestmark = pytest.mark.django_db
URL = "/matching/providers/"


@pytest.fixture
def w():
    return make_world()


def names(response) -> list[str]:
    return re.findall(r'<h2><span class="user-text">([^<]+)</span></h2>', response.content.decode())


def as_user(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_it_lists_approved_providers_with_their_solutions_trust_and_reviews(client, w):
    Provider.objects.create(
        name="杭州被暂停服务商",
        credit_code=make_credit_code("330106"),
        region_code="330106",
        vetting_state=VettingState.SUSPENDED,
    )
    Provider.objects.create(
        name="杭州申请中服务商",
        credit_code=make_credit_code("330106"),
        region_code="330106",
        vetting_state=VettingState.APPLIED,
    )
    need = w.need()
    proposal = services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    services.proposal_submit(
        proposal=proposal, acting_user=w["provider_1"], price_cny=6000, delivery_plan="两周"
    )
    deal = services.proposal_accept(proposal=proposal, acting_user=w["enterprise_a"])
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=5, text="房态再没订重过")
    response = as_user(client, w["enterprise_a"]).get(URL)
    assert response.status_code == 200
    assert names(response) == sorted([w.provider_1.name, w.provider_2.name])
    page = response.content.decode()
    assert w.homestay.title in page and w.mes.title in page and w.finance.title in page
    assert "房态再没订重过" in page and "from 1 review" in page
    assert f'href="/matching/providers/{w.provider_1.pk}/trust/"' in page
    assert "Trust score" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"scenario": "finance_tax"}, ["provider_2"]),
        ({"scenario": "production"}, ["provider_1"]),
        ({"region": "320000"}, ["provider_1", "provider_2"]),  # MES serves the whole country
        ({"region": "330000", "scenario": "finance_tax"}, []),  # finance serves Jiangsu only
        ({"region": "330000", "scenario": "ecommerce"}, ["provider_1"]),
        ({"q": "云财务"}, ["provider_2"]),
        ({"region": "nowhere", "scenario": "finance_tax"}, ["provider_2"]),  # a bad filter is dropped
    ],
)
def test_it_filters_by_scenario_province_and_text(client, w, query, expected):
    response = as_user(client, w["official_hz"]).get(URL, query)
    assert response.status_code == 200
    assert names(response) == sorted(getattr(w, p).name for p in expected)


def test_it_pages_the_list_keeping_the_filters(client, w):
    for n in range(DIRECTORY_PAGE_SIZE + 3):
        provider = Provider.objects.create(
            name=f"测试服务商{n:02d}",
            credit_code=make_credit_code("330106"),
            region_code="330106",
            vetting_state=VettingState.APPROVED,
        )
        services.solution_publish(
            solution=services.solution_create(
                provider=provider, acting_user=w["admin"], title=f"财税方案{n}", scenarios=["finance_tax"]
            ),
            acting_user=w["admin"],
        )
    client = as_user(client, w["enterprise_a"])
    with CaptureQueriesContext(connection) as queries:
        first = client.get(URL, {"scenario": "finance_tax"})
    assert len(names(first)) == DIRECTORY_PAGE_SIZE
    assert len(queries) < 25  # a fixed number of queries, whatever the page holds
    assert 'href="?scenario=finance_tax&amp;page=2"' in first.content.decode()
    second = client.get(URL, {"scenario": "finance_tax", "page": "2"})
    assert len(names(second)) == 4  # 23 new ones and provider_2


def test_banks_and_role_less_users_may_not_open_it_and_anonymous_users_log_in_first(client, w):
    assert as_user(client, w["bank"]).get(URL).status_code == 403
    assert as_user(client, w["no_role"]).get(URL).status_code == 403
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["enterprise_a", "official_hz", "provider_1"])
def test_it_is_reachable_from_the_matchmaking_navigation(client, w, persona):
    landing = as_user(client, w[persona]).get("/matching/", follow=True)
    assert f'href="{URL}"' in landing.content.decode()


def test_the_provider_home_links_the_directory_it_mentions(client, w):
    home = as_user(client, w["provider_1"]).get("/")
    assert f'href="{URL}"' in home.content.decode()


def test_it_reads_in_chinese_by_default(client, w):
    page = as_user(client, w["enterprise_a"], "zh-hans").get(URL).content.decode()
    assert "服务商名录" in page and "2 家服务商" in page and "可信评分" in page
