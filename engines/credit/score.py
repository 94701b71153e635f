"""Scoring: one applicant with an explanation, or a Polars frame of applicants at once.

Both paths find the same bin for every value, add the same points in the same order and rank
reasons by the same key, so they agree exactly (a property test holds them to it). Reason codes
are the variables that cost the applicant the most points against the best bin of each, at most
four; a category never seen in training is scored in the missing bin and always named as a reason,
so the applicant learns that part of the score rests on a value the model does not know.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from engines.credit.model import CATEGORICAL, MISSING_LABEL, NUMERIC, Scorecard, Variable, category_text

MAX_REASONS = 4
# Unseen categories rank before every points-based reason; no variable loses a million points.
UNSEEN_WEIGHT = 1e6


class MissingColumnError(ValueError):
    """The data lacks a column the model needs."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason code: the variable, the bin the applicant fell in, and the points it cost."""

    variable: str
    bin: str
    points_lost: float
    unseen: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"variable": self.variable, "bin": self.bin, "points_lost": self.points_lost}


@dataclass(frozen=True, slots=True)
class Score:
    """An applicant's score, probability of the bad outcome, reasons and explanation."""

    score: float
    pd: float
    reasons: tuple[Reason, ...]
    bins: tuple[tuple[str, str, float], ...]  # (variable, bin label, points) for every variable
    explanation: str
    explanation_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "pd": self.pd,
            "reasons": [r.as_dict() for r in self.reasons],
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
        }


def unseen_label(value: str) -> str:
    """The bin label of a category the model never saw: it is scored in the missing bin."""
    return f"{value} (unseen category, scored as {MISSING_LABEL})"


def _logistic(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


def score_one(
    model: Scorecard, applicant: Mapping[str, Any], labels: Mapping[str, tuple[str, str]] | None = None
) -> Score:
    """Score one applicant (a mapping of column to raw value) and explain it in Chinese and English.

    `labels` names variables for people, (Chinese, English) by variable; unnamed ones keep their name.
    """
    missing = [v.name for v in model.variables if v.name not in applicant]
    if missing:
        raise MissingColumnError(f"the model needs column(s) {', '.join(missing)}")
    score, logit = model.base_score, model.intercept
    candidates: list[tuple[float, int, Reason]] = []
    bins: list[tuple[str, str, float]] = []
    for position, variable in enumerate(model.variables):
        index, unseen = variable.bin_index(applicant[variable.name])
        chosen = variable.bins[index]
        score += chosen.points
        logit += variable.coefficient * chosen.woe
        lost = variable.best_points - chosen.points
        label = unseen_label(category_text(applicant[variable.name])) if unseen else chosen.label
        bins.append((variable.name, label, chosen.points))
        if lost > 0 or unseen:
            key = lost + (UNSEEN_WEIGHT if unseen else 0.0)
            candidates.append((-key, position, Reason(variable.name, label, round(lost, 2), unseen)))
    reasons = tuple(reason for _, _, reason in sorted(candidates, key=lambda c: (c[0], c[1]))[:MAX_REASONS])
    pd = _logistic(logit)
    return Score(score, pd, reasons, tuple(bins), *_explain(model, score, pd, reasons, labels or {}))


def _explain(
    model: Scorecard,
    score: float,
    pd: float,
    reasons: tuple[Reason, ...],
    labels: Mapping[str, tuple[str, str]],
) -> tuple[str, str]:
    demo_zh = "（演示评分卡，基于合成数据）" if model.demo else ""
    demo_en = " (demo scorecard, trained on synthetic data)" if model.demo else ""
    zh = f"评分 {score:.0f} 分，违约概率 {pd:.1%}{demo_zh}。"
    en = f"Score {score:.0f} points, probability of default {pd:.1%}{demo_en}."
    if not reasons:
        return (
            zh + "各项指标均处于最优分箱，没有扣分项。",
            en + " Every variable is in its best bin: no points lost.",
        )
    parts_zh, parts_en = [], []
    for reason in reasons:
        zh_name, en_name = labels.get(reason.variable, (reason.variable, reason.variable))
        lost = f"{reason.points_lost:g}"
        if reason.unseen:
            parts_zh.append(f"{zh_name}：取值未见于训练数据，按缺失值计分（少 {lost} 分）")
            parts_en.append(
                f"{en_name}: a value not seen in training, scored as missing ({lost} points lost)"
            )
        elif reason.bin == MISSING_LABEL:
            parts_zh.append(f"{zh_name}：未知，按缺失值计分，比最优分箱少 {lost} 分")
            parts_en.append(f"{en_name}: unknown, scored as missing, {lost} points below its best bin")
        else:
            parts_zh.append(f"{zh_name} 位于分箱 {reason.bin}，比最优分箱少 {lost} 分")
            parts_en.append(f"{en_name} in bin {reason.bin}: {lost} points below its best bin")
    return zh + "主要扣分原因：" + "；".join(parts_zh) + "。", en + " Main reasons: " + "; ".join(
        parts_en
    ) + "."


# ------------------------------------------------------------------------------------ batch


def _numeric_column(series: pl.Series, name: str) -> np.ndarray:
    """Float64 values with NaN for missing; text that is not a number is an error naming the row."""
    if series.dtype == pl.String:
        stripped = series.str.strip_chars()
        blank = stripped.is_null() | (stripped == "")
        cast = stripped.cast(pl.Float64, strict=False)
        bad = (~blank & cast.is_null()).arg_true()
        if len(bad):
            row = int(bad[0])
            raise ValueError(f"{name}, row {row + 1}: {series[row]!r} is not a number")
        series = cast
    return series.cast(pl.Float64).fill_nan(None).to_numpy(allow_copy=True).astype(np.float64, copy=False)


def _bin_indices(variable: Variable, series: pl.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """Every row's bin index, and for a categorical variable which rows hold an unseen category."""
    if variable.kind == NUMERIC:
        values = _numeric_column(series, variable.name)
        index = np.searchsorted(np.asarray(variable.splits, dtype=np.float64), values, side="right")
        return np.where(np.isnan(values), variable.missing_index, index).astype(np.int64), None
    lookup = {category: i for i, group in enumerate(variable.groups) for category in group}
    if series.dtype.is_float():
        integral = series.fill_nan(None).drop_nulls()
        if len(integral) and (integral == integral.round(0)).all():
            series = series.cast(pl.Int64, strict=False)
    text = series.cast(pl.String).str.strip_chars()
    blank = text.is_null() | (text == "")
    mapped = text.replace_strict(lookup, default=-1, return_dtype=pl.Int64)
    unseen = (~blank & (mapped == -1)).to_numpy()
    index = np.where(blank.to_numpy() | unseen, variable.missing_index, mapped.to_numpy())
    return index.astype(np.int64), unseen


def score_batch(model: Scorecard, frame: pl.DataFrame) -> pl.DataFrame:
    """Score every row: score, pd, reason_count, and reason{1..4}_variable / _bin / _points_lost."""
    missing = [v.name for v in model.variables if v.name not in frame.columns]
    if missing:
        raise MissingColumnError(f"the model needs column(s) {', '.join(missing)}")
    rows, k = frame.height, len(model.variables)
    score = np.full(rows, model.base_score, dtype=np.float64)
    logit = np.full(rows, model.intercept, dtype=np.float64)
    lost = np.zeros((rows, k), dtype=np.float64)
    key = np.zeros((rows, k), dtype=np.float64)
    bin_ids = np.zeros((rows, k), dtype=np.int64)  # index into all_labels: offset of the variable + bin
    all_labels: list[str] = []
    unseen_by_position: dict[int, tuple[np.ndarray, pl.Series]] = {}
    for position, variable in enumerate(model.variables):
        index, unseen = _bin_indices(variable, frame.get_column(variable.name))
        points = np.array([b.points for b in variable.bins], dtype=np.float64)
        woe = np.array([b.woe for b in variable.bins], dtype=np.float64)
        # Same order of additions as score_one, so the sums agree to the last bit.
        score += points[index]
        logit += variable.coefficient * woe[index]
        lost[:, position] = variable.best_points - points[index]
        bin_ids[:, position] = len(all_labels) + index
        all_labels.extend(b.label for b in variable.bins)
        if unseen is not None and unseen.any():
            raw = frame.get_column(variable.name).cast(pl.String).str.strip_chars()
            unseen_by_position[position] = (unseen, raw + f" (unseen category, scored as {MISSING_LABEL})")
            key[:, position] = np.where(unseen, UNSEEN_WEIGHT, 0.0)
    key += lost
    # Stable sort on the negated key ranks ties by variable position, like score_one.
    order = np.argsort(-key, axis=1, kind="stable")[:, :MAX_REASONS]
    row_index = np.arange(rows)[:, None]
    chosen_key = key[row_index, order]
    chosen_lost = np.round(lost[row_index, order], 2)
    chosen_bin = bin_ids[row_index, order]
    names = pl.Series("variable", [v.name for v in model.variables], dtype=pl.String)
    labels = pl.Series("bin", all_labels, dtype=pl.String)
    # Valid reasons (key > 0) come first in every row's order, so a row keeps a prefix of them.
    valid_count = (chosen_key > 0).sum(axis=1)
    columns: dict[str, Any] = {
        "score": score,
        "pd": 1.0 / (1.0 + np.exp(-logit)),
        "reason_count": pl.Series(valid_count, dtype=pl.Int8),
    }
    for r in range(MAX_REASONS):
        present = valid_count > r
        if r >= k:
            columns[f"reason{r + 1}_variable"] = pl.Series([None] * rows, dtype=pl.String)
            columns[f"reason{r + 1}_bin"] = pl.Series([None] * rows, dtype=pl.String)
            columns[f"reason{r + 1}_points_lost"] = pl.Series([None] * rows, dtype=pl.Float64)
            continue
        positions = order[:, r]
        label = labels.gather(chosen_bin[:, r])
        for p, (unseen, text) in unseen_by_position.items():
            here = unseen & (positions == p)
            if here.any():
                label = pl.select(pl.when(pl.Series(here)).then(text).otherwise(label)).to_series()
        mask = pl.Series(~present)
        columns[f"reason{r + 1}_variable"] = names.gather(positions).set(mask, None)
        columns[f"reason{r + 1}_bin"] = label.set(mask, None)
        columns[f"reason{r + 1}_points_lost"] = pl.Series(chosen_lost[:, r]).set(mask, None)
    return pl.DataFrame(columns)


def reasons_list(frame: pl.DataFrame) -> list[list[dict[str, Any]]]:
    """The reasons of every scored row as lists of {variable, bin, points_lost} (for pages and tests)."""
    result = []
    for row in frame.iter_rows(named=True):
        result.append(
            [
                {
                    "variable": row[f"reason{r}_variable"],
                    "bin": row[f"reason{r}_bin"],
                    "points_lost": row[f"reason{r}_points_lost"],
                }
                for r in range(1, row["reason_count"] + 1)
            ]
        )
    return result


def _json_text(column: str) -> pl.Expr:
    escaped = (
        pl.col(column).str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
    )
    return pl.concat_str(pl.lit('"'), escaped, pl.lit('"'))


def reasons_json(frame: pl.DataFrame) -> pl.Series:
    """The reasons of every row as JSON text (a list of {variable, bin, points_lost}), built column-wise."""
    items = [
        pl.concat_str(
            pl.lit('{"variable":'),
            _json_text(f"reason{r}_variable"),
            pl.lit(',"bin":'),
            _json_text(f"reason{r}_bin"),
            pl.lit(',"points_lost":'),
            pl.col(f"reason{r}_points_lost").cast(pl.String),
            pl.lit("}"),
        )
        for r in range(1, MAX_REASONS + 1)
    ]
    joined = pl.concat_str(*items, separator=",", ignore_nulls=True)
    return frame.select(
        pl.concat_str(pl.lit("["), joined.fill_null(""), pl.lit("]")).alias("reasons")
    ).to_series()


__all__ = [
    "CATEGORICAL",
    "MissingColumnError",
    "Reason",
    "Score",
    "reasons_json",
    "reasons_list",
    "score_batch",
    "score_one",
]
