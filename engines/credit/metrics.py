"""Discrimination and stability measures: AUC, KS, Gini, PSI, and a reproducible stratified split."""

from __future__ import annotations

import math

import numpy as np

# Shares of zero would make PSI infinite; a bin empty on one side counts as this small share.
PSI_FLOOR = 1e-4


def auc(bad: np.ndarray, risk: np.ndarray) -> float:
    """The probability that a random bad has a higher risk than a random good (ties count half)."""
    bad = np.asarray(bad, dtype=bool)
    risk = np.asarray(risk, dtype=np.float64)
    bads, goods = int(bad.sum()), int((~bad).sum())
    if bads == 0 or goods == 0:
        raise ValueError("AUC needs both outcomes")
    order = np.argsort(risk, kind="mergesort")
    ranked = risk[order]
    ranks = np.empty(len(risk), dtype=np.float64)
    # Average ranks over ties (1-based), so ties count half.
    boundaries = np.flatnonzero(np.diff(ranked)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(risk)]))
    average = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(average, ends - starts)
    return float((ranks[bad].sum() - bads * (bads + 1) / 2.0) / (bads * goods))


def ks(bad: np.ndarray, risk: np.ndarray) -> float:
    """Kolmogorov–Smirnov: the largest gap between the cumulative shares of bads and goods by risk."""
    bad = np.asarray(bad, dtype=bool)
    risk = np.asarray(risk, dtype=np.float64)
    bads, goods = int(bad.sum()), int((~bad).sum())
    if bads == 0 or goods == 0:
        raise ValueError("KS needs both outcomes")
    order = np.argsort(-risk, kind="mergesort")
    sorted_risk, sorted_bad = risk[order], bad[order]
    cum_bad = np.cumsum(sorted_bad) / bads
    cum_good = np.cumsum(~sorted_bad) / goods
    # Only compare at the end of each run of tied risks.
    last = np.concatenate((np.diff(sorted_risk) != 0, [True]))
    return float(np.max(np.abs(cum_bad[last] - cum_good[last])))


def gini(auc_value: float) -> float:
    """Gini (accuracy ratio) from AUC."""
    return 2.0 * auc_value - 1.0


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index between two distributions over the same bins (counts or shares)."""
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    if e.shape != a.shape or e.sum() <= 0 or a.sum() <= 0:
        raise ValueError("PSI needs two non-empty distributions over the same bins")
    e = np.maximum(e / e.sum(), PSI_FLOOR)
    a = np.maximum(a / a.sum(), PSI_FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_band(value: float) -> str:
    """The usual reading of a PSI: stable below 0.1, a shift to watch up to 0.25, then a shift to act on."""
    if math.isnan(value) or value < 0.1:
        return "stable"
    return "watch" if value < 0.25 else "shift"


def stratified_split(bad: np.ndarray, test_share: float, seed: int) -> np.ndarray:
    """A reproducible held-out mask: test_share of the bads and of the goods, chosen by seed."""
    if not 0 < test_share < 1:
        raise ValueError("test_share must be between 0 and 1")
    bad = np.asarray(bad, dtype=bool)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(bad), dtype=bool)
    for outcome in (True, False):
        rows = np.flatnonzero(bad == outcome)
        chosen = rng.permutation(rows)[: round(len(rows) * test_share)]
        test[chosen] = True
    return test
