"""Ranking metrics, the plain BM25 baseline and the low-overlap subset."""

import math

import pytest

from engines.match import Need, Solution, read_needs, read_qrels, read_solutions
from engines.match.evaluate import bm25_baseline, evaluate, low_overlap_needs, word_overlap
from engines.match.metrics import ndcg_at, recall_at, reciprocal_rank, score_runs
from tests.support.paths import ROOT, TEST_DATA

DATA = TEST_DATA
DEV = ROOT / "benchmarks" / "data" / "matching" / "dev"


def test_it_computes_ndcg_with_graded_gains():
    judged = {"a": 3, "b": 1}
    assert ndcg_at(["a", "b"], judged) == 1.0
    swapped = (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))  # gains 2^g - 1: 7 for grade 3, 1 for grade 1
    assert ndcg_at(["b", "a"], judged) == pytest.approx(swapped)
    assert ndcg_at(["x"] * 10 + ["a"], judged) == 0.0  # beyond the tenth place


def test_it_computes_recall_at_50_and_reciprocal_rank():
    judged = {"a": 2, "b": 1, "c": 0}
    ranked = ["c", "x", "b"] + ["y"] * 60 + ["a"]
    assert recall_at(ranked, judged, 50) == 0.5
    assert reciprocal_rank(ranked, judged) == pytest.approx(1 / 3)
    assert reciprocal_rank(["c"], judged) == 0.0


def test_it_averages_only_over_needs_with_a_relevant_judgment():
    scores = score_runs({"n1": ["a"], "n2": ["b"]}, {"n1": {"a": 3}, "n2": {"b": 0}}, ["n1", "n2", "n3"])
    assert (scores.needs, scores.ndcg10, scores.mrr) == (1, 1.0, 1.0)


def test_it_measures_word_overlap_between_a_need_and_its_relevant_solutions():
    need = Need(id="n", title="仓库盘点对不上", description="")
    product = Solution(id="s", provider="p", title="仓储WMS", description="库位管理、扫码出入库、盘点")
    assert word_overlap(need, [product]) == pytest.approx(1 / 3)  # 仓库 · 盘点 · 对不上 → only 盘点 shared


def test_it_puts_needs_that_share_few_words_with_their_solutions_in_the_low_overlap_subset():
    solutions = read_solutions(DATA / "match_solutions.jsonl")
    needs = read_needs(DATA / "match_needs.jsonl")
    qrels = read_qrels(DATA / "match_qrels.tsv")
    low = low_overlap_needs(solutions, needs, qrels)
    assert "n03" in low  # 老师傅走了机器没人懂 vs 设备点检保养
    assert "n11" not in low  # 电子组装 MES 本地部署 vs the MES that says exactly that


def test_it_ranks_by_words_alone_in_the_baseline():
    solutions = [
        Solution(id="hit", provider="p", title="电子发票", description="开票、对账"),
        Solution(id="miss", provider="p", title="仓储WMS", description="盘点"),
    ]
    runs = bm25_baseline(
        solutions,
        [Need(id="n", title="对账太痛苦", description=""), Need(id="e", title="你好", description="")],
    )
    assert runs == {"n": ["hit"], "e": []}


def test_it_puts_the_engine_ahead_of_bm25_on_the_fixture():
    solutions = read_solutions(DATA / "match_solutions.jsonl")
    needs = read_needs(DATA / "match_needs.jsonl")
    result = evaluate(solutions, needs, read_qrels(DATA / "match_qrels.tsv"))
    assert result.engine.ndcg10 > result.bm25.ndcg10
    assert result.engine.recall50 > result.bm25.recall50
    assert set(result.as_dict()) == {"engine", "bm25", "low_overlap", "needs"}
    assert set(result.as_dict()["engine"]) == {"ndcg@10", "recall@50", "mrr"}


def test_it_beats_bm25_by_at_least_a_tenth_of_ndcg_on_the_dev_set():
    solutions = read_solutions(DEV / "solutions.jsonl")
    needs = read_needs(DEV / "needs.jsonl")
    result = evaluate(solutions, needs, read_qrels(DEV / "qrels.tsv"))
    assert result.engine.ndcg10 >= result.bm25.ndcg10 + 0.10, result.as_dict()
    assert result.low_engine.ndcg10 >= result.low_bm25.ndcg10 + 0.10, result.as_dict()
