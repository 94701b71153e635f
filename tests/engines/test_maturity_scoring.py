"""The one path: scores, levels with Chinese and English explanations, gaps, validation, incompleteness."""

import pytest

from engines.maturity import AnswerError, get_framework, score_response

MFG = "miit-2024-manufacturing"
SCENARIO_ORDER = [
    "product_design", "process_design", "marketing", "after_sales", "planning_scheduling",
    "production_control", "quality", "equipment", "safety", "energy", "procurement",
    "warehousing_logistics", "finance", "human_resources", "collaborative_office", "decision_support",
]  # fmt: skip


def full_answers(levels):
    """A complete manufacturing response worth 52.5 points, with the given scenario levels."""
    answers = {
        "network": "site_wide",  # 4
        "equipment_digitised_rate": 55,  # 5
        "equipment_networked_rate": 35,  # 4
        "data_collected": ["operations", "quality", "customers"],  # 6
        "systems_in_use": ["finance", "sales", "inventory", "purchasing", "office", "hr"],  # 7.5
        "security_measures": "policy",  # 4
        "data_backup": "manual",  # 2
        "digital_plan": "written",  # 6
        "leadership": "manager",  # 4
        "digital_staff_share": 2,  # 2
        "digital_investment_share": 0.7,  # 2
        "energy_per_100_yuan": {"before": 10, "after": 9.6},  # 4% better → 2
        "pass_rate": {"before": 95, "after": 97},  # 2.1% → 2
        "revenue_per_employee": {"before": 50, "after": 51},  # 2% → 2
        "cost_per_100_yuan": {"before": 80, "after": 84},  # worse → 0
    }
    answers.update({f"s_{sid}": level for sid, level in zip(SCENARIO_ORDER, levels, strict=True)})
    return answers


# 7 scenarios at ≥ 2 of which 4 mandatory; 3 at ≥ 3 of which 2 mandatory (product_design, quality)
LEVELS_52 = [3, 2, 3, 1, 2, 1, 3, 1, 1, 1, 1, 1, 2, 2, 1, 1]


def test_it_explains_the_issue_example_in_chinese():
    result = score_response(get_framework(MFG), full_answers(LEVELS_52))
    assert result.score == 52.5
    assert result.level == 2
    assert result.explanation_text == (
        "二级：得分 52.5 ≥ 40，且 7 个场景达到二级（其中 4 个约束性场景）；"
        "三级还需：得分 +7.5，另 5 个场景达到三级，其中 3 个约束性场景"
    )
    assert result.explanation_text_en == (
        "Level 2: score 52.5 ≥ 40 and 7 scenarios at level 2 or above (4 of them mandatory); "
        "Level 3 still needs: score +7.5, 5 more scenarios at level 3 or above, 3 of them mandatory"
    )


def test_it_returns_the_next_level_gap_as_data():
    gap = score_response(get_framework(MFG), full_answers(LEVELS_52)).next_level
    assert gap is not None
    assert (gap.level, gap.score_gap, gap.more_scenarios, gap.more_mandatory) == (3, 7.5, 5, 3)


def test_it_reports_dimensions_and_scenarios():
    result = score_response(get_framework(MFG), full_answers(LEVELS_52))
    assert {k: d.score for k, d in result.dimensions.items()} == {
        "foundation": 32.5, "management": 14.0, "outcomes": 6.0, "operations": 0.0,
    }  # fmt: skip
    assert result.scenarios["quality"].level == 3 and result.scenarios["quality"].mandatory
    assert not result.scenarios["finance"].mandatory
    assert result.scenarios_at_least[2] == 7 and result.mandatory_at_least[2] == 4


def test_it_holds_a_high_score_back_when_scenario_gates_fail():
    answers = full_answers([1] * 16)
    answers |= {"digital_plan": "budgeted", "leadership": "owner_team", "digital_investment_share": 6}
    result = score_response(get_framework(MFG), answers)
    assert result.score >= 40
    assert result.level == 1
    assert (
        "二级还需：" in result.explanation_text
        and "另 6 个场景达到二级，其中 4 个约束性场景" in result.explanation_text
    )
    assert "得分 +" not in result.explanation[1]


def test_it_reaches_the_top_level_and_says_so():
    answers = full_answers([4] * 16)
    answers |= {
        "network": "industrial", "equipment_digitised_rate": 90, "equipment_networked_rate": 90,
        "data_collected": ["operations", "equipment", "quality", "energy", "customers"],
        "security_measures": "certified", "data_backup": "automatic", "digital_plan": "budgeted",
        "leadership": "owner_team", "digital_staff_share": 12, "digital_investment_share": 6,
    }  # fmt: skip
    result = score_response(get_framework(MFG), answers)
    assert result.level == 4
    assert result.next_level is None
    assert result.explanation[-1] == "已达最高等级"


def test_it_scores_a_partial_response_as_incomplete_and_lists_what_is_missing():
    answers = full_answers(LEVELS_52)
    del answers["pass_rate"], answers["s_energy"]
    result = score_response(get_framework(MFG), answers)
    assert not result.complete
    assert result.missing == ("pass_rate", "s_energy")
    assert result.score == 50.5
    assert result.explanation[-1] == "尚有 2 道题未作答，结果为暂定"
    assert result.scenarios["energy"].answered is False


def test_it_scores_an_empty_response_below_level_one():
    result = score_response(get_framework(MFG), {})
    assert (result.score, result.level, result.complete) == (0, 0, False)
    assert result.explanation[0] == "未达一级：得分 0"
    assert result.explanation[1] == "一级还需：得分 +20"


@pytest.mark.parametrize(
    ("question", "value", "reason"),
    [
        ("network", "fibre", "is not an option of this question"),
        ("equipment_digitised_rate", 120, "above the maximum 100"),
        ("equipment_digitised_rate", -1, "below the minimum 0"),
        ("equipment_digitised_rate", "many", "expected a number"),
        ("data_collected", ["none", "quality"], "cannot be combined"),
        ("data_collected", ["quality", "quality"], "chosen twice"),
        ("data_collected", ["telepathy"], "is not an option"),
        ("pass_rate", {"before": 0, "after": 10}, "before must be above 0"),
        ("pass_rate", {"before": 90}, "expected"),
        ("s_quality", 5, "0-4"),
        ("s_quality", True, "0-4"),
        ("no_such_question", 1, "not a question"),
    ],
)
def test_it_rejects_out_of_range_answers_naming_the_question(question, value, reason):
    with pytest.raises(AnswerError) as caught:
        score_response(get_framework(MFG), {"network": "office", question: value})
    [error] = caught.value.errors
    assert error.question_id == question
    assert reason in error.reason
    assert error.reason_zh


def test_it_rejects_a_manufacturing_only_question_in_the_services_variant():
    with pytest.raises(AnswerError, match="equipment_digitised_rate: not a question"):
        score_response(get_framework("miit-2024-services"), {"equipment_digitised_rate": 50})


def test_it_shows_how_much_of_the_score_is_verified():
    result = score_response(
        get_framework(MFG),
        full_answers(LEVELS_52),
        evidence={"network": "verified", "digital_plan": "evidence_attached"},
    )
    assert result.score_by_evidence == {"self_declared": 42.5, "evidence_attached": 6.0, "verified": 4.0}
    assert result.verified_share == round(4 / 52.5, 4)


def test_it_scores_dma_as_the_mean_of_six_dimensions_with_bands():
    framework = get_framework("dma")
    answers = {q.id: q.options[-1].id for q in framework.questions if q.type == "single"}
    answers |= {"dma_readiness_tech": ["cloud"], "dma_automation_share": 5, "dma_automation_ai": "no"}
    result = score_response(framework, answers)
    assert result.dimensions["readiness"].score == 20 and result.dimensions["readiness"].band_en == "Basic"
    assert result.dimensions["automation"].score == 0
    assert result.dimensions["strategy"].score == 100 and result.dimensions["strategy"].band_zh == "先进"
    assert result.score == pytest.approx((100 * 4 + 20 + 0) / 6, abs=1e-6)
    assert (result.level, result.level_name_en) == (3, "Moderately advanced")
    assert result.explanation == ("较先进：得分 70 > 50", "先进还需：得分需高于 75（现为 70）")


def test_it_treats_dma_boundaries_as_the_bands_say():
    framework = get_framework("dma")
    answers = {"dma_strategy_plan": "yes", "dma_strategy_budget": "yes", "dma_human_training": "yes"}
    # 100 + 0 + 50 + 0 + 0 + 0 → mean 25: Basic (≤ 25), not Average
    result = score_response(framework, answers)
    assert result.score == 25
    assert result.level_name_en == "Basic"
    assert result.explanation[1] == "一般还需：得分需高于 25（现为 25）"
