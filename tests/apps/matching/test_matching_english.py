"""Matchmaking in English reads in English (issue 19, item 18): regions, scenarios, reasons, labels.

What may stay Chinese is what people typed (titles, descriptions, notes, reviews, names of
enterprises and providers) and quoted words of a need; nothing the platform or an engine says.
"""

from __future__ import annotations

import re

import pytest

from engines.reference.industry import industry_name_en, industry_table
from engines.reference.regions import region_display_name, region_name_en, region_table
from funeng.apps.matching import services
from funeng.apps.matching.models import Proposal, Review
from tests.support.i18n import chinese_left
from tests.support.matching import HOMESTAY_NEED, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return make_world()


def as_user(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def typed(w) -> list[str]:
    """Everything people typed in this world: it may be Chinese on an English page."""
    texts = [w.enterprise_a.name, w.enterprise_b.name, w.provider_1.name, w.provider_2.name]
    for solution in (w.homestay, w.mes, w.finance):
        texts += [solution.title, solution.description]
    texts += [HOMESTAY_NEED["title"], HOMESTAY_NEED["description"]]
    texts += [p.request_note for p in Proposal.objects.all()] + [
        p.delivery_plan for p in Proposal.objects.all()
    ]
    texts += [r.text for r in Review.objects.all()]
    return [t for t in texts if t]


@pytest.fixture
def flow(w):
    need = w.need()
    proposal = services.proposal_request(
        need=need, solution=w.homestay, acting_user=w["enterprise_a"], note="旺季前"
    )
    services.proposal_submit(
        proposal=proposal, acting_user=w["provider_1"], price_cny=6000, delivery_plan="两周上线"
    )
    deal = services.proposal_accept(proposal=proposal, acting_user=w["enterprise_a"])
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=5, text="很好")
    other = w.need(title="注塑车间排产全靠Excel", description="")
    return {"need": need, "other": other, "proposal": proposal, "deal": deal}


def pages(w, flow) -> list[tuple[str, str]]:
    need, other, proposal, deal = flow["need"], flow["other"], flow["proposal"], flow["deal"]
    return [
        ("enterprise_a", "/matching/needs/"),
        ("enterprise_a", f"/matching/needs/{other.pk}/"),
        ("enterprise_a", f"/matching/needs/{need.pk}/"),
        ("enterprise_a", "/matching/needs/new/"),
        ("enterprise_a", f"/matching/proposals/{proposal.pk}/"),
        ("enterprise_a", f"/matching/deals/{deal.pk}/"),
        ("enterprise_a", "/matching/deals/"),
        ("enterprise_a", f"/matching/solutions/{w.homestay.pk}/"),
        ("enterprise_a", f"/matching/solutions/{w.finance.pk}/"),
        ("enterprise_a", "/matching/providers/"),
        ("enterprise_a", f"/matching/providers/{w.provider_1.pk}/trust/"),
        ("provider_1", "/matching/inbox/"),
        ("provider_1", "/matching/solutions/"),
        ("provider_1", "/matching/solutions/new/"),
        ("provider_1", f"/matching/proposals/{proposal.pk}/"),
        ("official_hz", "/matching/gaps/"),
        ("official_hz", "/matching/trust/"),
        ("official_hz", "/matching/complaints/"),
        ("official_hz", f"/matching/needs/{need.pk}/"),
    ]


def test_matching_pages_in_english_hold_no_chinese_but_what_people_typed(client, w, flow):
    allowed = typed(w) + [flow["other"].title]
    left = {}
    for persona, url in pages(w, flow):
        response = as_user(client, w[persona]).get(url)
        assert response.status_code == 200, url
        found = chinese_left(response.content.decode(), "page", allowed=allowed)
        if found:
            left[url] = found
    assert left == {}


def test_reasons_name_the_province_and_industry_in_english(client, w):
    need = w.need()
    page = as_user(client, w["enterprise_a"]).get(f"/matching/needs/{need.pk}/").content.decode()
    assert "serves Zhejiang" in page and "浙江" not in page
    assert "Hangzhou, Zhejiang" in page  # the need's region
    chinese = (
        as_user(client, w["enterprise_a"], "zh-hans").get(f"/matching/needs/{need.pk}/").content.decode()
    )
    assert "服务浙江" in chinese and "浙江省 杭州市" in chinese


def test_every_province_has_an_english_name_and_every_section_too():
    for province in region_table().provinces():
        assert region_name_en(province.code), province.name
    for code, node in industry_table().by_code.items():
        if node.level == "section":
            assert industry_name_en(code) and not re.search(r"[\u4e00-\u9fff]", industry_name_en(code) or "")
    assert region_display_name("330106", "en") == "Hangzhou, Zhejiang"
    assert region_display_name("330106", "zh") == "浙江省 杭州市"


def test_match_scores_on_the_pages_lie_between_0_and_100(client, w, flow):
    scores = []
    for url in (f"/matching/needs/{flow['other'].pk}/", "/matching/needs/"):
        html = as_user(client, w["enterprise_a"]).get(url).content.decode()
        assert "Match scores run from 0 to 100 points" in html
        scores += re.findall(r'<span class="score"[^>]*>([^<]*)</span>', html)
        scores += re.findall(r'<td class="hide-sm">(\d+)</td>', html)
    assert scores, "no score shown"
    assert all(0 <= int(s) <= 100 for s in scores), scores
