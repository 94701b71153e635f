"""One match-score scale (0-100 points) whatever the ranker, and reasons shown only with evidence."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.match import DEFAULT_WEIGHTS, FEATURES, match_points, score_ceiling
from engines.match.explain import quality_reasons
from engines.match.model import ProviderQuality
from engines.match.rank import blend

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
# Each feature in the range rank.py computes it in: peers is log(1 + deals), capped in the blend.
features = st.fixed_dictionaries(
    {name: (st.floats(min_value=0.0, max_value=10.0) if name == "peers" else unit) for name in FEATURES}
)


@settings(max_examples=500, deadline=None)
@given(features)
def test_the_blend_never_exceeds_its_ceiling_so_its_points_lie_in_0_to_100(values):
    score = float(blend({name: np.array([value]) for name, value in values.items()})[0])
    assert 0.0 <= score <= score_ceiling() + 1e-12
    assert 0.0 <= match_points(score) <= 100.0


@settings(max_examples=500, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_score_a_re_ranker_may_give_shows_between_0_and_100(score):
    points = match_points(score)
    assert 0.0 <= points <= 100.0 and not math.isnan(points)
    assert f"{points:.0f}" in {str(n) for n in range(101)}  # what the pages print (floatformat:0)


def test_scores_above_one_show_below_100_and_keep_their_order():
    # The blends a demo page showed as 1.02-1.04 (the bonuses lift the blend above 1).
    shown = [match_points(s) for s in (1.02, 1.03, 1.04)]
    assert shown == sorted(shown) and all(0 < p < 100 for p in shown)
    assert match_points(score_ceiling(DEFAULT_WEIGHTS)) == 100.0
    assert match_points(0.0) == 0.0 and match_points(float("inf")) == 100.0


def test_a_zero_average_uplift_is_no_reason_to_recommend():
    shown = quality_reasons(ProviderQuality(uplift=0.04, uplift_clients=3, rating=4.5, reviews=0))
    assert [r.code for r in shown] == []  # no uplift (rounds to 0.0) and no reviews: nothing to claim
    assert "0.0" not in " ".join(r.zh + r.en for r in shown)
    real = quality_reasons(ProviderQuality(uplift=6.25, uplift_clients=2, rating=4.5, reviews=4))
    assert {r.code for r in real} == {"uplift", "rating"}
    assert any("平均提升 6.2 分" in r.zh or "平均提升 6.3 分" in r.zh for r in real)
