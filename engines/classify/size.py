"""Size class (划型) of one enterprise under 工信部联企业〔2011〕300号, with the rule that decided it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from engines.reference.industry import industry_table
from engines.reference.sme_size import SOURCE, SOURCE_EN, SizeGroup, SizeThresholds, size_rules

UNDETERMINED = "undetermined"
FIELD_OF_INDICATOR = {"employees": "employees", "revenue": "revenue_cny", "assets": "assets_cny"}
INDICATOR_LABEL = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}
INDICATOR_LABEL_EN = {"employees": "employees", "revenue": "operating revenue", "assets": "total assets"}
SIZE_LABEL = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", UNDETERMINED: "无法判定"}
SIZE_LABEL_EN = {
    "large": "large",
    "medium": "medium",
    "small": "small",
    "micro": "micro",
    UNDETERMINED: "undetermined",
}
# The label of an input field, (Chinese, English), for naming missing data to people.
FIELD_LABEL = {
    FIELD_OF_INDICATOR[key]: (INDICATOR_LABEL[key], INDICATOR_LABEL_EN[key]) for key in FIELD_OF_INDICATOR
}

Number = int | float | Decimal


@dataclass(frozen=True)
class SizeResult:
    """The size class with the group, the deciding rule and, if undetermined, what is missing.

    Every text a person reads comes in Chinese and English (`explanation`/`explanation_en`, ...).
    """

    size_class: str  # large | medium | small | micro | undetermined
    industry_code: str
    group_no: int | None
    group: str | None
    rule: str | None  # the rule text that decided the class
    reason: str  # decided | missing_data | industry_not_covered
    missing: tuple[str, ...] = ()  # input field names whose absence leaves the answer open
    possible: tuple[str, ...] = ()  # classes still possible when undetermined
    explanation: str = ""
    source: str = SOURCE
    steps: tuple[str, ...] = field(default=())
    explanation_en: str = ""
    steps_en: tuple[str, ...] = field(default=())
    source_en: str = SOURCE_EN
    group_en: str | None = None

    def missing_labels(self, language: str) -> list[str]:
        """The missing inputs as people call them, in "zh" or "en"."""
        return [FIELD_LABEL[name][1 if language == "en" else 0] for name in self.missing]

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "size_class": self.size_class,
            "industry_code": self.industry_code,
            "group_no": self.group_no,
            "group": self.group,
            "rule": self.rule,
            "reason": self.reason,
            "missing": list(self.missing),
            "possible": list(self.possible),
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
            "steps": list(self.steps),
            "steps_en": list(self.steps_en),
            "source": self.source,
            "source_en": self.source_en,
        }


def _check(name: str, value: Number | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return number


def _meets(level: SizeThresholds, values: dict[str, float | None]) -> bool | None:
    """Kleene AND over the level's lower bounds: False beats unknown, unknown beats True."""
    result: bool | None = True
    for indicator, value in values.items():
        bound = level.bound(indicator)
        if bound is None:
            continue
        if value is None:
            result = None
        elif value < bound:
            return False
    return result


def _fmt(indicator: str, value: float | None) -> str:
    if value is None:
        return f"{INDICATOR_LABEL[indicator]}未知"
    if indicator == "employees":
        return f"{INDICATOR_LABEL[indicator]}{value:g}人"
    return f"{INDICATOR_LABEL[indicator]}{value / 10_000:,.2f}万元"


def _amount_en(indicator: str, value: float) -> str:
    """English readers count in thousands, not 万: "CNY 45,800,000"; head counts as whole numbers."""
    if indicator == "employees":
        return f"{value:,.0f}"
    return f"CNY {value:,.0f}" if value == int(value) else f"CNY {value:,.2f}"


def _fmt_en(indicator: str, value: float | None) -> str:
    label = INDICATOR_LABEL_EN[indicator]
    return f"{label} unknown" if value is None else f"{label} {_amount_en(indicator, value)}"


def _either(words: list[str]) -> str:
    """'medium, small or micro'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _rule_en(level: SizeThresholds) -> str:
    """A level's lower bounds in English, from the same numbers as its Chinese rule text."""
    parts = []
    for indicator in ("employees", "revenue", "assets"):
        bound = level.bound(indicator)
        if bound is not None:
            parts.append(f"{INDICATOR_LABEL_EN[indicator]} ≥ {_amount_en(indicator, bound)}")
    return " and ".join(parts)


def _micro_rule_en(group: SizeGroup) -> str:
    """Micro is the complement of small: below any one of small's bounds."""
    small = group.levels[2]
    parts = []
    for indicator in ("employees", "revenue", "assets"):
        bound = small.bound(indicator)
        if bound is not None:
            parts.append(f"{INDICATOR_LABEL_EN[indicator]} < {_amount_en(indicator, bound)}")
    return " or ".join(parts)


def size_class(
    industry_code: str,
    employees: Number | None = None,
    revenue_cny: Number | None = None,
    assets_cny: Number | None = None,
) -> SizeResult:
    """Classify one enterprise; missing figures that could change the answer give 'undetermined'."""
    industry_table().get_class(industry_code)
    values = {
        "employees": _check("employees", employees),
        "revenue": _check("revenue_cny", revenue_cny),
        "assets": _check("assets_cny", assets_cny),
    }
    group = size_rules().group_for(industry_code)
    if group is None:
        return SizeResult(
            UNDETERMINED,
            industry_code,
            None,
            None,
            None,
            "industry_not_covered",
            explanation=f"行业 {industry_code} 不在《中小企业划型标准规定》所列行业范围内（可参照执行，需人工判定）",
            explanation_en=(
                f"Industry {industry_code} is not among the industries the SME classification rules list "
                "(they may be applied by analogy; a person decides)"
            ),
        )
    return _decide(group, industry_code, {k: values[k] for k in group.indicators})


def _decide(group: SizeGroup, industry_code: str, values: dict[str, float | None]) -> SizeResult:
    facts = "，".join(_fmt(k, v) for k, v in values.items())
    facts_en = ", ".join(_fmt_en(k, v) for k, v in values.items())
    steps: list[str] = []
    steps_en: list[str] = []
    for index, level in enumerate(group.levels):
        met = _meets(level, values)
        label, label_en = SIZE_LABEL[level.size], SIZE_LABEL_EN[level.size]
        rule_en = _rule_en(level)
        if met is True:
            steps.append(f"{label}：{level.rule_text} —— 满足")
            steps_en.append(f"{label_en.capitalize()}: {rule_en} — met")
            return SizeResult(
                level.size,
                industry_code,
                group.number,
                group.name,
                level.rule_text,
                "decided",
                explanation=f"{group.name}：{facts}；满足{label}标准（{level.rule_text}）",
                steps=tuple(steps),
                explanation_en=f"{group.name_en}: {facts_en}; meets the {label_en} bar ({rule_en})",
                steps_en=tuple(steps_en),
                group_en=group.name_en,
            )
        if met is None:
            missing = tuple(
                FIELD_OF_INDICATOR[k] for k, v in values.items() if v is None and level.bound(k) is not None
            )
            possible = [level.size]
            for lower in group.levels[index + 1 :]:
                lower_met = _meets(lower, values)
                if lower_met is True:
                    possible.append(lower.size)
                    break
                if lower_met is None:
                    possible.append(lower.size)
            else:
                possible.append("micro")
            steps.append(f"{label}：{level.rule_text} —— 数据不全，无法判断")
            steps_en.append(f"{label_en.capitalize()}: {rule_en} — data incomplete, cannot tell")
            unknown = [k for k, v in values.items() if v is None and level.bound(k) is not None]
            names = "、".join(INDICATOR_LABEL[k] for k in unknown)
            names_en = " and ".join(INDICATOR_LABEL_EN[k] for k in unknown)
            return SizeResult(
                UNDETERMINED,
                industry_code,
                group.number,
                group.name,
                None,
                "missing_data",
                missing=missing,
                possible=tuple(possible),
                explanation=(
                    f"{group.name}：{facts}；缺少{names}，可能为" + "、".join(SIZE_LABEL[p] for p in possible)
                ),
                steps=tuple(steps),
                explanation_en=(
                    f"{group.name_en}: {facts_en}; {names_en} missing, could be "
                    + _either([SIZE_LABEL_EN[p] for p in possible])
                ),
                steps_en=tuple(steps_en),
                group_en=group.name_en,
            )
        steps.append(f"{label}：{level.rule_text} —— 不满足")
        steps_en.append(f"{label_en.capitalize()}: {rule_en} — not met")
    micro_en = _micro_rule_en(group)
    steps.append(f"微型：{group.micro_rule_text} —— 满足")
    steps_en.append(f"Micro: {micro_en} — met")
    return SizeResult(
        "micro",
        industry_code,
        group.number,
        group.name,
        group.micro_rule_text,
        "decided",
        explanation=f"{group.name}：{facts}；未达到小型标准，属微型（{group.micro_rule_text}）",
        steps=tuple(steps),
        explanation_en=f"{group.name_en}: {facts_en}; below the small bar, so micro ({micro_en})",
        steps_en=tuple(steps_en),
        group_en=group.name_en,
    )
