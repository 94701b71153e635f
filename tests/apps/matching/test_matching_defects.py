"""Issue 19 in matchmaking: forms act once, irreversible steps ask first, state conflicts are 409 / a message."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from funeng.apps.matching import services
from funeng.apps.matching.const import ComplaintStatus, DealStatus, NeedStatus, ProposalStatus, SolutionStatus
from funeng.apps.matching.models import Complaint, Deal, Need, Proposal, Review, Solution
from tests.support.api import assert_problem, bearer, field_errors
from tests.support.matching import HOMESTAY_NEED, World, make_world

pytestmark = pytest.mark.django_db
API = "/api/v1/matching"
TOKEN = re.compile(r'name="submit_token" value="([0-9a-f]{32})"')


@pytest.fixture
def w() -> World:
    return make_world()


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def submitted(w: World) -> Proposal:
    """A need of 甲 with provider_1's answered proposal on the homestay solution."""
    need = w.need()
    proposal = services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    return services.proposal_submit(
        proposal=proposal, acting_user=w["provider_1"], price_cny="6000", delivery_plan="两周上线"
    )


def accepted(w: World) -> Deal:
    proposal = submitted(w)
    return services.proposal_accept(proposal=proposal, acting_user=w["enterprise_a"])


def delivered(w: World) -> Deal:
    return services.deal_deliver(deal=accepted(w), acting_user=w["enterprise_a"])


# ---------------------------------------------------------------- item 11: one row per form, whatever is resent


@dataclass
class Form:
    user: str
    page: Callable[[World], str]  # the page that shows the form (and its one-time token)
    post: Callable[[World], str]
    data: dict[str, Any]
    count: Callable[[], int]


FORMS = {
    "post a need": Form(
        "enterprise_a",
        lambda w: "/matching/needs/new/",
        lambda w: "/matching/needs/new/",
        HOMESTAY_NEED,
        Need.objects.count,
    ),
    "create a solution": Form(
        "provider_1",
        lambda w: "/matching/solutions/new/",
        lambda w: "/matching/solutions/new/",
        {"title": "注塑车间能耗监测", "scenarios": ["production"]},
        Solution.objects.count,
    ),
    "request a proposal": Form(
        "enterprise_a",
        lambda w: f"/matching/needs/{w.need().pk}/",
        lambda w: f"/matching/needs/{Need.objects.get().pk}/request/{w.homestay.pk}/",
        {"note": "旺季前上线"},
        Proposal.objects.count,
    ),
    "accept a proposal (deal)": Form(
        "enterprise_a",
        lambda w: f"/matching/proposals/{submitted(w).pk}/",
        lambda w: f"/matching/proposals/{Proposal.objects.get().pk}/accept/",
        {"confirmed": "1"},
        Deal.objects.count,
    ),
    "review a deal": Form(
        "enterprise_a",
        lambda w: f"/matching/deals/{delivered(w).pk}/",
        lambda w: f"/matching/deals/{Deal.objects.get().pk}/review/",
        {"rating": "4", "text": "很好"},
        Review.objects.count,
    ),
    "complain about a deal": Form(
        "enterprise_a",
        lambda w: f"/matching/deals/{accepted(w).pk}/",
        lambda w: f"/matching/deals/{Deal.objects.get().pk}/complain/",
        {"text": "没有按时交付"},
        Complaint.objects.count,
    ),
}


@pytest.mark.parametrize("name", list(FORMS))
def test_it_creates_one_row_when_a_form_is_sent_again_after_going_back(en, w, name):
    form = FORMS[name]
    client = as_user(en, w[form.user])
    page = client.get(form.page(w))
    assert page.status_code == 200
    token = TOKEN.search(page.content.decode())
    assert token, f"the page of “{name}” carries no one-time token"
    before = form.count()
    url, data = form.post(w), form.data | {"submit_token": token.group(1)}
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:500]
    assert form.count() == before + 1
    # Back to the filled form and send it again: the same token leads where the first post went.
    again = client.post(url, data)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert form.count() == before + 1


def test_each_create_form_of_matching_carries_a_one_time_token(en, w):
    """Every form on these pages that creates a row sends a token (the browser test double-clicks them)."""
    proposal = submitted(w)
    enterprise = as_user(en, w["enterprise_a"])
    for url, action in (
        ("/matching/needs/new/", None),
        (f"/matching/needs/{proposal.need_id}/compare/", f"/matching/proposals/{proposal.pk}/accept/"),
        (f"/matching/proposals/{proposal.pk}/", f"/matching/proposals/{proposal.pk}/accept/"),
    ):
        html = enterprise.get(url).content.decode()
        forms = re.findall(r"<form method=\"post\"(?: action=\"([^\"]*)\")?[^>]*>(.*?)</form>", html, re.S)
        chosen = [body for target, body in forms if action is None or target == action]
        assert chosen and all("submit_token" in body for body in chosen), url


# ---------------------------------------------------------------- item 12: irreversible steps ask first


@dataclass
class Step:
    user: str
    setup: Callable[[World], str]  # returns the URL to post to
    data: dict[str, str]
    done: Callable[[], bool]


STEPS = {
    "accept a proposal": Step(
        "enterprise_a",
        lambda w: f"/matching/proposals/{submitted(w).pk}/accept/",
        {},
        lambda: Deal.objects.exists(),
    ),
    "decline a proposal": Step(
        "enterprise_a",
        lambda w: f"/matching/proposals/{submitted(w).pk}/decline/",
        {},
        lambda: Proposal.objects.get().status == ProposalStatus.DECLINED,
    ),
    "withdraw a proposal": Step(
        "provider_1",
        lambda w: f"/matching/proposals/{submitted(w).pk}/withdraw/",
        {},
        lambda: Proposal.objects.get().status == ProposalStatus.WITHDRAWN,
    ),
    "close a need": Step(
        "enterprise_a",
        lambda w: f"/matching/needs/{w.need().pk}/close/",
        {},
        lambda: Need.objects.get().status == NeedStatus.CLOSED,
    ),
    "mark a deal received": Step(
        "enterprise_a",
        lambda w: f"/matching/deals/{accepted(w).pk}/deliver/",
        {},
        lambda: Deal.objects.get().status == DealStatus.DELIVERED,
    ),
    "cancel a deal": Step(
        "provider_1",
        lambda w: f"/matching/deals/{accepted(w).pk}/cancel/",
        {"reason": "客户改变计划"},
        lambda: Deal.objects.get().status == DealStatus.CANCELLED,
    ),
    "decide a complaint": Step(
        "official_hz",
        lambda w: "/matching/complaints/{}/decide/".format(
            services.complaint_create(deal=accepted(w), acting_user=w["enterprise_a"], text="拖延").pk
        ),
        {"decision": "upheld", "reason": "服务商承认延误"},
        lambda: Complaint.objects.get().status == ComplaintStatus.UPHELD,
    ),
    "withdraw a solution": Step(
        "provider_1",
        lambda w: f"/matching/solutions/{w.homestay.pk}/withdraw/",
        {},
        lambda: Solution.objects.get(title__startswith="民宿").status == SolutionStatus.WITHDRAWN,
    ),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_an_irreversible_step_asks_for_confirmation_before_it_acts(en, w, name):
    step = STEPS[name]
    url = step.setup(w)
    client = as_user(en, w[step.user])
    asked = client.post(url, step.data)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert 'role="alertdialog"' in page and 'name="confirmed" value="1"' in page
    assert not step.done(), "a single click acted without confirmation"
    confirmed = client.post(url, step.data | {"confirmed": "1"})
    assert confirmed.status_code == 302
    assert step.done()


def test_no_decision_is_preselected_on_the_complaint_and_review_forms(en, w):
    deal = delivered(w)
    services.complaint_create(deal=deal, acting_user=w["enterprise_a"], text="拖延")
    complaints = as_user(en, w["official_hz"]).get("/matching/complaints/").content.decode()
    assert 'name="decision"' in complaints and "checked" not in complaints
    review = as_user(en, w["enterprise_a"]).get(f"/matching/deals/{deal.pk}/").content.decode()
    assert 'name="rating"' in review and "checked" not in review


def test_a_complaint_decision_without_a_choice_is_refused_and_changes_nothing(en, w):
    complaint = services.complaint_create(deal=accepted(w), acting_user=w["enterprise_a"], text="拖延")
    client = as_user(en, w["official_hz"])
    response = client.post(f"/matching/complaints/{complaint.pk}/decide/", {"reason": "x", "confirmed": "1"})
    assert response.status_code == 302
    assert Complaint.objects.get().status == ComplaintStatus.OPEN


# ---------------------------------------------------------------- item 6: state conflicts are 409 (API) / a message (pages)


def api(client, user, path, body=None):
    return client.post(
        API + path, data=json.dumps(body or {}), content_type="application/json", **bearer(user)
    )


CONFLICTS = {
    "accept an accepted proposal": (
        "enterprise_a",
        lambda w: f"/proposals/{accepted(w).proposal_id}/accept",
        None,
    ),
    "decline an accepted proposal": (
        "enterprise_a",
        lambda w: f"/proposals/{accepted(w).proposal_id}/decline",
        None,
    ),
    "withdraw an accepted proposal": (
        "provider_1",
        lambda w: f"/proposals/{accepted(w).proposal_id}/withdraw",
        None,
    ),
    "answer a proposal of a closed need": (
        "provider_1",
        lambda w: _closed_need_proposal(w),
        {"price_cny": "100", "delivery_plan": "x"},
    ),
    "close a closed need": (
        "enterprise_a",
        lambda w: f"/needs/{services.need_close(need=w.need(), acting_user=w['enterprise_a']).pk}/close",
        None,
    ),
    "ask twice for a proposal": (
        "enterprise_a",
        lambda w: f"/needs/{submitted(w).need_id}/proposals",
        None,  # filled in by the test: the same solution
    ),
    "deliver a delivered deal": ("enterprise_a", lambda w: f"/deals/{delivered(w).pk}/deliver", None),
    "cancel a delivered deal": (
        "enterprise_a",
        lambda w: f"/deals/{delivered(w).pk}/cancel",
        {"reason": "x"},
    ),
    "review a deal not yet received": (
        "enterprise_a",
        lambda w: f"/deals/{accepted(w).pk}/review",
        {"rating": 4},
    ),
    "review a deal twice": ("enterprise_a", lambda w: _reviewed(w), {"rating": 4}),
    "complain while a complaint is open": ("enterprise_a", lambda w: _complained(w), {"text": "又拖延"}),
    "publish a published solution": ("provider_1", lambda w: f"/solutions/{w.homestay.pk}/publish", None),
}


def _closed_need_proposal(w: World) -> str:
    proposal = services.proposal_request(need=w.need(), solution=w.homestay, acting_user=w["enterprise_a"])
    services.need_close(need=proposal.need, acting_user=w["enterprise_a"])
    return f"/proposals/{proposal.pk}/submit"


def _reviewed(w: World) -> str:
    deal = delivered(w)
    services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=5)
    return f"/deals/{deal.pk}/review"


def _complained(w: World) -> str:
    deal = accepted(w)
    services.complaint_create(deal=deal, acting_user=w["enterprise_a"], text="拖延")
    return f"/deals/{deal.pk}/complaints"


@pytest.mark.parametrize("name", list(CONFLICTS))
def test_the_api_answers_an_action_the_state_forbids_with_409(client, w, name):
    user, setup, body = CONFLICTS[name]
    path = setup(w)
    if name == "ask twice for a proposal":
        body = {"solution_id": w.homestay.pk}
    problem = assert_problem(api(client, w[user], path, body), 409)
    assert problem["detail_en"].startswith("The object's current state does not allow this")
    errors = field_errors(problem)
    assert errors, "the 409 names what conflicts"


def test_the_openapi_document_lists_409_for_the_matching_state_changes(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/matching/proposals/{proposal_id}/accept"]["post"]
    assert "409" in operation["responses"]


PAGE_CONFLICTS = {
    "accept an accepted proposal": (
        "enterprise_a",
        lambda w: f"/matching/proposals/{accepted(w).proposal_id}/accept/",
        {"confirmed": "1"},
        "only while it is open",
    ),
    "close a closed need": (
        "enterprise_a",
        lambda w: (
            f"/matching/needs/{services.need_close(need=w.need(), acting_user=w['enterprise_a']).pk}/close/"
        ),
        {"confirmed": "1"},
        "This need is already closed",
    ),
    "deliver a delivered deal": (
        "enterprise_a",
        lambda w: f"/matching/deals/{delivered(w).pk}/deliver/",
        {"confirmed": "1"},
        "This deal is already Delivered",
    ),
    "cancel a delivered deal": (
        "enterprise_a",
        lambda w: f"/matching/deals/{delivered(w).pk}/cancel/",
        {"reason": "x", "confirmed": "1"},
        "This deal is already Delivered",
    ),
    "review a deal twice": (
        "enterprise_a",
        lambda w: f"/matching{_reviewed(w)}/",
        {"rating": "4"},
        "already has your review",
    ),
    "complain while a complaint is open": (
        "enterprise_a",
        lambda w: f"/matching{_complained(w)[: -len('complaints')]}complain/",
        {"text": "又拖延"},
        "A complaint about this deal is already open",
    ),
    "answer a decided proposal": (
        "provider_1",
        lambda w: f"/matching/proposals/{accepted(w).proposal_id}/",
        {"price_cny": "100", "delivery_plan": "x"},
        "can no longer be changed",
    ),
    "decline a declined proposal": (
        "enterprise_a",
        lambda w: (
            f"/matching/proposals/{services.proposal_decline(proposal=submitted(w), acting_user=w['enterprise_a']).pk}/decline/"
        ),
        {"confirmed": "1"},
        "can no longer be changed",
    ),
}


@pytest.mark.parametrize("name", list(PAGE_CONFLICTS))
def test_a_page_action_the_state_forbids_says_so_instead_of_failing(en, w, name):
    user, setup, data, message = PAGE_CONFLICTS[name]
    client = as_user(en, w[user])
    response = client.post(setup(w), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[0][1] == 302
    assert message in response.content.decode()


def test_a_need_sent_again_from_a_reloaded_form_is_not_posted_twice(en, w):
    """Back to the form after the browser reloaded it (a fresh token): the same text is the same need."""
    client = as_user(en, w["enterprise_a"])
    first = client.post("/matching/needs/new/", HOMESTAY_NEED)
    again = client.post("/matching/needs/new/", HOMESTAY_NEED, follow=True)
    assert Need.objects.count() == 1
    assert again.redirect_chain[0][0] == first["Location"]
    assert "This need was already posted a moment ago" in again.content.decode()
    other = client.post("/matching/needs/new/", HOMESTAY_NEED | {"title": "另一个问题：仓库对不上账"})
    assert other.status_code == 302 and Need.objects.count() == 2


def test_a_solution_sent_again_from_a_reloaded_form_is_saved_once(en, w):
    client = as_user(en, w["provider_1"])
    data = {"title": "注塑车间能耗监测", "scenarios": ["production"]}
    first = client.post("/matching/solutions/new/", data)
    again = client.post("/matching/solutions/new/", data)
    assert Solution.objects.filter(title="注塑车间能耗监测").count() == 1
    assert again["Location"] == first["Location"]
