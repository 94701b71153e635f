"""Trusted-provider score (可信服务商), one provider at a time, with every component explained.

The formula (the numbers are data: weights.yaml, validated by weights.py, each with its note):

    score = Σ round(100 × weightᵢ × componentᵢ, 1)   (weights sum to 1; every component is 0 … 1)

    vetting      `vetting_values` by state (approved 1, applied 0.5); rejected and suspended providers
                 score 0 overall (EXCLUDED_STATES, a platform rule rather than a number)
    rating       mean review rating, shrunk towards `rating_prior` stars by `rating_prior_reviews`
                 virtual reviews, (r − 1) / 4
    completion   delivered / (delivered + cancelled), shrunk towards `completion_prior` by
                 `completion_prior_deals` virtual deals
    complaints   1 − `complaint_factor` × upheld complaints per finished deal, at least 0
    outcomes     clients' mean maturity change T0 → T1 in points of 100, shrunk by
                 `outcome_prior_clients` virtual clients of no change, 0.5 + 0.5 × tanh(change / `outcome_scale`)

A component without data counts as `neutral` and says so: a new provider is neither rewarded nor
punished for having no track record. Every component carries its sample size. batch.py scores many
providers in one vectorized pass and agrees with `trust_score` (a hypothesis test proves it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engines.trust.weights import TrustWeights, shipped_weights

STARS_LOW, STARS_SPAN = 1.0, 4.0  # the 1-5 star scale mapped onto 0 … 1
# Points are shown with one decimal. Each part is rounded once and the score is the sum of the
# rounded parts, so the parts a page lists always add up to the total it shows (86.4, not 86.5).
POINTS_DIGITS = 1
# A platform rule, not a weight: a rejected or suspended provider scores 0 whatever its record, and
# the platform does not match it either (it maps both states to the match engine's "suspended").
EXCLUDED_STATES = ("rejected", "suspended")


@dataclass(frozen=True, slots=True)
class TrustInputs:
    """What is known about one provider's track record."""

    vetting_state: str
    reviews: int = 0
    rating_sum: float = 0.0
    delivered: int = 0
    cancelled: int = 0
    active: int = 0
    complaints_upheld: int = 0
    outcome_clients: int = 0
    outcome_sum: float = 0.0  # sum over clients of their maturity change, points of 100
    outcome_scenario_clients: int = 0  # of which measured on the delivered scenarios

    @property
    def mean_rating(self) -> float | None:
        """Mean stars of the reviews, None without reviews."""
        return self.rating_sum / self.reviews if self.reviews else None

    @property
    def mean_outcome(self) -> float | None:
        """Mean maturity change of the measured clients, None without any."""
        return self.outcome_sum / self.outcome_clients if self.outcome_clients else None

    @property
    def finished(self) -> int:
        """Deals delivered or cancelled."""
        return self.delivered + self.cancelled


@dataclass(frozen=True, slots=True)
class TrustComponent:
    """One part of the score: its value 0..1 (neutral when there is no data) and its sample size."""

    id: str
    weight: float
    value: float
    sample: int
    has_data: bool
    raw: float | None  # the plain figure: mean stars, completion share, upheld count, mean change

    @property
    def exact_points(self) -> float:
        """What the component adds to the 0-100 score, unrounded."""
        return 100.0 * self.weight * self.value

    @property
    def points(self) -> float:
        """What the component adds to the 0-100 score, rounded to POINTS_DIGITS as shown."""
        return round(self.exact_points, POINTS_DIGITS)


@dataclass(frozen=True)
class TrustScore:
    """A provider's score 0-100 with its components; excluded providers (rejected, suspended) score 0."""

    score: float
    components: tuple[TrustComponent, ...]
    excluded: bool = False
    inputs: TrustInputs | None = field(default=None, compare=False)
    weights_version: str = ""  # the version of weights.yaml the score was computed with

    def component(self, ident: str) -> TrustComponent:
        """The component with this id (StopIteration if absent)."""
        return next(c for c in self.components if c.id == ident)


def trust_score(inputs: TrustInputs, weights: TrustWeights | None = None) -> TrustScore:
    """The trusted-provider score of one provider (see the module docstring for the formula)."""
    w = weights or shipped_weights()
    weight = w.weights
    parts = []
    vetting = w.vetting_values.get(inputs.vetting_state, 0.0)
    parts.append(TrustComponent("vetting", weight["vetting"], vetting, 1, True, vetting))

    if inputs.reviews:
        mean = inputs.rating_sum / inputs.reviews
        shrunk = (inputs.rating_sum + w.rating_prior * w.rating_prior_reviews) / (
            inputs.reviews + w.rating_prior_reviews
        )
        value = min(max((shrunk - STARS_LOW) / STARS_SPAN, 0.0), 1.0)
        parts.append(TrustComponent("rating", weight["rating"], value, inputs.reviews, True, mean))
    else:
        parts.append(TrustComponent("rating", weight["rating"], w.neutral, 0, False, None))

    if inputs.finished:
        share = inputs.delivered / inputs.finished
        shrunk = (inputs.delivered + w.completion_prior * w.completion_prior_deals) / (
            inputs.finished + w.completion_prior_deals
        )
        parts.append(TrustComponent("completion", weight["completion"], shrunk, inputs.finished, True, share))
        rate = inputs.complaints_upheld / inputs.finished
        value = max(0.0, 1.0 - w.complaint_factor * rate)
        upheld = float(inputs.complaints_upheld)
        parts.append(TrustComponent("complaints", weight["complaints"], value, inputs.finished, True, upheld))
    else:
        parts.append(TrustComponent("completion", weight["completion"], w.neutral, 0, False, None))
        # an upheld complaint without a finished deal (a deal still in delivery) still counts fully
        value = w.neutral if not inputs.complaints_upheld else 0.0
        upheld = float(inputs.complaints_upheld)
        parts.append(
            TrustComponent(
                "complaints", weight["complaints"], value, 0, bool(inputs.complaints_upheld), upheld
            )
        )

    if inputs.outcome_clients:
        mean = inputs.outcome_sum / inputs.outcome_clients
        shrunk = inputs.outcome_sum / (inputs.outcome_clients + w.outcome_prior_clients)
        value = 0.5 + 0.5 * math.tanh(shrunk / w.outcome_scale)
        parts.append(
            TrustComponent("outcomes", weight["outcomes"], value, inputs.outcome_clients, True, mean)
        )
    else:
        parts.append(TrustComponent("outcomes", weight["outcomes"], w.neutral, 0, False, None))

    excluded = inputs.vetting_state in EXCLUDED_STATES
    total = 0.0
    for part in parts:  # left to right, as batch.py adds its columns (sum() compensates from Python 3.12)
        total += part.points
    # The rounded parts add up to a multiple of 0.1 up to float noise, which this rounding removes.
    score = 0.0 if excluded else round(total, POINTS_DIGITS)
    return TrustScore(score, tuple(parts), excluded, inputs, w.version)
