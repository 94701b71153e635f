"""The assessment command-line contract: frameworks, template, score one (.json) and batch (.jsonl → Parquet)."""

import json
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command

from engines.maturity import get_framework, score_response


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run_json(*args, capsys):
    call_command(*args)
    return json.loads(capsys.readouterr().out)


def test_it_lists_frameworks_as_json(capsys):
    listed = run_json("assessment_frameworks", "--json", capsys=capsys)
    ids = {item["id"] for item in listed}
    assert {"miit-2024-manufacturing", "miit-2024-services", "dma"} <= ids
    assert all(item["name"] and item["version"] for item in listed)


def test_it_prints_the_template_with_options_bands_scenarios_and_level_rules(capsys):
    template = run_json(
        "assessment_template", "--framework", "miit-2024-manufacturing", "--json", capsys=capsys
    )
    by_id = {q["id"]: q for q in template["questions"]}
    assert by_id["network"]["options"][0] == {
        "id": "none", "label": {"zh": "只有零散的宽带或手机热点", "en": "Only scattered broadband or phone hotspots"},
        "score": 0.0, "exclusive": False, "evidence": None,
    }  # fmt: skip
    assert by_id["equipment_digitised_rate"]["bands"][0] == {"lower": None, "upper": 10.0, "score": 0.0}
    assert by_id["s_quality"]["scenario"]["mandatory"] is True
    assert by_id["s_finance"]["scenario"]["mandatory"] is False
    assert template["levels"][2]["gates"] == [{"min_level": 3, "count": 8, "mandatory_count": 5}]


def test_it_scores_one_answers_file(tmp_path, capsys):
    answers = {"network": "industrial", "digital_plan": "budgeted", "s_quality": 3}
    path = tmp_path / "a.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    result = run_json(
        "assessment_score",
        "--framework",
        "miit-2024-manufacturing",
        "--answers",
        str(path),
        "--json",
        capsys=capsys,
    )
    assert result["score"] == 16 and result["level"] == 0
    assert result["explanation"][1] == "一级还需：得分 +4"
    assert result["next_level"]["level"] == 1
    assert result["scenarios"]["quality"]["level"] == 3
    assert set(result["dimensions"]) == {"foundation", "management", "outcomes", "operations"}


def test_it_exits_2_naming_the_question_of_an_invalid_answer(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"s_quality": 9}), encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        call_command(
            "assessment_score", "--framework", "miit-2024-manufacturing", "--answers", str(path), "--json"
        )
    assert caught.value.code == 2
    assert "s_quality" in capsys.readouterr().err


def test_it_exits_2_on_an_unknown_framework(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        call_command("assessment_score", "--framework", "nope", "--answers", str(path))
    assert caught.value.code == 2
    assert "unknown framework 'nope'" in capsys.readouterr().err


def test_it_scores_jsonl_in_batch_into_parquet_in_input_order(tmp_path):
    lines = [
        {"dma_strategy_plan": "yes", "dma_strategy_budget": "yes"},
        {},
        {"dma_readiness_tech": ["cloud", "erp"]},
    ]
    source = tmp_path / "a.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    target = tmp_path / "out.parquet"
    assert "3 responses scored" in run(
        "assessment_score", "--framework", "dma", "--answers", str(source), "--output", str(target)
    )
    frame = pl.read_parquet(target)
    framework = get_framework("dma")
    assert frame.get_column("score").to_list() == [score_response(framework, a).score for a in lines]
    assert frame.get_column("level").to_list() == [score_response(framework, a).level for a in lines]


def test_it_exits_2_with_the_line_number_of_a_bad_jsonl_row(tmp_path, capsys):
    source = tmp_path / "a.jsonl"
    source.write_text('{}\n{"dma_automation_share": 400}\n', encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        call_command(
            "assessment_score",
            "--framework",
            "dma",
            "--answers",
            str(source),
            "--output",
            str(tmp_path / "o.parquet"),
        )
    assert caught.value.code == 2
    assert "line 2: dma_automation_share" in capsys.readouterr().err
