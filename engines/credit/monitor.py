"""Scorecard monitoring: PSI of the score and CSI of each variable between a baseline and a recent population."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from engines.credit.metrics import psi, psi_band
from engines.credit.model import Scorecard
from engines.credit.score import _bin_indices, score_batch

SCORE_BANDS = 10


@dataclass(frozen=True, slots=True)
class Stability:
    """One stability figure: what it measures, its value, its reading, and the two distributions."""

    name: str
    value: float
    band: str
    labels: tuple[str, ...]
    baseline: tuple[float, ...]
    recent: tuple[float, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "band": self.band,
            "bins": [
                {"label": label, "baseline": round(b, 4), "recent": round(r, 4)}
                for label, b, r in zip(self.labels, self.baseline, self.recent, strict=True)
            ],
        }


def _shares(counts: np.ndarray) -> tuple[float, ...]:
    return tuple(float(c) for c in counts / max(counts.sum(), 1))


def baseline_bands(scores: np.ndarray) -> dict[str, list[float]]:
    """The score bands of a baseline population (cut at its deciles) and its share in each.

    Stored in the model file at fit time, so applicants can be compared with the training
    population later without keeping the training data.
    """
    edges = np.unique(np.quantile(scores, np.linspace(0, 1, SCORE_BANDS + 1)[1:-1]))
    counts = np.bincount(np.searchsorted(edges, scores, side="right"), minlength=len(edges) + 1)
    return {"edges": [round(float(e), 4) for e in edges], "shares": list(_shares(counts))}


def _labels(edges: np.ndarray) -> list[str]:
    labels = [f"< {edges[0]:.0f}"] if len(edges) else ["all"]
    labels += [f"{low:.0f}–{high:.0f}" for low, high in zip(edges[:-1], edges[1:], strict=True)]
    if len(edges):
        labels.append(f"≥ {edges[-1]:.0f}")
    return labels


def score_stability(model: Scorecard, baseline: pl.DataFrame, recent: pl.DataFrame) -> Stability:
    """PSI of the score over bands cut at the baseline's deciles."""
    base = score_batch(model, baseline).get_column("score").to_numpy()
    now = score_batch(model, recent).get_column("score").to_numpy()
    edges = np.unique(np.quantile(base, np.linspace(0, 1, SCORE_BANDS + 1)[1:-1]))
    labels = _labels(edges)
    bands = len(edges) + 1
    expected = np.bincount(np.searchsorted(edges, base, side="right"), minlength=bands)
    actual = np.bincount(np.searchsorted(edges, now, side="right"), minlength=bands)
    value = psi(expected, actual)
    return Stability("score", value, psi_band(value), tuple(labels), _shares(expected), _shares(actual))


def stability_against_baseline(model: Scorecard, scores: np.ndarray) -> Stability | None:
    """PSI of recent applicants' scores against the baseline bands stored in the model (None without them)."""
    baseline = model.metadata.get("baseline")
    if not baseline or len(scores) == 0:
        return None
    edges = np.asarray(baseline["edges"], dtype=np.float64)
    expected = np.asarray(baseline["shares"], dtype=np.float64)
    actual = np.bincount(np.searchsorted(edges, scores, side="right"), minlength=len(edges) + 1)
    value = psi(expected, actual)
    return Stability("score", value, psi_band(value), tuple(_labels(edges)), tuple(expected), _shares(actual))


def variable_stability(model: Scorecard, baseline: pl.DataFrame, recent: pl.DataFrame) -> list[Stability]:
    """CSI of every variable over the model's own bins (the missing bin included)."""
    result = []
    for variable in model.variables:
        size = len(variable.bins)
        expected = np.bincount(_bin_indices(variable, baseline.get_column(variable.name))[0], minlength=size)
        actual = np.bincount(_bin_indices(variable, recent.get_column(variable.name))[0], minlength=size)
        value = psi(expected, actual)
        labels = tuple(b.label for b in variable.bins)
        result.append(
            Stability(variable.name, value, psi_band(value), labels, _shares(expected), _shares(actual))
        )
    return result
