"""Plain inputs of the matchmaking engine: solutions, needs, the enterprise behind a need, provider quality.

Values are already canonical here (see fields.py for the parsing): regions are 2-digit GB/T 2260
province prefixes, industries are GB/T 4754 section letters or 2-digit divisions, deployments are ids.
`ReRanker` is the one shape the ranker needs from a model that re-scores its pool: rank.py is typed by
it, so the hand blend never imports (or names) the learned model that may replace its order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

DEPLOYMENTS = ("saas", "private", "hybrid", "hardware_saas")
VETTING_STATES = ("vetted", "pending", "unknown", "suspended")


@dataclass(frozen=True, slots=True)
class Solution:
    """A provider's offering in the catalogue."""

    id: str
    provider: str
    title: str
    description: str
    scenarios: tuple[str, ...] = ()  # solution-category ids, most important first
    industries: tuple[str, ...] = ()  # section letters / 2-digit divisions; () = cross-industry
    regions: tuple[str, ...] = ()  # 2-digit province prefixes; () = nationwide
    price_cny_per_year: float | None = None  # None = price on request
    deployment: str | None = None  # one of DEPLOYMENTS
    min_employees: int | None = None
    max_employees: int | None = None


@dataclass(frozen=True, slots=True)
class Enterprise:
    """What the engine knows about the enterprise that posted a need."""

    industry_code: str | None = None  # GB/T 4754 code, normally a 4-digit class
    province: str | None = None  # 2-digit province prefix
    employees: int | None = None
    revenue_cny: float | None = None


@dataclass(frozen=True, slots=True)
class Need:
    """A problem an enterprise described in its own words."""

    id: str
    title: str
    description: str
    enterprise: Enterprise = Enterprise()
    budget_cny_per_year: float | None = None
    scenarios: tuple[str, ...] = ()  # chosen by the enterprise; optional
    deployment: str | None = None  # stated preference; optional

    @property
    def text(self) -> str:
        """Title and description as one text."""
        return f"{self.title}。{self.description}" if self.description else self.title


@dataclass(frozen=True, slots=True)
class ProviderQuality:
    """Optional track record of a provider; defaults are neutral."""

    rating: float | None = None  # mean review rating 1-5
    reviews: int = 0
    uplift: float | None = None  # mean maturity-score change (T0 → T1) of its clients, in points
    uplift_clients: int = 0
    vetting: str = "unknown"  # one of VETTING_STATES; suspended providers are not ranked


class ReRanker(Protocol):
    """A model that re-scores the pool the hand blend chose, from the blend's features and scores."""

    @property
    def name(self) -> str:
        """The ranker as a Ranking records it, e.g. "learned:<trained_at>"; never "blend"."""
        ...

    def score(
        self, features: Mapping[str, npt.NDArray[np.float64]], blend_scores: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """New scores of the pooled rows (higher first), elementwise over the feature arrays."""
        ...
