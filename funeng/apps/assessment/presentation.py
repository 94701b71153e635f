"""Plain data for the pages: questions in the user's language, answers as text, stored results rebuilt.

Nothing here touches the database; selectors and views pass in what they have read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext

from engines.maturity import FieldError, Framework, MaturityResult
from engines.maturity.framework import Question, get_framework
from engines.maturity.scoring import DimensionResult, GateGap, LevelGap, ScenarioResult
from funeng.apps.assessment.frameworks import pick

# --- the wizard's questions ------------------------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    hint: str = ""
    checked: bool = False


@dataclass
class QuestionView:
    """One question ready for the wizard template."""

    id: str
    type: str
    text: str
    hint: str
    provisional: bool
    choices: list[Choice] = field(default_factory=list)
    unit: str = ""
    min: float | None = None
    max: float | None = None
    number: str = ""
    before: str = ""
    after: str = ""
    mandatory: bool = False
    answered: bool = False
    answer_id: int | None = None
    evidence_state: str = ""
    evidence_state_label: str = ""
    review_reason: str = ""
    files: list[Any] = field(default_factory=list)
    error: str = ""


def _number_text(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return ""


def question_view(framework: Framework, q: Question, value: object, language: str) -> QuestionView:
    """The question's text, choices and the saved answer, in `language`."""
    view = QuestionView(
        id=q.id,
        type=q.type,
        text=pick(q.text, language),
        hint=pick(q.evidence, language),
        provisional=q.provisional,
        unit=q.unit_en if language == "en" else q.unit,
        min=q.min_value,
        max=q.max_value,
        answered=value is not None,
    )
    if q.type == "single":
        view.choices = [
            Choice(o.id, pick(o.label, language), pick(o.evidence, language), value == o.id)
            for o in q.options
        ]
    elif q.type == "multiple":
        chosen = set(value) if isinstance(value, list) else set()
        view.choices = [
            Choice(o.id, pick(o.label, language), pick(o.evidence, language), o.id in chosen)
            for o in q.options
        ]
    elif q.type == "number":
        view.number = _number_text(value)
    elif q.type == "before_after":
        pair = value if isinstance(value, Mapping) else {}
        view.before, view.after = _number_text(pair.get("before")), _number_text(pair.get("after"))
    else:
        scenario = next(s for s in framework.scenarios if s.id == q.scenario_id)
        view.mandatory = scenario.id in framework.mandatory
        view.choices = [Choice("0", gettext("Not started"), "", value == 0)] + [
            Choice(
                str(d.level),
                d.text.en if language == "en" else d.text.zh,
                pick(d.evidence, language),
                value == d.level,
            )
            for d in q.descriptors
        ]
    return view


# --- posted answers --------------------------------------------------------------------------


def _parse_number(raw: str, q: Question, part: str = "") -> float | int:
    text = raw.strip().replace(",", "").replace("，", "")
    try:
        number = float(text)
    except ValueError:
        where = f"{part} " if part else ""
        raise ValueError(
            FieldError(
                q.id,
                f"{where}{raw!r} is not a number",
                f"{'改造前' if part == 'before' else '现在' if part == 'after' else ''}“{raw}”不是数字",
            )
        ) from None
    if not math.isfinite(number):
        raise ValueError(FieldError(q.id, "must be a finite number", "必须是有效数字"))
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def answer_from_post(q: Question, data: QueryDict | Mapping[str, Any]) -> object:
    """The engine's JSON value for a question from the wizard's form fields; None when left empty.

    Field names: `value` (single, number, scenario; several `value`s for multiple choice),
    `before` and `after` (before/after pairs). Raises ValueError(FieldError) on unreadable input;
    ranges and option ids are checked by the engine.
    """
    getlist = data.getlist if isinstance(data, QueryDict) else (lambda key: list(data.get(key) or []))
    if q.type == "multiple":
        chosen = [v for v in getlist("value") if v]
        return chosen or None
    if q.type == "before_after":
        before, after = str(data.get("before") or "").strip(), str(data.get("after") or "").strip()
        if not before and not after:
            return None
        if not before or not after:
            raise ValueError(
                FieldError(q.id, "give both the before and the current value", "请同时填写改造前和现在的数值")
            )
        return {"before": _parse_number(before, q, "before"), "after": _parse_number(after, q, "after")}
    raw = str(data.get("value") or "").strip()
    if not raw:
        return None
    if q.type == "number":
        return _parse_number(raw, q)
    if q.type == "scenario":
        if not raw.isdigit():
            raise ValueError(FieldError(q.id, f"{raw!r} is not a level 0-4", f"“{raw}”不是 0-4 级"))
        return int(raw)
    return raw


def field_error_text(error: FieldError, language: str) -> str:
    """An engine field error in the user's language."""
    return error.reason if language == "en" else error.reason_zh


def answer_text(framework: Framework, question_id: str, value: object, language: str) -> str:
    """A saved answer as a person reads it, e.g. the option's label or '12 → 9 元'."""
    if value is None or not framework.has_question(question_id):
        return "—" if value is None else str(value)
    q = framework.question(question_id)
    if q.type == "single":
        return next((pick(o.label, language) for o in q.options if o.id == value), str(value))
    if q.type == "multiple" and isinstance(value, list):
        labels = {o.id: pick(o.label, language) for o in q.options}
        separator = ", " if language == "en" else "、"
        return separator.join(labels.get(str(v), str(v)) for v in value)
    unit = q.unit_en if language == "en" else q.unit
    if q.type == "number":
        return f"{_number_text(value)} {unit}".strip()
    if q.type == "before_after" and isinstance(value, Mapping):
        return f"{_number_text(value.get('before'))} → {_number_text(value.get('after'))} {unit}".strip()
    if q.type == "scenario" and isinstance(value, int):
        if value == 0:
            return gettext("Not started")
        descriptor = next(d for d in q.descriptors if d.level == value)
        return gettext("Level %(level)s: %(text)s") % {
            "level": value,
            "text": pick(descriptor.text, language),
        }
    return str(value)


# --- stored results --------------------------------------------------------------------------


def in_framework_order(items: Mapping[str, Any], framework_id: str, kind: str) -> list[tuple[str, Any]]:
    """Stored dimensions or scenarios in the framework's order.

    PostgreSQL's jsonb does not keep the key order of a stored object (SQLite's JSON does), so
    pages must not rely on it; keys the framework no longer has come last, by name.
    """
    try:
        order = [item.id for item in getattr(get_framework(framework_id), kind)]
    except KeyError:
        order = []
    rank = {key: index for index, key in enumerate(order)}
    return sorted(items.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def result_from_payload(payload: Mapping[str, Any]) -> MaturityResult:
    """Rebuild the engine's result from the JSON stored at submission (for roadmap and deltas)."""
    gap = payload.get("next_level")
    next_level = None
    if gap:
        next_level = LevelGap(
            level=gap["level"],
            name_zh=gap["name_zh"],
            name_en=gap["name_en"],
            min_score=gap["min_score"],
            strict=gap["strict"],
            score_gap=gap["score_gap"],
            gates=tuple(
                GateGap(g["min_level"], g["more_scenarios"], g["more_mandatory"]) for g in gap["gates"]
            ),
        )
    return MaturityResult(
        framework_id=payload["framework"],
        framework_version=payload["framework_version"],
        score=payload["score"],
        max_score=payload["max_score"],
        level=payload["level"],
        level_name_zh=payload["level_name"]["zh"],
        level_name_en=payload["level_name"]["en"],
        dimensions={
            k: DimensionResult(**v)
            for k, v in in_framework_order(payload["dimensions"], payload["framework"], "dimensions")
        },
        scenarios={
            k: ScenarioResult(**v)
            for k, v in in_framework_order(payload["scenarios"], payload["framework"], "scenarios")
        },
        scenarios_at_least={int(k): v for k, v in payload["scenarios_at_least"].items()},
        mandatory_at_least={int(k): v for k, v in payload["mandatory_at_least"].items()},
        next_level=next_level,
        explanation=tuple(payload["explanation"]),
        explanation_en=tuple(payload["explanation_en"]),
        complete=payload["complete"],
        missing=tuple(payload["missing"]),
        points=dict(payload.get("points", {})),
        score_by_evidence=dict(payload.get("score_by_evidence", {})),
        provisional_rules=payload.get("provisional_rules", False),
    )


def radar_chart(
    result: MaturityResult, language: str, *, name: str, previous: MaturityResult | None, previous_name: str
) -> dict[str, Any]:
    """Chart spec for charts.js type "radar": one axis per scored dimension, this round and the previous."""
    dims = [d for d in result.dimensions.values() if d.max > 0]
    spec: dict[str, Any] = {
        "type": "radar",
        "labels": [d.name_en if language == "en" else d.name_zh for d in dims],
        "max": [d.max for d in dims],
        "series": [{"name": name, "values": [round(d.score, 2) for d in dims]}],
    }
    if previous is not None:
        spec["series"].append(
            {
                "name": previous_name,
                "values": [
                    round(previous.dimensions[d.id].score, 2) if d.id in previous.dimensions else 0
                    for d in dims
                ],
            }
        )
    return spec


# The PDF radar's labels: font size in SVG units, the longest line, and the gap from the outer ring.
RADAR_FONT = 8.0
RADAR_LINE_EM = 6.5  # about six Chinese characters or a dozen Latin letters a line
RADAR_LABEL_GAP = 6.0
RADAR_PADDING = 4.0


def _text_width(text: str, font: float) -> float:
    """The width a line takes: CJK and full-width characters one em, others about half an em."""
    return sum(font if ord(c) >= 0x2E80 else font * 0.55 for c in text)


def _wrapped(text: str, font: float) -> list[str]:
    """The label in lines no wider than RADAR_LINE_EM: Latin text breaks at spaces, Chinese anywhere.

    Lines are balanced: seven characters wrap as four and three, not six and one.
    """
    lines = _wrapped_at(text, font, RADAR_LINE_EM * font)
    if len(lines) > 1:
        even = _wrapped_at(text, font, _text_width(text, font) / len(lines) + font * 0.6)
        if len(even) == len(lines):
            return even
    return lines


def _wrapped_at(text: str, font: float, limit: float) -> list[str]:
    lines: list[str] = []
    current = ""
    tokens = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text)
    for token in tokens:
        if token.isspace():
            if current:
                current += " "
            continue
        if current and _text_width(current + token, font) > limit:
            lines.append(current.rstrip())
            current = token
        else:
            current += token
    if current.strip():
        lines.append(current.rstrip())
    return lines or [text]


@dataclass(frozen=True)
class RadarLabel:
    """One axis label: its lines, where the first line's baseline starts, and how it is anchored."""

    lines: tuple[str, ...]
    x: float
    y: float
    anchor: str  # start | middle | end (SVG text-anchor)
    font: float
    line_height: float

    @property
    def width(self) -> float:
        return max(_text_width(line, self.font) for line in self.lines)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the text block."""
        width = self.width
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        top = self.y - self.font * 0.88  # the ascent above the first baseline
        bottom = self.y + self.line_height * (len(self.lines) - 1) + self.font * 0.24
        return (left, top, left + width, bottom)

    def moved(self, dy: float) -> RadarLabel:
        return RadarLabel(self.lines, self.x, self.y + dy, self.anchor, self.font, self.line_height)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def radar_label_layout(
    labels: list[str], *, centre: float, radius: float, font: float = RADAR_FONT
) -> list[RadarLabel]:
    """Place axis labels outside the chart so that none overlaps another.

    Each label sits beyond the end of its axis, anchored by the axis' direction: left-aligned on the
    right side, right-aligned on the left, centred at the top and bottom, and wrapped to short lines.
    Labels that still collide (many axes, long names) are pushed apart vertically, away from the
    chart's horizontal middle line, until none overlaps.
    """
    n = len(labels)
    line_height = round(font * 1.2, 2)
    placed: list[RadarLabel] = []
    for i, text in enumerate(labels):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        cos, sin = math.cos(angle), math.sin(angle)
        x = centre + (radius + RADAR_LABEL_GAP) * cos
        y = centre + (radius + RADAR_LABEL_GAP) * sin
        anchor = "middle" if abs(cos) < 0.26 else ("start" if cos > 0 else "end")
        lines = tuple(_wrapped(text, font))
        height = line_height * (len(lines) - 1)
        # Baseline of the first line: above the point at the top, below it at the bottom, centred on the sides.
        if sin < -0.26 and anchor == "middle":
            baseline = y - height - font * 0.24
        elif sin > 0.26 and anchor == "middle":
            baseline = y + font * 0.88
        else:
            baseline = y - height / 2 + font * 0.32
        placed.append(RadarLabel(lines, round(x, 1), round(baseline, 1), anchor, font, line_height))
    for _round in range(200):
        moved = False
        for a in range(n):
            for b in range(a + 1, n):
                box_a, box_b = placed[a].box, placed[b].box
                if not _overlap(box_a, box_b):
                    continue
                # Separate them by their overlap, away from the chart's middle line: a pair above
                # it moves up, a pair below it down, a pair across it apart.
                upper, lower = (a, b) if box_a[1] + box_a[3] <= box_b[1] + box_b[3] else (b, a)
                depth = placed[upper].box[3] - placed[lower].box[1] + 0.5
                middle = (placed[upper].box[1] + placed[lower].box[3]) / 2
                up_share = 1.0 if middle < centre - 1 else 0.0 if middle > centre + 1 else 0.5
                placed[upper] = placed[upper].moved(-depth * up_share)
                placed[lower] = placed[lower].moved(depth * (1 - up_share))
                moved = True
        if not moved:
            break
    return placed


def radar_svg_points(
    values: list[float], maxima: list[float], *, size: int = 220, labels: list[str] | None = None
) -> dict[str, Any]:
    """Polygon points of an SVG radar (for the PDF, which runs no JavaScript), with its laid-out labels.

    The view box grows to hold every label, so a long name is never cut off at the edge.
    """
    n = len(values)
    centre = size / 2
    radius = size / 2 - 40

    def point(i: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return (
            round(centre + radius * fraction * math.cos(angle), 1),
            round(centre + radius * fraction * math.sin(angle), 1),
        )

    rings = [" ".join(f"{x},{y}" for x, y in (point(i, step / 4) for i in range(n))) for step in (1, 2, 3, 4)]
    shape = " ".join(
        f"{x},{y}"
        for x, y in (
            point(i, min(max(v / m, 0.0), 1.0) if m else 0.0)
            for i, (v, m) in enumerate(zip(values, maxima, strict=True))
        )
    )
    axes = [point(i, 1.0) for i in range(n)]
    laid_out = radar_label_layout(labels or [""] * n, centre=centre, radius=radius)
    boxes = [label.box for label in laid_out if any(label.lines)]
    left = min([0.0, *(b[0] for b in boxes)]) - RADAR_PADDING
    top = min([0.0, *(b[1] for b in boxes)]) - RADAR_PADDING
    right = max([float(size), *(b[2] for b in boxes)]) + RADAR_PADDING
    bottom = max([float(size), *(b[3] for b in boxes)]) + RADAR_PADDING
    return {
        "size": size,
        "centre": centre,
        "rings": rings,
        "shape": shape,
        "axes": axes,
        "labels": laid_out,
        "view_box": f"{left:.1f} {top:.1f} {right - left:.1f} {bottom - top:.1f}",
        "width": round(right - left, 1),
        "height": round(bottom - top, 1),
    }
