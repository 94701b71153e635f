"""The one path: Kleene groups, masked failures, deciding unknowns, review items and gaps."""

import datetime as dt

from engines.rules.evaluate import evaluate
from engines.rules.loader import load_programmes

AS_OF = dt.date(2024, 6, 30)
SHENZHEN = {
    "region_code": "440305",
    "founded_on": "2018-01-01",
    "size_class": "small",
    "revenue_cny": 20_000_000,
    "revenue_growth_1y": 0.2,
    "rd_intensity_2y": 0.05,
    "quality_cert": True,
}


def test_it_never_decides_a_qualitative_clause_and_routes_it_to_review():
    result = evaluate(load_programmes()["srdi-shenzhen"], SHENZHEN, AS_OF)
    assert result.outcome == "undetermined"
    assert [item["condition"] for item in result.review] == ["sz-policy-fit"]
    assert result.undetermined_because == ["sz-policy-fit"]


def test_it_hides_failures_masked_by_a_satisfied_alternative():
    result = evaluate(
        load_programmes()["srdi-shenzhen"], SHENZHEN | {"main_business_growth_avg_2y": 0.01}, AS_OF
    )
    assert result.states["sz-growth-main-2y"].value == "fail"
    assert result.failing == []


def test_it_lists_only_unknowns_that_can_still_change_the_outcome():
    programme = load_programmes()["srdi-shenzhen"]
    failing = evaluate(programme, SHENZHEN | {"rd_intensity_2y": 0.01, "revenue_growth_1y": None}, AS_OF)
    assert failing.outcome == "not_eligible" and failing.unknown == [] and failing.review == []
    open_ = evaluate(programme, SHENZHEN | {"revenue_growth_1y": None}, AS_OF)
    assert [item["condition"] for item in open_.unknown] == [
        "sz-growth-revenue-1y",
        "sz-growth-main-2y",
        "sz-growth-profit-2y",
        # the reduced (50%) route is open too: growth figures are missing there as well
        "sz-growth-revenue-1y-half",
        "sz-growth-main-2y-half",
        "sz-growth-profit-2y-half",
    ]


def test_it_offers_the_cheapest_alternatives_first_with_their_distance():
    programme = load_programmes()["srdi-beijing-self"]
    enterprise = {
        "region_code": "110105",
        "founded_on": "2018-01-01",
        "size_class": "small",
        "main_business_share": 0.9,
        "revenue_cny": 14_000_000,
        "net_profit_2y_cny": 1_000_000,
        "valuation_cny": 10_000_000,
    }
    result = evaluate(programme, enterprise, AS_OF)
    assert result.outcome == "not_eligible"
    gap = next(item for item in result.gaps if item["group"] == "bj-business")
    first = gap["options"][0]["steps"][0]
    assert first["condition"] == "bj-revenue-1500" and first["distance"] == "1000000"
    assert [option["steps"][0]["condition"] for option in gap["options"]] == [
        "bj-revenue-1500",
        "bj-profit-600",
        "bj-valuation",
    ]


def test_it_does_not_offer_moving_the_registered_region_as_a_gap():
    result = evaluate(load_programmes()["srdi-shenzhen"], SHENZHEN | {"region_code": "310101"}, AS_OF)
    assert result.outcome == "not_eligible"
    assert all(
        step["condition"] != "sz-region" for gap in result.gaps for o in gap["options"] for step in o["steps"]
    )
