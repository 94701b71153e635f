"""After reviewing a deal, the enterprise is invited to the round it takes next, named from its data."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from funeng.apps.assessment.models import Assessment
from funeng.apps.matching import services
from funeng.apps.matching.models import Deal
from tests.support.matching import make_world

pytestmark = pytest.mark.django_db


def _reviewed_deal(w) -> Deal:
    need = w.need()
    enterprise, provider = w["enterprise_a"], w["provider_1"]
    proposal = services.proposal_request(need=need, solution=w.homestay, acting_user=enterprise)
    services.proposal_submit(
        proposal=proposal, acting_user=provider, price_cny="6000", delivery_plan="两周上线"
    )
    deal = services.proposal_accept(proposal=proposal, acting_user=enterprise)
    services.deal_deliver(deal=deal, acting_user=enterprise)
    services.review_create(deal=deal, acting_user=enterprise, rating=5, text="很好")
    return deal


def _rounds(enterprise_id: int, count: int, *, last_draft: bool = False) -> None:
    start = timezone.now() - timedelta(days=400)
    for index in range(count):
        draft = last_draft and index == count - 1
        Assessment.objects.create(
            enterprise_id=enterprise_id,
            framework_id="miit-2024-services",
            framework_family="miit-2024",
            framework_version="1",
            engine_version="1",
            round_index=index,
            status="draft" if draft else "submitted",
            started_at=start + timedelta(days=100 * index),
            submitted_at=None if draft else start + timedelta(days=100 * index + 1),
        )


def _page(client, w, deal: Deal, language: str) -> str:
    client.cookies["django_language"] = language
    client.force_login(w["enterprise_a"])
    return re.sub(r"\s+", " ", client.get(f"/matching/deals/{deal.pk}/").content.decode())


def test_it_names_t3_as_the_next_round_after_t0_to_t2(client):
    w = make_world()
    deal = _reviewed_deal(w)
    _rounds(deal.enterprise_id, 3)
    page = _page(client, w, deal, "en")
    assert "Take your next assessment round (T3)" in page
    assert "(T1)" not in page
    page = _page(client, w, deal, "zh-hans")
    assert "参加下一轮评测（T3）" in page
    # As a word: the page's random CSRF tokens may hold the letters "T1" (the suite once failed so).
    assert not re.search(r"(?<![A-Za-z0-9])T1(?![A-Za-z0-9])", page)


def test_it_names_an_open_draft_as_the_round_to_finish(client):
    w = make_world()
    deal = _reviewed_deal(w)
    _rounds(deal.enterprise_id, 3, last_draft=True)
    assert "Take your next assessment round (T2)" in _page(client, w, deal, "en")


def test_it_invites_an_enterprise_without_any_round_to_its_first(client):
    w = make_world()
    deal = _reviewed_deal(w)
    page = _page(client, w, deal, "en")
    assert "Take your first assessment round (T0)" in page
    assert "(T1)" not in page
