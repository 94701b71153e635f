"""Trusted-provider score (可信服务商): a pure formula over plain numbers, and the selector that feeds it.

The formula (also explained on the pages):

    score = 100 × Σ weightᵢ × componentᵢ        (weights sum to 1; every component is 0 … 1)

    vetting      0.15   approved 1, applied 0.5 (rejected and suspended providers score 0 overall)
    rating       0.30   mean review rating, shrunk towards 3.5 stars by 5 virtual reviews, (r − 1) / 4
    completion   0.20   delivered / (delivered + cancelled), shrunk towards 80 % by 4 virtual deals
    complaints   0.10   1 − 5 × upheld complaints per finished deal (one upheld in 20 deals → 0.75)
    outcomes     0.25   clients' mean maturity change T0 → T1 in points of 100, shrunk by 3 virtual
                        clients of no change, 0.5 + 0.5 × tanh(change / 10)

A component without data counts as neutral (0.5) and says so: a new provider is neither
rewarded nor punished for having no track record. Every component is shown with its sample size.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

WEIGHTS = {"vetting": 0.15, "rating": 0.30, "completion": 0.20, "complaints": 0.10, "outcomes": 0.25}
NEUTRAL = 0.5
RATING_PRIOR, RATING_PRIOR_N = 3.5, 5
COMPLETION_PRIOR, COMPLETION_PRIOR_N = 0.8, 4
COMPLAINT_FACTOR = 5.0
OUTCOME_PRIOR_N = 3
OUTCOME_SCALE = 10.0
VETTING_VALUE = {"approved": 1.0, "applied": 0.5}
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
        return self.rating_sum / self.reviews if self.reviews else None

    @property
    def mean_outcome(self) -> float | None:
        return self.outcome_sum / self.outcome_clients if self.outcome_clients else None

    @property
    def finished(self) -> int:
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
    def points(self) -> float:
        """What the component adds to the 0-100 score."""
        return 100.0 * self.weight * self.value


@dataclass(frozen=True)
class TrustScore:
    """A provider's score 0-100 with its components; excluded providers (rejected, suspended) score 0."""

    score: float
    components: tuple[TrustComponent, ...]
    excluded: bool = False
    inputs: TrustInputs | None = field(default=None, compare=False)

    def component(self, ident: str) -> TrustComponent:
        return next(c for c in self.components if c.id == ident)


def trust_score(inputs: TrustInputs) -> TrustScore:
    """The trusted-provider score of one provider (see the module docstring for the formula)."""
    parts = []
    vetting = VETTING_VALUE.get(inputs.vetting_state, 0.0)
    parts.append(TrustComponent("vetting", WEIGHTS["vetting"], vetting, 1, True, vetting))

    if inputs.reviews:
        mean = inputs.rating_sum / inputs.reviews
        shrunk = (inputs.rating_sum + RATING_PRIOR * RATING_PRIOR_N) / (inputs.reviews + RATING_PRIOR_N)
        value = min(max((shrunk - 1.0) / 4.0, 0.0), 1.0)
        parts.append(TrustComponent("rating", WEIGHTS["rating"], value, inputs.reviews, True, mean))
    else:
        parts.append(TrustComponent("rating", WEIGHTS["rating"], NEUTRAL, 0, False, None))

    if inputs.finished:
        share = inputs.delivered / inputs.finished
        shrunk = (inputs.delivered + COMPLETION_PRIOR * COMPLETION_PRIOR_N) / (
            inputs.finished + COMPLETION_PRIOR_N
        )
        parts.append(
            TrustComponent("completion", WEIGHTS["completion"], shrunk, inputs.finished, True, share)
        )
        rate = inputs.complaints_upheld / inputs.finished
        value = max(0.0, 1.0 - COMPLAINT_FACTOR * rate)
        parts.append(
            TrustComponent(
                "complaints",
                WEIGHTS["complaints"],
                value,
                inputs.finished,
                True,
                float(inputs.complaints_upheld),
            )
        )
    else:
        parts.append(TrustComponent("completion", WEIGHTS["completion"], NEUTRAL, 0, False, None))
        parts.append(
            TrustComponent(
                "complaints",
                WEIGHTS["complaints"],
                NEUTRAL if not inputs.complaints_upheld else 0.0,
                0,
                bool(inputs.complaints_upheld),
                float(inputs.complaints_upheld),
            )
        )

    if inputs.outcome_clients:
        mean = inputs.outcome_sum / inputs.outcome_clients
        shrunk = inputs.outcome_sum / (inputs.outcome_clients + OUTCOME_PRIOR_N)
        value = 0.5 + 0.5 * math.tanh(shrunk / OUTCOME_SCALE)
        parts.append(
            TrustComponent("outcomes", WEIGHTS["outcomes"], value, inputs.outcome_clients, True, mean)
        )
    else:
        parts.append(TrustComponent("outcomes", WEIGHTS["outcomes"], NEUTRAL, 0, False, None))

    excluded = inputs.vetting_state in EXCLUDED_STATES
    score = 0.0 if excluded else sum(p.points for p in parts)
    return TrustScore(round(score, 1), tuple(parts), excluded, inputs)


# --- measured outcomes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundResult:
    """One submitted assessment round of a client, as plain numbers."""

    enterprise_id: int
    family: str
    round_index: int
    submitted_at: datetime
    score_share: float  # score / max score × 100
    scenario_levels: Mapping[str, int]  # assessment scenario id → level 0-4 (answered ones only)


@dataclass(frozen=True, slots=True)
class DeliveredDeal:
    provider_id: int
    enterprise_id: int
    agreed_at: datetime
    delivered_at: datetime
    assessment_scenarios: frozenset[str]  # assessment scenarios the delivered solution categories serve


def deal_outcome(deal: DeliveredDeal, rounds: Iterable[RoundResult]) -> tuple[float, bool] | None:
    """The client's maturity change around one deal, in points of 100, and whether it is scenario-level.

    T0 is the client's last round submitted before the deal was agreed; T1 the first later round of
    the same framework family submitted after delivery. On the delivered scenarios when both rounds
    rated at least one of them (a level step 0-4 is 25 points), else on the overall score.
    """
    own = sorted(
        (r for r in rounds if r.enterprise_id == deal.enterprise_id),
        key=lambda r: (r.submitted_at, r.round_index),
    )
    before = [r for r in own if r.submitted_at <= deal.agreed_at]
    if not before:
        return None
    t0 = before[-1]
    after = [
        r
        for r in own
        if r.family == t0.family and r.round_index > t0.round_index and r.submitted_at >= deal.delivered_at
    ]
    if not after:
        return None
    t1 = after[0]
    shared = [s for s in deal.assessment_scenarios if s in t0.scenario_levels and s in t1.scenario_levels]
    if shared:
        steps = sum(t1.scenario_levels[s] - t0.scenario_levels[s] for s in shared) / len(shared)
        return 25.0 * steps, True
    return t1.score_share - t0.score_share, False


def provider_outcomes(
    deals: Iterable[DeliveredDeal], rounds: Iterable[RoundResult]
) -> dict[int, tuple[int, float, int]]:
    """provider id → (clients measured, sum of their mean change, clients measured on scenarios).

    A client with several deals of one provider counts once, with the mean of its deals' changes.
    """
    rounds = list(rounds)
    per_client: dict[tuple[int, int], list[tuple[float, bool]]] = defaultdict(list)
    for deal in deals:
        outcome = deal_outcome(deal, rounds)
        if outcome is not None:
            per_client[deal.provider_id, deal.enterprise_id].append(outcome)
    result: dict[int, tuple[int, float, int]] = {}
    for (provider_id, _client), values in per_client.items():
        clients, total, on_scenarios = result.get(provider_id, (0, 0.0, 0))
        mean = sum(v for v, _ in values) / len(values)
        result[provider_id] = (clients + 1, total + mean, on_scenarios + int(any(s for _, s in values)))
    return result
