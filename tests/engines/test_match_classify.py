"""The scenario classifier: colloquial words → the shared solution taxonomy, evaluated on its own."""

import pytest

from engines.match import classifier
from engines.match.classifier import LexiconError, classify, evaluate_classifier, labelled_sentences
from engines.maturity.framework import solution_categories


def test_it_maps_double_bookings_and_hand_copied_orders_to_business_management():
    result = classify("山里开了三家民宿，旺季房间老是订重，几个平台的订单要人一条条抄到本子上")
    assert result.top == "business_management"
    assert "ecommerce" in result.ids(min_share=0.2)
    assert "订重" in result.scores[0].cues


@pytest.mark.parametrize(
    ("sentence", "scenario"),
    [
        ("交期老是拖，排产靠车间主任拍脑袋，报工也是手写", "production"),
        ("每个月跟客户对账要一个星期，发票还得手工开", "finance_tax"),
        ("老师傅一走，机器停机了没人会修，保养全靠记性", "equipment_mgmt"),
        ("想在抖音上直播卖我们的土特产", "ecommerce"),
        ("客户要求我们过等保", "cybersecurity"),
    ],
)
def test_it_finds_the_scenario_of_colloquial_sentences(sentence, scenario):
    assert classify(sentence).top == scenario


def test_it_finds_nothing_in_a_sentence_without_cues():
    result = classify("今天天气不错")
    assert result.top is None and result.confidence == 0.0 and not result.vector.any()


def test_it_ignores_a_scenario_the_owner_refuses_but_keeps_the_deployment_wish():
    result = classify("数据要放在厂里自己的服务器上，不想上云")
    assert result.deployment == "private"
    assert "上云" not in [cue for score in result.scores for cue in score.cues]


def test_it_only_uses_ids_of_the_shared_taxonomy():
    assert set(classifier.lexicon().scenario_ids) == set(solution_categories())


def test_it_reaches_its_floor_on_the_held_back_labelled_sentences():
    # The "test" sentences are never used to tune lexicon.yaml; the floor guards against regressions.
    report = evaluate_classifier(labelled_sentences("test"))
    assert report.sentences >= 70
    assert report.precision >= 0.6 and report.recall >= 0.6, report.as_dict()


def test_it_counts_a_miss_when_the_top_scenario_is_not_labelled():
    report = evaluate_classifier(
        [("每个月跟客户对账要一个星期", ["production"]), ("今天天气不错", ["production"])]
    )
    assert (report.sentences, report.predicted, report.correct) == (2, 1, 0)
    assert report.precision == 0.0 and report.recall == 0.0


def test_it_rejects_a_lexicon_with_an_unknown_scenario(tmp_path, monkeypatch):
    bad = tmp_path / "lexicon.yaml"
    bad.write_text("version: x\nscenarios:\n  hospitality:\n    3: [订房]\n", encoding="utf-8")
    monkeypatch.setattr(classifier, "LEXICON_FILE", bad)
    with pytest.raises(LexiconError, match="scenarios.hospitality: not a solution category"):
        classifier._load()


def test_it_rejects_a_lexicon_weight_outside_one_to_three(tmp_path, monkeypatch):
    bad = tmp_path / "lexicon.yaml"
    bad.write_text("version: x\nscenarios:\n  production:\n    5: [排产]\n", encoding="utf-8")
    monkeypatch.setattr(classifier, "LEXICON_FILE", bad)
    with pytest.raises(LexiconError, match="weights are 1, 2 or 3"):
        classifier._load()
