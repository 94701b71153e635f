"""Learning to rank from use: a linear pairwise-logistic (RankNet-style) ranker over the engine's features.

The model re-scores the pool the hand-tuned blend chose (see `rank._rescore`). Its score is

    s = log(max(blend, BLEND_FLOOR)) + Σ_f w_f · (x_f - mean_f) / scale_f

over LTR_FEATURES (the engine's FEATURES plus log(blend)), so the blend is the offset of the model:
zero weights rank exactly as the blend does, and the L2 penalty pulls the weights towards the blend
rather than towards no ranking at all, which is the prior we want when logs are few. The Match score
shown is exp(s) = blend × exp(adjustment), on the blend's scale.

Training: within each need, every pair of logged solutions with different labels (deal 3 >
proposal_requested 2 > click 1 > impression only 0, the best per need × solution) is one example
of the logistic loss log(1 + exp(-(s_i - s_j))), weighted by the gain difference 2^l_i - 2^l_j and
normalised so that each need weighs 1. Newton's method with a backtracking line search on the
(convex) penalised loss: deterministic, a dozen iterations, NumPy only.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from engines.match.classifier import lexicon
from engines.match.index import SolutionIndex
from engines.match.metrics import ndcg_at
from engines.match.model import Need, ReRanker
from engines.match.rank import DEFAULT_WEIGHTS, FEATURES, RankingWeights, features_for

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FORMAT_VERSION = 1
LOG_BLEND = "log_blend"
LTR_FEATURES = (*FEATURES, LOG_BLEND)
# A logged solution the blend now scores 0 (no relevance left) still needs a finite offset.
BLEND_FLOOR = 1e-3
EVENT_LABELS = {"impression": 0, "click": 1, "proposal_requested": 2, "deal": 3}
MIN_NEEDS = 20  # needs with at least one positive and one other label; below that, refuse to train
DEFAULT_L2 = 0.05
HOLDOUT_SHARE = 0.2
MAX_ITERATIONS = 50


class ModelError(ValueError):
    """A model file cannot be used, or there is too little to train on; str() says why and what to do."""


class ModelMissing(ModelError):
    """No model file at the given path (the normal state before the first training)."""


@dataclass(frozen=True)
class LearnedRanker(ReRanker):
    """A trained linear re-ranker: standardisation, weights and where they came from.

    It subclasses the `ReRanker` Protocol (which rank.py is typed by) so mypy checks the fit here.
    """

    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The ranker as a Ranking records it: learned:<trained_at>."""
        return f"learned:{self.metadata.get('trained_at', '')}"

    def log_score(self, features: Mapping[str, FloatArray], blend_scores: FloatArray) -> FloatArray:
        """s = log(blend) + w · standardised features (any array shape, elementwise over pairs)."""
        log_blend = np.log(np.maximum(np.asarray(blend_scores, dtype=np.float64), BLEND_FLOOR))
        result: FloatArray = log_blend.copy()
        for name, mean, scale, weight in zip(
            self.features, self.means, self.scales, self.weights, strict=True
        ):
            values = log_blend if name == LOG_BLEND else np.asarray(features[name], dtype=np.float64)
            result += weight * (values - mean) / scale
        return result

    def score(self, features: Mapping[str, FloatArray], blend_scores: FloatArray) -> FloatArray:
        """The Match score: exp(s) = blend × exp(learned adjustment); zero weights give the blend itself."""
        result: FloatArray = np.exp(np.minimum(self.log_score(features, blend_scores), 700.0))
        return result

    def as_dict(self) -> dict[str, Any]:
        """The JSON layout of a model file."""
        return {
            "format_version": FORMAT_VERSION,
            "features": list(self.features),
            "means": list(self.means),
            "scales": list(self.scales),
            "weights": list(self.weights),
            "metadata": self.metadata,
        }

    def save(self, path: Path) -> None:
        """Write the model as JSON atomically: a temporary file in the same folder, then rename."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(self.as_dict(), out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def load(path: Path) -> LearnedRanker:
    """Read a model file; ModelMissing when absent, ModelError naming the file and the problem otherwise."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelMissing(f"{path}: no model file; train one with `funeng matching_train`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: cannot be read ({exc}); train a new model") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ModelError(
            f"{path}: not valid JSON ({exc.msg}, line {exc.lineno}); train a new model"
        ) from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a JSON object; train a new model")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{path}: format_version {version!r}, this engine reads {FORMAT_VERSION}; train a new model"
        )
    features = data.get("features")
    if features != list(LTR_FEATURES):
        raise ModelError(
            f"{path}: features {features!r} do not match the engine's {list(LTR_FEATURES)}; train a new model"
        )
    columns: dict[str, tuple[float, ...]] = {}
    for key in ("means", "scales", "weights"):
        values = data.get(key)
        if (
            not isinstance(values, list)
            or len(values) != len(LTR_FEATURES)
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
            )
        ):
            raise ModelError(f"{path}: {key} must be {len(LTR_FEATURES)} finite numbers; train a new model")
        columns[key] = tuple(float(v) for v in values)
    if any(v <= 0 for v in columns["scales"]):
        raise ModelError(f"{path}: scales must be positive; train a new model")
    metadata = data.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ModelError(f"{path}: metadata must be a JSON object; train a new model")
    return LearnedRanker(LTR_FEATURES, columns["means"], columns["scales"], columns["weights"], metadata)


def zero_model(metadata: Mapping[str, Any] | None = None) -> LearnedRanker:
    """A model that ranks exactly as the blend does (all weights 0)."""
    d = len(LTR_FEATURES)
    return LearnedRanker(LTR_FEATURES, (0.0,) * d, (1.0,) * d, (0.0,) * d, dict(metadata or {}))


# --- training data ---------------------------------------------------------------------------------


def labels_from_events(events: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, int]]:
    """need id → solution id → label, the best per pair, from (need id, solution id, kind) events.

    Unknown kinds are ignored, so a new kind of event cannot break training.
    """
    labels: dict[str, dict[str, int]] = {}
    for need_id, solution_id, kind in events:
        label = EVENT_LABELS.get(kind)
        if label is None:
            continue
        per_need = labels.setdefault(need_id, {})
        per_need[solution_id] = max(per_need.get(solution_id, 0), label)
    return labels


def informative(labels: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Needs with at least one positive label and one lower label: the only ones that give pairs."""
    return [
        n
        for n, per in labels.items()
        if per and max(per.values()) >= 1 and min(per.values()) < max(per.values())
    ]


@dataclass(frozen=True)
class TrainingSet:
    """Rows of (need, solution) with LTR_FEATURES, the blend score and the label."""

    need_ids: tuple[str, ...]  # per row
    solution_ids: tuple[str, ...]
    matrix: FloatArray  # (rows, LTR_FEATURES)
    blend: FloatArray
    labels: IntArray
    missing: int = 0  # logged pairs whose solution is no longer in the index

    @property
    def size(self) -> int:
        """Number of rows."""
        return len(self.need_ids)

    def subset(self, need_ids: Iterable[str]) -> TrainingSet:
        """The rows of these needs only."""
        wanted = set(need_ids)
        rows = np.array([i for i, n in enumerate(self.need_ids) if n in wanted], dtype=np.int64)
        return TrainingSet(
            tuple(self.need_ids[i] for i in rows),
            tuple(self.solution_ids[i] for i in rows),
            self.matrix[rows] if rows.size else np.zeros((0, len(LTR_FEATURES))),
            self.blend[rows],
            self.labels[rows],
        )

    def features(self) -> dict[str, FloatArray]:
        """The columns by feature name."""
        return {name: self.matrix[:, i] for i, name in enumerate(LTR_FEATURES)}


def training_set(
    index: SolutionIndex,
    needs: Mapping[str, Need],
    labels: Mapping[str, Mapping[str, int]],
    weights: RankingWeights = DEFAULT_WEIGHTS,
) -> TrainingSet:
    """Features of every logged (need, solution) pair of the needs given, computed on today's index."""
    need_rows: list[str] = []
    solution_rows: list[str] = []
    blocks: list[FloatArray] = []
    blends: list[FloatArray] = []
    label_rows: list[int] = []
    missing = 0
    for need_id in sorted(labels):
        need = needs.get(need_id)
        per_need = labels[need_id]
        if need is None:
            missing += len(per_need)
            continue
        ids = sorted(per_need)
        found, features, blended = features_for(index, need, ids, weights)
        missing += len(ids) - len(found)
        if not found:
            continue
        log_blend = np.log(np.maximum(blended, BLEND_FLOOR))
        blocks.append(np.column_stack([*(features[f] for f in FEATURES), log_blend]))
        blends.append(blended)
        need_rows += [need_id] * len(found)
        solution_rows += found
        label_rows += [per_need[s] for s in found]
    return TrainingSet(
        tuple(need_rows),
        tuple(solution_rows),
        np.vstack(blocks) if blocks else np.zeros((0, len(LTR_FEATURES))),
        np.concatenate(blends) if blends else np.zeros(0),
        np.array(label_rows, dtype=np.int64),
        missing,
    )


def split_needs(need_ids: Iterable[str], share: float = HOLDOUT_SHARE) -> tuple[list[str], list[str]]:
    """(training, held-out) needs: a need is held out when a hash of its id falls in `share`.

    A hash, not a random draw: the same need stays on the same side from one training to the next.
    """
    train: list[str] = []
    held: list[str] = []
    for need_id in sorted(set(need_ids)):
        bucket = int(hashlib.sha256(need_id.encode()).hexdigest()[:8], 16) / 0x1_0000_0000
        (held if bucket < share else train).append(need_id)
    return train, held


# --- training ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pairs:
    """Preference pairs (i preferred to j) as differences of standardised features and of log(blend)."""

    difference: FloatArray  # (pairs, features)
    offset: FloatArray  # log_blend_i - log_blend_j
    weight: FloatArray  # gain difference, normalised so each need sums to 1
    needs: int


def _pairs(data: TrainingSet, means: FloatArray, scales: FloatArray) -> Pairs:
    z = (data.matrix - means) / scales
    log_blend = data.matrix[:, LTR_FEATURES.index(LOG_BLEND)]
    gain = 2.0 ** data.labels.astype(np.float64) - 1.0
    groups: dict[str, list[int]] = {}
    for row, need_id in enumerate(data.need_ids):
        groups.setdefault(need_id, []).append(row)
    better: list[IntArray] = []
    worse: list[IntArray] = []
    weights: list[FloatArray] = []
    needs = 0
    for rows_list in groups.values():
        rows = np.array(rows_list, dtype=np.int64)
        labels = data.labels[rows]
        i, j = np.nonzero(labels[:, None] > labels[None, :])
        if not i.size:
            continue
        delta = gain[rows[i]] - gain[rows[j]]
        better.append(rows[i])
        worse.append(rows[j])
        weights.append(delta / delta.sum())
        needs += 1
    if not needs:
        d = len(LTR_FEATURES)
        return Pairs(np.zeros((0, d)), np.zeros(0), np.zeros(0), 0)
    b, w = np.concatenate(better), np.concatenate(worse)
    return Pairs(z[b] - z[w], log_blend[b] - log_blend[w], np.concatenate(weights), needs)


def _loss(pairs: Pairs, w: FloatArray, l2: float) -> float:
    margin = pairs.offset + pairs.difference @ w
    return float(pairs.weight @ np.logaddexp(0.0, -margin)) / pairs.needs + 0.5 * l2 * float(w @ w)


def fit(pairs: Pairs, l2: float = DEFAULT_L2) -> tuple[FloatArray, int]:
    """Weights minimising the penalised pairwise logistic loss (Newton + backtracking); and iterations used."""
    d = pairs.difference.shape[1]
    w = np.zeros(d)
    loss = _loss(pairs, w, l2)
    for iteration in range(1, MAX_ITERATIONS + 1):
        margin = pairs.offset + pairs.difference @ w
        p = 0.5 * (1.0 - np.tanh(0.5 * margin))  # sigmoid(-margin), stable for large |margin|
        grad = -(pairs.difference.T @ (pairs.weight * p)) / pairs.needs + l2 * w
        curvature = pairs.weight * p * (1.0 - p) / pairs.needs
        hessian = (pairs.difference * curvature[:, None]).T @ pairs.difference + l2 * np.eye(d)
        step = np.linalg.solve(hessian, grad)
        t = 1.0
        while True:
            candidate = w - t * step
            new_loss = _loss(pairs, candidate, l2)
            if new_loss <= loss - 1e-4 * t * float(grad @ step) or t < 1e-8:
                break
            t *= 0.5
        w, previous, loss = candidate, loss, new_loss
        if float(np.abs(t * step).max()) < 1e-9 or previous - loss < 1e-12:
            return w, iteration
    return w, MAX_ITERATIONS


def train(
    data: TrainingSet,
    *,
    trained_at: str,
    l2: float = DEFAULT_L2,
    min_needs: int = MIN_NEEDS,
    metadata: Mapping[str, Any] | None = None,
) -> LearnedRanker:
    """Fit a LearnedRanker on the rows; ModelError when fewer than `min_needs` needs give pairs."""
    if l2 <= 0:
        raise ModelError(f"the L2 penalty must be positive, got {l2}")
    grouped: dict[str, set[int]] = {}
    for need_id, label in zip(data.need_ids, data.labels.tolist(), strict=True):
        grouped.setdefault(need_id, set()).add(label)
    useful = sum(1 for labels in grouped.values() if max(labels) >= 1 and len(labels) > 1)
    if useful < max(min_needs, 1):
        raise ModelError(
            f"too few events to learn from: {useful} needs have both a positive (click, proposal or deal) "
            f"and a lower-labelled solution, at least {min_needs} are needed; collect more use first"
        )
    means = data.matrix.mean(axis=0)
    scales = data.matrix.std(axis=0)
    scales = np.where(scales > 1e-9, scales, 1.0)  # a constant feature stays at weight 0 under L2
    pairs = _pairs(data, means, scales)
    weights, iterations = fit(pairs, l2)
    info: dict[str, Any] = {
        "trained_at": trained_at,
        "needs": pairs.needs,
        "pairs": int(pairs.weight.size),
        "rows": data.size,
        "l2": l2,
        "iterations": iterations,
        "lexicon_version": lexicon().version,
        "format_version": FORMAT_VERSION,
    }
    info.update(metadata or {})
    return LearnedRanker(
        LTR_FEATURES,
        tuple(float(v) for v in means),
        tuple(float(v) for v in scales),
        tuple(float(v) for v in weights),
        info,
    )


# --- evaluation on logs ----------------------------------------------------------------------------


def logged_ndcg(data: TrainingSet, scores: FloatArray, k: int = 10) -> tuple[float, int]:
    """Mean NDCG@k of re-ranking each need's logged solutions by `scores`, labels as grades; needs counted.

    Only needs with a positive label count. Ties keep the rows' order (solution id), for both rankers.
    """
    groups: dict[str, list[int]] = {}
    for row, need_id in enumerate(data.need_ids):
        groups.setdefault(need_id, []).append(row)
    values = []
    for rows_list in groups.values():
        rows = np.array(rows_list, dtype=np.int64)
        labels = data.labels[rows]
        if labels.max(initial=0) < 1:
            continue
        order = rows[np.lexsort((np.arange(rows.size), -scores[rows]))]
        judged = {str(r): int(data.labels[r]) for r in rows}
        values.append(ndcg_at([str(r) for r in order], judged, k))
    return (float(np.mean(values)) if values else 0.0), len(values)


def blend_and_model_ndcg(data: TrainingSet, model: LearnedRanker, k: int = 10) -> tuple[float, float, int]:
    """(blend NDCG@k, model NDCG@k, needs) re-ranking the logged solutions of `data`."""
    blend_ndcg, needs = logged_ndcg(data, data.blend, k)
    model_ndcg, _ = logged_ndcg(data, model.score(data.features(), data.blend), k)
    return blend_ndcg, model_ndcg, needs


def weights_table(model: LearnedRanker) -> list[tuple[str, float]]:
    """(feature, weight per standard deviation), largest effect first (for reports)."""
    return sorted(zip(model.features, model.weights, strict=True), key=lambda pair: -abs(pair[1]))


def describe(model: LearnedRanker, names: Sequence[str] = LTR_FEATURES) -> str:
    """One line: the weights of the named features."""
    by_name = dict(zip(model.features, model.weights, strict=True))
    return ", ".join(f"{name} {by_name[name]:+.3f}" for name in names)
