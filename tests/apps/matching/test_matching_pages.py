"""Matchmaking pages over HTTP: the enterprise, provider and official flows, and the refused personas."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from engines.trust import load_weights, shipped_weights
from engines.trust.weights import WEIGHTS_FILE
from funeng.apps.matching import services
from funeng.apps.matching import views as matching_views
from funeng.apps.matching.const import DealStatus, MatchEventKind, NeedStatus, ProposalStatus
from funeng.apps.matching.models import Deal, MatchEvent, Need, Proposal, Review, Solution
from tests.support.matching import HOMESTAY_NEED, make_world

pytestmark = pytest.mark.django_db
# Irreversible actions ask once more; the confirmation page posts the same fields with this.
CONFIRMED = {"confirmed": "1"}


@pytest.fixture
def w():
    return make_world()


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def beacon_fields(page: str) -> dict:
    """What static/js/matching.js reads from the need page: its events URL and the solutions shown."""
    found = re.search(r'<ol class="matches" data-events="([^"]+)" data-csrf="[^"]+">', page)
    assert found, "the need page carries no events URL"
    return {"url": found.group(1), "solutions": re.findall(r'<li class="match" data-solution="(\d+)">', page)}


def test_it_lets_an_enterprise_post_a_need_and_see_ranked_solutions_with_reasons(
    en, w, django_capture_on_commit_callbacks
):
    client = as_user(en, w["enterprise_a"])
    with django_capture_on_commit_callbacks(execute=True):  # ranked once the need is committed
        response = client.post("/matching/needs/new/", HOMESTAY_NEED | {"scenarios": ["business_management"]})
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/matching/needs/{need.pk}/"
    assert need.scenarios == ["business_management"] and need.enterprise == w.enterprise_a
    page = text(client.get(f"/matching/needs/{need.pk}/"))
    assert w.homestay.title in page
    assert "场景匹配：经营管理" not in page  # English page: reasons in English
    assert "scenarios: business management" in page
    assert page.index(w.homestay.title) < page.index(w.mes.title)
    # Viewing writes nothing; the page's beacon reports the impressions, for learning to rank.
    assert not MatchEvent.objects.exists()
    shown = beacon_fields(page)
    assert f"/matching/needs/{need.pk}/events/" == shown["url"] and len(shown["solutions"]) >= 2
    response = client.post(shown["url"], {"kind": "impression", "solution": shown["solutions"]})
    assert response.status_code == 204
    impressions = MatchEvent.objects.filter(need=need, kind=MatchEventKind.IMPRESSION)
    assert impressions.count() >= 2
    assert impressions.get(solution=w.homestay).position == need.matches.get(solution=w.homestay).rank


def test_it_shows_reasons_in_chinese_on_the_chinese_page(client, w):
    need = w.need()
    client.cookies["django_language"] = "zh-hans"
    page = text(as_user(client, w["enterprise_a"]).get(f"/matching/needs/{need.pk}/"))
    assert "报价在预算内" in page


def test_it_shows_the_form_errors_next_to_the_fields(en, w):
    response = as_user(en, w["enterprise_a"]).post(
        "/matching/needs/new/", {"title": "", "budget_cny_per_year": "-5"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "This field is required." in page
    assert not Need.objects.exists()


def test_it_suggests_scenarios_as_the_enterprise_types(en, w):
    response = as_user(en, w["enterprise_a"]).get(
        "/matching/needs/suggest/", {"title": "旺季房间老是订重", "description": "平台订单要人抄到本子上"}
    )
    assert response.status_code == 200
    assert 'data-scenario="business_management"' in response.content.decode()
    refused = as_user(en, w["provider_1"]).get("/matching/needs/suggest/", {"title": "订重"})
    assert refused.status_code == 403


def test_it_runs_request_answer_compare_accept_receive_review_through_the_pages(en, w):
    need = w.need()
    enterprise = as_user(en, w["enterprise_a"])
    assert (
        enterprise.post(
            f"/matching/needs/{need.pk}/request/{w.homestay.pk}/", {"note": "旺季前上线"}
        ).status_code
        == 302
    )
    assert enterprise.post(f"/matching/needs/{need.pk}/request/{w.mes.pk}/").status_code == 302
    first, second = Proposal.objects.order_by("pk")

    provider = as_user(en, w["provider_1"])
    inbox = text(provider.get("/matching/inbox/"))
    assert need.title in inbox and "Waiting for your answer" in inbox
    for proposal, price in ((first, "6000"), (second, "98000")):
        response = provider.post(
            f"/matching/proposals/{proposal.pk}/",
            {"price_cny": price, "delivery_weeks": "2", "delivery_plan": "两周上线，现场培训"},
        )
        assert response.status_code == 302

    enterprise = as_user(en, w["enterprise_a"])
    compare = text(enterprise.get(f"/matching/needs/{need.pk}/compare/"))
    assert "CNY 6,000" in compare and "CNY 98,000" in compare and "over budget" in compare
    assert enterprise.post(f"/matching/proposals/{first.pk}/accept/", CONFIRMED).status_code == 302
    deal = Deal.objects.get()
    second.refresh_from_db()
    assert second.status == ProposalStatus.DECLINED
    assert enterprise.post(f"/matching/deals/{deal.pk}/deliver/", CONFIRMED).status_code == 302
    response = enterprise.post(
        f"/matching/deals/{deal.pk}/review/", {"rating": "5", "text": "很好"}, follow=True
    )
    assert Review.objects.get().rating == 5
    page = text(response)
    assert "Start the re-assessment" in page  # the T1 link of the assessment app
    deal.refresh_from_db()
    assert deal.status == DealStatus.DELIVERED


def test_it_logs_a_click_when_the_enterprise_opens_a_ranked_solution(en, w):
    need = w.need()
    client = as_user(en, w["enterprise_a"])
    page = client.get(f"/matching/solutions/{w.homestay.pk}/?need={need.pk}")
    assert page.status_code == 200 and not MatchEvent.objects.exists()  # a GET never writes
    # The need page's script reports the click as the link is followed.
    response = client.post(f"/matching/needs/{need.pk}/events/", {"kind": "click", "solution": w.homestay.pk})
    assert response.status_code == 204
    assert MatchEvent.objects.filter(kind=MatchEventKind.CLICK, need=need, solution=w.homestay).count() == 1


def test_it_logs_events_only_for_the_posting_enterprise_and_only_of_ranked_solutions(en, w):
    need = w.need()
    url = f"/matching/needs/{need.pk}/events/"
    refused = {"official_hz": 403, "provider_1": 403, "enterprise_b": 404, "no_role": 404}
    for persona, status in refused.items():
        response = as_user(en, w[persona]).post(url, {"kind": "impression", "solution": w.homestay.pk})
        assert response.status_code == status, persona
    enterprise = as_user(en, w["enterprise_a"])
    assert enterprise.get(url).status_code == 405
    assert enterprise.post(url, {"kind": "deal", "solution": w.homestay.pk}).status_code == 400
    assert enterprise.post(url, {"kind": "click", "solution": "x"}).status_code == 400
    unranked = services.solution_create(provider=w.provider_2, acting_user=w["provider_2"], title="未排名")
    assert enterprise.post(url, {"kind": "click", "solution": unranked.pk}).status_code == 204
    assert not MatchEvent.objects.exists()


def test_it_shows_a_need_ranked_for_an_older_catalogue_as_such_and_ranks_it_again_on_request(en, w):
    need = w.need()
    services.solution_withdraw(solution=w.homestay, acting_user=w["provider_1"])
    client = as_user(en, w["enterprise_a"])
    page = text(client.get(f"/matching/needs/{need.pk}/"))
    assert "The catalogue has changed since these solutions were ranked." in page
    assert f'action="/matching/needs/{need.pk}/refresh/"' in page
    assert need.matches.filter(solution=w.homestay).exists()  # the view left the stored ranking alone
    assert client.post(f"/matching/needs/{need.pk}/refresh/").status_code == 302
    assert not need.matches.filter(solution=w.homestay).exists()
    assert "The catalogue has changed" not in text(client.get(f"/matching/needs/{need.pk}/"))


def test_it_shows_a_need_never_ranked_as_ranking_and_offers_to_rank_it(en, w):
    need = services.need_create(
        enterprise=w.enterprise_a, acting_user=w["enterprise_a"], rank=False, **HOMESTAY_NEED
    )
    client = as_user(en, w["enterprise_a"])
    page = text(client.get(f"/matching/needs/{need.pk}/"))
    assert "Ranking… this need has not been ranked yet." in page and "Rank now" in page
    assert "No published solution fits this need yet" not in page
    assert not need.matches.exists()
    official = as_user(en, w["official_hz"])
    page = text(official.get(f"/matching/needs/{need.pk}/"))
    assert "Ranking…" in page and "Rank now" not in page
    assert official.post(f"/matching/needs/{need.pk}/refresh/").status_code == 403
    client = as_user(en, w["enterprise_a"])
    response = client.post(f"/matching/needs/{need.pk}/refresh/", follow=True)
    assert "Ranked again against today&#x27;s catalogue." in text(response)
    assert need.matches.order_by("rank").first().solution == w.homestay


def test_it_refuses_the_other_enterprise_bank_and_roleless_users_a_need(en, w):
    need = w.need()
    for persona in ("enterprise_b", "official_nj", "bank", "no_role", "provider_2"):
        assert as_user(en, w[persona]).get(f"/matching/needs/{need.pk}/").status_code == 404, persona
    for persona in ("bank", "no_role"):
        assert as_user(en, w[persona]).get("/matching/").status_code == 403, persona
        assert as_user(en, w[persona]).get("/matching/needs/").status_code == 403, persona
    response = as_user(en, w["enterprise_b"]).post(f"/matching/needs/{need.pk}/request/{w.homestay.pk}/")
    assert response.status_code == 404
    assert not Proposal.objects.exists()
    en.logout()
    assert en.get("/matching/needs/").status_code == 302  # anonymous: to the login page


def test_it_shows_a_provider_only_its_own_place_in_a_need_ranking(en, w):
    need = w.need()
    page = text(as_user(en, w["provider_1"]).get(f"/matching/needs/{need.pk}/"))
    assert w.homestay.title in page
    assert w.finance.title not in page
    # Providers cannot close needs or request proposals.
    assert en.post(f"/matching/needs/{need.pk}/close/").status_code == 403
    assert Need.objects.get().status == NeedStatus.OPEN


def test_it_lets_a_provider_manage_its_catalogue(en, w):
    provider = as_user(en, w["provider_1"])
    response = provider.post(
        "/matching/solutions/new/",
        {
            "title": "农家乐预订小程序",
            "description": "房间和餐位在线预订",
            "scenarios": ["business_management"],
            "industries": "H, 62",
            "regions": ["330000"],
            "price_cny_per_year": "3000",
            "deployment": "saas",
            "min_employees": "1",
            "max_employees": "50",
        },
    )
    solution = Solution.objects.get(title="农家乐预订小程序")
    assert response.status_code == 302
    assert (solution.status, solution.industries, solution.regions) == ("draft", ["H", "62"], ["330000"])
    assert provider.post(f"/matching/solutions/{solution.pk}/publish/").status_code == 302
    solution.refresh_from_db()
    assert solution.status == "published"
    bad = provider.post(f"/matching/solutions/{solution.pk}/edit/", {"title": "x", "industries": "ZZ"})
    assert bad.status_code == 200 and "is not a GB/T 4754 section letter" in text(bad)
    # The other provider may look at the published solution but not change it.
    other = as_user(en, w["provider_2"])
    assert other.get(f"/matching/solutions/{solution.pk}/").status_code == 200
    assert other.get(f"/matching/solutions/{solution.pk}/edit/").status_code == 403
    assert other.post(f"/matching/solutions/{solution.pk}/withdraw/").status_code == 403


def test_it_shows_officials_gaps_trust_and_complaints_of_their_region(en, w):
    need = w.need()
    w.need(
        title="渔船出海想装定位",
        description="五条渔船出海后联系不上，想装北斗定位。",
        budget_cny_per_year=None,
    )
    official = as_user(en, w["official_hz"])
    gaps = text(official.get("/matching/gaps/"))
    assert "渔船出海想装定位" in gaps  # nothing in the catalogue serves it
    assert f'href="/matching/needs/{need.pk}/"' not in gaps
    chart = re.search(
        r'<script id="chart-gaps" type="application/json">(.*?)</script>',
        official.get("/matching/gaps/").content.decode(),
    )
    assert chart and sum(json.loads(chart.group(1))["values"]) >= 1
    trust = text(official.get("/matching/trust/"))
    assert w.provider_1.name in trust and f"/providers/{w.provider_1.pk}/" in trust
    assert official.get("/matching/complaints/").status_code == 200
    for persona in ("enterprise_a", "provider_1", "bank", "no_role"):
        assert as_user(en, w[persona]).get("/matching/gaps/").status_code == 403, persona


def test_it_explains_the_trust_score_with_sample_sizes(en, w):
    need = w.need()
    proposal = services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    services.proposal_submit(
        proposal=proposal, acting_user=w["provider_1"], price_cny=6000, delivery_plan="上线"
    )
    deal = services.proposal_accept(proposal=proposal, acting_user=w["enterprise_a"])
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=5)
    page = text(as_user(en, w["provider_1"]).get(f"/matching/providers/{w.provider_1.pk}/trust/"))
    assert "1 review" in page and "1 finished deal" in page
    assert "How the trust score is made" in page and "no data yet (counted as neutral)" in page
    assert as_user(en, w["bank"]).get(f"/matching/providers/{w.provider_1.pk}/trust/").status_code == 403
    assert as_user(en, w["no_role"]).get(f"/matching/providers/{w.provider_1.pk}/trust/").status_code == 404


def test_it_explains_the_formula_with_the_engines_weights_and_their_version(en, w, tmp_path, monkeypatch):
    official = as_user(en, w["official_hz"])
    page = text(official.get("/matching/trust/"))
    shipped = shipped_weights()
    assert f"Weights version {shipped.version}, in force since {shipped.effective_from:%Y-%m-%d}." in page
    assert "Reviews (weight 0.3): the mean rating, pulled towards 3.5 stars as if there were 5 more" in page
    assert "(one upheld complaint in 20 deals gives 0.75)" in page
    assert shipped.basis.note.en in page and shipped.basis.clause in page
    # The page follows the data: other weights in the file, other numbers on the page.
    data = yaml.safe_load(WEIGHTS_FILE.read_text(encoding="utf-8"))
    data["version"] = "test.2"
    data["weights"]["rating"]["value"], data["weights"]["outcomes"]["value"] = 0.2, 0.35
    data["constants"]["complaint_factor"]["value"] = 10
    edited = tmp_path / "weights.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(matching_views, "shipped_weights", lambda: load_weights(edited))
    page = text(official.get(f"/matching/providers/{w.provider_1.pk}/trust/"))
    assert "Weights version test.2" in page and "Reviews (weight 0.2)" in page
    assert "Measured outcomes (weight 0.35)" in page and "1 minus 10 × the upheld complaints" in page
    assert "(one upheld complaint in 20 deals gives 0.50)" in page
    chinese = text(as_user(Client(), w["official_hz"]).get("/matching/trust/"))  # Chinese is the default
    assert "权重版本 test.2" in chinese and shipped.basis.note.zh in chinese


def test_it_lists_needs_with_a_fixed_number_of_queries(en, w):
    for index in range(3):
        w.need(title=f"需求{index}")
    client = as_user(en, w["enterprise_a"])
    client.get("/matching/needs/")
    with CaptureQueriesContext(connection) as few:
        client.get("/matching/needs/")
    for index in range(6):
        w.need(title=f"更多需求{index}")
    with CaptureQueriesContext(connection) as many:
        client.get("/matching/needs/")
    assert len(many) == len(few)


def test_it_names_the_enterprise_to_a_provider_only_once_it_is_asked_for_a_proposal(en, w):
    need = w.need()
    name = w.enterprise_a.name
    assert name not in text(as_user(en, w["provider_1"]).get(f"/matching/needs/{need.pk}/"))
    services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    assert name in text(en.get(f"/matching/needs/{need.pk}/"))
    assert name in text(as_user(en, w["official_hz"]).get(f"/matching/needs/{need.pk}/"))
