"""The trust engine (engines/trust): weights as validated data, and the batch path agreeing with the one path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.trust import (
    COMPONENTS,
    INPUT_COLUMNS,
    TrustInputs,
    TrustWeightsError,
    inputs_frame,
    load_weights,
    score_frame,
    shipped_weights,
    trust_score,
)
from engines.trust.batch import _round_like_python
from engines.trust.weights import WEIGHTS_FILE

SHIPPED = yaml.safe_load(WEIGHTS_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "weights.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def changed(**top) -> dict:
    """The shipped file's data with some top-level sections replaced."""
    return {**SHIPPED, **top}


def test_it_loads_the_shipped_weights_with_a_version_a_basis_and_a_note_for_every_number():
    weights = shipped_weights()
    assert weights.version and weights.effective_from.year >= 2020
    assert tuple(weights.weights) == COMPONENTS
    assert sum(weights.weights.values()) == pytest.approx(1.0)
    assert "可信服务商" in weights.basis.quote and "工信厅企业〔2020〕10号" in weights.basis.document
    keys = [f"weights.{c}" for c in COMPONENTS] + [f"constants.{c}" for c in SHIPPED["constants"]]
    for key in keys + [f"vetting_values.{s}" for s in weights.vetting_values]:
        note = weights.note(key)
        assert note.zh and note.en, key
    # honest provenance: no weight claims to come from a regulation
    assert all(weights.note(f"weights.{c}").en.startswith("Provisional") for c in COMPONENTS)


def test_it_refuses_weights_that_do_not_sum_to_one_and_names_the_file_and_key(tmp_path):
    weights = {**SHIPPED["weights"], "rating": {**SHIPPED["weights"]["rating"], "value": 0.4}}
    with pytest.raises(TrustWeightsError) as error:
        load_weights(write(tmp_path, changed(weights=weights)))
    assert error.value.file == "weights.yaml" and error.value.key == "weights"
    assert "sum to 1" in str(error.value) and "rating 0.4" in str(error.value)


def test_it_refuses_a_weight_outside_zero_to_one(tmp_path):
    weights = {**SHIPPED["weights"], "vetting": {**SHIPPED["weights"]["vetting"], "value": -0.1}}
    with pytest.raises(
        TrustWeightsError, match=r"weights\.yaml: weights\.vetting\.value: -0\.1 is outside \[0\.0, 1\.0\]"
    ):
        load_weights(write(tmp_path, changed(weights=weights)))


def test_it_refuses_unknown_and_missing_keys(tmp_path):
    extra = {**SHIPPED["weights"], "speed": {"value": 0.0, "note": {"zh": "速", "en": "speed"}}}
    with pytest.raises(TrustWeightsError, match=r"weights\.speed: unknown key; known keys: vetting, rating"):
        load_weights(write(tmp_path, changed(weights=extra)))
    constants = {k: v for k, v in SHIPPED["constants"].items() if k != "outcome_scale"}
    with pytest.raises(TrustWeightsError, match=r"constants\.outcome_scale: required key is missing"):
        load_weights(write(tmp_path, changed(constants=constants)))
    with pytest.raises(TrustWeightsError, match=r"vetting_values\.pending: unknown vetting state"):
        load_weights(
            write(tmp_path, changed(vetting_values={"pending": SHIPPED["vetting_values"]["applied"]}))
        )


def test_it_requires_a_note_in_both_languages_and_a_quoted_version(tmp_path):
    rating = {**SHIPPED["weights"]["rating"], "note": {"en": "ours"}}
    with pytest.raises(TrustWeightsError, match=r"weights\.rating\.note\.zh: required key is missing"):
        load_weights(write(tmp_path, changed(weights={**SHIPPED["weights"], "rating": rating})))
    with pytest.raises(TrustWeightsError, match=r"version: got 2026\.11; quote the version"):
        load_weights(write(tmp_path, changed(version=2026.11)))


def test_it_refuses_a_constant_outside_its_range(tmp_path):
    constants = {**SHIPPED["constants"], "rating_prior": {**SHIPPED["constants"]["rating_prior"], "value": 6}}
    with pytest.raises(
        TrustWeightsError, match=r"constants\.rating_prior\.value: 6 is outside \[1\.0, 5\.0\]"
    ):
        load_weights(write(tmp_path, changed(constants=constants)))


def test_it_scores_with_the_weights_it_is_given_and_records_their_version(tmp_path):
    weights = {
        c: {**SHIPPED["weights"][c], "value": 1.0 if c == "vetting" else 0.0} for c in SHIPPED["weights"]
    }
    only_vetting = load_weights(write(tmp_path, changed(weights=weights, version="test.1")))
    inputs = TrustInputs(vetting_state="applied", reviews=3, rating_sum=15.0)
    assert trust_score(inputs, only_vetting).score == 50.0
    assert trust_score(inputs, only_vetting).weights_version == "test.1"
    assert trust_score(inputs).weights_version == shipped_weights().version
    assert score_frame(inputs_frame([inputs]), only_vetting)["weights_version"].to_list() == ["test.1"]


def test_it_rounds_ties_in_the_batch_as_python_rounds_them():
    values = [0.25, 0.35, 2.675, 57.25, 57.35, 1.05, 99.95, 0.0, 12.3456]
    assert _round_like_python(np.array(values), 1).tolist() == [round(v, 1) for v in values]


def test_it_keeps_other_columns_and_the_row_order_and_names_missing_columns():
    frame = inputs_frame([TrustInputs("approved", delivered=20), TrustInputs("suspended", reviews=9)])
    scored = score_frame(frame.with_columns(provider_id=pl.Series([7, 3])))
    assert scored["provider_id"].to_list() == [7, 3]
    assert scored["excluded"].to_list() == [False, True]
    assert set(INPUT_COLUMNS) | set(COMPONENTS) | {"score", "excluded", "weights_version"} <= set(
        scored.columns
    )
    with pytest.raises(ValueError, match="lacks the columns outcome_sum"):
        score_frame(frame.drop("outcome_sum"))


counts = st.integers(min_value=0, max_value=500)
inputs = st.builds(
    lambda state, reviews, mean, delivered, cancelled, upheld, clients, change: TrustInputs(
        vetting_state=state,
        reviews=reviews,
        rating_sum=reviews * mean,
        delivered=delivered,
        cancelled=cancelled,
        complaints_upheld=upheld,
        outcome_clients=clients,
        outcome_sum=clients * change,
    ),
    st.sampled_from(["approved", "applied", "rejected", "suspended", "unknown"]),
    st.integers(min_value=0, max_value=300) | st.just(0),
    st.floats(min_value=1.0, max_value=5.0) | st.sampled_from([1.0, 3.5, 4.6, 5.0]),
    counts | st.just(0),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=8) | st.just(0),
    st.integers(min_value=0, max_value=60) | st.just(0),
    st.floats(min_value=-100.0, max_value=100.0) | st.sampled_from([0.0, 12.5, 25.0, -25.0]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(inputs, min_size=1, max_size=20))
def test_it_agrees_with_the_one_path_on_random_providers(providers):
    scored = score_frame(inputs_frame(providers))
    assert scored.height == len(providers)
    for row, provider in zip(scored.iter_rows(named=True), providers, strict=True):
        one = trust_score(provider)
        assert row["score"] == one.score
        assert row["excluded"] == one.excluded
        assert {c.id: row[c.id] for c in one.components} == {c.id: c.value for c in one.components}
        assert row["weights_version"] == one.weights_version


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_the_parts_a_page_shows_add_up_to_the_total_it_shows(provider):
    """Issue 19: parts summing to 86.4 beside a total of 86.5. Each part is rounded once, the total is their sum."""
    from decimal import Decimal

    scored = trust_score(provider)
    shown_parts = [Decimal(f"{c.points:.1f}") for c in scored.components]
    if not scored.excluded:
        assert sum(shown_parts, Decimal(0)) == Decimal(f"{scored.score:.1f}")
    # and the batch path shows the same total
    assert score_frame(inputs_frame([provider]))["score"].to_list() == [scored.score]


def test_it_rounds_the_parts_before_adding_them():
    provider = TrustInputs(
        "approved", reviews=7, rating_sum=31.0, delivered=9, cancelled=1, complaints_upheld=0
    )
    scored = trust_score(provider)
    assert scored.score == round(sum(c.points for c in scored.components), 1)
    assert all(c.points == round(c.points, 1) for c in scored.components)
