"""Trusted-provider score: the pure formula, measured outcomes T0 → T1, and the selector feeding them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from engines.trust import (
    DeliveredDeal,
    RoundResult,
    TrustInputs,
    deal_outcome,
    provider_outcomes,
    shipped_weights,
    trust_score,
)
from engines.trust.weights import VETTING_STATES
from funeng.apps.assessment.models import Assessment, AssessmentResult
from funeng.apps.matching import services
from funeng.apps.matching.selectors import trust_inputs
from funeng.apps.providers.const import VettingState
from tests.support.matching import make_world

DAY = dt.timedelta(days=1)
T = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NEUTRAL = shipped_weights().neutral  # a constant of the formula, now in engines/trust/weights.yaml


def test_it_scores_a_new_approved_provider_as_neutral_apart_from_vetting():
    score = trust_score(TrustInputs(vetting_state="approved"))
    assert score.score == pytest.approx(100 * (0.15 * 1.0 + 0.85 * NEUTRAL), abs=0.1)
    assert [c.has_data for c in score.components] == [True, False, False, False, False]


def test_it_gives_suspended_and_rejected_providers_zero_whatever_their_record():
    record = dict(reviews=40, rating_sum=200.0, delivered=40)
    assert trust_score(TrustInputs(vetting_state="suspended", **record)).score == 0
    assert trust_score(TrustInputs(vetting_state="rejected", **record)).excluded


def test_it_trusts_many_good_reviews_more_than_one_perfect_review():
    one = trust_score(TrustInputs(vetting_state="approved", reviews=1, rating_sum=5.0))
    many = trust_score(TrustInputs(vetting_state="approved", reviews=40, rating_sum=40 * 4.6))
    assert many.component("rating").value > one.component("rating").value
    assert one.component("rating").sample == 1 and many.component("rating").raw == pytest.approx(4.6)


def test_it_lowers_the_score_for_upheld_complaints_and_cancelled_deals():
    clean = trust_score(TrustInputs(vetting_state="approved", delivered=20))
    complained = trust_score(TrustInputs(vetting_state="approved", delivered=20, complaints_upheld=1))
    cancelled = trust_score(TrustInputs(vetting_state="approved", delivered=10, cancelled=10))
    assert complained.component("complaints").value == pytest.approx(0.75)
    assert complained.score < clean.score
    assert cancelled.component("completion").raw == pytest.approx(0.5)
    assert cancelled.score < clean.score


def test_it_rewards_measured_client_gains_shrunk_by_the_number_of_clients():
    one = trust_score(TrustInputs(vetting_state="approved", outcome_clients=1, outcome_sum=20.0))
    ten = trust_score(TrustInputs(vetting_state="approved", outcome_clients=10, outcome_sum=200.0))
    losses = trust_score(TrustInputs(vetting_state="approved", outcome_clients=10, outcome_sum=-100.0))
    assert NEUTRAL < one.component("outcomes").value < ten.component("outcomes").value
    assert losses.component("outcomes").value < NEUTRAL
    assert ten.component("outcomes").raw == pytest.approx(20.0)


def _round(enterprise, index, at, share, levels):
    return RoundResult(enterprise, "miit", index, at, share, levels)


def test_it_measures_a_client_on_the_delivered_scenarios_between_t0_and_t1():
    deal = DeliveredDeal(1, 7, T, T + 30 * DAY, frozenset({"marketing"}))
    rounds = [
        _round(7, 0, T - 10 * DAY, 40.0, {"marketing": 1, "finance": 2}),
        _round(7, 1, T + 60 * DAY, 55.0, {"marketing": 3, "finance": 2}),
    ]
    assert deal_outcome(deal, rounds) == (50.0, True)  # two levels up = 50 points


def test_it_falls_back_to_the_overall_score_without_scenario_data_and_needs_both_rounds():
    deal = DeliveredDeal(1, 7, T, T + 30 * DAY, frozenset({"energy"}))
    rounds = [_round(7, 0, T - 10 * DAY, 40.0, {}), _round(7, 1, T + 60 * DAY, 52.5, {})]
    assert deal_outcome(deal, rounds) == (12.5, False)
    # T1 before delivery does not measure this deal; no T0 before the deal neither.
    assert deal_outcome(deal, [rounds[0], _round(7, 1, T + 10 * DAY, 60.0, {})]) is None
    assert deal_outcome(deal, [_round(7, 0, T + 1 * DAY, 40.0, {}), rounds[1]]) is None


def test_it_counts_a_client_with_two_deals_once():
    deals = [
        DeliveredDeal(1, 7, T, T + 30 * DAY, frozenset()),
        DeliveredDeal(1, 7, T + DAY, T + 31 * DAY, frozenset()),
        DeliveredDeal(1, 8, T, T + 30 * DAY, frozenset()),
    ]
    rounds = [
        _round(7, 0, T - DAY, 40.0, {}),
        _round(7, 1, T + 60 * DAY, 50.0, {}),
        _round(8, 0, T - DAY, 30.0, {}),
        _round(8, 1, T + 60 * DAY, 50.0, {}),
    ]
    assert provider_outcomes(deals, rounds) == {1: (2, 30.0, 0)}


def _assessment(enterprise, index, at, score, levels):
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        framework_id="miit-2024-services",
        framework_family="miit-2024",
        framework_version="1",
        engine_version="1",
        round_index=index,
        status="submitted",
        submitted_at=at,
    )
    AssessmentResult.objects.create(
        assessment=assessment,
        framework_id="miit-2024-services",
        framework_version="1",
        engine_version="1",
        score=score,
        max_score=200.0,
        level=1,
        level_name_zh="一级",
        level_name_en="Level 1",
        scenarios={k: {"id": k, "level": v, "answered": True} for k, v in levels.items()},
    )


@pytest.mark.django_db
def test_it_feeds_the_score_from_reviews_deals_and_the_assessment_rounds_around_a_deal():
    w = make_world()
    now = timezone.now()
    _assessment(w.enterprise_a, 0, now - 5 * DAY, 80.0, {"marketing": 1, "decision_support": 1})
    proposal = services.proposal_request(need=w.need(), solution=w.homestay, acting_user=w["enterprise_a"])
    services.proposal_submit(
        proposal=proposal, acting_user=w["provider_1"], price_cny=6000, delivery_plan="上线"
    )
    deal = services.proposal_accept(proposal=proposal, acting_user=w["enterprise_a"])
    services.deal_deliver(deal=deal, acting_user=w["enterprise_a"])
    services.review_create(deal=deal, acting_user=w["enterprise_a"], rating=5)
    _assessment(w.enterprise_a, 1, timezone.now() + DAY, 90.0, {"marketing": 2, "decision_support": 2})
    inputs = trust_inputs([w.provider_1.pk, w.provider_2.pk])
    mine = inputs[w.provider_1.pk]
    assert (mine.reviews, mine.delivered, mine.outcome_clients, mine.outcome_scenario_clients) == (1, 1, 1, 1)
    assert mine.mean_outcome == pytest.approx(25.0)  # one level up on both delivered scenarios
    assert inputs[w.provider_2.pk].outcome_clients == 0


def test_it_knows_every_vetting_state_of_the_platform():
    assert set(VettingState.values) == set(VETTING_STATES)
