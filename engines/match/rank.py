"""Rank solutions for needs: features, the hand-tuned blend, provider diversity and explanations.

Scoring a need has two stages. Relevance (BM25 over the bm25s index, scenario overlap, built for
the industry) is computed for every solution, because a colloquial need may share no word with the
solution that fits it; the structural fit (industry, region, size, budget, deployment, quality,
peers) is computed only for solutions that can still reach the top, which is exact (`_finish`).

Two paths, which a hypothesis test proves agree:
- `rank_need`: one need, the BM25 accumulated word by word over its score columns;
- `rank_needs`: needs in blocks, the weighted BM25 of a whole block as one `np.bincount` over the
  bm25s score columns of all its query words, into a (needs × solutions) matrix.
Every result carries its features and plain-language reasons. Features stay available as a matrix
(`feature_frame`) and for any logged pair (`features_for`); the hand-tuned `RankingWeights` blend is the
default ranker and needs no trained model. A re-ranker (anything shaped like `model.ReRanker`), when
given, re-scores the pool the blend chose exactly; diversity and reasons then work as without it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import polars as pl

from engines.match import explain, text
from engines.match.classifier import Classification, classify_words, lexicon
from engines.match.explain import Reason
from engines.match.fields import section_and_division
from engines.match.index import SECTION_COLUMN, SolutionIndex, vocabulary_ids
from engines.match.model import DEPLOYMENTS, Need, ReRanker

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BLEND_RANKER = "blend"

FEATURES = (
    "lexical",  # weighted BM25 of the need's words (and scenario expansion words), / best in catalogue
    "scenario",  # overlap of the need's scenario vector with the solution's declared + text scenarios
    "industry",  # 1 made for the industry, GENERAL cross-industry, SAME_SECTION, MISMATCH otherwise
    "specific",  # 1 made for the enterprise's division, SECTION_SPECIFIC for its section, 0 otherwise
    "region",  # 1 serves the enterprise's province (or province unknown), 0 does not
    "local",  # 1 a regional provider that lists the province explicitly
    "size",  # 1 inside the employee range, falls with the log-distance outside it
    "budget",  # 1 within budget (or unknown), falls with price / budget above it
    "deployment",  # 1 as asked (or nothing asked), lower for other deployments
    "quality",  # provider track record 0..1, 0.5 = unknown
    "peers",  # log(1 + deals with enterprises of the same industry division)
)
INDUSTRY_GENERAL = 0.8
INDUSTRY_SAME_SECTION = 0.6
INDUSTRY_MISMATCH = 0.0
SECTION_SPECIFIC = 0.25
SCENARIO_SHOWN = 0.5  # need scenarios at least half as strong as the best are named in reasons
# Rows: wanted deployment; columns: the solution's (DEPLOYMENTS order, then unknown).
DEPLOYMENT_FIT = np.array(
    [
        [1.0, 0.3, 0.7, 0.8, 0.8],  # saas wanted
        [0.3, 1.0, 0.7, 0.3, 0.8],  # private wanted
        [0.6, 0.8, 1.0, 0.6, 0.8],  # hybrid wanted
        [0.6, 0.3, 0.6, 1.0, 0.8],  # hardware + saas wanted
    ]
)


@dataclass(frozen=True)
class RankingWeights:
    """The hand-tuned blend: relevance × structural fit × small bonuses.

    relevance = lexical·w + scenario·w; each fit feature f multiplies by 1 - strength·(1 - f), so a
    strength below 1 demotes without hiding (a solution far above budget still appears, lower).
    """

    lexical: float = 0.5
    scenario: float = 0.5
    specific: float = 0.15  # relevance of a solution built for the enterprise's own industry
    scenario_evidence: float = 1.0  # cue weight at which the need's scenarios count ~63 %
    expansion: float = 0.0  # weight of taxonomy keywords of the need's scenarios added to the query
    industry: float = 0.6
    region: float = 0.6
    size: float = 0.4
    budget: float = 0.5
    deployment: float = 0.4
    quality: float = 0.1
    local: float = 0.05
    peers: float = 0.05
    budget_slope: float = 1.0
    provider_cap: int = 2  # at most this many results per provider in the first `diversity_window`
    diversity_window: int = 10


DEFAULT_WEIGHTS = RankingWeights()


@dataclass(frozen=True)
class Query:
    """A need prepared for ranking: weighted query words, scenario vector, structured values."""

    need: Need
    words: tuple[str, ...]
    own_ids: tuple[int, ...]  # vocabulary ids of the need's own words (for explanations)
    token_ids: IntArray
    token_weights: FloatArray
    classification: Classification
    scenario_vector: FloatArray  # sums to the classifier's confidence (0 when no cue was found)
    shown_scenarios: tuple[str, ...]
    province: int  # column of the region matrix, -1 unknown
    section: int  # column of the section matrices, -1 unknown
    division: int  # division number, -1 unknown
    division_code: str
    section_code: str
    log2_employees: float  # NaN unknown
    budget: float  # NaN unknown
    budget_floor: float  # budget, at least 1 CNY (NaN unknown): the divisor of price / budget
    deployment: int  # index into DEPLOYMENTS, -1 nothing asked


def prepare(index: SolutionIndex, need: Need, weights: RankingWeights = DEFAULT_WEIGHTS) -> Query:
    """Segment and classify a need, look up its words and structured values."""
    lex = lexicon()
    words = text.segment(need.text)
    classification = classify_words(words, lex)
    own = vocabulary_ids(index, text.content_words(words))
    vector = classification.vector.copy()
    for scenario in need.scenarios:  # scenarios the enterprise picked itself count fully
        if scenario in lex.categories:
            vector[lex.scenario_ids.index(scenario)] = 1.0
    shown = tuple(s for i, s in enumerate(lex.scenario_ids) if vector[i] >= SCENARIO_SHOWN)
    shown = tuple(sorted(shown, key=lambda s: -vector[lex.scenario_ids.index(s)]))
    token_weight: dict[int, float] = {t: 1.0 for t in own}
    if weights.expansion > 0:
        for i, scenario in enumerate(lex.scenario_ids):
            if vector[i] < SCENARIO_SHOWN:
                continue
            category = lex.categories[scenario]
            for word in [category.name.zh, *category.keywords]:
                for ident in vocabulary_ids(index, text.tokens(word)):
                    if ident not in token_weight:
                        token_weight[ident] = weights.expansion * float(vector[i])
    total = float(vector.sum())
    # weak evidence (one vague cue) must not weigh as much as 订重 + 抄单 + 几个平台
    best = max((sc.score for sc in classification.scores), default=0.0)
    confidence = 1.0 if need.scenarios else 1.0 - math.exp(-best / weights.scenario_evidence)
    enterprise = need.enterprise
    section_code = division_code = ""
    if enterprise.industry_code:
        section_code, division_code = section_and_division(enterprise.industry_code)
    deployment = need.deployment or classification.deployment
    return Query(
        need=need,
        words=tuple(words),
        own_ids=tuple(own),
        token_ids=np.fromiter(token_weight, dtype=np.int64, count=len(token_weight)),
        token_weights=np.fromiter(token_weight.values(), dtype=np.float64, count=len(token_weight)),
        classification=classification,
        scenario_vector=vector * (confidence / total) if total > 0 else vector,
        shown_scenarios=shown,
        province=index.province_column.get(enterprise.province, -1) if enterprise.province else -1,
        section=SECTION_COLUMN[section_code] if section_code else -1,
        division=int(division_code) if division_code else -1,
        division_code=division_code,
        section_code=section_code,
        log2_employees=math.nan if enterprise.employees is None else math.log2(max(enterprise.employees, 1)),
        budget=math.nan if need.budget_cny_per_year is None else float(need.budget_cny_per_year),
        budget_floor=math.nan
        if need.budget_cny_per_year is None
        else max(float(need.budget_cny_per_year), 1.0),
        deployment=DEPLOYMENTS.index(deployment) if deployment else -1,
    )


# --- relevance: one need (1-D) or a block of needs (2-D) ---------------------------------------
#
# Relevance (lexical, scenario, industry-specific) is computed for every solution, because a
# colloquial need may share no word with the solution that fits it. The structural fit is then
# computed only for the solutions that can still reach the top (see `_finish`), exactly.


@dataclass(frozen=True)
class Relevance:
    """The relevance features of one need (arrays over all solutions, or one row of a block)."""

    lexical: FloatArray
    scenario: FloatArray
    specific: FloatArray


def relevance_one(index: SolutionIndex, query: Query) -> Relevance:
    """Relevance features of one need: BM25 column by column, its few scenarios one by one."""
    n = index.size
    lexical = np.zeros(n)
    for token, weight in zip(query.token_ids, query.token_weights, strict=True):
        start, end = index.bm25_indptr[token], index.bm25_indptr[token + 1]
        lexical[index.bm25_docs[start:end]] += weight * index.bm25_data[start:end]
    best = lexical.max()
    if best > 0:
        lexical /= best
    scenario = np.zeros(n)
    for s in np.flatnonzero(query.scenario_vector):
        scenario += query.scenario_vector[s] * index.scenario_combined[s]
    return Relevance(lexical, scenario, _specific(index, query.section, query.division))


def _specific(index: SolutionIndex, section: int, division: int) -> FloatArray:
    """1 for solutions built for the division, SECTION_SPECIFIC for the section, else 0."""
    if section < 0:
        return np.zeros(index.size)
    result = np.where(index.industry_section[section], SECTION_SPECIFIC, 0.0)
    if division >= 0:
        result[index.industry_division[division]] = 1.0
    return result


def relevance_block(
    index: SolutionIndex, queries: Sequence[Query]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Relevance features of several needs as (m, n) matrices; the BM25 of the block is one bincount."""
    n, m = index.size, len(queries)
    flat_cells, flat_values = [], []
    for row, query in enumerate(queries):
        starts = index.bm25_indptr[query.token_ids]
        lengths = index.bm25_indptr[query.token_ids + 1] - starts
        total = int(lengths.sum())
        if not total:
            continue
        # positions of every (word, solution) entry of this need in the bm25s score columns
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        flat_cells.append(row * n + index.bm25_docs[offsets])
        flat_values.append(np.repeat(query.token_weights, lengths) * index.bm25_data[offsets])
    lexical: FloatArray = np.zeros((m, n))
    if flat_cells:
        summed = np.bincount(np.concatenate(flat_cells), weights=np.concatenate(flat_values), minlength=m * n)
        lexical = np.asarray(summed, dtype=np.float64).reshape(m, n)
    best = lexical.max(axis=1, keepdims=True)
    np.divide(lexical, best, out=lexical, where=best > 0)
    # Each need names two or three scenarios: a sparse sum per row beats a dense matrix product, and
    # stays clear of BLAS threads, which stall on a busy shared server.
    scenario = np.zeros((m, n))
    for row, query in enumerate(queries):
        for s in np.flatnonzero(query.scenario_vector):
            scenario[row] += query.scenario_vector[s] * index.scenario_combined[s]
    sections = np.array([max(q.section, 0) for q in queries])
    divisions = np.array([max(q.division, 0) for q in queries])
    in_section = index.industry_section[sections] & np.array([q.section >= 0 for q in queries])[:, None]
    specific = np.where(in_section, SECTION_SPECIFIC, 0.0)
    specific[index.industry_division[divisions] & np.array([q.division >= 0 for q in queries])[:, None]] = 1.0
    return lexical, scenario, specific


# --- structural fit, for candidate solutions only ---------------------------------------------


def fit_features(index: SolutionIndex, query: Query, rows: IntArray) -> dict[str, FloatArray]:
    """Industry, region, size, budget, deployment, quality and peer features of the given solutions."""
    if query.section >= 0:
        exact = index.industry_section[query.section, rows]
        if query.division >= 0:
            exact = exact | index.industry_division[query.division, rows]
        industry = np.where(
            index.industry_section_any[query.section, rows], INDUSTRY_SAME_SECTION, INDUSTRY_MISMATCH
        )
        industry[index.industry_general[rows]] = INDUSTRY_GENERAL
        industry[exact] = 1.0
    else:
        industry = np.ones(rows.size)
    if query.province >= 0:
        local = index.region[query.province, rows].astype(np.float64)
        region = np.where(index.nationwide[rows], 1.0, local)
    else:
        local = np.zeros(rows.size)
        region = np.ones(rows.size)
    # log2 distance outside [min, max]; open ends are ±inf and an unknown size NaN, so neither counts
    out = np.fmax(query.log2_employees - index.log2_max_employees[rows], 0.0) + np.fmax(
        index.log2_min_employees[rows] - query.log2_employees, 0.0
    )
    size = 1.0 / (1.0 + out)
    # price / budget above 1 demotes: 2x → 0.5, 5x → 0.2; an unknown price or budget (NaN) fits
    over = np.fmax(index.price[rows] / query.budget_floor - 1.0, 0.0)
    budget = 1.0 / (1.0 + over)
    if query.deployment >= 0:  # an unknown solution deployment is -1: the last column, "unknown"
        deployment = DEPLOYMENT_FIT[query.deployment][index.deployment[rows]]
    else:
        deployment = np.ones(rows.size)
    peers = (
        np.log1p(index.usage_for(query.division_code)[rows]) if query.division_code else np.zeros(rows.size)
    )
    return {
        "industry": industry,
        "region": region,
        "local": local,
        "size": size,
        "budget": budget,
        "deployment": deployment,
        "quality": index.quality[rows],
        "peers": peers,
    }


# --- blend, selection, diversity -------------------------------------------------------------


def relevance_score(
    lexical: FloatArray, scenario: FloatArray, specific: FloatArray, weights: RankingWeights = DEFAULT_WEIGHTS
) -> FloatArray:
    """What the need is about: words, scenarios, a solution built for the industry."""
    result: FloatArray = weights.lexical * lexical + weights.scenario * scenario + weights.specific * specific
    return result


def blend(features: Mapping[str, FloatArray], weights: RankingWeights = DEFAULT_WEIGHTS) -> FloatArray:
    """The hand-tuned score from all FEATURES: relevance × fit × bonus (elementwise, any shape)."""
    relevance = relevance_score(features["lexical"], features["scenario"], features["specific"], weights)
    fit = (
        (1.0 - weights.industry * (1.0 - features["industry"]))
        * (1.0 - weights.region * (1.0 - features["region"]))
        * (1.0 - weights.size * (1.0 - features["size"]))
        * (1.0 - weights.budget * (1.0 - features["budget"]))
        * (1.0 - weights.deployment * (1.0 - features["deployment"]))
    )
    result: FloatArray = (
        relevance
        * fit
        * (
            1.0
            + weights.quality * (features["quality"] - 0.5)
            + weights.local * features["local"]
            + weights.peers * np.minimum(features["peers"], 3.0) / 3.0
        )
    )
    return result


def blend_one(features: Mapping[str, float], weights: RankingWeights = DEFAULT_WEIGHTS) -> float:
    """The hand-tuned score of one result from its FEATURES (as a Match carries them)."""
    return float(blend({name: np.array([features[name]]) for name in FEATURES}, weights)[0])


def _bonus_bound(weights: RankingWeights) -> float:
    """The largest factor `blend` can put on relevance (every fit ≤ 1, quality ≤ 1, peers capped)."""
    return 1.0 + max(weights.quality, 0.0) * 0.5 + max(weights.local, 0.0) + max(weights.peers, 0.0)


# The one scale people see: 0-100 points. The blend is a relative ranking value (relevance × fit ×
# bonus) whose bonuses lift it above 1, and a learned re-ranker multiplies it further, so raw scores
# are never shown; `match_points` maps them onto 0-100 as a share of the highest blend possible.
POINTS_MAX = 100.0


def score_ceiling(weights: RankingWeights = DEFAULT_WEIGHTS) -> float:
    """The highest score `blend` can give: every relevance feature 1, every fit 1, every bonus at its cap."""
    relevance = max(weights.lexical, 0.0) + max(weights.scenario, 0.0) + max(weights.specific, 0.0)
    return relevance * _bonus_bound(weights)


def match_points(score: float, weights: RankingWeights = DEFAULT_WEIGHTS) -> float:
    """A ranking score on the 0-100 scale shown to people (share of `score_ceiling`, clamped).

    The blend never exceeds the ceiling; a learned re-ranker's score may, and shows as 100. Scores
    that are not numbers show as 0.
    """
    ceiling = score_ceiling(weights)
    if math.isnan(score) or score <= 0.0 or ceiling <= 0.0:
        return 0.0
    return min(POINTS_MAX, POINTS_MAX * score / ceiling)


def _top(rows: IntArray, scores: FloatArray, pool: int) -> IntArray:
    """Positions (into rows) of the best `pool` scores, best first, ties by catalogue order."""
    if scores.size > pool:
        cut = np.partition(scores, scores.size - pool)[scores.size - pool]
        keep = np.flatnonzero(scores >= cut)  # every tie at the cut, so the choice does not depend on order
    else:
        keep = np.arange(scores.size)
    result: IntArray = keep[np.lexsort((rows[keep], -scores[keep]))][:pool]
    return result


def _finish(
    index: SolutionIndex,
    query: Query,
    relevance: Relevance,
    k: int,
    weights: RankingWeights,
) -> tuple[IntArray, dict[str, FloatArray], FloatArray]:
    """The best `pool` rows by the full blend, their features and scores (one need).

    Fit and bonus can only scale relevance by at most `_bonus_bound`, so after scoring the
    `candidates` most relevant rows, any row whose relevance × bound is below the pool's last full
    score cannot enter; when one could, every relevant row is scored. The result is exact.
    """
    pool = _pool(k, weights)
    rel = relevance_score(relevance.lexical, relevance.scenario, relevance.specific, weights)
    eligible = np.flatnonzero((rel > 0) & index.active)
    chosen = eligible
    candidates = max(8 * pool, 256)
    if eligible.size > candidates:
        cut = eligible.size - candidates
        chosen = eligible[np.argpartition(rel[eligible], cut)[cut:]]
    features = _gather(index, query, relevance, chosen)
    scores = blend(features, weights)
    if chosen.size < eligible.size:
        outside = np.ones(index.size, dtype=bool)
        outside[chosen] = False
        threshold = np.partition(scores, scores.size - pool)[scores.size - pool]
        if rel[eligible[outside[eligible]]].max() * _bonus_bound(weights) >= threshold:
            chosen = eligible
            features = _gather(index, query, relevance, chosen)
            scores = blend(features, weights)
    order = _top(chosen, scores, pool)
    return chosen[order], {name: values[order] for name, values in features.items()}, scores[order]


def _pool(k: int, weights: RankingWeights) -> int:
    """How many best rows to keep before diversity: enough to fill k after moving extras down."""
    return max(4 * k, k + 4 * weights.diversity_window)


def _gather(
    index: SolutionIndex, query: Query, relevance: Relevance, rows: IntArray
) -> dict[str, FloatArray]:
    features = {
        "lexical": relevance.lexical[rows],
        "scenario": relevance.scenario[rows],
        "specific": relevance.specific[rows],
    }
    features.update(fit_features(index, query, rows))
    return {name: features[name] for name in FEATURES}


def diversify(rows: Sequence[int], provider_code: IntArray, k: int, cap: int, window: int) -> list[int]:
    """The first `k` rows with at most `cap` per provider inside the first `window` places.

    A provider's extra results move below the window instead of disappearing, so a catalogue with
    few providers still fills the list.
    """
    if cap <= 0:
        return list(rows[:k])
    placed: list[int] = []
    deferred: list[int] = []
    counts: dict[int, int] = {}
    i = 0
    while i < len(rows) and len(placed) < window:
        provider = int(provider_code[rows[i]])
        if counts.get(provider, 0) < cap:
            counts[provider] = counts.get(provider, 0) + 1
            placed.append(rows[i])
        else:
            deferred.append(rows[i])
        i += 1
    # deferred rows all come before rows[i:], so this tail is still in score order
    return (placed + deferred + list(rows[i:]))[:k]


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """One ranked solution with its score, features and reasons."""

    rank: int
    solution_id: str
    provider: str
    title: str
    score: float
    features: dict[str, float]
    reasons: tuple[Reason, ...]

    @property
    def points(self) -> float:
        """The score on the 0-100 scale people see (`match_points` with the default weights)."""
        return match_points(self.score)

    @property
    def explanation_zh(self) -> str:
        """The reasons as one Chinese sentence."""
        return explain.join_zh(self.reasons)

    @property
    def explanation_en(self) -> str:
        """The reasons as one English sentence."""
        return explain.join_en(self.reasons)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "rank": self.rank,
            "solution_id": self.solution_id,
            "provider": self.provider,
            "title": self.title,
            "score": round(self.score, 6),
            "explanation": {"zh": self.explanation_zh, "en": self.explanation_en},
            "reasons": [r.as_dict() for r in self.reasons],
            "features": {k: round(v, 6) for k, v in self.features.items()},
        }


@dataclass(frozen=True)
class Ranking:
    """The ranked solutions for one need, and what the engine read from the need's text."""

    need_id: str
    matches: tuple[Match, ...]
    scenarios: tuple[tuple[str, float, tuple[str, ...]], ...]  # id, score, cue words
    deployment: str | None = None
    version: str = field(default="")
    ranker: str = BLEND_RANKER  # "blend", or the re-ranker's name when one scored the pool

    @property
    def solution_ids(self) -> list[str]:
        """Ranked solution ids."""
        return [m.solution_id for m in self.matches]

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "need_id": self.need_id,
            "scenarios": [{"id": s, "score": round(v, 3), "cues": list(c)} for s, v, c in self.scenarios],
            "deployment": self.deployment,
            "ranker": self.ranker,
            "results": [m.as_dict() for m in self.matches],
        }


def _keywords(index: SolutionIndex, query: Query, row: int) -> list[str]:
    doc = index.doc_tokens[row]
    inverse = _inverse_vocab(index)
    shared = [
        t for t in query.own_ids if t in doc and len(inverse[t]) > 1
    ]  # single characters explain nothing
    shared.sort(key=lambda t: -index.idf[t])
    return [inverse[t].upper() if inverse[t].isascii() else inverse[t] for t in shared[:3]]  # mes → MES


_INVERSE: dict[int, list[str]] = {}


def _inverse_vocab(index: SolutionIndex) -> list[str]:
    key = id(index.vocab)
    words = _INVERSE.get(key)
    if words is None or len(words) != len(index.vocab):
        words = [""] * len(index.vocab)
        for word, ident in index.vocab.items():
            words[ident] = word
        _INVERSE.clear()  # one index at a time is the common case; keep memory bounded
        _INVERSE[key] = words
    return words


def reasons_for(
    index: SolutionIndex, query: Query, row: int, values: Mapping[str, float]
) -> tuple[Reason, ...]:
    """The plain-language reasons for one solution (row) against one need."""
    solution = index.solutions[row]
    need = query.need
    scenario_set = set(solution.scenarios) | {
        index.scenario_ids[s] for s in np.flatnonzero(index.scenario_text[row] >= SCENARIO_SHOWN)
    }
    reasons: list[Reason | None] = [
        explain.scenario_reason([s for s in query.shown_scenarios if s in scenario_set][:3]),
        explain.keyword_reason(_keywords(index, query, row)),
        explain.region_reason(solution, need.enterprise.province),
        explain.industry_reason(solution, query.section_code, query.division_code, values["industry"]),
        explain.size_reason(solution, need.enterprise.employees, values["size"]),
        explain.budget_reason(solution, need.budget_cny_per_year),
        explain.deployment_reason(
            solution, DEPLOYMENTS[query.deployment] if query.deployment >= 0 else None, values["deployment"]
        ),
        explain.peer_reason(int(round(math.expm1(values["peers"])))),
        *explain.quality_reasons(index.provider_quality.get(solution.provider)),
    ]
    return tuple(r for r in reasons if r is not None)


def _rescore(
    pooled: tuple[IntArray, Mapping[str, FloatArray], FloatArray], model: ReRanker
) -> tuple[IntArray, Mapping[str, FloatArray], FloatArray]:
    """The blend's pool re-ordered by the model's scores; ties keep the blend's order."""
    rows, features, blended = pooled
    scores = model.score(features, blended)
    order = np.lexsort((np.arange(rows.size), -scores))
    return rows[order], {name: values[order] for name, values in features.items()}, scores[order]


def _ranking(
    index: SolutionIndex,
    query: Query,
    pooled: tuple[IntArray, Mapping[str, FloatArray], FloatArray],
    k: int,
    weights: RankingWeights,
    model: ReRanker | None = None,
) -> Ranking:
    if model is not None:
        pooled = _rescore(pooled, model)
    rows, features, scores = pooled
    position = {int(row): i for i, row in enumerate(rows)}
    chosen = diversify(rows.tolist(), index.provider_code, k, weights.provider_cap, weights.diversity_window)
    matches = []
    for rank, row in enumerate(chosen, start=1):
        i = position[row]
        values = {name: float(features[name][i]) for name in FEATURES}
        solution = index.solutions[row]
        matches.append(
            Match(
                rank=rank,
                solution_id=solution.id,
                provider=solution.provider,
                title=solution.title,
                score=float(scores[i]),
                features=values,
                reasons=reasons_for(index, query, row, values),
            )
        )
    scenarios = tuple((s.id, s.score, s.cues) for s in query.classification.scores)
    wanted = DEPLOYMENTS[query.deployment] if query.deployment >= 0 else None
    ranker = BLEND_RANKER if model is None else model.name
    return Ranking(query.need.id, tuple(matches), scenarios, wanted, lexicon().version, ranker)


def rank_need(
    index: SolutionIndex,
    need: Need,
    k: int = 10,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    *,
    model: ReRanker | None = None,
) -> Ranking:
    """The top-k solutions for one need, each with its reasons (re-scored by `model` when given)."""
    query = prepare(index, need, weights)
    pooled = _finish(index, query, relevance_one(index, query), k, weights)
    return _ranking(index, query, pooled, k, weights, model)


def rank_needs(
    index: SolutionIndex,
    needs: Iterable[Need],
    k: int = 10,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    *,
    block: int = 32,
    model: ReRanker | None = None,
) -> list[Ranking]:
    """The top-k solutions for many needs; relevance is computed `block` needs at a time as matrices.

    The structural fit is then scored per need on its candidates only (see `_finish`): computing it
    for every need × solution pair costs more memory traffic than it saves in Python overhead.
    """
    queries = [prepare(index, need, weights) for need in needs]
    result: list[Ranking] = []
    for start in range(0, len(queries), block):
        part = queries[start : start + block]
        lexical, scenario, specific = relevance_block(index, part)
        for row, query in enumerate(part):
            relevance = Relevance(lexical[row], scenario[row], specific[row])
            pooled = _finish(index, query, relevance, k, weights)
            result.append(_ranking(index, query, pooled, k, weights, model))
    return result


def features_for(
    index: SolutionIndex,
    need: Need,
    solution_ids: Sequence[str],
    weights: RankingWeights = DEFAULT_WEIGHTS,
) -> tuple[list[str], dict[str, FloatArray], FloatArray]:
    """FEATURES and blend scores of exactly these solutions for one need (ids not in the index are left out).

    A logged solution may have dropped out of the pool since it was shown, or never have been in it
    (relevance 0 gives a blend of 0): learning to rank needs the features of the pairs users saw.
    Returns (ids found, in the given order; features; blend scores).
    """
    found = [s for s in solution_ids if s in index.position]
    rows = np.array([index.position[s] for s in found], dtype=np.int64)
    query = prepare(index, need, weights)
    features = _gather(index, query, relevance_one(index, query), rows)
    return found, features, blend(features, weights)


def feature_frame(
    index: SolutionIndex, needs: Iterable[Need], depth: int = 100, weights: RankingWeights = DEFAULT_WEIGHTS
) -> pl.DataFrame:
    """need_id, solution_id, rank, score and every feature for the top `depth` per need (for learning to rank)."""
    rows: dict[str, list[object]] = {"need_id": [], "solution_id": [], "rank": [], "score": []}
    rows.update({name: [] for name in FEATURES})
    for ranking in rank_needs(index, needs, depth, replace(weights, provider_cap=0)):
        for match in ranking.matches:
            rows["need_id"].append(ranking.need_id)
            rows["solution_id"].append(match.solution_id)
            rows["rank"].append(match.rank)
            rows["score"].append(match.score)
            for name in FEATURES:
                rows[name].append(match.features[name])
    return pl.DataFrame(rows, schema_overrides={"rank": pl.Int32})
