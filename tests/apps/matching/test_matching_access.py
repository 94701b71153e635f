"""Role × object × action for matchmaking: solutions, needs, proposals, deals, reviews, complaints.

Each row calls the access function that every page and API endpoint uses; refused personas are
the other enterprise, the other provider, the other region's official, a bank and a role-less user.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from funeng.apps.matching import services
from funeng.apps.matching.access import (
    access_complaint_for_user,
    access_deal_for_user,
    access_need_for_user,
    access_proposal_for_user,
    access_review_for_user,
    access_solution_for_user,
    directory_providers_for_user,
)
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.conftest import make_credit_code
from tests.support.matching import make_world

pytestmark = pytest.mark.django_db
ALLOW, HIDE, DENY = "allow", "404", "403"
PERSONAS = (
    "admin",
    "enterprise_a",
    "enterprise_b",
    "provider_1",
    "provider_2",
    "official_hz",
    "official_nj",
    "bank",
    "no_role",
)


def outcome(check) -> str:
    try:
        check()
    except Http404:
        return HIDE
    except PermissionDenied:
        return DENY
    return ALLOW


@pytest.fixture
def world():
    w = make_world()
    need = w.need()
    proposal = services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    services.proposal_submit(
        proposal=proposal, acting_user=w["provider_1"], price_cny=6000, delivery_plan="两周上线"
    )
    deal = services.proposal_accept(proposal=proposal, acting_user=w["enterprise_a"])
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    review = services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=4, text="不错")
    complaint = services.complaint_create(deal=deal, acting_user=w["enterprise_a"], text="培训没做完")
    draft = services.solution_create(provider=w.provider_1, acting_user=w["provider_1"], title="草稿方案")
    return {
        "w": w,
        "need": need,
        "proposal": proposal,
        "deal": deal,
        "review": review,
        "complaint": complaint,
        "draft": draft,
    }


# persona: (published solution view, draft view, draft write)
SOLUTIONS = {
    "admin": (ALLOW, ALLOW, ALLOW),
    "enterprise_a": (ALLOW, HIDE, HIDE),
    "enterprise_b": (ALLOW, HIDE, HIDE),
    "provider_1": (ALLOW, ALLOW, ALLOW),
    "provider_2": (ALLOW, HIDE, HIDE),
    "official_hz": (ALLOW, ALLOW, DENY),
    "official_nj": (ALLOW, HIDE, HIDE),
    "bank": (HIDE, HIDE, HIDE),
    "no_role": (HIDE, HIDE, HIDE),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_published_solutions_to_matchmaking_roles_and_drafts_only_to_their_provider(world, persona):
    w, draft = world["w"], world["draft"]
    user = w[persona]
    got = (
        outcome(lambda: access_solution_for_user(user, w.homestay.pk)),
        outcome(lambda: access_solution_for_user(user, draft.pk)),
        outcome(lambda: access_solution_for_user(user, draft.pk, write=True)),
    )
    assert got == SOLUTIONS[persona]


# persona: (need view, need write, proposal view, proposal write, deal view, deal write, review, complaint view, complaint decide)
OBJECTS = {
    "admin": (ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW),
    "enterprise_a": (ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, DENY),
    "enterprise_b": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    "provider_1": (ALLOW, DENY, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, ALLOW, DENY),
    "provider_2": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    "official_hz": (ALLOW, DENY, ALLOW, DENY, ALLOW, DENY, ALLOW, ALLOW, ALLOW),
    "official_nj": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    "bank": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
    "no_role": (HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE, HIDE),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_needs_proposals_deals_reviews_and_complaints_to_the_two_parties_and_the_region(
    world, persona
):
    user = world["w"][persona]
    need, proposal, deal = world["need"], world["proposal"], world["deal"]
    review, complaint = world["review"], world["complaint"]
    got = (
        outcome(lambda: access_need_for_user(user, need.pk)),
        outcome(lambda: access_need_for_user(user, need.pk, write=True)),
        outcome(lambda: access_proposal_for_user(user, proposal.pk)),
        outcome(lambda: access_proposal_for_user(user, proposal.pk, write=True)),
        outcome(lambda: access_deal_for_user(user, deal.pk)),
        outcome(lambda: access_deal_for_user(user, deal.pk, write=True)),
        outcome(lambda: access_review_for_user(user, review.pk)),
        outcome(lambda: access_complaint_for_user(user, complaint.pk)),
        outcome(lambda: access_complaint_for_user(user, complaint.pk, write=True)),
    )
    assert got == OBJECTS[persona]


def test_it_shows_a_provider_an_open_need_only_while_its_solution_is_ranked_for_it():
    w = make_world()
    need = w.need()
    ranked = set(need.matches.values_list("solution__provider_id", flat=True))
    assert w.provider_1.pk in ranked
    assert outcome(lambda: access_need_for_user(w["provider_1"], need.pk)) == ALLOW
    services.need_close(need=need, acting_user=w["enterprise_a"])
    # Closed, and never asked for a proposal: the provider no longer sees the enterprise's words.
    assert outcome(lambda: access_need_for_user(w["provider_1"], need.pk)) == HIDE


def test_it_keeps_a_need_visible_to_a_provider_that_was_asked_for_a_proposal_after_it_closes():
    w = make_world()
    need = w.need()
    services.proposal_request(need=need, solution=w.homestay, acting_user=w["enterprise_a"])
    services.need_close(need=need, acting_user=w["enterprise_a"])
    assert outcome(lambda: access_need_for_user(w["provider_1"], need.pk)) == ALLOW
    assert outcome(lambda: access_need_for_user(w["provider_2"], need.pk)) == HIDE


def test_it_hides_solutions_of_a_suspended_provider_from_enterprises():
    w = make_world()
    w.provider_1.vetting_state = "suspended"
    w.provider_1.save()
    assert outcome(lambda: access_solution_for_user(w["enterprise_a"], w.homestay.pk)) == HIDE
    assert outcome(lambda: access_solution_for_user(w["provider_1"], w.homestay.pk)) == ALLOW


# persona: (open the provider directory, an applicant provider listed in it)
DIRECTORY = {
    "admin": (ALLOW, False),
    "enterprise_a": (ALLOW, False),
    "enterprise_b": (ALLOW, False),
    "provider_1": (ALLOW, False),
    "provider_2": (ALLOW, False),
    "official_hz": (ALLOW, False),
    "official_nj": (ALLOW, False),
    "bank": (DENY, False),
    "no_role": (DENY, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_opens_the_provider_directory_to_matchmaking_roles_and_lists_approved_providers_only(
    world, persona
):
    w = world["w"]
    applicant = Provider.objects.create(
        name="杭州待审服务商",
        credit_code=make_credit_code("330106"),
        region_code="330106",
        vetting_state=VettingState.APPLIED,
    )
    user = w[persona]
    opened = outcome(lambda: directory_providers_for_user(user))
    listed = opened == ALLOW and directory_providers_for_user(user).filter(pk=applicant.pk).exists()
    assert (opened, listed) == DIRECTORY[persona]
