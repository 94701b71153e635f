"""Pure helpers the app adds to the maturity engine: per-question contributions of a result."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.maturity import get_framework, score_response
from engines.maturity.scoring import question_contributions
from tests.support.assessment import answers_for

FRAMEWORKS = ["miit-2024-manufacturing", "miit-2024-services", "dma"]


@settings(max_examples=60, deadline=None)
@given(
    framework_id=st.sampled_from(FRAMEWORKS), strength=st.floats(0, 1), verified=st.sets(st.integers(0, 40))
)
def test_contributions_add_up_to_the_score_and_give_the_engines_verified_share(
    framework_id, strength, verified
):
    framework = get_framework(framework_id)
    answers = answers_for(framework, strength)
    ids = [q.id for q in framework.questions]
    states = {ids[i]: "verified" for i in verified if i < len(ids)}
    result = score_response(framework, answers, evidence=states)
    contributions = question_contributions(framework, result.points)
    assert set(contributions) == set(result.points)
    assert sum(contributions.values()) == pytest.approx(result.score, abs=1e-4)
    verified_points = sum(v for k, v in contributions.items() if k in states)
    assert verified_points == pytest.approx(result.score_by_evidence["verified"], abs=1e-3)


def test_scenario_questions_of_an_unweighted_dimension_add_nothing():
    framework = get_framework("miit-2024-manufacturing")
    result = score_response(framework, answers_for(framework, 1.0))
    contributions = question_contributions(framework, result.points)
    assert contributions["s_quality"] == 0 and contributions["network"] > 0
