"""Rank candidates (a worker offered on a surplus post) for a demand: skills, dates, distance, cost.

Score = 0.45·skills + 0.25·dates + 0.15·distance + 0.15·cost, each feature in [0, 1]:

- skills: the share of the demand's skills the worker has (a demand with no skills: 1);
- dates: the share of the demand's days (both ends counted) inside the worker's availability;
- distance: from the GB/T 2260 codes, as there are no coordinates — same county 1.0, same
  prefecture 0.7, same province 0.4, elsewhere 0.1 (a worker lent far away needs lodging);
- cost: 1 at or under the hourly budget, falling linearly to 0 at twice the budget (no budget: 1).

Skills weigh most because a borrower cannot use a worker without them; dates next because a
partial overlap needs a second worker. The weights are provisional, our own judgement.
`rank_one` explains one candidate; `rank_batch` scores a Polars frame of candidates in one
vectorized pass, and tests prove both give the same scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from engines.workforce.skills import skill_of

WEIGHTS = {"skills": 0.45, "dates": 0.25, "distance": 0.15, "cost": 0.15}
DISTANCE_SCORES = (1.0, 0.7, 0.4, 0.1)  # by tier: county, prefecture, province, other
TIER_EN = ("in the same county", "in the same prefecture", "in the same province", "in another province")
TIER_ZH = ("同一区县", "同一地级市", "同一省份", "外省")
CANDIDATE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "candidate_id": pl.String,
    "skills": pl.List(pl.String),
    "available_from": pl.Date,
    "available_to": pl.Date,
    "region_code": pl.String,
    "hourly_cost": pl.Float64,
}


@dataclass(frozen=True)
class Demand:
    skills: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date
    region_code: str
    hourly_budget: float | None = None

    def __post_init__(self) -> None:
        if self.ends_on < self.starts_on:
            raise ValueError("a demand ends on or after the day it starts")
        # Duplicates would count a skill twice; order kept for the explanation.
        object.__setattr__(self, "skills", tuple(dict.fromkeys(self.skills)))

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


@dataclass(frozen=True)
class Candidate:
    candidate_id: str
    skills: tuple[str, ...]
    available_from: dt.date
    available_to: dt.date
    region_code: str
    hourly_cost: float


@dataclass(frozen=True)
class Match:
    candidate_id: str
    score: float
    features: dict[str, float | int]
    reasons_en: list[str] = field(default_factory=list)
    reasons_zh: list[str] = field(default_factory=list)


def distance_tier(a: str, b: str) -> int:
    """0 same county, 1 same prefecture, 2 same province, 3 other (or an unknown code)."""
    if len(a) != 6 or len(b) != 6:
        return 3
    if a == b:
        return 0
    if a[:4] == b[:4]:
        return 1
    if a[:2] == b[:2]:
        return 2
    return 3


def _overlap_days(demand: Demand, candidate: Candidate) -> int:
    first = max(demand.starts_on, candidate.available_from)
    last = min(demand.ends_on, candidate.available_to)
    return max((last - first).days + 1, 0)


# Divisions by one number for many rows are multiplications by its reciprocal, in both paths: Polars
# computes a column divided by a scalar that way, and the two paths must agree to the last bit.


def _inverse(number: float) -> float:
    return 1.0 / number


def _cost_score(cost: float, budget: float | None) -> float:
    if budget is None or budget <= 0:
        return 1.0
    return min(max(1.0 - (cost - budget) * _inverse(budget), 0.0), 1.0)


def _names(ids: Iterable[str], language: str) -> str:
    names = []
    for skill_id in ids:
        try:
            skill = skill_of(skill_id)
        except KeyError:
            names.append(skill_id)
        else:
            names.append(skill.zh if language == "zh" else skill.en)
    return ("、" if language == "zh" else ", ").join(names)


def _score(skills: float, dates: float, distance: float, cost: float) -> float:
    # The same operations in the same order as rank_batch, so the floats agree exactly.
    return (
        WEIGHTS["skills"] * skills
        + WEIGHTS["dates"] * dates
        + WEIGHTS["distance"] * distance
        + WEIGHTS["cost"] * cost
    )


def rank_one(demand: Demand, candidate: Candidate) -> Match:
    """Score one candidate for a demand, with the features and the reasons in English and Chinese."""
    have = set(candidate.skills)
    covered = [s for s in demand.skills if s in have]
    missing = [s for s in demand.skills if s not in have]
    skills = len(covered) * _inverse(len(demand.skills)) if demand.skills else 1.0
    overlap = _overlap_days(demand, candidate)
    dates = overlap * _inverse(demand.days)
    tier = distance_tier(demand.region_code, candidate.region_code)
    distance = DISTANCE_SCORES[tier]
    cost = _cost_score(candidate.hourly_cost, demand.hourly_budget)
    en: list[str] = []
    zh: list[str] = []
    if demand.skills:
        en.append(
            f"Has {len(covered)} of {len(demand.skills)} skills asked for"
            + (f": {_names(covered, 'en')}" if covered else "")
            + (f"; lacks {_names(missing, 'en')}" if missing else "")
        )
        zh.append(
            f"具备所需{len(demand.skills)}项技能中的{len(covered)}项"
            + (f"：{_names(covered, 'zh')}" if covered else "")
            + (f"；缺少{_names(missing, 'zh')}" if missing else "")
        )
    en.append(f"Available on {overlap} of the {demand.days} days asked for")
    zh.append(f"需求期{demand.days}天中可到岗{overlap}天")
    en.append(f"Based {TIER_EN[tier]}")
    zh.append(f"所在地：{TIER_ZH[tier]}")
    if demand.hourly_budget is None or demand.hourly_budget <= 0:
        en.append(f"Hourly cost ¥{candidate.hourly_cost:.2f} (no budget given)")
        zh.append(f"每小时费用{candidate.hourly_cost:.2f}元（需求未给预算）")
    elif candidate.hourly_cost <= demand.hourly_budget:
        en.append(
            f"Hourly cost ¥{candidate.hourly_cost:.2f}, within the budget of ¥{demand.hourly_budget:.2f}"
        )
        zh.append(f"每小时费用{candidate.hourly_cost:.2f}元，不超过预算{demand.hourly_budget:.2f}元")
    else:
        en.append(f"Hourly cost ¥{candidate.hourly_cost:.2f}, over the budget of ¥{demand.hourly_budget:.2f}")
        zh.append(f"每小时费用{candidate.hourly_cost:.2f}元，超出预算{demand.hourly_budget:.2f}元")
    return Match(
        candidate_id=candidate.candidate_id,
        score=_score(skills, dates, distance, cost),
        features={
            "skills": skills,
            "dates": dates,
            "overlap_days": overlap,
            "distance_tier": tier,
            "distance": distance,
            "cost": cost,
        },
        reasons_en=en,
        reasons_zh=zh,
    )


def candidates_frame(candidates: Iterable[Candidate]) -> pl.DataFrame:
    """Candidates as the frame rank_batch takes."""
    rows = [
        (
            c.candidate_id,
            list(c.skills),
            c.available_from,
            c.available_to,
            c.region_code,
            float(c.hourly_cost),
        )
        for c in candidates
    ]
    return pl.DataFrame(rows, schema=CANDIDATE_SCHEMA, orient="row")


def rank_batch(demand: Demand, frame: pl.DataFrame) -> pl.DataFrame:
    """Score every candidate row of `frame` (CANDIDATE_SCHEMA) in one pass; adds the features and `score`."""
    if demand.skills:
        have = pl.sum_horizontal(
            [pl.col("skills").list.contains(pl.lit(s)).fill_null(False).cast(pl.Int64) for s in demand.skills]
        )
        skills = have.cast(pl.Float64) * _inverse(len(demand.skills))
    else:
        skills = pl.lit(1.0)
    first = pl.max_horizontal(pl.col("available_from"), pl.lit(demand.starts_on))
    last = pl.min_horizontal(pl.col("available_to"), pl.lit(demand.ends_on))
    overlap = ((last - first).dt.total_days() + 1).clip(lower_bound=0)
    code = pl.col("region_code").fill_null("")
    valid = (code.str.len_chars() == 6) & (len(demand.region_code) == 6)
    tier = (
        pl.when(valid & (code == demand.region_code))
        .then(0)
        .when(valid & (code.str.slice(0, 4) == demand.region_code[:4]))
        .then(1)
        .when(valid & (code.str.slice(0, 2) == demand.region_code[:2]))
        .then(2)
        .otherwise(3)
    )
    budget = demand.hourly_budget
    if budget is None or budget <= 0:
        cost = pl.lit(1.0)
    else:
        cost = (1.0 - (pl.col("hourly_cost") - budget) * _inverse(budget)).clip(0.0, 1.0)
    scored = frame.with_columns(
        skills_score=skills,
        overlap_days=overlap.cast(pl.Int64),
        distance_tier=tier.cast(pl.Int64),
        cost_score=cost,
    ).with_columns(
        dates_score=pl.col("overlap_days").cast(pl.Float64) * _inverse(demand.days),
        distance_score=pl.col("distance_tier").replace_strict(
            list(range(4)), list(DISTANCE_SCORES), return_dtype=pl.Float64
        ),
    )
    return scored.with_columns(
        score=pl.lit(WEIGHTS["skills"]) * pl.col("skills_score")
        + pl.lit(WEIGHTS["dates"]) * pl.col("dates_score")
        + pl.lit(WEIGHTS["distance"]) * pl.col("distance_score")
        + pl.lit(WEIGHTS["cost"]) * pl.col("cost_score")
    )


def rank(demand: Demand, candidates: Iterable[Candidate], *, limit: int | None = None) -> list[Match]:
    """The candidates one at a time, best first (ties by id), each with its reasons."""
    matches = sorted((rank_one(demand, c) for c in candidates), key=lambda m: (-m.score, m.candidate_id))
    return matches if limit is None else matches[:limit]
