"""The matchmaking command-line contract: matching_eval and matching_rank, exit code 2 on bad files."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.support.paths import TEST_DATA

DATA = TEST_DATA
FILES = ["--solutions", str(DATA / "match_solutions.jsonl"), "--needs", str(DATA / "match_needs.jsonl")]


def run_json(capsys, *args):
    call_command(*args)
    return json.loads(capsys.readouterr().out)


def test_it_prints_engine_and_bm25_metrics_as_json(capsys):
    result = run_json(capsys, "matching_eval", *FILES, "--qrels", str(DATA / "match_qrels.tsv"), "--json")
    for part in (
        result["engine"],
        result["bm25"],
        result["low_overlap"]["engine"],
        result["low_overlap"]["bm25"],
    ):
        assert set(part) == {"ndcg@10", "recall@50", "mrr"}
        assert all(0.0 <= value <= 1.0 for value in part.values())
    assert result["engine"]["ndcg@10"] > result["bm25"]["ndcg@10"]
    assert result["needs"]["judged"] == 12


def test_it_prints_a_readable_table(capsys):
    call_command("matching_eval", *FILES, "--qrels", str(DATA / "match_qrels.tsv"))
    out = capsys.readouterr().out
    assert "NDCG@10" in out and "all needs (12)" in out and "low overlap" in out


def test_it_ranks_every_need_with_scores_and_reasons(capsys):
    rankings = run_json(capsys, "matching_rank", *FILES, "--k", "3", "--json")
    assert [r["need_id"] for r in rankings] == [f"n{i:02d}" for i in range(1, 13)]
    homestay = rankings[1]
    assert homestay["results"][0]["solution_id"] == "s06"
    assert len(homestay["results"]) <= 3
    first = homestay["results"][0]
    assert first["score"] > homestay["results"][1]["score"]
    assert first["explanation"]["zh"].startswith("场景匹配：经营管理")
    assert {"code", "zh", "en", "effect"} <= set(first["reasons"][0])


def test_it_prints_ranked_lines_with_reasons(capsys):
    call_command("matching_rank", *FILES, "--k", "1")
    out = capsys.readouterr().out
    assert "n02 民宿订重" in out and "1. s06" in out and "报价在预算内" in out


def _cli(*args):
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "funeng.settings_test"}
    return subprocess.run(
        [sys.executable, "-m", "funeng.cli", *args], capture_output=True, text=True, env=env, check=False
    )


def test_it_exits_with_code_2_and_one_line_naming_the_bad_row(tmp_path):
    bad = tmp_path / "solutions.jsonl"
    bad.write_text(
        (DATA / "match_solutions.jsonl").read_text(encoding="utf-8") + '{"id": "s99", "provider": "x"}\n',
        encoding="utf-8",
    )
    done = _cli("matching_rank", "--solutions", str(bad), "--needs", str(DATA / "match_needs.jsonl"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: solutions.jsonl line 33: title: is required")
    assert done.stdout == ""


def test_it_exits_with_code_2_for_judgments_about_unknown_solutions(tmp_path):
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("n01\ts404\t3\n", encoding="utf-8")
    done = _cli("matching_eval", *FILES, "--qrels", str(qrels), "--json")
    assert done.returncode == 2
    assert (
        done.stderr
        == "error: qrels.tsv line 1: solution_id: unknown solution 's404' (not in the solutions file)\n"
    )


@pytest.mark.parametrize("k", ["0", "-3"])
def test_it_refuses_a_k_below_one(k):
    with pytest.raises(SystemExit) as caught:
        call_command("matching_rank", *FILES, "--k", k)
    assert caught.value.code == 2
