"""The batch path agrees with the one path on random responses, and validates with row and question."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.maturity import AnswerError, answers_frame, get_framework, score_frame, score_response
from engines.maturity.framework import Question, shipped_frameworks

FRAMEWORK_IDS = sorted(shipped_frameworks())


def _number(q: Question, *, positive: bool = False) -> st.SearchStrategy[float]:
    low = q.min_value if q.min_value is not None else 0.0
    high = q.max_value if q.max_value is not None else 1e6
    edges = [b.lower for b in q.bands if b.lower is not None and low <= b.lower <= high]
    values = st.floats(min_value=low, max_value=high, allow_nan=False) | st.sampled_from(edges or [low])
    return values.filter(lambda v: v > 0) if positive else values


def answer_for(q: Question) -> st.SearchStrategy[object]:
    if q.type == "single":
        return st.sampled_from([o.id for o in q.options])
    if q.type == "multiple":
        plain = [o.id for o in q.options if not o.exclusive]
        alone = [[o.id] for o in q.options if o.exclusive]
        return st.lists(st.sampled_from(plain), unique=True) | st.sampled_from(alone or [[]])
    if q.type == "number":
        return _number(q)
    if q.type == "before_after":
        return st.fixed_dictionaries({"before": _number(q, positive=True), "after": _number(q)})
    return st.integers(min_value=0, max_value=4)


@st.composite
def responses(draw, framework_id):
    framework = get_framework(framework_id)
    answers = {}
    for q in framework.questions:
        if draw(st.integers(0, 9)) > 0:  # about one answer in ten is missing
            answers[q.id] = draw(answer_for(q))
    return answers


def _one_row(framework, result):
    gap = result.next_level
    return {
        "score": result.score,
        "level": result.level,
        "complete": result.complete,
        "missing": list(result.missing),
        **{f"dim__{k}": d.score for k, d in result.dimensions.items()},
        **{f"at_least_{k}": v for k, v in result.scenarios_at_least.items()},
        **{f"mandatory_at_least_{k}": v for k, v in result.mandatory_at_least.items()},
        "next_level": None if gap is None else gap.level,
        "gap_score": None if gap is None else gap.score_gap,
        "gap_scenarios": None if gap is None else gap.more_scenarios,
        "gap_mandatory": None if gap is None else gap.more_mandatory,
    }


@pytest.mark.parametrize("framework_id", FRAMEWORK_IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_it_agrees_with_the_one_path_on_random_responses(framework_id, data):
    framework = get_framework(framework_id)
    batch = data.draw(st.lists(responses(framework_id), min_size=1, max_size=6))
    scored = score_frame(framework, answers_frame(framework, batch))
    assert scored.height == len(batch)
    for row, answers in zip(scored.iter_rows(named=True), batch, strict=True):
        expected = _one_row(framework, score_response(framework, answers))
        assert {k: row[k] for k in expected} == expected


def test_it_keeps_id_columns_and_input_order():
    framework = get_framework("dma")
    frame = answers_frame(framework, [{"dma_strategy_plan": "yes"}, {}]).with_columns(
        enterprise_id=__import__("polars").Series([7, 3])
    )
    scored = score_frame(framework, frame)
    assert scored.get_column("enterprise_id").to_list() == [7, 3]
    assert scored.get_column("score").to_list() == [pytest.approx(50 / 6), 0]


def test_it_names_question_and_first_bad_row_of_invalid_answers():
    framework = get_framework("miit-2024-manufacturing")
    frame = answers_frame(
        framework,
        [{"network": "office"}, {"equipment_digitised_rate": 150}, {"data_collected": ["none", "quality"]}],
    )
    with pytest.raises(AnswerError) as caught:
        score_frame(framework, frame)
    found = {(e.question_id, e.row) for e in caught.value.errors}
    assert found == {("equipment_digitised_rate", 1), ("data_collected", 2)}


def test_it_rejects_a_wrongly_shaped_answer_while_building_the_frame():
    framework = get_framework("miit-2024-manufacturing")
    with pytest.raises(AnswerError, match="row 1: pass_rate"):
        answers_frame(framework, [{}, {"pass_rate": 90}])
