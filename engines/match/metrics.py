"""Ranking quality: NDCG@10 (graded), Recall@50, MRR, averaged over judged needs.

Definitions (kept here so every report means the same thing):
- gains are graded: a judgment of grade g (1-3) gains 2^g - 1; unjudged pairs count as grade 0;
- NDCG@10 divides DCG@10 (log2 discount) by the DCG of the ideal ordering of all judged solutions;
- Recall@50 is the share of solutions with grade ≥ 1 found in the first 50;
- MRR is 1 / rank of the first solution with grade ≥ 1 in the ranked list (0 when none);
- needs without any grade ≥ 1 judgment are left out of the averages (and counted).
A leaf: plain ids and grades in, numbers out. Running the ranker or the BM25 baseline to get the
ranked lists is evaluate.py's job, which sits above both rank.py and ltr.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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
