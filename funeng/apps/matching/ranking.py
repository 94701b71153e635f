"""Ranking service: database objects → the engine's plain inputs → stored matches.

The engine index of the catalogue is built once per process and rebuilt when the catalogue key
changes: the count and latest change of matchable solutions, plus the reviews and finished deals
that feed provider quality. Ranking one need uses the engine's one path (with explanations);
re-ranking all open needs uses its batch path.

A learned re-ranker (`funeng matching_train`) is used when settings.MATCHING_MODEL_PATH holds a
usable model file; it is read again when the file changes. No file means the hand-tuned blend, and so
does a corrupt or mismatched file (with a warning in the log): a page never fails because of a model.
The stored catalogue key then includes the model, so needs ranked before the model changed show as
outdated.

This module computes; services.py writes what it computes (needs_matches_store), and only when
asked: a need posted or imported, the refresh button of a need's page, `funeng matching_refresh`.
A page view never ranks (ARCHITECTURE: a GET never changes stored state).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max

from engines.match import model as engine
from engines.match.classifier import classify, lexicon
from engines.match.index import SolutionIndex, build_index
from engines.match.ltr import LearnedRanker, ModelError, ModelMissing, load
from engines.match.rank import Ranking, blend_one, rank_need, rank_needs
from funeng.apps.matching.access import solutions_matchable
from funeng.apps.matching.const import MATCHES_KEPT, DealStatus, NeedStatus
from funeng.apps.matching.models import Deal, Match, Need, Review, Solution
from funeng.apps.matching.selectors import trust_inputs

ENGINE_VETTING = {
    "approved": "vetted",
    "applied": "pending",
    "rejected": "suspended",
    "suspended": "suspended",
}
BATCH = 500  # needs ranked and stored together by the batch path
logger = logging.getLogger(__name__)
STORED = ["matched_at", "matched_catalogue", "detected_scenarios", "best_score", "best_scenario_fit"]


def engine_solution(solution: Solution) -> engine.Solution:
    """A stored solution as the engine's input (provider named by id: names are not unique)."""
    price = solution.price_cny_per_year
    return engine.Solution(
        id=str(solution.pk),
        provider=str(solution.provider_id),
        title=solution.title,
        description=solution.description,
        scenarios=tuple(solution.scenarios or ()),
        industries=tuple(solution.industries or ()),
        regions=tuple(code[:2] for code in solution.regions or ()),
        price_cny_per_year=None if price is None else float(price),
        deployment=solution.deployment or None,
        min_employees=solution.min_employees,
        max_employees=solution.max_employees,
    )


def engine_need(need: Need) -> engine.Need:
    """A stored need, with the profile copied when it was posted, as the engine's input."""
    return engine.Need(
        id=str(need.pk),
        title=need.title,
        description=need.description,
        enterprise=engine.Enterprise(
            industry_code=need.industry_code or None,
            province=need.region_code[:2] or None,
            employees=need.employees,
            revenue_cny=None if need.revenue_cny is None else float(need.revenue_cny),
        ),
        budget_cny_per_year=None if need.budget_cny_per_year is None else float(need.budget_cny_per_year),
        scenarios=tuple(need.scenarios or ()),
    )


def _catalogue_state() -> tuple[str, bool]:
    """(fingerprint of everything the index is built from, whether anything is matchable); three small queries."""
    solutions = solutions_matchable().aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    reviews = Review.objects.aggregate(n=Count("pk"), top=Max("pk"))
    deals = Deal.objects.exclude(status=DealStatus.ACTIVE).aggregate(n=Count("pk"), top=Max("pk"))
    raw = f"{solutions}|{reviews}|{deals}|{lexicon().version}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32], bool(solutions["n"])


def catalogue_key() -> str:
    """A short fingerprint of everything the index is built from (three small aggregate queries)."""
    return _catalogue_state()[0]


def _quality() -> dict[str, engine.ProviderQuality]:
    provider_ids = solutions_matchable().values_list("provider_id", flat=True).distinct()
    result = {}
    for pk, inputs in trust_inputs(provider_ids).items():
        result[str(pk)] = engine.ProviderQuality(
            rating=inputs.mean_rating,
            reviews=inputs.reviews,
            uplift=inputs.mean_outcome,
            uplift_clients=inputs.outcome_clients,
            vetting=ENGINE_VETTING.get(inputs.vetting_state, "unknown"),
        )
    return result


def _usage() -> dict[str, dict[str, int]]:
    """Solution id → industry division of the client → deals (the engine's "used by peers")."""
    usage: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        Deal.objects.exclude(status=DealStatus.CANCELLED)
        .values_list("solution_id", "enterprise__industry_code")
        .annotate(n=Count("pk"))
    )
    for solution_id, industry, n in rows:
        if industry:
            division = industry[:2]
            usage[str(solution_id)][division] = usage[str(solution_id)].get(division, 0) + n
    return usage


@dataclass(frozen=True)
class Catalogue:
    key: str  # stored on ranked needs: the catalogue fingerprint, combined with the model's when one is used
    index: SolutionIndex | None  # None when nothing is published
    model: LearnedRanker | None = None


@dataclass(frozen=True)
class _LoadedModel:
    stamp: tuple[str, int, int]  # path, mtime in ns, size: a changed file is read again
    model: LearnedRanker | None  # None when the file was unusable (warned once per file version)


_lock = threading.Lock()
_current: Catalogue | None = None
_model: _LoadedModel | None = None


def ranking_model(path: Path | None = None) -> LearnedRanker | None:
    """The learned re-ranker at settings.MATCHING_MODEL_PATH, or None (then the hand blend ranks).

    The file's modification time and size are checked on each call (one stat) and the file is parsed
    again only when they change. Missing → None silently; unusable → None and one warning per version.
    """
    global _model
    target = Path(path or settings.MATCHING_MODEL_PATH)
    try:
        info = os.stat(target)
    except OSError:
        _model = None
        return None
    stamp = (str(target), info.st_mtime_ns, info.st_size)
    loaded = _model
    if loaded is not None and loaded.stamp == stamp:
        return loaded.model
    try:
        model: LearnedRanker | None = load(target)
    except ModelMissing:
        model = None
    except ModelError as exc:
        logger.warning("matching model not used, ranking by the hand-tuned blend: %s", exc)
        model = None
    _model = _LoadedModel(stamp, model)
    return model


def _model_key(key: str, model: LearnedRanker) -> str:
    return hashlib.sha256(f"{key}|{model.name}".encode()).hexdigest()[:32]


def _with_model(current: Catalogue) -> Catalogue:
    model = ranking_model()
    if model is None or current.index is None:
        return current
    return Catalogue(_model_key(current.key, model), current.index, model)


def ranking_key() -> str:
    """The key a need ranked now would store (catalogue() builds the index; this only reads the fingerprint)."""
    key, matchable = _catalogue_state()
    model = ranking_model()
    return _model_key(key, model) if model is not None and matchable else key


def catalogue() -> Catalogue:
    """The engine index of the matchable catalogue (rebuilt only when the catalogue key changed) and the model."""
    global _current
    key = catalogue_key()
    current = _current
    if current is not None and current.key == key:
        return _with_model(current)
    with _lock:
        if _current is None or _current.key != key:
            solutions = [engine_solution(s) for s in solutions_matchable().order_by("pk")]
            index = build_index(solutions, quality=_quality(), usage=_usage()) if solutions else None
            _current = Catalogue(key, index)
        return _with_model(_current)


def forget_catalogue() -> None:
    """Drop the cached index and model (tests; after a bulk import in the same process the key changes anyway)."""
    global _current, _model
    with _lock:
        _current = None
        _model = None


# --- what a ranking stores (services.needs_matches_store writes it) -----------------------------------


def rank_one(current: Catalogue, need: Need, *, k: int = MATCHES_KEPT) -> Ranking | None:
    """The engine's one path for one need (with explanations); None when nothing is published."""
    if current.index is None:
        return None
    return rank_need(current.index, engine_need(need), k, model=current.model)


def rank_batch(current: Catalogue, needs: Sequence[Need], *, k: int = MATCHES_KEPT) -> list[Ranking]:
    """The engine's batch path for many needs (the catalogue must not be empty)."""
    if current.index is None:
        raise ValueError("nothing is published: there is no catalogue to rank against")
    return rank_needs(current.index, [engine_need(n) for n in needs], k, model=current.model)


def need_ranked(need: Need, ranking: Ranking | None, key: str, now: dt.datetime) -> list[Match]:
    """A ranking's Match rows (unsaved), with the need's ranking fields (STORED) set on it, not saved.

    None means the catalogue was empty: no rows, and the need counts as ranked, with no best match,
    so its page says "nothing fits yet" rather than "not ranked yet".
    """
    need.matched_at = now
    need.matched_catalogue = key
    if ranking is None:
        need.best_score = need.best_scenario_fit = None
        return []
    need.detected_scenarios = [ident for ident, _score, _cues in ranking.scenarios]
    # Gaps are judged on the hand blend, whichever ranker ordered the list: a learned model
    # re-orders, but "no good match" must not move with each retraining.
    fits = [(blend_one(m.features), m) for m in ranking.matches]
    best = max(fits, key=lambda pair: pair[0], default=None)
    need.best_score = None if best is None else best[0]
    need.best_scenario_fit = None if best is None else best[1].features.get("scenario", 0.0)
    return [
        Match(
            need=need,
            solution_id=int(match.solution_id),
            rank=match.rank,
            score=match.score,
            reasons=[r.as_dict() for r in match.reasons],
            features={name: round(value, 6) for name, value in match.features.items()},
        )
        for match in ranking.matches
    ]


def need_ranking_state(need: Need) -> str:
    """Whether an open need's stored matches are "missing" (never ranked) or "outdated" (older catalogue or model)."""
    if need.status != NeedStatus.OPEN:
        return ""
    if need.matched_at is None:
        return "missing"
    return "outdated" if need.matched_catalogue != ranking_key() else ""  # "" = current


# --- what the pages show -----------------------------------------------------------------------------


def suggest_scenarios(text: str, *, limit: int = 4) -> list[tuple[str, float, tuple[str, ...]]]:
    """Scenarios the engine's classifier reads in a draft need (id, share of the best, cue words)."""
    if not text.strip():
        return []
    result = classify(text[:2000])
    if not result.scores:
        return []
    best = result.scores[0].score
    return [(s.id, s.score / best, s.cues) for s in result.scores[:limit]]
