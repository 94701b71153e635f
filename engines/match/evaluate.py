"""Evaluate the ranker on graded judgments: engine runs, the plain BM25 baseline, the low-overlap subset.

Definitions (metrics.py holds those of the scores themselves):
- runs are the first DEPTH (100) solutions per need, so MRR looks no deeper than that;
- word overlap of a need = the share of its distinct content words (text.tokens of title +
  description) that occur in the title or description of at least one of its relevant solutions;
  a need is "low overlap" when that share is at most LOW_OVERLAP (0.25) — these are the needs where
  the wording of the enterprise and of the catalogue differ, which plain BM25 cannot bridge.
This module runs the ranker, so it sits above rank.py (and takes any re-ranker by its Protocol).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import bm25s

from engines.match import text
from engines.match.index import BM25_B, BM25_K1, build_index
from engines.match.metrics import Qrels, Scores, score_runs
from engines.match.model import Need, ProviderQuality, ReRanker, Solution
from engines.match.rank import DEFAULT_WEIGHTS, RankingWeights, rank_needs

DEPTH = 100
LOW_OVERLAP = 0.25


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
    model: ReRanker | None = None,
) -> dict[str, list[str]]:
    """The engine's ranked ids per need (batch path; re-scored by `model` when given)."""
    index = build_index(solutions, quality=quality)
    return {r.need_id: r.solution_ids for r in rank_needs(index, needs, depth, weights, model=model)}


def blend_and_model_scores(
    solutions: Sequence[Solution], needs: Sequence[Need], qrels: Qrels, model: ReRanker
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
