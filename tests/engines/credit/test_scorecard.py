"""The scorecard: fitting on public and synthetic data, the JSON model file, scoring one and in batch."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.credit.fit import FitOptions, TrainingDataError, fit_scorecard
from engines.credit.metrics import auc
from engines.credit.model import Bin, ModelFileError, Variable, from_dict, load, monotone_problem
from engines.credit.score import MissingColumnError, reasons_json, reasons_list, score_batch, score_one
from engines.credit.synthetic import BAD, SECTIONS, TARGET, loan_book
from tests.engines.credit.conftest import bad_mask
from tests.support.i18n import CJK


def test_german_credit_holds_out_well_with_monotone_numeric_bins(german, german_fit):
    train, test = german
    risk = score_batch(german_fit.model, test).get_column("pd").to_numpy()
    test_auc = auc(bad_mask(test, "creditability", "bad"), risk)
    # Published WOE/logistic baselines on this data range 0.68-0.80; 70/30 splits of it vary by
    # several points (benchmarks/credit.py prints ours), so the check is a floor, not the target.
    assert test_auc >= 0.78, test_auc
    assert german_fit.auc > test_auc  # the training figure is the optimistic one
    numeric = [v for v in german_fit.model.variables if v.kind == "numeric"]
    assert numeric and all(v.monotone_required and v.trend in ("ascending", "descending") for v in numeric)
    for variable in numeric:
        rates = [b.bads / b.count for b in variable.bins[:-1] if b.count]
        steps = np.diff(rates)
        assert (steps >= 0).all() or (steps <= 0).all(), variable.name
    assert german_fit.summary()["monotone"] is True
    # Categorical variables count too, and every coefficient is positive (points follow the bins).
    assert any(v.kind == "categorical" for v in german_fit.model.variables)
    assert all(v.coefficient > 0 for v in german_fit.model.variables)


def test_points_follow_the_scaling_and_the_bins(german_fit):
    model = german_fit.model
    scaling = model.scaling
    assert math.isclose(scaling.factor, 20 / math.log(2))
    for variable in model.variables:
        for b in variable.bins:
            assert math.isclose(b.points, -scaling.factor * variable.coefficient * b.woe, abs_tol=1e-9)
        # Riskier bins (higher WOE) never earn more points.
        ordered = sorted(variable.bins, key=lambda b: b.woe)
        assert all(a.points >= b.points for a, b in zip(ordered, ordered[1:], strict=False))
    # At the base score the odds are base_odds: pd = 1 / (1 + 50).
    applicant_logit = (scaling.offset - scaling.base_points) / scaling.factor
    assert math.isclose(1 / (1 + math.exp(-applicant_logit)), 1 / 51)


def test_the_model_file_is_json_and_round_trips(tmp_path, loan_fit):
    path = tmp_path / "model.json"
    loan_fit.model.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "funeng.scorecard/1"
    assert {"trained_at", "rows", "bads", "data_sha256", "options"} <= set(data["metadata"])
    again = load(path)
    book = loan_book(300, 99)
    assert score_batch(again, book).equals(score_batch(loan_fit.model, book))


def test_a_model_file_with_non_monotone_required_bins_is_refused(loan_fit):
    data = loan_fit.model.as_dict()
    numeric = next(v for v in data["variables"] if v["kind"] == "numeric" and len(v["bins"]) >= 4)
    numeric["bins"][0]["bads"], numeric["bins"][1]["bads"] = 0, numeric["bins"][1]["count"]
    numeric["bins"][2]["bads"] = 0
    with pytest.raises(ModelFileError, match="monotone"):
        from_dict(data)
    with pytest.raises(ModelFileError, match="schema"):
        from_dict({"schema": "pickle"})


def test_monotone_check_names_the_variable_and_the_rates():
    bins = (
        Bin("(-inf, 1)", 100, 10, 0.0, 0.0),
        Bin("[1, 2)", 100, 40, 0.0, 0.0),
        Bin("[2, inf)", 100, 20, 0.0, 0.0),
    )
    variable = Variable(
        "age", "numeric", (1.0, 2.0), (), (*bins, Bin("missing", 0, 0, 0.0, 0.0)), 1.0, "none", True, 0.1
    )
    problem = monotone_problem(variable, "ascending")
    assert problem is not None and "age" in problem and "0.400" in problem
    assert monotone_problem(variable, "auto") is not None
    assert monotone_problem(variable, "none") is None


def test_required_direction_is_honoured():
    book = loan_book(4_000, 3)
    report = fit_scorecard(book, TARGET, BAD, FitOptions(monotone="descending"))
    cloud = next(v for v in report.model.variables if v.name == "cloud_spend_12m_cny")
    assert cloud.trend in ("descending", "flat")
    # Leverage raises risk: forced descending, its bins cannot separate and the binning flattens it.
    assert all(v.trend in ("descending", "flat", "categorical") for v in report.model.variables)


# ------------------------------------------------------------------ bad training data


def _frame(**columns):
    return pl.DataFrame(columns)


def test_one_class_target_is_a_clear_error():
    frame = _frame(x=[1, 2, 3, 4], y=["good"] * 4)
    with pytest.raises(TrainingDataError, match="one class"):
        fit_scorecard(frame, "y", "bad")
    with pytest.raises(TrainingDataError, match="not in the data"):
        fit_scorecard(frame, "outcome", "bad")


def test_constant_all_missing_and_leaking_columns_are_left_out_with_reasons():
    book = loan_book(3_000, 5)
    frame = book.with_columns(
        constant=pl.lit(7),
        empty=pl.lit(None, dtype=pl.Float64),
        leak=pl.when(pl.col(TARGET) == BAD).then(pl.lit(1.0)).otherwise(pl.lit(0.0)),
    )
    report = fit_scorecard(frame, TARGET, BAD)
    reasons = dict(report.excluded)
    assert reasons["constant"] == "constant"
    assert reasons["empty"] == "all values missing"
    assert "leak" in reasons["leak"] and any("leak" in w for w in report.warnings)
    assert {"constant", "empty", "leak"}.isdisjoint(v.name for v in report.model.variables)


def test_nothing_to_learn_is_an_error():
    rng = np.random.default_rng(1)
    frame = _frame(noise=rng.random(2_000), y=np.where(rng.random(2_000) < 0.3, "bad", "good"))
    with pytest.raises(TrainingDataError, match="no variable"):
        fit_scorecard(frame, "y", "bad")


# ------------------------------------------------------------------ scoring


def test_unseen_category_is_scored_as_missing_and_named_as_a_reason(loan_fit):
    applicant = loan_book(1, 11).row(0, named=True) | {"industry_section": "Z"}
    result = score_one(loan_fit.model, applicant)
    first = result.reasons[0]
    assert first.variable == "industry_section" and first.unseen and "unseen" in first.bin
    assert "未见于训练数据" in result.explanation and "not seen in training" in result.explanation_en
    assert not CJK.search(result.explanation_en)
    batch = score_batch(loan_fit.model, pl.DataFrame([applicant]))
    assert reasons_list(batch)[0] == [r.as_dict() for r in result.reasons]


def test_a_missing_model_column_is_named_and_unknown_columns_are_ignored(loan_fit):
    book = loan_book(20, 12)
    with pytest.raises(MissingColumnError, match="cloud_spend_12m_cny"):
        score_batch(loan_fit.model, book.drop("cloud_spend_12m_cny"))
    with pytest.raises(MissingColumnError, match="cloud_spend_12m_cny"):
        score_one(loan_fit.model, book.drop("cloud_spend_12m_cny").row(0, named=True))
    extra = book.with_columns(unknown=pl.lit("x")).drop(TARGET)
    assert score_batch(loan_fit.model, extra).equals(score_batch(loan_fit.model, book))


def test_text_that_is_not_a_number_is_an_error_naming_row_and_column(loan_fit):
    book = loan_book(5, 13).with_columns(pl.col("revenue_cny").cast(pl.String))
    book = book.with_columns(
        pl.when(pl.int_range(5) == 3).then(pl.lit("n/a")).otherwise("revenue_cny").alias("revenue_cny")
    )
    with pytest.raises(ValueError, match="revenue_cny, row 4"):
        score_batch(loan_fit.model, book)


def test_reasons_json_is_valid_json_in_contract_order(loan_fit):
    book = loan_book(50, 14)
    scored = score_batch(loan_fit.model, book)
    for text, expected in zip(reasons_json(scored), reasons_list(scored), strict=True):
        parsed = json.loads(text)
        assert parsed == expected and len(parsed) <= 4
        assert all(list(item) == ["variable", "bin", "points_lost"] for item in parsed)


applicants = st.fixed_dictionaries(
    {
        "revenue_cny": st.one_of(st.none(), st.floats(0, 1e9, allow_nan=False), st.integers(0, 10**9)),
        "employees": st.one_of(st.none(), st.integers(0, 5_000)),
        "years_operating": st.one_of(st.none(), st.integers(0, 60)),
        "industry_section": st.one_of(st.none(), st.sampled_from([*SECTIONS, "Q", ""])),
        "liabilities_ratio": st.one_of(st.none(), st.floats(0, 1.5, allow_nan=False)),
        "cloud_spend_12m_cny": st.one_of(st.none(), st.floats(0, 5e6, allow_nan=False)),
        "digital_investment_36m_cny": st.one_of(st.none(), st.floats(0, 5e7, allow_nan=False)),
        "overdue_events_2y": st.one_of(st.none(), st.integers(0, 9)),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(applicants, min_size=1, max_size=40))
def test_batch_scoring_equals_one_at_a_time(loan_fit, rows):
    schema = {
        "revenue_cny": pl.Float64,
        "employees": pl.Int64,
        "years_operating": pl.Int64,
        "industry_section": pl.String,
        "liabilities_ratio": pl.Float64,
        "cloud_spend_12m_cny": pl.Float64,
        "digital_investment_36m_cny": pl.Float64,
        "overdue_events_2y": pl.Int64,
    }
    frame = pl.DataFrame(rows, schema=schema)
    batch = score_batch(loan_fit.model, frame)
    batch_reasons = reasons_list(batch)
    for i, row in enumerate(frame.iter_rows(named=True)):
        one = score_one(loan_fit.model, row)
        assert one.score == batch["score"][i]
        assert math.isclose(one.pd, batch["pd"][i], rel_tol=1e-12)
        assert [r.as_dict() for r in one.reasons] == batch_reasons[i]


def test_the_model_keeps_its_training_score_bands_for_monitoring(loan_fit):
    from engines.credit.monitor import stability_against_baseline

    model = loan_fit.model
    baseline = model.metadata["baseline"]
    assert len(baseline["edges"]) + 1 == len(baseline["shares"]) and math.isclose(sum(baseline["shares"]), 1)
    training = score_batch(model, loan_book(5_000, 7)).get_column("score").to_numpy()
    same = stability_against_baseline(model, training)
    assert same is not None and same.value < 0.001 and same.band == "stable"
    shifted = stability_against_baseline(model, training - 60)
    assert shifted is not None and shifted.band == "shift"
    assert stability_against_baseline(model, np.array([])) is None
