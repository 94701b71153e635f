"""Learning to rank (engines/match/ltr.py): labels, training, the model file, ranking with a model."""

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.match import FEATURES, Enterprise, Need, Solution, build_index, rank_need, rank_needs
from engines.match.ltr import (
    LTR_FEATURES,
    LearnedRanker,
    ModelError,
    ModelMissing,
    TrainingSet,
    blend_and_model_ndcg,
    labels_from_events,
    load,
    split_needs,
    train,
    training_set,
    zero_model,
)
from engines.match.rank import features_for
from tests.engines.test_match_rank import needs as need_strategy
from tests.engines.test_match_rank import solutions as solution_strategy

ZHEJIANG_MOULDER = Enterprise(industry_code="2929", province="33", employees=60)
NEED = Need(id="n1", title="订单做到哪了说不清，排产全靠拍脑袋", description="", enterprise=ZHEJIANG_MOULDER)


def mes(ident, **fields):
    values = {
        "title": "注塑车间MES",
        "description": "生产排程、扫码报工、生产进度看板",
        "scenarios": ("production",),
    }
    return Solution(id=ident, provider=fields.pop("provider", ident), **(values | fields))


def model_with(trained_at="2026-03-01T10:00:00", **weights):
    """A model whose weights (per standard deviation, means 0, scales 1) are the keyword arguments."""
    d = len(LTR_FEATURES)
    return LearnedRanker(
        LTR_FEATURES,
        (0.0,) * d,
        (1.0,) * d,
        tuple(float(weights.get(name, 0.0)) for name in LTR_FEATURES),
        {"trained_at": trained_at},
    )


def synthetic(needs=60, per_need=8, seed=1, driver="budget"):
    """Logged rows whose label is driven by one feature; the blend (log_blend) is noise."""
    rng = np.random.default_rng(seed)
    rows = needs * per_need
    matrix = rng.random((rows, len(LTR_FEATURES)))
    blend = rng.uniform(0.2, 1.0, rows)
    matrix[:, LTR_FEATURES.index("log_blend")] = np.log(blend)
    signal = matrix[:, LTR_FEATURES.index(driver)] + 0.1 * rng.standard_normal(rows)
    labels = np.digitize(signal, [0.6, 0.8, 0.95]).astype(np.int64)
    need_ids = tuple(f"n{i // per_need:03d}" for i in range(rows))
    solution_ids = tuple(f"s{i % per_need}" for i in range(rows))
    return TrainingSet(need_ids, solution_ids, matrix, blend, labels)


# --- labels and splits ---------------------------------------------------------------------------


def test_it_labels_each_pair_by_its_best_event():
    labels = labels_from_events(
        [
            ("n1", "s1", "impression"),
            ("n1", "s1", "click"),
            ("n1", "s1", "impression"),
            ("n1", "s2", "impression"),
            ("n1", "s3", "deal"),
            ("n1", "s3", "proposal_requested"),
            ("n2", "s1", "bookmark"),  # an unknown kind is ignored
        ]
    )
    assert labels == {"n1": {"s1": 1, "s2": 0, "s3": 3}}


def test_it_splits_needs_the_same_way_every_time():
    ids = [f"n{i}" for i in range(500)]
    train_ids, held = split_needs(ids)
    assert (train_ids, held) == split_needs(reversed(ids))
    assert not set(train_ids) & set(held) and len(train_ids) + len(held) == 500
    assert 70 <= len(held) <= 130  # about 20 %


# --- training ------------------------------------------------------------------------------------


def test_it_learns_a_positive_weight_for_the_feature_that_drives_the_label_and_improves_ndcg():
    data = synthetic()
    fit_ids, held_ids = split_needs(set(data.need_ids))
    model = train(data.subset(fit_ids), trained_at="t")
    weights = dict(zip(model.features, model.weights, strict=True))
    assert weights["budget"] > 0.5
    assert weights["budget"] == max(weights.values())
    assert model.metadata["needs"] == len(fit_ids) and model.metadata["pairs"] > 0
    before, after, needs = blend_and_model_ndcg(data.subset(held_ids), model)
    assert needs == len(held_ids)
    assert after > before + 0.1


def test_it_learns_a_negative_weight_when_the_feature_drives_the_label_down():
    data = synthetic(driver="size")
    flipped = replace(data, labels=3 - data.labels)
    weights = dict(zip(LTR_FEATURES, train(flipped, trained_at="t").weights, strict=True))
    assert weights["size"] < -0.5


def test_it_refuses_to_train_on_too_few_needs_with_pairs():
    data = synthetic(needs=30)
    one_label = data.subset([f"n{i:03d}" for i in range(19)])
    with pytest.raises(ModelError, match="too few events to learn from: 19 needs .* at least 20"):
        train(one_label, trained_at="t")
    impressions_only = replace(data, labels=np.zeros_like(data.labels))
    with pytest.raises(ModelError, match="0 needs"):
        train(impressions_only, trained_at="t")


def test_it_trains_the_same_model_twice():
    data = synthetic()
    assert train(data, trained_at="t").weights == train(data, trained_at="t").weights


# --- the model file --------------------------------------------------------------------------------


def test_it_saves_and_loads_a_model(tmp_path):
    model = train(synthetic(), trained_at="2026-03-01T10:00:00+08:00")
    path = tmp_path / "models" / "ltr.json"
    model.save(path)
    loaded = load(path)
    assert loaded == model
    assert loaded.name == "learned:2026-03-01T10:00:00+08:00"
    assert list(tmp_path.joinpath("models").iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"format_version": 99}', "format_version 99"),
        ("MISMATCH", "do not match the engine's"),
        ("NAN", "weights must be 12 finite numbers"),
        ("SCALE", "scales must be positive"),
    ],
)
def test_it_rejects_a_corrupt_or_mismatched_model_file(tmp_path, content, reason):
    good = model_with(budget=1.0).as_dict()
    if content == "MISMATCH":
        content = json.dumps(good | {"features": [*FEATURES, "clicks"]})
    elif content == "NAN":
        content = json.dumps(good | {"weights": [0.0] * 11 + ["x"]})
    elif content == "SCALE":
        content = json.dumps(good | {"scales": [1.0] * 11 + [0.0]})
    path = tmp_path / "ltr.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=reason) as caught:
        load(path)
    assert str(path) in str(caught.value) and "train a new model" in str(caught.value)
    assert not isinstance(caught.value, ModelMissing)


def test_it_says_a_missing_model_file_is_missing(tmp_path):
    with pytest.raises(ModelMissing, match="no model file; train one with `funeng matching_train`"):
        load(tmp_path / "nothing.json")


# --- ranking with a model ------------------------------------------------------------------------------


def test_it_ranks_exactly_as_the_blend_with_a_zero_model():
    index = build_index([mes(f"s{i}", price_cny_per_year=1000.0 * (i + 1) ** 3) for i in range(12)])
    need = replace(NEED, budget_cny_per_year=5000.0)
    blend, learned = (
        rank_need(index, need, 8),
        rank_need(index, need, 8, model=zero_model({"trained_at": "z"})),
    )
    assert blend.solution_ids == learned.solution_ids
    assert [m.score for m in learned.matches] == pytest.approx([m.score for m in blend.matches], rel=1e-12)
    assert [m.reasons for m in learned.matches] == [m.reasons for m in blend.matches]
    assert (blend.as_dict()["ranker"], learned.as_dict()["ranker"]) == ("blend", "learned:z")


def test_it_reorders_the_blends_pool_by_the_model_and_keeps_the_reasons():
    index = build_index([mes("cheap", price_cny_per_year=20000), mes("dear", price_cny_per_year=300000)])
    need = replace(NEED, budget_cny_per_year=30000.0)
    assert rank_need(index, need).solution_ids == ["cheap", "dear"]
    ranking = rank_need(index, need, model=model_with(budget=-10.0))
    assert ranking.solution_ids == ["dear", "cheap"]
    dear = ranking.matches[0]
    assert "超出预算" in dear.explanation_zh
    _, features, blended = features_for(index, need, ["dear"])  # the score is blend × exp(-10 × budget)
    assert dear.score == pytest.approx(blended[0] * np.exp(-10.0 * features["budget"][0]))


def test_it_computes_features_for_logged_pairs_outside_the_pool():
    live = mes("live", title="直播带货", description="网店运营", scenarios=("ecommerce",), industries=("H",))
    index = build_index([mes("mes"), live])
    found, features, blended = features_for(index, NEED, ["live", "gone", "mes"])
    assert found == ["live", "mes"]
    assert set(features) == set(FEATURES)
    # "live" is not relevant at all (never in the pool), yet its features are there to learn from
    assert blended[0] == 0.0 and features["industry"][0] == 0.0 and blended[1] > 0
    assert rank_need(index, NEED).solution_ids == ["mes"]


def test_it_builds_training_rows_from_labels_and_skips_unknown_solutions():
    index = build_index([mes("a"), mes("b", price_cny_per_year=900000)])
    data = training_set(index, {"n1": NEED}, {"n1": {"a": 2, "b": 0, "gone": 1}, "n2": {"a": 1}})
    assert (data.need_ids, data.solution_ids, data.labels.tolist()) == (("n1", "n1"), ("a", "b"), [2, 0])
    assert data.missing == 2  # the unknown solution, and the need that is not given
    assert data.matrix.shape == (2, len(LTR_FEATURES))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(solution_strategy, min_size=1, max_size=20),
    st.lists(need_strategy, min_size=1, max_size=6),
    st.integers(1, 10),
    st.integers(1, 4),
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=len(LTR_FEATURES), max_size=len(LTR_FEATURES)),
)
def test_it_ranks_the_same_one_at_a_time_and_in_batch_with_a_model(catalogue, asked, k, block, weights):
    catalogue = [replace(s, id=f"s{i}") for i, s in enumerate(catalogue)]
    asked = [replace(n, id=f"n{i}") for i, n in enumerate(asked)]
    model = LearnedRanker(
        LTR_FEATURES,
        tuple(0.5 for _ in LTR_FEATURES),
        tuple(0.25 for _ in LTR_FEATURES),
        tuple(weights),
        {"trained_at": "h"},
    )
    index = build_index(catalogue)
    batch = rank_needs(index, asked, k, block=block, model=model)
    for one_need, from_batch in zip(asked, batch, strict=True):
        one = rank_need(index, one_need, k, model=model)
        assert one.ranker == from_batch.ranker == "learned:h"
        assert [(m.solution_id, m.score, m.explanation_zh) for m in one.matches] == [
            (m.solution_id, m.score, m.explanation_zh) for m in from_batch.matches
        ]
