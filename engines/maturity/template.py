"""Frameworks as plain, JSON-ready data: the list of frameworks and a framework's full questionnaire."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from engines.maturity.framework import Framework, Question, Text


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"zh": text.zh, "en": text.en}


def framework_summary(framework: Framework) -> dict[str, Any]:
    """Id, name and version, as `assessment_frameworks --json` lists them."""
    return {
        "id": framework.id,
        "name": framework.name.zh,
        "name_en": framework.name.en,
        "version": framework.version,
        "sector": framework.sector,
        "effective": framework.effective,
    }


def question_template(framework: Framework, q: Question) -> dict[str, Any]:
    """One question with its dimension, type, options or bands and scenario info."""
    item: dict[str, Any] = {
        "id": q.id,
        "dimension": q.dimension_id,
        "indicator": q.indicator_id,
        "type": q.type,
        "text": _text(q.text),
        "max_points": q.max_points,
        "evidence": _text(q.evidence),
        "provisional": q.provisional,
        "solutions": list(q.solutions),
    }
    if q.type in ("single", "multiple"):
        item["options"] = [
            {
                "id": o.id,
                "label": _text(o.label),
                "score": o.score,
                "exclusive": o.exclusive,
                "evidence": _text(o.evidence),
            }
            for o in q.options
        ]
        if q.cap is not None:
            item["cap"] = q.cap
    elif q.type in ("number", "before_after"):
        item |= {
            "unit": q.unit,
            "unit_en": q.unit_en,
            "min": q.min_value,
            "max": q.max_value,
            "bands": [asdict(b) for b in q.bands],
        }
        if q.type == "before_after":
            item["direction"] = q.direction
            item["bands_measure"] = "percent improvement over before"
    else:
        scenario = next(s for s in framework.scenarios if s.id == q.scenario_id)
        item["scenario"] = {
            "id": scenario.id,
            "name": _text(scenario.name),
            "mandatory": scenario.id in framework.mandatory,
            "levels": [
                {"level": d.level, "descriptor": _text(d.text), "evidence": _text(d.evidence)}
                for d in q.descriptors
            ],
            "level_scores": list(q.level_scores),
        }
    return item


def framework_template(framework: Framework) -> dict[str, Any]:
    """The whole questionnaire and the level rules as data."""
    return {
        **framework_summary(framework),
        "source": framework.source,
        "max_score": framework.max_score,
        "aggregate": framework.aggregate,
        "rounds": list(framework.rounds),
        "provisional_notes": list(framework.provisional_notes),
        "dimensions": [
            {
                "id": d.id,
                "name": _text(d.name),
                "points": d.points,
                "weight": d.weight,
                "scale": d.scale,
                "indicators": [{"id": i.id, "name": _text(i.name)} for i in d.indicators],
            }
            for d in framework.dimensions
        ],
        "dimension_bands": [{"name": _text(b.name), "upper": b.upper} for b in framework.dimension_bands],
        "questions": [question_template(framework, q) for q in framework.questions],
        "levels": [
            {
                "level": r.level,
                "name": _text(r.name),
                "min_score": r.min_score,
                "strict": r.strict,
                "gates": [asdict(g) for g in r.gates],
                "provisional": r.provisional,
            }
            for r in framework.levels
        ],
    }
