"""Fitting a scorecard: monotone optimal binning (optbinning), WOE logistic regression, points scaling.

optbinning (an optional extra, imported only here) finds each variable's bins with a CP-SAT model
under a monotone constraint on the bad rate; the counts, weights of evidence and the monotone check
are then recomputed here from the split points, so the model file states exactly what the scoring
paths do. A variable that is constant, all missing, too weak (information value below min_iv) or
too good to be true (its bins alone separate the outcomes: a leak of the target) is left out with
the reason; a variable whose coefficient turns negative next to the others is dropped and the
regression refitted, because a scorecard whose points contradict its bins cannot be explained.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import polars as pl

from engines.credit.metrics import auc, gini, ks
from engines.credit.model import (
    CATEGORICAL,
    MISSING_LABEL,
    NUMERIC,
    Bin,
    Scaling,
    Scorecard,
    Variable,
    bad_rate_trend,
    category_text,
    monotone_problem,
)
from engines.credit.monitor import baseline_bands
from engines.credit.score import _bin_indices, score_batch

MONOTONE = ("auto", "ascending", "descending", "none")
# The smoothing count added to each side of a bin, so an all-good or all-bad bin has a finite WOE.
SMOOTHING = 0.5
EXTRA_MESSAGE = "fitting a scorecard needs optbinning: pip install -e '.[credit]'"


class TrainingDataError(ValueError):
    """Training data that cannot give a scorecard (the message says why)."""


class NotMonotoneError(ValueError):
    """A variable whose bad rate is not monotone over its bins where monotone was required."""


@dataclass(frozen=True, slots=True)
class FitOptions:
    """How to fit: the monotone rule, bin sizes, selection thresholds, regularisation and scaling."""

    monotone: str = "auto"
    max_bins: int = 6
    min_bin_share: float = 0.05
    prebin_share: float = 0.05  # the smallest candidate bin optbinning's pre-binning may propose
    min_iv: float = 0.02
    leakage_auc: float = 0.99
    regularisation: float = 1.0  # C of the L2-penalised logistic regression
    scaling: Scaling = field(default_factory=Scaling)

    def __post_init__(self) -> None:
        if self.monotone not in MONOTONE:
            raise ValueError(f"monotone must be one of {', '.join(MONOTONE)}")


@dataclass(frozen=True, slots=True)
class FitReport:
    """A fitted scorecard with its training figures and what was left out, and why."""

    model: Scorecard
    auc: float
    ks: float
    gini: float
    excluded: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]

    def summary(self) -> dict[str, Any]:
        return {
            "auc": round(self.auc, 4),
            "ks": round(self.ks, 4),
            "gini": round(self.gini, 4),
            "variables": [
                {"name": v.name, "iv": round(v.iv, 4), "bins": len(v.bins) - 1, "trend": v.trend}
                for v in self.model.variables
            ],
            "monotone": all(v.trend != "none" for v in self.model.variables),
            "excluded": [{"name": name, "reason": reason} for name, reason in self.excluded],
            "warnings": list(self.warnings),
        }


def _optbinning() -> Any:
    try:
        return importlib.import_module("optbinning")
    except ImportError:
        raise TrainingDataError(EXTRA_MESSAGE) from None


def _is_numeric(series: pl.Series) -> bool:
    if series.dtype.is_numeric() or series.dtype == pl.Boolean:
        return True
    if series.dtype != pl.String:
        return False
    text = series.str.strip_chars()
    present = text.filter(text.is_not_null() & (text != ""))
    return len(present) > 0 and present.cast(pl.Float64, strict=False).null_count() == 0


def bad_outcome(frame: pl.DataFrame, target: str, bad_value: str) -> np.ndarray:
    """The target as booleans (True = bad); a missing target or a single class is an error."""
    if target not in frame.columns:
        raise TrainingDataError(f"the target column {target!r} is not in the data")
    column = frame.get_column(target)
    if column.null_count():
        row = int(column.is_null().arg_true()[0])
        raise TrainingDataError(f"{target}, row {row + 1}: the target is missing")
    text = [category_text(value) for value in column.to_list()]
    bad = np.array([value == bad_value for value in text], dtype=bool)
    if bad.all() or not bad.any():
        classes = sorted(set(text))
        raise TrainingDataError(
            f"the target {target!r} has one class ({', '.join(classes[:3])}) "
            f"with bad value {bad_value!r}: a scorecard needs both goods and bads"
        )
    return bad


def _number(value: float) -> str:
    # Whole numbers in full (amounts in yuan read as 2970500, not 2.9705e+06); fractions to 4 places.
    if abs(value) >= 1000 or value == int(value):
        return f"{value:.0f}" if value == round(value) else f"{value:.1f}"
    return f"{value:.4g}"


def _number_label(low: float, high: float) -> str:
    left = "(-inf" if math.isinf(low) else f"[{_number(low)}"
    right = "inf)" if math.isinf(high) else f"{_number(high)})"
    return f"{left}, {right}"


def _candidate(
    name: str, series: pl.Series, numeric: bool, splits_or_groups: Any, bad: np.ndarray
) -> Variable:
    """A variable with counts and WOE recomputed from its split points (coefficient still 1)."""
    if numeric:
        splits = tuple(float(s) for s in splits_or_groups)
        groups: tuple[tuple[str, ...], ...] = ()
        edges = (-math.inf, *splits, math.inf)
        labels = [_number_label(edges[i], edges[i + 1]) for i in range(len(splits) + 1)]
    else:
        splits = ()
        groups = tuple(tuple(category_text(c) for c in group) for group in splits_or_groups)
        labels = [", ".join(group) for group in groups]
    labels.append(MISSING_LABEL)
    shell = Variable(
        name,
        NUMERIC if numeric else CATEGORICAL,
        splits,
        groups,
        tuple(Bin(label, 0, 0, 0.0, 0.0) for label in labels),
        1.0,
        "none",
        False,
        0.0,
    )
    index, _ = _bin_indices(shell, series)
    counts = np.bincount(index, minlength=len(labels))
    bads = np.bincount(index, weights=bad.astype(np.float64), minlength=len(labels)).astype(np.int64)
    total_bad, total_good = int(bad.sum()), int((~bad).sum())
    bins, iv = [], 0.0
    for label, count, bad_count in zip(labels, counts, bads, strict=True):
        good_count = int(count) - int(bad_count)
        if count == 0:
            woe = 0.0  # no training evidence: neutral
        else:
            woe = math.log(((bad_count + SMOOTHING) / total_bad) / ((good_count + SMOOTHING) / total_good))
            iv += (bad_count / total_bad - good_count / total_good) * woe
        bins.append(Bin(label, int(count), int(bad_count), woe, 0.0))
    trend = bad_rate_trend(bins[:-1]) if numeric else "categorical"
    return Variable(name, shell.kind, splits, groups, tuple(bins), 1.0, trend, False, iv)


def _bin_variable(
    optbinning: Any, name: str, series: pl.Series, bad: np.ndarray, options: FitOptions
) -> Variable:
    numeric = _is_numeric(series)
    y = bad.astype(np.int64)
    if numeric:
        x = series.cast(pl.Float64, strict=False).fill_nan(None).to_numpy().astype(np.float64)
        trend = {"auto": "auto_asc_desc", "ascending": "ascending", "descending": "descending", "none": None}
        binner = optbinning.OptimalBinning(
            name=name,
            dtype="numerical",
            solver="cp",
            monotonic_trend=trend[options.monotone],
            max_n_bins=options.max_bins,
            min_bin_size=options.min_bin_share,
            min_prebin_size=options.prebin_share,
        )
    else:
        texts = [None if v is None else category_text(v) for v in series.to_list()]
        x = np.array([t if t else None for t in texts], dtype=object)
        binner = optbinning.OptimalBinning(
            name=name,
            dtype="categorical",
            solver="cp",
            max_n_bins=options.max_bins,
            min_bin_size=options.min_bin_share,
            min_prebin_size=options.prebin_share,
        )
    binner.fit(x, y)
    if binner.status not in ("OPTIMAL", "FEASIBLE"):
        raise TrainingDataError(f"{name}: the binning found no solution ({binner.status})")
    splits = binner.splits if numeric else [list(group) for group in binner.splits]
    variable = _candidate(name, series, numeric, splits, bad)
    if numeric and options.monotone != "none":
        # optbinning enforces the trend on its own counts; check ours, which the model file states.
        if problem := monotone_problem(variable, options.monotone):
            raise NotMonotoneError(problem)
        variable = replace(variable, monotone_required=True)
    return variable


def _separation(series: pl.Series, bad: np.ndarray) -> float:
    """How well the raw values alone separate bads from goods (AUC either way; missing kept apart).

    Checked before binning: optbinning merges pure bins away, so a leaked target would look
    worthless after binning instead of perfect.
    """
    if _is_numeric(series):
        values = series.cast(pl.Float64, strict=False).fill_nan(None)
        present = values.is_not_null().to_numpy()
        risk = values.fill_null(values.min()).to_numpy() if present.any() else np.zeros(len(series))
        risk = np.where(present, risk - np.nanmin(risk) + 1, 0.0)
    else:
        text = pl.Series([None if v is None else category_text(v) for v in series.to_list()], dtype=pl.String)
        rates = pl.DataFrame({"c": text, "b": bad}).group_by("c").agg(pl.col("b").mean())
        risk = (
            pl.DataFrame({"c": text})
            .join(rates, on="c", how="left", nulls_equal=True)
            .get_column("b")
            .to_numpy()
        )
    value = auc(bad, risk)
    return max(value, 1 - value)


def _woe_matrix(variables: list[Variable], frame: pl.DataFrame) -> np.ndarray:
    columns = []
    for variable in variables:
        index, _ = _bin_indices(variable, frame.get_column(variable.name))
        columns.append(np.array([b.woe for b in variable.bins])[index])
    return np.column_stack(columns)


def data_hash(frame: pl.DataFrame) -> str:
    """A SHA-256 of the training data as CSV, recorded in the model so it can be traced."""
    return hashlib.sha256(frame.write_csv().encode("utf-8")).hexdigest()


def fit_scorecard(
    frame: pl.DataFrame,
    target: str,
    bad_value: str,
    options: FitOptions | None = None,
    *,
    data_sha256: str | None = None,
    demo: bool = False,
) -> FitReport:
    """Fit a scorecard on a frame; every column but the target is a candidate variable."""
    options = options or FitOptions()
    optbinning = _optbinning()
    linear_model = importlib.import_module("sklearn.linear_model")
    bad = bad_outcome(frame, target, bad_value)
    excluded: list[tuple[str, str]] = []
    warnings: list[str] = []
    candidates: list[Variable] = []
    for name in frame.columns:
        if name == target:
            continue
        series = frame.get_column(name)
        present = series.drop_nulls()
        if series.dtype == pl.String:
            present = present.filter(present.str.strip_chars() != "")
        if len(present) == 0:
            excluded.append((name, "all values missing"))
            continue
        if present.n_unique() == 1 and len(present) == frame.height:
            excluded.append((name, "constant"))
            continue
        separation = _separation(series, bad)
        if separation >= options.leakage_auc:
            excluded.append((name, f"predicts the target almost perfectly (AUC {separation:.3f}): a leak?"))
            warnings.append(
                f"{name} predicts the target almost perfectly (AUC {separation:.3f}); left out as a likely leak"
            )
            continue
        variable = _bin_variable(optbinning, name, series, bad, options)
        if variable.iv < options.min_iv:
            excluded.append((name, f"information value {variable.iv:.4f} below {options.min_iv}"))
            continue
        candidates.append(variable)
    if not candidates:
        raise TrainingDataError("no variable separates goods from bads: nothing to build a scorecard from")
    while True:
        regression = linear_model.LogisticRegression(C=options.regularisation, max_iter=2000)
        regression.fit(_woe_matrix(candidates, frame), bad.astype(np.int64))
        coefficients = [float(c) for c in regression.coef_[0]]
        wrong = [i for i, c in enumerate(coefficients) if c <= 0]
        if not wrong:
            break
        # Drop the weakest wrong-signed variable and refit: its points would contradict its bins.
        drop = min(wrong, key=lambda i: candidates[i].iv)
        excluded.append((candidates[drop].name, "coefficient not positive next to the other variables"))
        del candidates[drop]
        if not candidates:
            raise TrainingDataError(
                "no variable keeps a positive coefficient: nothing to build a scorecard from"
            )
    factor = options.scaling.factor
    variables = tuple(
        replace(
            v,
            coefficient=c,
            bins=tuple(Bin(b.label, b.count, b.bads, b.woe, -factor * c * b.woe + 0.0) for b in v.bins),
        )
        for v, c in zip(candidates, coefficients, strict=True)
    )
    metadata: dict[str, Any] = {
        "trained_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "rows": frame.height,
        "bads": int(bad.sum()),
        "data_sha256": data_sha256 or data_hash(frame),
        "options": {
            "monotone": options.monotone,
            "max_bins": options.max_bins,
            "min_bin_share": options.min_bin_share,
            "min_iv": options.min_iv,
            "regularisation": options.regularisation,
        },
        "optbinning": getattr(optbinning, "__version__", "unknown"),
        "excluded": [{"name": n, "reason": r} for n, r in excluded],
        "demo": demo,
    }
    model = Scorecard(
        target, bad_value, variables, float(regression.intercept_[0]), options.scaling, metadata
    )
    scored = score_batch(model, frame)
    risk = scored.get_column("pd").to_numpy()
    train_auc = auc(bad, risk)
    model.metadata["baseline"] = baseline_bands(scored.get_column("score").to_numpy())
    model.metadata["train"] = {"auc": round(train_auc, 4), "ks": round(ks(bad, risk), 4)}
    return FitReport(model, train_auc, ks(bad, risk), gini(train_auc), tuple(excluded), tuple(warnings))
