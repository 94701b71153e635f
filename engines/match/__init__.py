"""Matchmaking engine: explained ranking of solutions for needs (lexical + scenarios + structural fit).

One need: `rank_need(build_index(solutions), need)`; many needs: `rank_needs`; quality against graded
judgments and the plain BM25 baseline: `evaluate.evaluate` (the scores themselves: `metrics`);
interchange files: `io.read_*`; a learned re-ranker over the blend: `ltr`, typed by `model.ReRanker`.
"""

from engines.match.classifier import Classification, classify, evaluate_classifier, labelled_sentences
from engines.match.index import SolutionIndex, build_index
from engines.match.io import MatchInputError, read_needs, read_qrels, read_solutions
from engines.match.model import Enterprise, Need, ProviderQuality, Solution
from engines.match.rank import (
    DEFAULT_WEIGHTS,
    FEATURES,
    Match,
    Ranking,
    RankingWeights,
    feature_frame,
    match_points,
    rank_need,
    rank_needs,
    score_ceiling,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "FEATURES",
    "Classification",
    "Enterprise",
    "Match",
    "MatchInputError",
    "Need",
    "ProviderQuality",
    "Ranking",
    "RankingWeights",
    "Solution",
    "SolutionIndex",
    "build_index",
    "classify",
    "evaluate_classifier",
    "feature_frame",
    "labelled_sentences",
    "match_points",
    "rank_need",
    "rank_needs",
    "read_needs",
    "read_qrels",
    "read_solutions",
    "score_ceiling",
]
