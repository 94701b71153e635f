"""Peer percentiles (batch = one), T0→T1 uplift and the roadmap from the next-level gap."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engines.maturity import get_framework, score_response
from engines.maturity.analysis import (
    peer_percentiles,
    percentile_rank,
    roadmap,
    solution_names,
    uplift,
    uplift_frame,
)
from tests.engines.test_maturity_scoring import LEVELS_52, full_answers


def test_it_ranks_a_score_among_peers_with_ties_counted_half():
    assert percentile_rank(50, [10, 50, 50, 90]) == 50.0
    assert percentile_rank(90, [10, 50, 50, 90]) == 87.5
    with pytest.raises(ValueError, match="empty"):
        percentile_rank(1, [])


@given(
    st.lists(
        st.tuples(st.sampled_from(["13", "34"]), st.sampled_from(["330000", "320000"]), st.integers(0, 100)),
        min_size=1,
        max_size=40,
    )
)
def test_it_computes_peer_percentiles_in_batch_as_the_one_path_does(rows):
    frame = pl.DataFrame(rows, schema=["industry_division", "province", "score"], orient="row")
    ranked = peer_percentiles(frame, ["score"], ["industry_division", "province"])
    for division, province, score, pct, count in ranked.iter_rows():
        peers = [r[2] for r in rows if r[0] == division and r[1] == province]
        assert pct == pytest.approx(percentile_rank(score, peers))
        assert count == len(peers)


def test_it_measures_uplift_from_t0_to_t1():
    framework = get_framework("miit-2024-manufacturing")
    t0 = score_response(framework, full_answers(LEVELS_52))
    better = full_answers([3] * 16) | {"digital_plan": "budgeted", "digital_investment_share": 6}
    t1 = score_response(framework, better)
    delta = uplift(t0, t1)
    assert delta.score == pytest.approx(t1.score - t0.score) and delta.score > 0
    assert delta.level == t1.level - t0.level == 1
    assert delta.dimensions["management"] == 10  # plan +4, investment +6
    assert delta.scenarios["finance"] == 1 and delta.scenarios["product_design"] == 0
    assert delta.same_version


def test_it_refuses_uplift_across_frameworks():
    a = score_response(get_framework("dma"), {})
    b = score_response(get_framework("miit-2024-services"), {})
    with pytest.raises(ValueError, match="same framework"):
        uplift(a, b)


def test_it_computes_uplift_in_batch():
    t0 = pl.DataFrame({"enterprise_id": [1, 2], "score": [40.0, 55.0], "level": [2, 2]})
    t1 = pl.DataFrame({"enterprise_id": [2, 1], "score": [61.0, 38.0], "level": [3, 1]})
    deltas = uplift_frame(t0, t1, key="enterprise_id", columns=["score", "level"]).sort("enterprise_id")
    assert deltas.rows() == [(1, -2.0, -1), (2, 6.0, 1)]


def test_it_builds_a_roadmap_that_closes_the_scenario_gap_and_ranks_items_by_points_per_effort():
    framework = get_framework("miit-2024-manufacturing")
    result = score_response(framework, full_answers(LEVELS_52))
    steps = roadmap(framework, result, items=3)
    scenarios = [s for s in steps if s.kind == "scenario"]
    assert len(scenarios) == 5  # the gap: 5 more scenarios at level 3
    assert sum(s.mandatory for s in scenarios) >= 3
    assert all(s.target == 3 and s.current < 3 for s in scenarios)
    items = [s for s in steps if s.kind == "item"]
    assert len(items) == 3
    assert [i.points_per_effort for i in items] == sorted((i.points_per_effort for i in items), reverse=True)
    assert items[0].id == "digital_plan"  # 4 more points at effort 1
    assert all(step.solutions for step in steps)
    assert solution_names(items[0]) == ["数字化咨询规划"]


def test_it_has_no_scenario_steps_at_the_top_level():
    framework = get_framework("dma")
    answers = {q.id: q.options[-1].id for q in framework.questions if q.type == "single"}
    answers |= {"dma_readiness_tech": ["cloud", "erp", "crm", "ecommerce", "iot"], "dma_automation_share": 80}
    result = score_response(framework, answers)
    assert result.level == 4
    assert roadmap(framework, result) == []
