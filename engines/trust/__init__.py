"""Trusted-provider score (可信服务商): weights as versioned, annotated data; one path and batch.

One provider, explained: `trust_score(TrustInputs(...))`; many providers: `score_frame(inputs_frame(...))`;
the weights and constants with a note on where each comes from: `shipped_weights()` (weights.yaml);
clients' measured maturity change around a deal: `outcomes.deal_outcome`, `outcomes.provider_outcomes`.
"""

from engines.trust.batch import INPUT_COLUMNS, inputs_frame, score_frame
from engines.trust.outcomes import DeliveredDeal, RoundResult, deal_outcome, provider_outcomes
from engines.trust.score import TrustComponent, TrustInputs, TrustScore, trust_score
from engines.trust.weights import (
    COMPONENTS,
    VETTING_STATES,
    Note,
    TrustWeights,
    TrustWeightsError,
    load_weights,
    shipped_weights,
)

__all__ = [
    "COMPONENTS",
    "INPUT_COLUMNS",
    "VETTING_STATES",
    "DeliveredDeal",
    "Note",
    "RoundResult",
    "TrustComponent",
    "TrustInputs",
    "TrustScore",
    "TrustWeights",
    "TrustWeightsError",
    "deal_outcome",
    "inputs_frame",
    "load_weights",
    "provider_outcomes",
    "score_frame",
    "shipped_weights",
    "trust_score",
]
