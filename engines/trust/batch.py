"""Score many providers in one vectorized Polars pass; agrees with `trust_score` row for row.

Input frame: one row per provider with the TrustInputs columns (INPUT_COLUMNS; `vetting_state` as
text, counts as integers, sums as floats). Other columns (provider ids, regions) pass through. The
result adds `score` (rounded as `trust_score` rounds), `excluded`, one value column per component
(`vetting`, `rating`, …, each 0 … 1) and `weights_version`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import polars as pl

from engines.trust.score import EXCLUDED_STATES, POINTS_DIGITS, STARS_LOW, STARS_SPAN, TrustInputs
from engines.trust.weights import COMPONENTS, TrustWeights, shipped_weights

FloatArray = npt.NDArray[np.float64]

INPUT_COLUMNS: dict[str, pl.DataType] = {
    "vetting_state": pl.String(),
    "reviews": pl.Int64(),
    "rating_sum": pl.Float64(),
    "delivered": pl.Int64(),
    "cancelled": pl.Int64(),
    "active": pl.Int64(),
    "complaints_upheld": pl.Int64(),
    "outcome_clients": pl.Int64(),
    "outcome_sum": pl.Float64(),
    "outcome_scenario_clients": pl.Int64(),
}
# The columns the score reads (active deals and scenario-level clients are shown, not scored).
SCORED_COLUMNS = tuple(c for c in INPUT_COLUMNS if c not in ("active", "outcome_scenario_clients"))
SCORE_DIGITS = POINTS_DIGITS
# Near a tie x.x5 NumPy's round (x·10, rint, ÷10) can differ from Python's correctly rounded
# round(); values that close to a tie are rounded one by one, exactly as `trust_score` does.
_TIE_WINDOW = 1e-6


def inputs_frame(inputs: Iterable[TrustInputs]) -> pl.DataFrame:
    """A frame of TrustInputs, one row each, in INPUT_COLUMNS order."""
    rows = list(inputs)
    return pl.DataFrame(
        {name: [getattr(i, name) for i in rows] for name in INPUT_COLUMNS}, schema=INPUT_COLUMNS
    )


def _components(frame: pl.DataFrame, w: TrustWeights) -> dict[str, FloatArray]:
    """Each component's value 0 … 1 per row, with the same floating-point steps as `trust_score`.

    NumPy, not Polars expressions, does the arithmetic: Polars divides by a constant as a
    multiplication by its reciprocal, which is not always the same double as the division.
    """
    column = {name: frame[name].to_numpy() for name in SCORED_COLUMNS if name != "vetting_state"}
    reviews, delivered = column["reviews"], column["delivered"]
    finished = delivered + column["cancelled"]
    upheld, clients = column["complaints_upheld"], column["outcome_clients"]
    ones = np.ones(frame.height, dtype=np.int64)  # a divisor for rows whose branch is not taken
    neutral = np.full(frame.height, w.neutral)

    vetting = (
        frame["vetting_state"]
        .replace_strict(
            {state: float(v) for state, v in w.vetting_values.items()}, default=0.0, return_dtype=pl.Float64
        )
        .to_numpy()
    )
    shrunk = (column["rating_sum"] + w.rating_prior * w.rating_prior_reviews) / (
        reviews + w.rating_prior_reviews
    )
    rating = np.where(
        reviews > 0, np.minimum(np.maximum((shrunk - STARS_LOW) / STARS_SPAN, 0.0), 1.0), neutral
    )
    completion = np.where(
        finished > 0,
        (delivered + w.completion_prior * w.completion_prior_deals) / (finished + w.completion_prior_deals),
        neutral,
    )
    rate = upheld / np.where(finished > 0, finished, ones)
    complaints = np.where(
        finished > 0, np.maximum(0.0, 1.0 - w.complaint_factor * rate), np.where(upheld > 0, 0.0, neutral)
    )
    change = column["outcome_sum"] / (clients + w.outcome_prior_clients) / w.outcome_scale
    # Polars' tanh is the C library's, as math.tanh is; NumPy's SIMD tanh can differ in the last bit.
    tanh = pl.Series(change, dtype=pl.Float64).tanh().to_numpy()
    outcomes = np.where(clients > 0, 0.5 + 0.5 * tanh, neutral)
    values = {
        "vetting": vetting,
        "rating": rating,
        "completion": completion,
        "complaints": complaints,
        "outcomes": outcomes,
    }
    return {name: np.asarray(values[name], dtype=np.float64) for name in COMPONENTS}


def _round_like_python(values: FloatArray, digits: int) -> FloatArray:
    """round(v, digits) for every value, vectorized away from ties and exact at them."""
    scale = 10.0**digits
    scaled = values * scale
    result: FloatArray = np.rint(scaled) / scale
    near_tie = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < _TIE_WINDOW
    result[near_tie] = [round(v, digits) for v in values[near_tie].tolist()]
    return result


def score_frame(frame: pl.DataFrame, weights: TrustWeights | None = None) -> pl.DataFrame:
    """Every provider's score, exclusion and component values, in the frame's row order."""
    w = weights or shipped_weights()
    missing = [c for c in SCORED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"the frame lacks the columns {', '.join(missing)}; build it with inputs_frame() "
            "or add them (counts as integers, sums as floats)"
        )
    empty = [c for c in SCORED_COLUMNS if frame[c].null_count()]
    if empty:
        raise ValueError(
            f"the columns {', '.join(empty)} have empty cells; fill them (0 when nothing is known)"
        )
    components = _components(frame, w)
    # 100 × weight × value per component, each rounded as shown, added left to right as
    # `trust_score` adds them; the sum is rounded once more to drop float noise
    total = np.zeros(frame.height)
    for name in COMPONENTS:
        total = total + _round_like_python(100.0 * w.weights[name] * components[name], POINTS_DIGITS)
    excluded = frame["vetting_state"].is_in(list(EXCLUDED_STATES)).to_numpy()
    score = np.where(excluded, 0.0, _round_like_python(total, SCORE_DIGITS))
    return frame.with_columns(
        pl.Series("score", score, dtype=pl.Float64),
        pl.Series("excluded", excluded, dtype=pl.Boolean),
        *(pl.Series(name, values, dtype=pl.Float64) for name, values in components.items()),
        pl.lit(w.version).alias("weights_version"),
    )
