"""Ranking quality: NDCG@10 (graded), Recall@50, MRR; the plain BM25 baseline; the low-overlap subset.

Definitions (kept here so every report means the same thing):
- gains are graded: a judgment of grade g (1-3) gains 2^g - 1; unjudged pairs count as grade 0;
- NDCG@10 divides DCG@10 (log2 discount) by the DCG of the ideal ordering of all judged solutions;
- Recall@50 is the share of solutions with grade ≥ 1 found in the first 50;
- MRR is 1 / rank of the first solution with grade ≥ 1 within the first `DEPTH` (0 when none);
- needs without any grade ≥ 1 judgment are left out of the averages (and counted);
- word overlap of a need = the share of its distinct content words (text.tokens of title +
  description) that occur in the title or description of at least one of its relevant solutions;
  a need is "low overlap" when that share is at most LOW_OVERLAP (0.25) — these are the needs where
  the wording of the enterprise and of the catalogue differ, which plain BM25 cannot bridge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import bm25s
import numpy as np

from engines.match import text
from engines.match.index import BM25_B, BM25_K1, build_index
from engines.match.model import Need, ProviderQuality, Solution
from engines.match.rank import DEFAULT_WEIGHTS, RankingWeights, rank_needs

if TYPE_CHECKING:  # ltr imports this module
    from engines.match.ltr import LearnedRanker

DEPTH = 100
LOW_OVERLAP = 0.25
Qrels = Mapping[str, Mapping[str, int]]


def dcg(grades: Sequence[int], k: int) -> float:
    """Discounted cumulative gain of the first k grades, gain 2^g - 1."""
    return float(sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k])))


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """NDCG@k of a ranked list of ids against graded judgments."""
    ideal = dcg(sorted(judged.values(), reverse=True), k)
    return dcg([judged.get(i, 0) for i in ranked], k) / ideal if ideal > 0 else 0.0


def recall_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 50) -> float:
    """Share of relevant (grade ≥ 1) ids in the first k."""
    relevant = {i for i, g in judged.items() if g >= 1}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], judged: Mapping[str, int]) -> float:
    """1 / rank of the first relevant id, 0 when none is ranked."""
    for position, ident in enumerate(ranked, start=1):
        if judged.get(ident, 0) >= 1:
            return 1.0 / position
    return 0.0


@dataclass(frozen=True)
class Scores:
    """Mean metrics over the judged needs."""

    ndcg10: float
    recall50: float
    mrr: float
    needs: int

    def as_dict(self) -> dict[str, float]:
        """The interchange keys: ndcg@10, recall@50, mrr."""
        return {
            "ndcg@10": round(self.ndcg10, 4),
            "recall@50": round(self.recall50, 4),
            "mrr": round(self.mrr, 4),
        }


def score_runs(runs: Mapping[str, Sequence[str]], qrels: Qrels, need_ids: Iterable[str]) -> Scores:
    """Average the metrics over the given needs that have at least one relevant judgment."""
    values = []
    for need_id in need_ids:
        judged = qrels.get(need_id, {})
        if not any(g >= 1 for g in judged.values()):
            continue
        ranked = list(runs.get(need_id, ()))
        values.append(
            (ndcg_at(ranked, judged, 10), recall_at(ranked, judged, 50), reciprocal_rank(ranked, judged))
        )
    if not values:
        return Scores(0.0, 0.0, 0.0, 0)
    array = np.array(values)
    return Scores(
        float(array[:, 0].mean()), float(array[:, 1].mean()), float(array[:, 2].mean()), len(values)
    )


def bm25_baseline(
    solutions: Sequence[Solution], needs: Sequence[Need], k: int = DEPTH
) -> dict[str, list[str]]:
    """Plain BM25: jieba words of title + description, bm25s, no structure, no scenarios."""
    corpus = [text.tokens(f"{s.title} {s.description}") for s in solutions]
    retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
    retriever.index(corpus, show_progress=False)
    vocab = retriever.vocab_dict
    queries = [[w for w in text.tokens(n.text) if w in vocab] for n in needs]
    runs: dict[str, list[str]] = {n.id: [] for n in needs}
    asked = [i for i, q in enumerate(queries) if q]
    if not asked:
        return runs
    docs, scores = retriever.retrieve(
        [queries[i] for i in asked], k=min(k, len(solutions)), show_progress=False, n_threads=1
    )
    for row, i in enumerate(asked):
        runs[needs[i].id] = [
            solutions[int(d)].id for d, s in zip(docs[row], scores[row], strict=True) if s > 0
        ]
    return runs


def word_overlap(need: Need, relevant: Sequence[Solution]) -> float:
    """Share of the need's distinct content words found in its relevant solutions' title + description."""
    words = set(text.tokens(need.text))
    if not words:
        return 0.0
    found: set[str] = set()
    for solution in relevant:
        found |= set(text.tokens(f"{solution.title} {solution.description}"))
    return len(words & found) / len(words)


def low_overlap_needs(
    solutions: Sequence[Solution], needs: Sequence[Need], qrels: Qrels, threshold: float = LOW_OVERLAP
) -> list[str]:
    """Ids of judged needs whose word overlap with their relevant solutions is at most `threshold`."""
    by_id = {s.id: s for s in solutions}
    result = []
    for need in needs:
        relevant = [by_id[s] for s, g in qrels.get(need.id, {}).items() if g >= 1 and s in by_id]
        if relevant and word_overlap(need, relevant) <= threshold:
            result.append(need.id)
    return result


@dataclass(frozen=True)
class Evaluation:
    """Engine and baseline, overall and on low-overlap needs."""

    engine: Scores
    bm25: Scores
    low_engine: Scores
    low_bm25: Scores
    low_overlap_ids: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The interchange layout of `matching_eval --json`."""
        return {
            "engine": self.engine.as_dict(),
            "bm25": self.bm25.as_dict(),
            "low_overlap": {"engine": self.low_engine.as_dict(), "bm25": self.low_bm25.as_dict()},
            "needs": {
                "judged": self.engine.needs,
                "low_overlap": self.low_engine.needs,
                "low_overlap_threshold": LOW_OVERLAP,
            },
        }


def engine_runs(
    solutions: Sequence[Solution],
    needs: Sequence[Need],
    *,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    quality: Mapping[str, ProviderQuality] | None = None,
    depth: int = DEPTH,
    model: LearnedRanker | None = None,
) -> dict[str, list[str]]:
    """The engine's ranked ids per need (batch path; re-scored by `model` when given)."""
    index = build_index(solutions, quality=quality)
    return {r.need_id: r.solution_ids for r in rank_needs(index, needs, depth, weights, model=model)}


def blend_and_model_scores(
    solutions: Sequence[Solution], needs: Sequence[Need], qrels: Qrels, model: LearnedRanker
) -> tuple[Scores, Scores]:
    """The hand blend and the blend re-scored by `model`, on one index: (before, after)."""
    index = build_index(solutions)
    ids = [n.id for n in needs]
    before = {r.need_id: r.solution_ids for r in rank_needs(index, needs, DEPTH)}
    after = {r.need_id: r.solution_ids for r in rank_needs(index, needs, DEPTH, model=model)}
    return score_runs(before, qrels, ids), score_runs(after, qrels, ids)


def evaluate(
    solutions: Sequence[Solution],
    needs: Sequence[Need],
    qrels: Qrels,
    *,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    runs: Mapping[str, Sequence[str]] | None = None,
) -> Evaluation:
    """Score the engine and the BM25 baseline on judged needs."""
    engine = runs if runs is not None else engine_runs(solutions, needs, weights=weights)
    baseline = bm25_baseline(solutions, needs)
    ids = [n.id for n in needs]
    low = low_overlap_needs(solutions, needs, qrels)
    return Evaluation(
        engine=score_runs(engine, qrels, ids),
        bm25=score_runs(baseline, qrels, ids),
        low_engine=score_runs(engine, qrels, low),
        low_bm25=score_runs(baseline, qrels, low),
        low_overlap_ids=tuple(low),
    )
