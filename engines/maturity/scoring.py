"""Score one response: total, dimensions, scenarios, level with its explanation, and the next-level gap.

Answers map question id → option id (single), list of option ids (multiple), number,
{"before": x, "after": y} (before/after pair) or scenario level 0-4 (0 = not started).
A missing answer (absent or None) scores 0 and marks the result incomplete.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from engines.maturity.framework import Framework, Gate, LevelRule, Question

ROUND_DIGITS = 6  # both paths round here so float summation order never flips a level
EVIDENCE_STATES = ("self_declared", "evidence_attached", "verified")
SCENARIO_LEVEL_ZH = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid answer: the question id and why, in English and Chinese."""

    question_id: str
    reason: str
    reason_zh: str
    row: int | None = None  # batch only: 0-based input row

    def __str__(self) -> str:
        where = "" if self.row is None else f"row {self.row}: "
        return f"{where}{self.question_id}: {self.reason}"


class AnswerError(ValueError):
    """Answers failed validation; `errors` lists every bad field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass(frozen=True, slots=True)
class DimensionResult:
    """A dimension's score on its own scale, raw points and band (if the framework has bands)."""

    id: str
    name_zh: str
    name_en: str
    score: float
    max: float
    raw: float
    raw_max: float
    band_zh: str | None
    band_en: str | None


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """A scenario's level (0 when not started or unanswered)."""

    id: str
    name_zh: str
    name_en: str
    level: int
    mandatory: bool
    answered: bool


@dataclass(frozen=True, slots=True)
class GateGap:
    """What a scenario gate still needs: more scenarios at ≥ min_level, of which mandatory."""

    min_level: int
    more_scenarios: int
    more_mandatory: int


@dataclass(frozen=True, slots=True)
class LevelGap:
    """What the next level needs; zero fields are already met."""

    level: int
    name_zh: str
    name_en: str
    min_score: float
    strict: bool
    score_gap: float
    gates: tuple[GateGap, ...]

    @property
    def more_scenarios(self) -> int:
        """The largest scenario shortfall over the level's gates."""
        return max((g.more_scenarios for g in self.gates), default=0)

    @property
    def more_mandatory(self) -> int:
        """The largest mandatory-scenario shortfall over the level's gates."""
        return max((g.more_mandatory for g in self.gates), default=0)


@dataclass(frozen=True)
class MaturityResult:
    """Everything a report needs about one scored response."""

    framework_id: str
    framework_version: str
    score: float
    max_score: float
    level: int
    level_name_zh: str
    level_name_en: str
    dimensions: dict[str, DimensionResult]
    scenarios: dict[str, ScenarioResult]
    scenarios_at_least: dict[int, int]  # scenario level k → scenarios at ≥ k
    mandatory_at_least: dict[int, int]
    next_level: LevelGap | None
    explanation: tuple[str, ...]  # Chinese sentences
    explanation_en: tuple[str, ...]
    complete: bool
    missing: tuple[str, ...]
    points: dict[str, float] = field(default_factory=dict)  # question id → points earned
    score_by_evidence: dict[str, float] = field(default_factory=dict)
    provisional_rules: bool = False

    @property
    def explanation_text(self) -> str:
        """The Chinese explanation as one sentence."""
        return "；".join(self.explanation)

    @property
    def explanation_text_en(self) -> str:
        """The English explanation as one sentence."""
        return "; ".join(self.explanation_en)

    @property
    def verified_share(self) -> float:
        """Share of the score backed by answers an official verified (0 when the score is 0)."""
        return 0.0 if self.score <= 0 else round(self.score_by_evidence.get("verified", 0.0) / self.score, 4)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, as the `assessment_score` command prints it."""
        return {
            "framework": self.framework_id,
            "framework_version": self.framework_version,
            "score": self.score,
            "max_score": self.max_score,
            "level": self.level,
            "level_name": {"zh": self.level_name_zh, "en": self.level_name_en},
            "complete": self.complete,
            "missing": list(self.missing),
            "dimensions": {k: asdict(v) for k, v in self.dimensions.items()},
            "scenarios": {k: asdict(v) for k, v in self.scenarios.items()},
            "scenarios_at_least": {str(k): v for k, v in self.scenarios_at_least.items()},
            "mandatory_at_least": {str(k): v for k, v in self.mandatory_at_least.items()},
            "explanation": list(self.explanation),
            "explanation_en": list(self.explanation_en),
            "next_level": None
            if self.next_level is None
            else {
                **asdict(self.next_level),
                "gates": [asdict(g) for g in self.next_level.gates],
                "more_scenarios": self.next_level.more_scenarios,
                "more_mandatory": self.next_level.more_mandatory,
            },
            "score_by_evidence": self.score_by_evidence,
            "verified_share": self.verified_share,
            "provisional_rules": self.provisional_rules,
        }


# --- validation -------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _range_error(q: Question, value: float, what: str = "") -> FieldError | None:
    label = f"{what} " if what else ""
    if not math.isfinite(value):
        return FieldError(q.id, f"{label}must be a finite number", f"{label}必须是有效数字")
    if q.min_value is not None and value < q.min_value:
        return FieldError(
            q.id,
            f"{label}{value:g} is below the minimum {q.min_value:g}",
            f"{label}{value:g} 低于下限 {q.min_value:g}",
        )
    if q.max_value is not None and value > q.max_value:
        return FieldError(
            q.id,
            f"{label}{value:g} is above the maximum {q.max_value:g}",
            f"{label}{value:g} 高于上限 {q.max_value:g}",
        )
    return None


def _check(q: Question, value: object) -> FieldError | None:
    """Why an answer is invalid for its question, or None when it is fine."""
    if q.type == "single":
        if not isinstance(value, str) or value not in {o.id for o in q.options}:
            return FieldError(
                q.id, f"{value!r} is not an option of this question", f"“{value}”不是本题的选项"
            )
        return None
    if q.type == "multiple":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return FieldError(q.id, "expected a list of option ids", "应为选项编号列表")
        known = {o.id: o for o in q.options}
        unknown = [v for v in value if v not in known]
        if unknown:
            return FieldError(
                q.id,
                f"{', '.join(map(repr, unknown))} {'is not an option' if len(unknown) == 1 else 'are not options'} "
                "of this question",
                f"{'、'.join(f'“{v}”' for v in unknown)}不是本题的选项",
            )
        if len(set(value)) != len(value):
            return FieldError(q.id, "an option is chosen twice", "同一选项重复选择")
        exclusive = [known[v].label for v in value if known[v].exclusive]
        if exclusive and len(value) > 1:
            # People see the option as labelled on the form, never its id.
            return FieldError(
                q.id,
                f"“{exclusive[0].en}” cannot be combined with other options",
                f"“{exclusive[0].zh}”不能与其他选项同时选择",
            )
        return None
    if q.type == "number":
        if not _is_number(value):
            return FieldError(q.id, f"expected a number, got {value!r}", "应填写数字")
        assert isinstance(value, int | float)
        return _range_error(q, float(value))
    if q.type == "before_after":
        if not isinstance(value, Mapping) or set(value) != {"before", "after"}:
            return FieldError(
                q.id, 'expected {"before": number, "after": number}', "应同时填写改造前和现在的数值"
            )
        for part in ("before", "after"):
            if not _is_number(value[part]):
                return FieldError(
                    q.id, f"{part} must be a number", f"{'改造前' if part == 'before' else '现在'}应填写数字"
                )
            error = _range_error(q, float(value[part]), part)
            if error is not None:
                return error
        if float(value["before"]) <= 0:
            return FieldError(
                q.id, "before must be above 0 to measure a change", "改造前的数值须大于 0，才能计算变化"
            )
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4:
        return FieldError(
            q.id, f"scenario level must be a whole number 0-4, got {value!r}", "场景等级应为 0-4 的整数"
        )
    return None


def validate_answers(framework: Framework, answers: Mapping[str, object]) -> list[FieldError]:
    """Every problem with the answers; an empty list means they can be scored."""
    errors = [
        FieldError(key, f"not a question of “{framework.name.en}”", f"不是《{framework.name.zh}》的题目")
        for key in answers
        if not framework.has_question(key)
    ]
    for q in framework.questions:
        value = answers.get(q.id)
        if value is not None and (error := _check(q, value)) is not None:
            errors.append(error)
    return errors


# --- points -----------------------------------------------------------------------------------


def band_score(q: Question, value: float) -> float:
    """Points of the band a value falls in; below the first band scores 0."""
    points = 0.0
    for band in q.bands:
        if band.lower is None or value >= band.lower:
            points = band.score
    return points


def change_percent(q: Question, before: float, after: float) -> float:
    """Improvement in percent of the before value, positive when things got better."""
    change = 100.0 * (after - before) / before
    return -change if q.direction == "decrease" else change


def question_points(q: Question, value: object) -> float:
    """Points a valid answer earns."""
    if q.type == "single":
        return next(o.score for o in q.options if o.id == value)
    if q.type == "multiple":
        assert isinstance(value, list | tuple)
        total = sum(o.score for o in q.options if o.id in value)
        return total if q.cap is None else min(total, q.cap)
    if q.type == "number":
        assert isinstance(value, int | float)
        return band_score(q, float(value))
    if q.type == "before_after":
        assert isinstance(value, Mapping)
        return band_score(q, change_percent(q, float(value["before"]), float(value["after"])))
    assert isinstance(value, int)
    return q.level_scores[value]


def dimension_score(raw: float, points: float, scale: float) -> float:
    """Raw points on the dimension's reporting scale (exact when the scale is the raw maximum)."""
    if points <= 0:
        return 0.0
    return raw if scale == points else raw * scale / points


def total_score(framework: Framework, raw: Mapping[str, float]) -> float:
    """The framework's total from raw dimension points."""
    weighted = [d for d in framework.dimensions if d.weight > 0]
    if framework.aggregate == "mean":
        return sum(dimension_score(raw[d.id], d.points, d.scale) for d in weighted) / len(weighted)
    return sum(dimension_score(raw[d.id], d.points, d.weight) for d in weighted)


# --- levels -----------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _score_ok(rule: LevelRule, score: float) -> bool:
    return score > rule.min_score if rule.strict else score >= rule.min_score


def _gate_gap(gate: Gate, at_least: Mapping[int, int], mandatory_at_least: Mapping[int, int]) -> GateGap:
    more_mandatory = max(gate.mandatory_count - mandatory_at_least[gate.min_level], 0)
    more = max(gate.count - at_least[gate.min_level], more_mandatory)
    return GateGap(gate.min_level, more, more_mandatory)


def level_of(
    framework: Framework, score: float, at_least: Mapping[int, int], mandatory_at_least: Mapping[int, int]
) -> int:
    """Highest level whose rule holds together with every rule below it (0 = below level 1)."""
    level = 0
    for rule in framework.levels:
        gaps = [_gate_gap(g, at_least, mandatory_at_least) for g in rule.gates]
        if not _score_ok(rule, score) or any(g.more_scenarios for g in gaps):
            break
        level = rule.level
    return level


def _held_zh(rule: LevelRule, score: float, at_least: Mapping[int, int], mandatory: Mapping[int, int]) -> str:
    op = ">" if rule.strict else "≥"
    text = f"{rule.name.zh}：得分 {_fmt(score)} {op} {_fmt(rule.min_score)}"
    for gate in rule.gates:
        text += f"，且 {at_least[gate.min_level]} 个场景达到{SCENARIO_LEVEL_ZH[gate.min_level]}"
        if gate.mandatory_count:
            text += f"（其中 {mandatory[gate.min_level]} 个约束性场景）"
    return text


def _held_en(rule: LevelRule, score: float, at_least: Mapping[int, int], mandatory: Mapping[int, int]) -> str:
    op = ">" if rule.strict else "≥"
    text = f"{rule.name.en}: score {_fmt(score)} {op} {_fmt(rule.min_score)}"
    for gate in rule.gates:
        text += f" and {at_least[gate.min_level]} scenarios at level {gate.min_level} or above"
        if gate.mandatory_count:
            text += f" ({mandatory[gate.min_level]} of them mandatory)"
    return text


def _needs(gap: LevelGap, score: float) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    if gap.score_gap > 0 or (gap.strict and score <= gap.min_score):
        if gap.strict:
            zh.append(f"得分需高于 {_fmt(gap.min_score)}（现为 {_fmt(score)}）")
            en.append(f"score above {_fmt(gap.min_score)} (now {_fmt(score)})")
        else:
            zh.append(f"得分 +{_fmt(gap.score_gap)}")
            en.append(f"score +{_fmt(gap.score_gap)}")
    for g in gap.gates:
        if g.more_scenarios:
            text = f"另 {g.more_scenarios} 个场景达到{SCENARIO_LEVEL_ZH[g.min_level]}"
            text_en = f"{g.more_scenarios} more scenarios at level {g.min_level} or above"
            if g.more_mandatory:
                text += f"，其中 {g.more_mandatory} 个约束性场景"
                text_en += f", {g.more_mandatory} of them mandatory"
            zh.append(text)
            en.append(text_en)
    return f"{gap.name_zh}还需：" + "，".join(zh), f"{gap.name_en} still needs: " + ", ".join(en)


def _level_gap(
    rule: LevelRule, score: float, at_least: Mapping[int, int], mandatory_at_least: Mapping[int, int]
) -> LevelGap:
    return LevelGap(
        level=rule.level,
        name_zh=rule.name.zh,
        name_en=rule.name.en,
        min_score=rule.min_score,
        strict=rule.strict,
        score_gap=round(max(rule.min_score - score, 0.0), ROUND_DIGITS),
        gates=tuple(_gate_gap(g, at_least, mandatory_at_least) for g in rule.gates),
    )


def explain_level(
    framework: Framework,
    level: int,
    score: float,
    at_least: Mapping[int, int],
    mandatory_at_least: Mapping[int, int],
) -> tuple[LevelGap | None, list[str], list[str]]:
    """The next-level gap and the Chinese and English sentences that explain the level."""
    zh: list[str] = []
    en: list[str] = []
    rule = framework.level_rule(level)
    if rule is not None:
        zh.append(_held_zh(rule, score, at_least, mandatory_at_least))
        en.append(_held_en(rule, score, at_least, mandatory_at_least))
    else:
        first = framework.levels[0]
        zh.append(f"未达{first.name.zh}：得分 {_fmt(score)}")
        en.append(f"Below {first.name.en}: score {_fmt(score)}")
    following = framework.level_rule(level + 1)
    if following is None:
        zh.append("已达最高等级")
        en.append("the highest level is reached")
        return None, zh, en
    gap = _level_gap(following, score, at_least, mandatory_at_least)
    need_zh, need_en = _needs(gap, score)
    zh.append(need_zh)
    en.append(need_en)
    return gap, zh, en


# --- the one path -----------------------------------------------------------------------------


def _contribution(framework: Framework, q: Question, points: float) -> float:
    """What a question's points add to the total score."""
    dimension = next(d for d in framework.dimensions if d.id == q.dimension_id)
    if dimension.weight <= 0 or dimension.points <= 0:
        return 0.0
    if framework.aggregate == "mean":
        weighted = sum(1 for d in framework.dimensions if d.weight > 0)
        return points * dimension.scale / dimension.points / weighted
    return points * dimension.weight / dimension.points


def question_contributions(framework: Framework, points: Mapping[str, float]) -> dict[str, float]:
    """What each answered question adds to the total score.

    Stored with a result, these let a report recompute the verified share when an official checks
    evidence later, without rescoring (the stored result itself never changes).
    """
    return {
        q_id: round(_contribution(framework, framework.question(q_id), earned), ROUND_DIGITS)
        for q_id, earned in points.items()
    }


def score_response(
    framework: Framework,
    answers: Mapping[str, object],
    *,
    evidence: Mapping[str, str] | None = None,
) -> MaturityResult:
    """Validate and score one response; raise AnswerError naming every bad field."""
    errors = validate_answers(framework, answers)
    for key, state in (evidence or {}).items():
        if state not in EVIDENCE_STATES:
            errors.append(
                FieldError(key, f"evidence state must be one of {', '.join(EVIDENCE_STATES)}", "证据状态无效")
            )
    if errors:
        raise AnswerError(errors)
    points: dict[str, float] = {}
    missing: list[str] = []
    for q in framework.questions:
        value = answers.get(q.id)
        if value is None:
            missing.append(q.id)
        else:
            points[q.id] = question_points(q, value)
    raw = {d.id: sum(points.get(q.id, 0.0) for q in d.questions) for d in framework.dimensions}
    score = round(total_score(framework, raw), ROUND_DIGITS)
    dimensions: dict[str, DimensionResult] = {}
    for d in framework.dimensions:
        value = round(dimension_score(raw[d.id], d.points, d.scale), ROUND_DIGITS)
        band = framework.band_of(value) if d.points > 0 else None
        dimensions[d.id] = DimensionResult(
            d.id, d.name.zh, d.name.en, value, d.scale if d.points > 0 else 0.0, raw[d.id], d.points,
            None if band is None else band.zh, None if band is None else band.en,
        )  # fmt: skip
    scenarios: dict[str, ScenarioResult] = {}
    for q in framework.questions:
        if q.scenario_id is None:
            continue
        scenario = next(s for s in framework.scenarios if s.id == q.scenario_id)
        value = answers.get(q.id)
        scenarios[scenario.id] = ScenarioResult(
            scenario.id, scenario.name.zh, scenario.name.en, value if isinstance(value, int) else 0,
            scenario.id in framework.mandatory, value is not None,
        )  # fmt: skip
    at_least = {k: sum(1 for s in scenarios.values() if s.level >= k) for k in (1, 2, 3, 4)}
    mandatory_at_least = {
        k: sum(1 for s in scenarios.values() if s.level >= k and s.mandatory) for k in (1, 2, 3, 4)
    }
    level = level_of(framework, score, at_least, mandatory_at_least)
    gap, zh, en = explain_level(framework, level, score, at_least, mandatory_at_least)
    if missing:
        zh.append(f"尚有 {len(missing)} 道题未作答，结果为暂定")
        en.append(f"{len(missing)} questions are unanswered, so the result is provisional")
    by_state = dict.fromkeys(EVIDENCE_STATES, 0.0)
    for q_id, earned in points.items():
        state = (evidence or {}).get(q_id, "self_declared")
        by_state[state] += _contribution(framework, framework.question(q_id), earned)
    rule = framework.level_rule(level)
    return MaturityResult(
        framework_id=framework.id,
        framework_version=framework.version,
        score=score,
        max_score=framework.max_score,
        level=level,
        level_name_zh=f"未达{framework.levels[0].name.zh}" if rule is None else rule.name.zh,
        level_name_en=f"Below {framework.levels[0].name.en}" if rule is None else rule.name.en,
        dimensions=dimensions,
        scenarios=scenarios,
        scenarios_at_least=at_least,
        mandatory_at_least=mandatory_at_least,
        next_level=gap,
        explanation=tuple(zh),
        explanation_en=tuple(en),
        complete=not missing,
        missing=tuple(missing),
        points=points,
        score_by_evidence={k: round(v, 4) for k, v in by_state.items()},
        provisional_rules=any(r.provisional for r in framework.levels),
    )
