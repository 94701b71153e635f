"""The one path: Kleene groups, masked failures, deciding unknowns, review items and gaps."""

import datetime as dt

from engines.rules.evaluate import evaluate, required_review
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
    # Every measurable requirement is met and the one qualitative clause is required (all-of up to the
    # root): eligible, subject to a reviewer confirming it; the clause is still never decided.
    assert result.states["sz-policy-fit"].value == "unknown"
    assert result.outcome == "eligible" and result.subject_to_review
    assert [(item["condition"], item["required"]) for item in result.review] == [("sz-policy-fit", True)]
    assert result.undetermined_because == []


def test_missing_data_keeps_a_programme_with_review_items_undetermined():
    programme = load_programmes()["srdi-shenzhen"]
    result = evaluate(programme, SHENZHEN | {"rd_intensity_2y": None}, AS_OF)
    assert result.outcome == "undetermined" and not result.subject_to_review
    assert result.undetermined_because == ["missing_data"]
    assert [item["condition"] for item in result.review] == ["sz-policy-fit"]
    # An unknown certification leaves its qualitative alternative open too; both kinds are named.
    open_ = evaluate(programme, SHENZHEN | {"quality_cert": None}, AS_OF)
    assert open_.undetermined_because == ["missing_data", "qualitative_alternative"]
    # Revenue below the bar may still pass on the authority's reduced bar: its call, not a reviewer's.
    reduced = evaluate(programme, SHENZHEN | {"revenue_cny": None}, AS_OF)
    assert reduced.undetermined_because == ["missing_data", "discretionary"]


def test_a_failing_measurable_requirement_is_never_saved_by_review():
    programme = load_programmes()["srdi-shenzhen"]
    result = evaluate(programme, SHENZHEN | {"rd_intensity_2y": 0.01}, AS_OF)
    assert result.outcome == "not_eligible" and result.review == [] and result.undetermined_because == []
    # Without a quality certification the any-of still has its qualitative alternative: undetermined,
    # and only a reviewer accepting that alternative could make it eligible.
    known = {
        "niche_market_since": "2023-01-01",
        "main_business_share": 0.5,
        "own_brand": False,
        "invention_patents": 0,
        "utility_models": 0,
        "software_copyrights": 0,
        "standards_2y": 0,
    }
    alternative = evaluate(programme, SHENZHEN | known | {"quality_cert": False}, AS_OF)
    assert alternative.outcome == "undetermined"
    assert alternative.undetermined_because == ["qualitative_alternative"]
    assert {"sz-policy-fit", "sz-refined-other"} <= {item["condition"] for item in alternative.review}


def test_a_qualitative_alternative_to_a_failing_requirement_stays_undetermined():
    programme = load_programmes()["srdi-national-little-giant"]
    alternatives = [
        item
        for item in programme.leaves()
        if item.op == "qualitative" and item.id not in required_review(programme)
    ]
    assert [item.id for item in alternatives][:1] == ["recognised-other"]
    result = evaluate(programme, {}, AS_OF)
    assert result.outcome == "undetermined"
    assert result.undetermined_because == ["missing_data", "qualitative_alternative"]
    kinds = {item["condition"]: item["required"] for item in result.review}
    assert kinds["recognised-other"] is False and kinds["specialised-strategy"] is True


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
