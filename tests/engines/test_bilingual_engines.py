"""Every text an engine hands to people comes in Chinese and English, and names things, never ids."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engines.classify import digital_economy_class, size_class
from engines.maturity import get_framework
from engines.maturity.analysis import RoadmapStep, solution_names
from engines.maturity.scoring import score_response
from engines.reference.digital_economy import digital_economy_table
from engines.reference.industry import industry_table
from engines.reference.sme_size import size_rules
from engines.rules.evaluate import evaluate, fmt
from engines.rules.fields import CODE_LABELS, FIELDS
from engines.rules.loader import PROGRAMMES_DIR, RuleError, load_programme_versions, parse_programme
from tests.support.i18n import CJK

AS_OF = dt.date(2024, 6, 30)
SCENARIOS = Path(PROGRAMMES_DIR).parent / "scenarios"
ZHEJIANG = yaml.safe_load((PROGRAMMES_DIR / "srdi-zhejiang.yaml").read_text(encoding="utf-8"))
MFG = "miit-2024-manufacturing"


def english(text: str) -> bool:
    return bool(text.strip()) and not CJK.search(text)


def chinese(text: str) -> bool:
    return bool(CJK.search(text))


def all_programmes():
    return [programme for versions in load_programme_versions().values() for programme in versions]


# ---------------------------------------------------------------- policy rules


def test_every_programme_node_reads_in_both_languages_and_keeps_its_clause_in_chinese():
    nodes = 0
    for programme in all_programmes():
        assert english(programme.name_en) and english(programme.issuing_body_en), programme.id
        assert len(programme.notes_en) == len(programme.notes)
        assert all(english(note) for note in programme.notes_en)
        for node in programme.nodes.values():
            nodes += 1
            assert chinese(node.text) and english(node.text_en), (programme.id, node.id)
            # The citation quotes a Chinese government document: it is never translated.
            assert chinese(node.citation.quote), (programme.id, node.id)
            if node.reading is not None:
                assert english(node.reading.chosen_en) and english(node.reading.alternative_en)
    assert nodes >= 250


def test_every_dictionary_field_and_code_has_a_chinese_and_an_english_label():
    for field in FIELDS.values():
        assert chinese(field.zh) and english(field.en), field.name
    for name, labels in CODE_LABELS.items():
        assert name in FIELDS
        for code, (zh, en) in labels.items():
            assert chinese(zh) and english(en), (name, code)


def _broken(change) -> str:
    data = copy.deepcopy(ZHEJIANG)
    change(data)
    with pytest.raises(RuleError) as caught:
        parse_programme(data, "srdi-zhejiang.yaml")
    return str(caught.value)


def test_it_refuses_a_condition_without_an_english_text():
    def change(data):
        del data["conditions"]["all"][0]["text_en"]

    assert "conditions.all[0].text_en" in _broken(change)


def test_it_refuses_an_english_text_that_is_still_chinese():
    def change(data):
        data["conditions"]["all"][0]["text_en"] = "在省内工商注册登记"

    assert "conditions.all[0].text_en: English text contains" in _broken(change)


def _first_reading(node):
    if "reading" in node:
        return node["reading"]
    for key in ("all", "any", "of"):
        for child in node.get(key, []):
            found = _first_reading(child)
            if found is not None:
                return found
    return None


def test_it_refuses_a_reading_notes_or_issuing_body_without_english():
    def no_reading(data):
        del _first_reading(data["conditions"])["chosen_en"]

    def short_notes(data):
        data["notes_en"] = data["notes_en"][:1]

    def no_body(data):
        del data["issuing_body_en"]

    assert ".reading.chosen_en" in _broken(no_reading)
    assert "notes_en" in _broken(short_notes)
    assert "issuing_body_en" in _broken(no_body)


def _scenario_enterprises():
    """The enterprises of the rule scenarios: each file's base with every scenario's changes."""
    for path in sorted(SCENARIOS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield dict(data["base"])
        for case in data["scenarios"]:
            yield {**data["base"], **(case.get("enterprise") or {})}


def test_reasons_gaps_and_steps_come_in_both_languages():
    enterprises = list(_scenario_enterprises())
    assert len(enterprises) >= 9
    seen = {"failing": 0, "unknown": 0, "review": 0, "gaps": 0, "steps": 0}
    for programme in all_programmes():
        if not programme.in_force(AS_OF):
            continue
        for enterprise in enterprises:
            result = evaluate(programme, enterprise, AS_OF).as_dict()
            for kind in ("failing", "unknown", "review"):
                for item in result[kind]:
                    seen[kind] += 1
                    assert chinese(item["text"]) and english(item["text_en"])
                    assert item["text_en"] == programme.nodes[item["condition"]].text_en
            for gap in result["gaps"]:
                seen["gaps"] += 1
                assert chinese(gap["text"]) and english(gap["text_en"])
                for option in gap["options"]:
                    for step in option["steps"]:
                        seen["steps"] += 1
                        assert chinese(step["message"]) and english(step["message_en"]), step
                        assert "万" not in step["message_en"]
    assert all(seen.values()), seen


def test_a_gap_in_english_counts_money_in_full_yuan_and_ratios_in_percent():
    programme = load_programme_versions()["srdi-zhejiang"][-1]
    weak = {
        "region_code": "330106",
        "revenue_cny": 150_000_000,
        "rd_expense_2y_cny": 6_480_000,
        "revenue_prev_cny": 120_000_000,
        "rd_intensity_2y": 0.024,
        "equity_financing_2y_cny": 45_800,
    }
    steps = [
        step
        for gap in evaluate(programme, weak, AS_OF).as_dict()["gaps"]
        for option in gap["options"]
        for step in option["steps"]
    ]
    rd = next(step for step in steps if step["field"] == "rd_intensity_2y")
    assert rd["message_en"].startswith("R&D expense / revenue over the last 2 years: 2.4%, needs ≥ 3%")
    assert "CNY 900,000 more" in rd["message_en"]
    assert "¥90 万" in rd["message"]
    assert fmt("revenue_cny", Decimal("45800"), "en") == "CNY 45,800"
    assert fmt("revenue_cny", Decimal("45800.5"), "en") == "CNY 45,800.50"
    assert fmt("debt_ratio", Decimal("0.05"), "en") == "5%"


# ---------------------------------------------------------------- classification


@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "assets"),
    [
        ("3911", 120, 45_800_000, None),  # small
        ("3911", 2000, 500_000_000, None),  # large
        ("3911", 5, 1_000_000, None),  # micro
        ("3911", None, 45_800_000, None),  # undetermined: employees missing
        ("7010", None, None, None),  # undetermined, revenue and assets
        ("4710", 10, 5_000_000, 4_000_000),  # construction
    ],
)
def test_the_size_explanation_and_steps_come_in_both_languages(industry, employees, revenue, assets):
    result = size_class(industry, employees, revenue, assets)
    assert chinese(result.explanation) and english(result.explanation_en)
    assert len(result.steps) == len(result.steps_en) >= 1
    assert all(chinese(zh) and english(en) for zh, en in zip(result.steps, result.steps_en, strict=True))
    assert english(result.source_en) and chinese(result.source)
    assert "万" not in result.explanation_en


def test_missing_size_data_is_named_as_people_call_it_not_by_field_name():
    result = size_class("7010", 10, None, None)
    assert result.missing == ("revenue_cny", "assets_cny")
    assert result.missing_labels("en") == ["operating revenue", "total assets"]
    assert result.missing_labels("zh") == ["营业收入", "资产总额"]


def test_an_industry_outside_the_size_rules_is_explained_in_both_languages():
    covered = set(size_rules().group_of_class)
    code = next(code for code in industry_table().class_codes() if code not in covered)
    result = size_class(code, 10, 1, 1)
    assert result.reason == "industry_not_covered"
    assert chinese(result.explanation) and english(result.explanation_en)


def test_every_size_group_and_digital_economy_class_has_an_english_name():
    assert all(english(group.name_en) for group in size_rules().groups.values())
    table = digital_economy_table()
    assert all(english(c.name_en) and chinese(c.name) for c in table.categories.values())
    assert all(english(s.name_en) and chinese(s.name) for s in table.subclasses.values())
    match = digital_economy_class("3911").classes[0]
    assert english(match.name_en) and english(match.category_name_en)


# ---------------------------------------------------------------- maturity


def test_level_explanations_and_roadmap_solutions_come_in_both_languages():
    framework = get_framework(MFG)
    result = score_response(framework, {})
    assert all(chinese(line) for line in result.explanation)
    assert all(english(line) for line in result.explanation_en)
    step = RoadmapStep("item", "x", "甲", "A", 0, 1, 1, False, ("equipment_mgmt",))
    assert english(solution_names(step, "en")[0]) and chinese(solution_names(step)[0])


def test_every_question_unit_reads_in_both_languages():
    from engines.maturity import shipped_frameworks

    units = [(q.unit, q.unit_en) for f in shipped_frameworks().values() for q in f.questions if q.unit]
    assert units and all(zh and not CJK.search(en) for zh, en in units)
    assert ("元", "yuan") in units


def test_a_chinese_unit_without_its_english_is_refused(tmp_path):
    from engines.maturity.framework import FRAMEWORKS_DIR, FrameworkError, load_framework_file

    text = (FRAMEWORKS_DIR / "miit-2024.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "miit-2024.yaml"
    broken.write_text(text.replace("unit: {zh: 元, en: yuan}", "unit: 元"), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"unit: '元' is Chinese"):
        load_framework_file(broken)
