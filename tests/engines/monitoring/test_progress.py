"""Target progress: the status of each case worked out by hand, both directions, both methods, the edges."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.monitoring.progress import (
    COLUMNS,
    SCHEMA,
    STATUS_LABELS,
    STATUSES,
    Observation,
    progress,
    progress_batch,
)
from tests.platform.test_chinese_punctuation import violations
from tests.support.i18n import CJK


def obs(
    direction: str = "increase",
    baseline: tuple[int, float] = (2020, 100.0),
    target: tuple[int | None, float | None] = (2025, 200.0),
    latest: tuple[int | None, float | None] = (2024, 150.0),
) -> Observation:
    return Observation("数字经济核心产业增加值", direction, *baseline, *target, *latest)


def batch_of(*observations: Observation) -> list[dict]:
    frame = pl.DataFrame([{name: getattr(o, name) for name in COLUMNS} for o in observations], schema=SCHEMA)
    return progress_batch(frame).to_dicts()


# ---------------------------------------------------------------- growth method, increase


def test_it_finds_the_example_needs_acceleration_by_growth_rates():
    # r_o = (150/100)^(1/4) - 1 = 1.10668 - 1 = 0.10668; r_r = (200/100)^(1/5) - 1 = 1.14870 - 1 = 0.14870
    # R = 0.10668 / 0.14870 = 0.7174, in [0.6, 0.95)
    result = progress(obs())
    assert result.status == "needs_acceleration" and result.method == "growth"
    assert result.observed_rate == pytest.approx(1.5**0.25 - 1)
    assert result.required_rate == pytest.approx(2**0.2 - 1)
    assert result.ratio == pytest.approx(0.7174, abs=1e-4)
    assert result.explanation_zh == (
        "2020年基线 100，2024年 150，目标2025年 200：实际年均增长 10.7%，所需年均增长 14.9%，比值 0.72，需加快"
    )
    assert result.explanation_en == (
        "Baseline 100 in 2020, 150 in 2024, target 200 by 2025: actual change +10.7% a year, "
        "required +14.9% a year, ratio 0.72: Needs acceleration."
    )


def test_it_is_on_track_when_growth_keeps_the_required_pace():
    # 100 → 121 in 2 years: 1.21^(1/2) - 1 = 0.1; target 146.41 in 4 years: 1.4641^(1/4) - 1 = 0.1; R = 1
    result = progress(obs(target=(2024, 146.41), latest=(2022, 121.0)))
    assert result.status == "on_track" and result.method == "growth"
    assert result.ratio == pytest.approx(1.0)


def test_it_sees_limited_progress_when_growth_is_slow():
    # 100 → 104 in 4 years: 1.04^(1/4) - 1 = 0.009853; target 200 in 5: 0.148698; R = 0.0663 in [0, 0.6)
    result = progress(obs(latest=(2024, 104.0)))
    assert result.status == "limited"
    assert result.ratio == pytest.approx(0.0663, abs=1e-4)


def test_it_sees_deterioration_when_the_value_falls_below_the_baseline():
    # 100 → 81 in 2 years: 0.81^(1/2) - 1 = -0.1; r_r = 0.148698; R = -0.6725 < 0
    result = progress(obs(latest=(2022, 81.0)))
    assert result.status == "deteriorating"
    assert result.observed_rate == pytest.approx(-0.1)
    assert result.ratio == pytest.approx(-0.1 / (2**0.2 - 1))


def test_a_value_at_the_target_is_achieved_and_still_reports_its_rates():
    # 100 → 200 in 4 years: 2^(1/4) - 1 = 0.189207; r_r = 2^(1/5) - 1 = 0.148698; R = 1.2724
    result = progress(obs(latest=(2024, 200.0)))
    assert result.status == "achieved"
    assert result.ratio == pytest.approx((2**0.25 - 1) / (2**0.2 - 1))
    assert result.ratio == pytest.approx(1.2724, abs=1e-4)


def test_achieved_wins_over_a_low_ratio():
    # Target 120 by 2040 (20 years) met early in 2021 at 120: r_o = 0.2, r_r = 1.2^(1/20) - 1 = 0.00916; still achieved.
    # And a value past the target after a slow start: 100 → 130 over 10 years, target 125 in 2022.
    assert progress(obs(target=(2040, 120.0), latest=(2021, 120.0))).status == "achieved"
    late = progress(obs(target=(2022, 125.0), latest=(2030, 130.0)))
    # r_o = 1.3^(1/10) - 1 = 0.02658; r_r = 1.25^(1/2) - 1 = 0.11803; R = 0.2252, yet the value is past the target
    assert late.status == "achieved" and late.ratio == pytest.approx(0.2252, abs=1e-4)


# ---------------------------------------------------------------- growth method, decrease


def test_a_decreasing_indicator_is_on_track_when_both_rates_are_negative_and_close():
    # energy per unit of output: 100 → 81 in 2 years: 0.9 - 1 = -0.1; target 65.61 in 4 years: 0.9 - 1 = -0.1; R = 1
    result = progress(obs("decrease", target=(2024, 65.61), latest=(2022, 81.0)))
    assert result.status == "on_track" and result.method == "growth"
    assert result.observed_rate < 0 and result.required_rate < 0
    assert result.ratio == pytest.approx(1.0)


def test_a_decreasing_indicator_needs_acceleration_or_is_limited_by_its_ratio():
    # 100 → 80 in 4 years: 0.8^(1/4) - 1 = -0.054258; target 50 in 5: 0.5^(1/5) - 1 = -0.129449; R = 0.4191
    assert progress(obs("decrease", target=(2025, 50.0), latest=(2024, 80.0))).status == "limited"
    # 100 → 64 in 4 years: 0.64^(1/4) - 1 = -0.105573; R = 0.105573 / 0.129449 = 0.8156
    slower = progress(obs("decrease", target=(2025, 50.0), latest=(2024, 64.0)))
    assert slower.status == "needs_acceleration"
    assert slower.ratio == pytest.approx(0.8156, abs=1e-4)


def test_a_decreasing_indicator_that_rises_is_deteriorating_and_one_below_target_achieved():
    # 100 → 110 in 4 years: r_o = 1.1^(1/4) - 1 = +0.024114; r_r = -0.129449; R = -0.1863
    rising = progress(obs("decrease", target=(2025, 50.0), latest=(2024, 110.0)))
    assert rising.status == "deteriorating" and rising.ratio == pytest.approx(-0.1863, abs=1e-4)
    # 100 → 40 ≤ 50: achieved; r_o = 0.4^(1/4) - 1 = -0.204729, R = 1.5815
    below = progress(obs("decrease", target=(2025, 50.0), latest=(2024, 40.0)))
    assert below.status == "achieved" and below.ratio == pytest.approx(1.5815, abs=1e-4)


# ---------------------------------------------------------------- linear method and exact boundaries

# Baseline 0 in 2020, target 100 in 2030: no growth rate from 0, so linear; r_r = 100 / 10 = 10 a year.
# A value in 2025 gives r_o = value / 5 and R = value / 50; 9.5 / 10 and 6 / 10 are the doubles 0.95 and 0.6.


@pytest.mark.parametrize(
    ("value", "status", "ratio"),
    [
        (47.5, "on_track", 0.95),  # r_o = 47.5 / 5 = 9.5, R = 9.5 / 10 = 0.95: on track from 0.95
        (47.4, "needs_acceleration", 0.948),  # r_o = 9.48, R = 0.948
        (30.0, "needs_acceleration", 0.6),  # r_o = 6, R = 0.6: needs acceleration from 0.6
        (29.9, "limited", 0.598),  # r_o = 5.98, R = 0.598
        (0.0, "limited", 0.0),  # r_o = 0, R = 0: limited from 0
        (-0.5, "deteriorating", -0.01),  # r_o = -0.1, R = -0.01
    ],
)
def test_the_boundaries_of_the_ratio_fall_on_the_better_status(value, status, ratio):
    result = progress(obs(baseline=(2020, 0.0), target=(2030, 100.0), latest=(2025, value)))
    assert result.method == "linear"
    assert result.status == status
    assert result.ratio == pytest.approx(ratio, abs=1e-12)
    assert (
        batch_of(obs(baseline=(2020, 0.0), target=(2030, 100.0), latest=(2025, value)))[0]["status"] == status
    )


@pytest.mark.parametrize(
    ("value", "status", "ratio"),
    [
        (52.5, "on_track", 0.95),  # r_o = (52.5 - 100) / 5 = -9.5; r_r = (0 - 100) / 10 = -10; R = 0.95
        (70.0, "needs_acceleration", 0.6),  # r_o = -30 / 5 = -6; R = 0.6
        (100.0, "limited", 0.0),  # r_o = 0; R = 0 (a negative zero counts as 0)
        (110.0, "deteriorating", -0.2),  # r_o = +2; R = -0.2
        (0.0, "achieved", 2.0),  # 0 ≤ 0: r_o = -20; R = 2
    ],
)
def test_a_decrease_to_zero_is_measured_linearly_with_the_same_boundaries(value, status, ratio):
    observation = obs("decrease", target=(2030, 0.0), latest=(2025, value))
    result = progress(observation)
    assert (result.method, result.status) == ("linear", status)
    assert result.ratio == pytest.approx(ratio, abs=1e-12)
    assert batch_of(observation)[0]["status"] == status


def test_a_negative_value_switches_to_linear_rates():
    # Net exports -20 → 10 in 3 years: r_o = 30 / 3 = 10; target 40 in 5: r_r = 60 / 5 = 12; R = 0.8333
    result = progress(obs(baseline=(2020, -20.0), target=(2025, 40.0), latest=(2023, 10.0)))
    assert (result.method, result.status) == ("linear", "needs_acceleration")
    assert (result.observed_rate, result.required_rate) == (10.0, 12.0)
    assert result.ratio == pytest.approx(10 / 12)
    assert "年均增加 10" in result.explanation_zh and "+10 a year" in result.explanation_en


def test_a_zero_latest_value_switches_to_linear_rates():
    # 100 → 0 in 4 years: r_o = -100 / 4 = -25; target 200 in 5: r_r = 100 / 5 = 20; R = -1.25
    result = progress(obs(latest=(2024, 0.0)))
    assert (result.method, result.status) == ("linear", "deteriorating")
    assert result.ratio == -1.25


# ---------------------------------------------------------------- no target, no data


def test_without_a_target_it_reports_the_observed_rate_only():
    # 100 → 150 in 4 years: 1.5^(1/4) - 1 = 0.10668
    for target in [(None, None), (2025, None), (None, 200.0)]:
        result = progress(obs(target=target))
        assert (result.status, result.method, result.ratio, result.required_rate) == (
            "no_target",
            "growth",
            None,
            None,
        )
        assert result.observed_rate == pytest.approx(1.5**0.25 - 1)
    # From 0: linear, (150 - 0) / 4 = 37.5 a year
    linear = progress(obs(baseline=(2020, 0.0), target=(None, None)))
    assert (linear.status, linear.method, linear.observed_rate) == ("no_target", "linear", 37.5)


@pytest.mark.parametrize(
    "latest",
    [(None, None), (2024, None), (None, 150.0), (2020, 150.0), (2019, 150.0)],
    ids=["nothing", "no value", "no year", "value in the baseline year", "value before the baseline"],
)
def test_without_a_value_after_the_baseline_there_is_no_data(latest):
    result = progress(obs(latest=latest))
    assert (result.status, result.ratio, result.observed_rate, result.required_rate, result.method) == (
        "no_data",
        None,
        None,
        None,
        None,
    )
    assert batch_of(obs(latest=latest))[0]["status"] == "no_data"


def test_no_data_comes_before_no_target():
    assert progress(obs(target=(None, None), latest=(2020, 1.0))).status == "no_data"


# ---------------------------------------------------------------- required rate zero or against the direction


@pytest.mark.parametrize(
    ("direction", "value"),
    [("increase", 90.0), ("decrease", 110.0)],
)
def test_a_target_equal_to_the_baseline_missed_is_deteriorating_without_a_ratio(direction, value):
    # Target 100 = baseline 100: r_r = 1^(1/5) - 1 = 0. Not achieved means the value moved the wrong way:
    # 90 → r_o = 0.9^(1/4) - 1 = -0.0260 (increase); 110 → +0.0241 (decrease).
    observation = obs(direction, target=(2025, 100.0), latest=(2024, value))
    result = progress(observation)
    assert (result.status, result.ratio, result.required_rate) == ("deteriorating", None, 0.0)
    assert batch_of(observation)[0]["status"] == "deteriorating"
    assert batch_of(observation)[0]["ratio"] is None


def test_a_target_equal_to_the_baseline_that_holds_is_achieved_without_a_ratio():
    # 100 → 100: r_o = 0, r_r = 0; 100 ≥ 100 achieved, R undefined.
    result = progress(obs(target=(2025, 100.0), latest=(2024, 100.0)))
    assert (result.status, result.ratio) == ("achieved", None)


def test_a_target_behind_the_baseline_missed_is_deteriorating_without_a_ratio():
    # increase, target 90 below baseline 100, value 80: r_o = 0.8^(1/4) - 1 < 0, r_r = 0.9^(1/5) - 1 < 0;
    # R would be +1.06 ("on track") although the value fell past a target met at the baseline.
    result = progress(obs(target=(2025, 90.0), latest=(2024, 80.0)))
    assert (result.status, result.ratio) == ("deteriorating", None)
    rising = progress(obs("decrease", target=(2025, 110.0), latest=(2024, 120.0)))
    assert (rising.status, rising.ratio) == ("deteriorating", None)


def test_a_required_rate_rounded_to_zero_takes_the_limit_of_the_ratio():
    # x0 = 1, xT = 1 + 4ε over 10 years: (1 + 4ε)^(1/10) rounds to 1.0, so r_r = 0 although xT > x0.
    # xt = 1 + 2ε after 1 year: r_o = 2ε > 0, not achieved; R → +∞ as r_r → 0⁺: on track.
    eps = 2.0**-52
    moving = obs(baseline=(2020, 1.0), target=(2030, 1 + 4 * eps), latest=(2021, 1 + 2 * eps))
    assert progress(moving).required_rate == 0.0
    assert (progress(moving).status, progress(moving).ratio) == ("on_track", None)
    still = obs(baseline=(2020, 1.0), target=(2030, 1 + 4 * eps), latest=(2021, 1.0))
    assert progress(still).status == "limited"  # r_o = 0: R = 0 / 0⁺ = 0
    assert [row["status"] for row in batch_of(moving, still)] == ["on_track", "limited"]


# ---------------------------------------------------------------- invalid input


@pytest.mark.parametrize(
    "observation",
    [
        obs(target=(2020, 200.0)),
        obs(target=(2019, None)),
        obs("up"),
        obs(latest=(2024, math.nan)),
        obs(baseline=(2020, math.inf)),
    ],
    ids=["target year = baseline year", "target year before baseline", "direction", "nan", "inf"],
)
def test_it_refuses_invalid_observations_on_both_paths(observation):
    with pytest.raises(ValueError):
        progress(observation)
    with pytest.raises(ValueError):
        batch_of(observation)


def test_the_batch_refuses_a_frame_without_every_column():
    with pytest.raises(ValueError, match="target_year"):
        progress_batch(pl.DataFrame({"indicator": ["a"]}))


# ---------------------------------------------------------------- explanations


EVERY_STATUS = {
    "achieved": obs(latest=(2024, 200.0)),
    "on_track": obs(target=(2024, 146.41), latest=(2022, 121.0)),
    "needs_acceleration": obs(),
    "limited": obs(latest=(2024, 104.0)),
    "deteriorating": obs(latest=(2022, 81.0)),
    "no_target": obs(target=(None, None)),
    "no_data": obs(latest=(None, None)),
    "deteriorating at the baseline": obs(target=(2025, 100.0), latest=(2024, 90.0)),
    "linear": obs("decrease", target=(2030, 0.0), latest=(2025, 70.0)),
}
INTERNAL = [*STATUSES, "increase", "decrease", "growth", "linear", "None", "nan", "_"]


@pytest.mark.parametrize("name", EVERY_STATUS)
def test_the_explanation_names_the_status_in_both_languages_and_no_internal_id(name):
    result = progress(EVERY_STATUS[name])
    zh, en = STATUS_LABELS[result.status]
    assert result.explanation_zh.endswith(zh) and zh in result.explanation_zh
    assert en in result.explanation_en
    assert not CJK.search(result.explanation_en)
    assert violations(result.explanation_zh) == []
    for token in INTERNAL:
        assert token not in result.explanation_zh and token not in result.explanation_en, token
    assert str(EVERY_STATUS[name].baseline_year) in result.explanation_en


def test_every_status_has_a_chinese_and_an_english_label_and_is_reached():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert all(CJK.search(zh) and not CJK.search(en) for zh, en in STATUS_LABELS.values())
    assert {progress(o).status for o in EVERY_STATUS.values()} == set(STATUSES)


def test_large_and_small_numbers_read_naturally():
    result = progress(obs(baseline=(2020, 1234567.0), target=(2025, 2e6), latest=(2024, 1500000.5)))
    assert "1,234,567" in result.explanation_en and "1,500,000.5" in result.explanation_en
    assert "e+" not in result.explanation_en


# ---------------------------------------------------------------- the batch agrees with one at a time


def test_the_batch_keeps_the_input_columns_and_order():
    frame = pl.DataFrame(
        [{name: getattr(o, name) for name in COLUMNS} for o in EVERY_STATUS.values()], schema=SCHEMA
    )
    out = progress_batch(frame)
    assert out.columns == [*COLUMNS, "status", "ratio", "observed_rate", "required_rate", "method"]
    assert out.select(COLUMNS).equals(frame)
    assert out.get_column("status").to_list() == [progress(o).status for o in EVERY_STATUS.values()]


VALUES = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 100.0, 50.0, 200.0, 0.01, -50.0]),
    st.integers(-1000, 1000).map(float),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2)),
)


@st.composite
def observations(draw):
    direction = draw(st.sampled_from(["increase", "decrease"]))
    t0 = draw(st.integers(2000, 2030))
    x0 = draw(VALUES)
    target_year = draw(st.one_of(st.none(), st.integers(t0 + 1, t0 + 15)))
    target_value = draw(st.one_of(st.none(), st.just(x0), VALUES))
    year = draw(st.one_of(st.none(), st.integers(t0 - 2, t0 + 15)))
    value = draw(st.one_of(st.none(), st.just(x0), st.just(target_value), VALUES))
    return Observation("指标", direction, t0, x0, target_year, target_value, year, value)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(observations(), min_size=1, max_size=40))
def test_the_batch_gives_the_one_at_a_time_answer_for_random_observations(rows):
    batch = batch_of(*rows)
    for observation, got in zip(rows, batch, strict=True):
        one = progress(observation)
        assert (got["status"], got["method"]) == (one.status, one.method), observation
        assert _same(got["ratio"], one.ratio), observation
        assert _same(got["observed_rate"], one.observed_rate), observation
        assert _same(got["required_rate"], one.required_rate), observation
