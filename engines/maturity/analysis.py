"""Peer percentiles, T0→T1 uplift and the roadmap from a next-level gap — pure functions over results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from engines.maturity.framework import Framework, solution_categories
from engines.maturity.scoring import MaturityResult, _contribution

# --- peer benchmark ----------------------------------------------------------------------------


def percentile_rank(value: float, peers: Sequence[float]) -> float:
    """Mid-rank percentile of a value among peers (itself included): share below plus half of ties."""
    if not peers:
        raise ValueError("percentile of an empty peer group")
    below = sum(1 for p in peers if p < value)
    equal = sum(1 for p in peers if p == value)
    return round(100.0 * (below + 0.5 * equal) / len(peers), 4)


def peer_percentiles(frame: pl.DataFrame, columns: Sequence[str], by: Sequence[str]) -> pl.DataFrame:
    """Add `<column>_pct` (mid-rank percentile within the peer group) and `peer_count` columns.

    Peers are rows with equal `by` values, e.g. ("industry_division", "province"); nulls are not ranked.
    """
    group = list(by)
    return frame.with_columns(
        *[
            ((pl.col(c).rank("average") - 0.5) / pl.col(c).count() * 100.0)
            .over(group)
            .round(4)
            .alias(f"{c}_pct")
            for c in columns
        ],
        pl.len().over(group).alias("peer_count"),
    )


def division_and_province(industry_code: pl.Expr, region_code: pl.Expr) -> list[pl.Expr]:
    """Peer keys: GB/T 4754 division (first two digits of the class) and GB/T 2260 province (xx0000)."""
    return [
        industry_code.str.slice(0, 2).alias("industry_division"),
        (region_code.str.slice(0, 2) + "0000").alias("province"),
    ]


# --- re-assessment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Uplift:
    """Change between two assessments of one enterprise (later minus earlier)."""

    framework_id: str
    same_version: bool
    score: float
    level: int
    dimensions: dict[str, float]
    scenarios: dict[str, int]


def uplift(earlier: MaturityResult, later: MaturityResult) -> Uplift:
    """Deltas from T0 to T1 (or T1 to T2); both results must come from the same framework."""
    if earlier.framework_id != later.framework_id:
        raise ValueError(
            f"cannot compare {earlier.framework_id} with {later.framework_id}; re-assess on the same framework"
        )
    return Uplift(
        framework_id=later.framework_id,
        same_version=earlier.framework_version == later.framework_version,
        score=round(later.score - earlier.score, 6),
        level=later.level - earlier.level,
        dimensions={
            k: round(v.score - earlier.dimensions[k].score, 6)
            for k, v in later.dimensions.items()
            if k in earlier.dimensions
        },
        scenarios={
            k: v.level - earlier.scenarios[k].level
            for k, v in later.scenarios.items()
            if k in earlier.scenarios
        },
    )


def uplift_frame(
    earlier: pl.DataFrame, later: pl.DataFrame, *, key: str, columns: Sequence[str]
) -> pl.DataFrame:
    """Batch uplift: join two scored frames on `key` and add `<column>_delta` columns."""
    joined = earlier.select(key, *columns).join(later.select(key, *columns), on=key, suffix="_later")
    return joined.select(key, *[(pl.col(f"{c}_later") - pl.col(c)).alias(f"{c}_delta") for c in columns])


# --- roadmap ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoadmapStep:
    """One thing to do: raise a scenario or improve a scoring item, with the solution kinds that help."""

    kind: str  # "scenario" or "item"
    id: str  # scenario id or question id
    name_zh: str
    name_en: str
    current: float  # scenario level, or points towards the total
    target: float
    points_per_effort: float  # items only (0 for scenarios)
    mandatory: bool
    solutions: tuple[str, ...]


def roadmap(framework: Framework, result: MaturityResult, *, items: int = 5) -> list[RoadmapStep]:
    """Scenarios the next level needs raised, then the scoring items with the most points per effort."""
    steps: list[RoadmapStep] = []
    gap = result.next_level
    questions = {q.scenario_id: q for q in framework.questions if q.scenario_id is not None}
    if gap is not None:
        for gate in gap.gates:
            below = [s for s in result.scenarios.values() if s.level < gate.min_level]
            # mandatory ones first when the gate lacks them; then the closest to the target; then the cheapest
            below.sort(key=lambda s: (not s.mandatory, -s.level, questions[s.id].effort, s.id))
            chosen = [s for s in below if s.mandatory][: gate.more_mandatory]
            chosen += [s for s in below if s not in chosen][: gate.more_scenarios - len(chosen)]
            for s in chosen:
                scenario = next(x for x in framework.scenarios if x.id == s.id)
                steps.append(
                    RoadmapStep(
                        "scenario",
                        s.id,
                        s.name_zh,
                        s.name_en,
                        s.level,
                        gate.min_level,
                        0.0,
                        s.mandatory,
                        scenario.solutions,
                    )  # fmt: skip
                )
    candidates: list[RoadmapStep] = []
    for q in framework.questions:
        if q.type == "scenario":
            continue
        now = _contribution(framework, q, result.points.get(q.id, 0.0))
        best = _contribution(framework, q, q.max_points)
        if best - now <= 0:
            continue
        candidates.append(
            RoadmapStep(
                "item",
                q.id,
                q.text.zh,
                q.text.en,
                round(now, 4),
                round(best, 4),
                round((best - now) / q.effort, 4),
                False,
                q.solutions,
            )  # fmt: skip
        )
    candidates.sort(key=lambda step: (-step.points_per_effort, step.id))
    return steps + candidates[:items]


def solution_names(step: RoadmapStep, language: str = "zh") -> list[str]:
    """Names of the solution categories a step maps to, in "zh" or "en"."""
    known = solution_categories()
    return [known[s].name.en if language == "en" else known[s].name.zh for s in step.solutions]
