"""Size class (划型) of one enterprise under 工信部联企业〔2011〕300号, with the rule that decided it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from engines.reference.industry import industry_table
from engines.reference.sme_size import SOURCE, SizeGroup, SizeThresholds, size_rules

UNDETERMINED = "undetermined"
FIELD_OF_INDICATOR = {"employees": "employees", "revenue": "revenue_cny", "assets": "assets_cny"}
INDICATOR_LABEL = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}
SIZE_LABEL = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", UNDETERMINED: "无法判定"}

Number = int | float | Decimal


@dataclass(frozen=True)
class SizeResult:
    """The size class with the group, the deciding rule and, if undetermined, what is missing."""

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
            "steps": list(self.steps),
            "source": self.source,
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
        )
    return _decide(group, industry_code, {k: values[k] for k in group.indicators})


def _decide(group: SizeGroup, industry_code: str, values: dict[str, float | None]) -> SizeResult:
    facts = "，".join(_fmt(k, v) for k, v in values.items())
    steps: list[str] = []
    for index, level in enumerate(group.levels):
        met = _meets(level, values)
        label = SIZE_LABEL[level.size]
        if met is True:
            steps.append(f"{label}：{level.rule_text} —— 满足")
            return SizeResult(
                level.size,
                industry_code,
                group.number,
                group.name,
                level.rule_text,
                "decided",
                explanation=f"{group.name}：{facts}；满足{label}标准（{level.rule_text}）",
                steps=tuple(steps),
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
            names = "、".join(
                INDICATOR_LABEL[k] for k, v in values.items() if v is None and level.bound(k) is not None
            )
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
            )
        steps.append(f"{label}：{level.rule_text} —— 不满足")
    steps.append(f"微型：{group.micro_rule_text} —— 满足")
    return SizeResult(
        "micro",
        industry_code,
        group.number,
        group.name,
        group.micro_rule_text,
        "decided",
        explanation=f"{group.name}：{facts}；未达到小型标准，属微型（{group.micro_rule_text}）",
        steps=tuple(steps),
    )
