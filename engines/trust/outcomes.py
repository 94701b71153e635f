"""Measured outcomes: a client's maturity change T0 → T1 around a delivered deal, per provider.

Plain numbers in (assessment rounds, delivered deals), plain numbers out; the caller gathers them
and feeds the per-provider sums to `score.TrustInputs` (outcome_clients, outcome_sum, …).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

LEVEL_POINTS = 25.0  # one step on the 0-4 scenario level scale, in points of 100


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
    """One delivered deal of a provider with a client, as plain values."""

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
        return LEVEL_POINTS * steps, True
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
