"""Reads for the assessment pages and API: rounds, the wizard, reports, peers, the region and the queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext

from engines.maturity import Framework, MaturityResult, shipped_frameworks
from engines.maturity.analysis import division_and_province, peer_percentiles, roadmap, uplift
from engines.maturity.framework import solution_categories
from engines.reference.industry import industry_table
from funeng.apps.assessment.const import MIN_PEER_GROUP, AssessmentStatus, EvidenceState
from funeng.apps.assessment.frameworks import pick
from funeng.apps.assessment.models import Answer, Assessment, AssessmentResult, Evidence
from funeng.apps.assessment.presentation import (
    QuestionView,
    answer_text,
    in_framework_order,
    question_view,
    radar_chart,
    result_from_payload,
)
from funeng.apps.enterprises.const import SizeClass

# --- the enterprise's rounds ------------------------------------------------------------------


def rounds_of(assessments: QuerySet[Assessment]) -> list[Assessment]:
    """Assessments with their results and answer counts, newest round first within each family."""
    return list(
        assessments.select_related("result")
        .annotate(answer_count=Count("answers", distinct=True))
        .order_by("framework_family", "-round_index")
    )


# --- the wizard -------------------------------------------------------------------------------


@dataclass
class Step:
    """One page of the wizard: a dimension and its questions."""

    id: str
    name: str
    questions: list[QuestionView]

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.answered)


def wizard_steps(framework: Framework, assessment: Assessment, language: str) -> list[Step]:
    """Every dimension with its questions, saved answers, evidence states and files (3 queries)."""
    answers = {
        a.question_id: a
        for a in assessment.answers.prefetch_related(
            Prefetch("files", queryset=Evidence.objects.order_by("id"))
        )
    }
    steps = []
    for d in framework.dimensions:
        views = []
        for q in d.questions:
            answer = answers.get(q.id)
            view = question_view(framework, q, None if answer is None else answer.value, language)
            if answer is not None:
                view.answer_id = answer.pk
                view.evidence_state = answer.evidence_state
                view.evidence_state_label = str(EvidenceState(answer.evidence_state).label)
                view.review_reason = answer.review_reason
                view.files = list(answer.files.all())
            views.append(view)
        steps.append(Step(d.id, pick(d.name, language), views))
    return steps


# --- reports ----------------------------------------------------------------------------------


def stored_result(result: AssessmentResult) -> MaturityResult:
    """The engine result as it was stored at submission."""
    return result_from_payload(result.payload)


def evidence_shares(result: AssessmentResult, states: dict[str, str]) -> dict[str, float]:
    """Share of the score per evidence state today (the stored points never change; states do)."""
    totals = dict.fromkeys(EvidenceState.values, 0.0)
    for question_id, points in result.contributions.items():
        totals[states.get(question_id, EvidenceState.SELF_DECLARED)] += points
    if result.score <= 0:
        return dict.fromkeys(totals, 0.0)
    return {state: round(points / result.score, 4) for state, points in totals.items()}


@dataclass
class PeerPosition:
    """Mid-rank percentiles among the latest results of the same division and province."""

    count: int
    score_pct: float | None
    dimensions: list[tuple[str, float]] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.count >= MIN_PEER_GROUP and self.score_pct is not None


def peer_position(assessment: Assessment, result: AssessmentResult, language: str) -> PeerPosition:
    """Percentile of the score and of each dimension among peers, computed in one batch pass.

    Peers: every other enterprise's latest submitted result on the same framework, in the same
    GB/T 4754 division and GB/T 2260 province; this result stands for its own enterprise.
    """
    enterprise = assessment.enterprise
    rows = (
        AssessmentResult.objects.filter(
            framework_id=result.framework_id,
            assessment__enterprise__industry_code__startswith=enterprise.industry_code[:2],
            assessment__enterprise__region_code__startswith=enterprise.region_code[:2],
        )
        .exclude(assessment__enterprise_id=enterprise.pk)
        .values_list(
            "pk",
            "assessment__enterprise_id",
            "assessment__round_index",
            "assessment__enterprise__industry_code",
            "assessment__enterprise__region_code",
            "score",
            "dimensions",
        )
    )
    latest: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        if row[1] not in latest or row[2] > latest[row[1]][2]:
            latest[row[1]] = row
    own = (result.pk, enterprise.pk, assessment.round_index, enterprise.industry_code,
           enterprise.region_code, result.score, result.dimensions)  # fmt: skip
    records = [own, *latest.values()]
    dimensions = in_framework_order(result.dimensions, result.framework_id, "dimensions")
    dim_ids = [k for k, v in dimensions if v["max"] > 0]
    frame = pl.DataFrame(
        {
            "result_id": [r[0] for r in records],
            "industry_code": [r[3] for r in records],
            "region_code": [r[4] for r in records],
            "score": [float(r[5]) for r in records],
            **{f"dim__{d}": [float(r[6].get(d, {}).get("score", 0.0)) for r in records] for d in dim_ids},
        }
    ).with_columns(division_and_province(pl.col("industry_code"), pl.col("region_code")))
    ranked = peer_percentiles(
        frame, ["score", *[f"dim__{d}" for d in dim_ids]], ["industry_division", "province"]
    )
    mine = ranked.filter(pl.col("result_id") == result.pk).row(0, named=True)
    names = {k: (v["name_en"] if language == "en" else v["name_zh"]) for k, v in dimensions}
    return PeerPosition(
        count=int(mine["peer_count"]),
        score_pct=mine["score_pct"],
        dimensions=[(names[d], mine[f"dim__{d}_pct"]) for d in dim_ids],
    )


@dataclass
class RoadmapItem:
    kind: str
    name: str
    current: float
    target: float
    points_per_effort: float
    mandatory: bool
    solutions: list[str]


def roadmap_items(framework: Framework, result: MaturityResult, language: str) -> list[RoadmapItem]:
    """The engine's roadmap with solution-category names in the user's language."""
    categories = solution_categories()
    return [
        RoadmapItem(
            kind=step.kind,
            name=step.name_en if language == "en" else step.name_zh,
            current=step.current,
            target=step.target,
            points_per_effort=step.points_per_effort,
            mandatory=step.mandatory,
            solutions=[pick(categories[s].name, language) for s in step.solutions if s in categories],
        )
        for step in roadmap(framework, result)
    ]


@dataclass
class ScenarioRow:
    name: str
    level: int
    previous: int | None
    mandatory: bool
    cells: list[bool]


@dataclass
class DimensionRow:
    name: str
    score: float
    max: float
    band: str
    delta: float | None


@dataclass
class Report:
    """Everything the report page and the PDF show."""

    assessment: Assessment
    result: AssessmentResult
    engine: MaturityResult
    framework: Framework | None
    level_name: str
    explanation: list[str]
    dimensions: list[DimensionRow]
    scenarios: list[ScenarioRow]
    shares: dict[str, float]
    peers: PeerPosition
    previous: Assessment | None
    score_delta: float | None
    level_delta: int | None
    same_version: bool
    roadmap: list[RoadmapItem]
    radar: dict[str, Any]
    answers: list[tuple[str, str, str]]  # question text, answer, evidence state label

    @property
    def verified_share(self) -> float:
        return self.shares.get(EvidenceState.VERIFIED, 0.0)

    @property
    def verified_percent(self) -> int:
        return round(self.verified_share * 100)

    @property
    def verified_decile(self) -> int:
        """The verified share rounded to tens, for the meter's CSS class (no inline styles under the CSP)."""
        return round(self.verified_share * 10) * 10

    @property
    def attached_percent(self) -> int:
        return round(self.shares.get(EvidenceState.EVIDENCE_ATTACHED, 0.0) * 100)


def report_of(assessment: Assessment, language: str, *, with_answers: bool) -> Report:
    """The stored result with today's evidence states, peers, deltas to the previous round and the roadmap."""
    result = assessment.result
    engine = stored_result(result)
    framework = shipped_frameworks().get(result.framework_id)
    answers = list(assessment.answers.exclude(value__isnull=True).order_by("id"))
    states = {a.question_id: a.evidence_state for a in answers}
    previous_engine: MaturityResult | None = None
    previous = assessment.previous
    if previous is not None and not previous.is_draft and hasattr(previous, "result"):
        previous_engine = stored_result(previous.result)
    delta = uplift(previous_engine, engine) if previous_engine is not None else None
    dimensions = [
        DimensionRow(
            name=d.name_en if language == "en" else d.name_zh,
            score=d.score,
            max=d.max,
            band=(d.band_en if language == "en" else d.band_zh) or "",
            delta=None if delta is None else delta.dimensions.get(key),
        )
        for key, d in engine.dimensions.items()
        if d.max > 0
    ]
    scenarios = [
        ScenarioRow(
            name=s.name_en if language == "en" else s.name_zh,
            level=s.level,
            previous=None
            if previous_engine is None or key not in previous_engine.scenarios
            else previous_engine.scenarios[key].level,
            mandatory=s.mandatory,
            cells=[s.level >= k for k in (1, 2, 3, 4)],
        )
        for key, s in engine.scenarios.items()
    ]
    return Report(
        assessment=assessment,
        result=result,
        engine=engine,
        framework=framework,
        level_name=engine.level_name_en if language == "en" else engine.level_name_zh,
        explanation=list(engine.explanation_en if language == "en" else engine.explanation),
        dimensions=dimensions,
        scenarios=scenarios,
        shares=evidence_shares(result, states),
        peers=peer_position(assessment, result, language),
        previous=previous if previous_engine is not None else None,
        score_delta=None if delta is None else delta.score,
        level_delta=None if delta is None else delta.level,
        same_version=True if delta is None else delta.same_version,
        roadmap=[] if framework is None else roadmap_items(framework, engine, language),
        radar=radar_chart(
            engine,
            language,
            name=assessment.round_label,
            previous=previous_engine,
            previous_name=previous.round_label if previous is not None else "",
        ),
        answers=[]
        if not with_answers or framework is None
        else [
            (
                pick(framework.question(a.question_id).text, language)
                if framework.has_question(a.question_id)
                else a.question_id,
                answer_text(framework, a.question_id, a.value, language),
                str(EvidenceState(a.evidence_state).label),
            )
            for a in answers
        ],
    )


# --- the region -------------------------------------------------------------------------------


def latest_results(assessments: QuerySet[Assessment], family: str) -> pl.DataFrame:
    """One row per enterprise: its latest submitted result in the family, with T0 score for uplift."""
    rows = list(
        AssessmentResult.objects.filter(
            assessment__in=assessments.filter(status=AssessmentStatus.SUBMITTED, framework_family=family)
        ).values_list(
            "assessment__enterprise_id",
            "assessment__round_index",
            "assessment_id",
            "score",
            "level",
            "assessment__enterprise__industry_code",
            "assessment__enterprise__size_class",
        )
    )
    schema = {
        "enterprise_id": pl.Int64,
        "round_index": pl.Int64,
        "assessment_id": pl.Int64,
        "score": pl.Float64,
        "level": pl.Int64,
        "industry_code": pl.String,
        "size_class": pl.String,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    first = (
        frame.sort("round_index")
        .group_by("enterprise_id")
        .agg(pl.col("score").first().alias("first_score"), pl.col("level").first().alias("first_level"))
    )
    latest = frame.sort("round_index", descending=True).unique("enterprise_id", keep="first")
    return latest.join(first, on="enterprise_id").with_columns(
        pl.col("industry_code").str.slice(0, 2).alias("division")
    )


@dataclass
class Crosstab:
    """Counts of enterprises per group and level (0 = below level 1)."""

    levels: list[int]
    rows: list[tuple[str, str, list[int], int, float]]  # key, label, counts per level, total, mean score


def _crosstab(frame: pl.DataFrame, key: str, labels: dict[str, str], levels: list[int]) -> Crosstab:
    grouped = frame.group_by(key, "level").len()
    totals = frame.group_by(key).agg(pl.len().alias("n"), pl.col("score").mean().alias("mean"))
    counts: dict[str, dict[int, int]] = {}
    for value, level, n in grouped.iter_rows():
        counts.setdefault(value, {})[level] = n
    rows = [
        (
            value,
            labels.get(value, value or "—"),
            [counts.get(value, {}).get(k, 0) for k in levels],
            n,
            round(mean, 1),
        )
        for value, n, mean in totals.sort("n", descending=True).iter_rows()
    ]
    return Crosstab(levels, rows)


@dataclass
class RegionOverview:
    family: str
    framework_name: str
    level_names: list[tuple[int, str]]
    assessed: int
    enterprises: int
    by_level: list[tuple[int, str, int]]
    by_division: Crosstab
    by_size: Crosstab
    reassessed: int
    mean_uplift: float | None
    moved_up: int
    charts: dict[str, dict[str, Any]]


def level_names(family: str, language: str) -> list[tuple[int, str]]:
    """(level, name) of a family, from its first variant, with 0 for below level 1."""
    framework = next((f for f in shipped_frameworks().values() if f.family == family), None)
    if framework is None:
        return []
    below = gettext("Below %(name)s") % {"name": pick(framework.levels[0].name, language)}
    return [(0, below), *[(r.level, pick(r.name, language)) for r in framework.levels]]


def region_overview(
    assessments: QuerySet[Assessment], enterprise_count: int, family: str, language: str
) -> RegionOverview:
    """Level distribution of the latest results, by division and size class, and the uplift of re-assessments."""
    frame = latest_results(assessments, family)
    names = level_names(family, language)
    levels = [k for k, _ in names]
    by_level = [(k, name, frame.filter(pl.col("level") == k).height) for k, name in names]
    industries = industry_table().by_code
    division_labels = {
        code: f"{code} {industries[code].name}" if code in industries else code
        for code in frame.get_column("division").unique().to_list()
    }
    size_labels = {str(c.value): str(c.label) for c in SizeClass}
    again = frame.filter(pl.col("round_index") > 0)
    mean_uplift = (
        None
        if again.is_empty()
        else round(float(again.select((pl.col("score") - pl.col("first_score")).mean()).item()), 1)
    )
    by_division = _crosstab(frame, "division", division_labels, levels)
    by_size = _crosstab(frame, "size_class", size_labels, levels)
    level_labels = [name for _, name in names]

    def stacked(tab: Crosstab, top: int) -> dict[str, Any]:
        rows = tab.rows[:top]
        return {
            "type": "stacked",
            "labels": [label for _, label, _, _, _ in rows],
            "series": [
                {"name": level_labels[i], "values": [counts[i] for _, _, counts, _, _ in rows]}
                for i in range(len(levels))
            ],
        }

    framework = next((f for f in shipped_frameworks().values() if f.family == family), None)
    return RegionOverview(
        family=family,
        framework_name="" if framework is None else pick(framework.name, language),
        level_names=names,
        assessed=frame.height,
        enterprises=enterprise_count,
        by_level=by_level,
        by_division=by_division,
        by_size=by_size,
        reassessed=again.height,
        mean_uplift=mean_uplift,
        moved_up=again.filter(pl.col("level") > pl.col("first_level")).height,
        charts={
            "levels": {"type": "bar", "labels": level_labels, "values": [n for _, _, n in by_level]},
            "divisions": stacked(by_division, 12),
            "sizes": stacked(by_size, 5),
        },
    )


def region_list(assessments: QuerySet[Assessment], family: str, level: int | None) -> list[dict[str, Any]]:
    """Enterprises with their latest result in the family (optionally at one level), best first."""
    frame = latest_results(assessments, family)
    if level is not None:
        frame = frame.filter(pl.col("level") == level)
    frame = frame.sort(["score", "enterprise_id"], descending=[True, False])
    ids = frame.get_column("assessment_id").to_list()
    by_id = {a.pk: a for a in Assessment.objects.filter(pk__in=ids).select_related("enterprise", "result")}
    return [
        {"assessment": by_id[row["assessment_id"]], **row}
        for row in frame.iter_rows(named=True)
        if row["assessment_id"] in by_id
    ]


# --- the verification queue -------------------------------------------------------------------


@dataclass
class QueueItem:
    answer: Answer
    question: str
    answer_text: str
    files: list[Evidence]


def evidence_queue(
    assessments: QuerySet[Assessment], language: str, *, limit: int = 100
) -> tuple[list[QueueItem], int]:
    """Answers of submitted assessments whose evidence waits for an official; oldest first."""
    pending = (
        Answer.objects.filter(
            assessment__in=assessments.filter(status=AssessmentStatus.SUBMITTED),
            evidence_state=EvidenceState.EVIDENCE_ATTACHED,
        )
        .select_related("assessment__enterprise")
        .prefetch_related(Prefetch("files", queryset=Evidence.objects.order_by("id")))
        .order_by("updated_at", "id")
    )
    total = pending.count()
    items = []
    known = shipped_frameworks()
    for answer in pending[:limit]:
        framework = known.get(answer.assessment.framework_id)
        has = framework is not None and framework.has_question(answer.question_id)
        items.append(
            QueueItem(
                answer=answer,
                question=pick(framework.question(answer.question_id).text, language)
                if has and framework
                else answer.question_id,
                answer_text=answer_text(framework, answer.question_id, answer.value, language)
                if framework
                else "",
                files=list(answer.files.all()),
            )
        )
    return items, total
