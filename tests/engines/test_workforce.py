"""The shared-workforce engine: the skills taxonomy, one candidate explained, and batch = one at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.reference.industry import industry_table
from engines.workforce import Candidate, Demand, distance_tier, rank, rank_batch, rank_one, skill_ids, skills
from engines.workforce.rank import candidates_frame
from engines.workforce.skills import SkillsError, parse_skills

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def demand(**changes) -> Demand:
    fields = {
        "skills": ("welder", "electrician"),
        "starts_on": MARCH[0],
        "ends_on": MARCH[1],
        "region_code": "330106",
        "hourly_budget": 50.0,
    } | changes
    return Demand(**fields)


def candidate(**changes) -> Candidate:
    fields = {
        "candidate_id": "c1",
        "skills": ("welder", "electrician"),
        "available_from": MARCH[0],
        "available_to": MARCH[1],
        "region_code": "330106",
        "hourly_cost": 40.0,
    } | changes
    return Candidate(**fields)


def test_it_lists_between_twenty_and_thirty_skills_with_both_names():
    found = skills()
    assert 20 <= len(found) <= 30
    assert {"cnc_operator", "welder", "sewing_machinist", "forklift_driver", "ecommerce_service"} <= set(
        skill_ids()
    )
    assert all(skill.zh and skill.en for skill in found)


def test_every_division_link_is_a_gbt4754_division():
    divisions = {industry.code for industry in industry_table().of_level("division")}
    assert {d for skill in skills() for d in skill.divisions} <= divisions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"skills": [{"id": "Bad Id", "zh": "甲", "en": "a"}]}, "lower-case"),
        ({"skills": [{"id": "ok", "zh": "甲", "en": "a"}, {"id": "ok", "zh": "乙", "en": "b"}]}, "twice"),
        ({"skills": [{"id": "ok", "zh": "", "en": "a"}]}, "both zh and en"),
        ({"skills": [{"id": "ok", "zh": "甲", "en": "a", "divisions": ["3"]}]}, "two-digit"),
        ({}, "needs a `skills` list"),
    ],
)
def test_a_malformed_taxonomy_is_refused_naming_the_entry(data, message):
    with pytest.raises(SkillsError, match=message):
        parse_skills(data)


@pytest.mark.parametrize(
    ("a", "b", "tier"),
    [("330106", "330106", 0), ("330106", "330102", 1), ("330106", "330212", 2), ("330106", "320102", 3)],
)
def test_the_distance_tier_comes_from_the_region_codes(a, b, tier):
    assert distance_tier(a, b) == tier


def test_a_perfect_candidate_scores_one_and_says_why():
    match = rank_one(demand(), candidate())
    assert match.score == pytest.approx(1.0)
    assert match.reasons_en[0] == "Has 2 of 2 skills asked for: Welder, Electrician"
    assert match.reasons_zh[0] == "具备所需2项技能中的2项：焊工、电工"
    assert "within the budget" in match.reasons_en[3]


def test_missing_skills_partial_dates_distance_and_cost_each_lower_the_score():
    match = rank_one(
        demand(),
        candidate(
            skills=("welder",),
            available_from=dt.date(2026, 3, 17),
            region_code="320102",
            hourly_cost=75.0,
        ),
    )
    assert match.features == {
        "skills": 0.5,
        "dates": 15 * (1 / 31),
        "overlap_days": 15,
        "distance_tier": 3,
        "distance": 0.1,
        "cost": 0.5,
    }
    assert match.score == pytest.approx(0.45 * 0.5 + 0.25 * 15 / 31 + 0.15 * 0.1 + 0.15 * 0.5)
    assert "lacks Electrician" in match.reasons_en[0]
    assert match.reasons_zh[1] == "需求期31天中可到岗15天"
    assert match.reasons_zh[2] == "所在地：外省"
    assert "over the budget" in match.reasons_en[3]


def test_a_candidate_available_outside_the_period_gets_no_date_points():
    match = rank_one(
        demand(), candidate(available_from=dt.date(2026, 5, 1), available_to=dt.date(2026, 6, 1))
    )
    assert match.features["overlap_days"] == 0 and match.features["dates"] == 0


def test_a_demand_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends on or after"):
        demand(starts_on=MARCH[1], ends_on=MARCH[0])


def test_rank_puts_the_best_first():
    ranked = rank(
        demand(), [candidate(candidate_id="far", region_code="320102"), candidate(candidate_id="near")]
    )
    assert [m.candidate_id for m in ranked] == ["near", "far"]


DAY0 = dt.date(2026, 1, 1)
SKILL = st.sampled_from(skill_ids()[:8])
REGION = st.sampled_from(["330106", "330102", "330212", "320102", "33010", ""])
DAY = st.integers(0, 120).map(lambda n: DAY0 + dt.timedelta(days=n))
MONEY = st.one_of(st.none(), st.floats(0, 300, allow_nan=False).map(lambda x: round(x, 2)))


@st.composite
def demands(draw) -> Demand:
    start, end = sorted((draw(DAY), draw(DAY)))
    return Demand(
        skills=tuple(draw(st.lists(SKILL, max_size=4))),
        starts_on=start,
        ends_on=end,
        region_code=draw(REGION),
        hourly_budget=draw(MONEY),
    )


@st.composite
def candidates(draw) -> list[Candidate]:
    found = []
    for number in range(draw(st.integers(0, 12))):
        start, end = sorted((draw(DAY), draw(DAY)))
        found.append(
            Candidate(
                candidate_id=f"c{number}",
                skills=tuple(draw(st.lists(SKILL, max_size=5))),
                available_from=start,
                available_to=end,
                region_code=draw(REGION),
                hourly_cost=draw(st.floats(0, 300, allow_nan=False).map(lambda x: round(x, 2))),
            )
        )
    return found


@settings(max_examples=200, deadline=None)
@given(demand=demands(), pool=candidates())
def test_batch_scores_equal_one_at_a_time_scores(demand, pool):
    batch = rank_batch(demand, candidates_frame(pool))
    one = {c.candidate_id: rank_one(demand, c) for c in pool}
    assert batch.height == len(pool)
    for row in batch.iter_rows(named=True):
        match = one[row["candidate_id"]]
        assert row["score"] == match.score
        assert row["overlap_days"] == match.features["overlap_days"]
        assert row["distance_tier"] == match.features["distance_tier"]
