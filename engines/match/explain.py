"""Plain-language reasons for a match, in Chinese and English.

Each reason is one short clause ("场景匹配：设备管理、生产制造", "服务浙江", "报价在预算内"); a
demoting reason says so ("已降权"), because a far-too-expensive offer is shown lower, not hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engines.match import fields
from engines.match.model import ProviderQuality, Solution
from engines.maturity.framework import solution_categories


@dataclass(frozen=True, slots=True)
class Reason:
    """One clause of an explanation; effect is '+' (helps), '-' (demotes) or '=' (information)."""

    code: str
    zh: str
    en: str
    effect: str = "+"

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready mapping."""
        return {"code": self.code, "zh": self.zh, "en": self.en, "effect": self.effect}


def join_zh(reasons: Sequence[Reason]) -> str:
    """'场景匹配：设备管理；服务浙江；报价在预算内'."""
    return "；".join(r.zh for r in reasons)


def join_en(reasons: Sequence[Reason]) -> str:
    """'Scenarios: equipment management; serves Zhejiang; price within budget'."""
    return "; ".join(r.en for r in reasons)


def _price_zh(amount: float) -> str:
    if amount >= 10_000:
        return f"{amount / 10_000:.1f}".rstrip("0").rstrip(".") + " 万元/年"
    return f"{amount:,.0f} 元/年"


def _price_en(amount: float) -> str:
    return f"CNY {amount:,.0f} a year"


def scenario_reason(ids: Sequence[str]) -> Reason | None:
    """'场景匹配：设备管理、生产制造'."""
    if not ids:
        return None
    categories = solution_categories()
    zh = "、".join(categories[s].name.zh for s in ids)
    en = ", ".join(categories[s].name.en.lower() for s in ids)
    return Reason("scenario", f"场景匹配：{zh}", f"scenarios: {en}")


def keyword_reason(words: Sequence[str]) -> Reason | None:
    """'关键词：注塑机、排产'."""
    if not words:
        return None
    return Reason("keywords", f"关键词：{'、'.join(words)}", f"words in common: {', '.join(words)}")


def region_reason(solution: Solution, province: str | None) -> Reason:
    """Served, nationwide, or not serving the enterprise's province (demoted)."""
    if province is None:
        if not solution.regions:
            return Reason("region", "全国服务", "serves all of China", "=")
        names = [fields.province_label(p) for p in solution.regions[:3]]
        names_en = [fields.province_label_en(p) for p in solution.regions[:3]]
        more, more_en = ("等", " and more") if len(solution.regions) > 3 else ("", "")
        return Reason(
            "region", f"服务{'、'.join(names)}{more}", f"serves {', '.join(names_en)}{more_en}", "="
        )
    label, label_en = fields.province_label(province), fields.province_label_en(province)
    if not solution.regions:
        return Reason("region", "全国服务", "serves all of China")
    if province in solution.regions:
        return Reason("region", f"服务{label}", f"serves {label_en}")
    return Reason(
        "region", f"不在{label}服务范围（已降权）", f"does not serve {label_en} (ranked lower)", "-"
    )


def industry_reason(solution: Solution, section: str, division: str, level: float) -> Reason | None:
    """Made for the enterprise's industry, cross-industry, or for another industry (demoted)."""
    if not section:
        return None
    if not solution.industries:
        return Reason("industry", "通用方案，不限行业", "cross-industry", "=")
    if division in solution.industries or section in solution.industries:
        code = division if division in solution.industries else section
        name, name_en = fields.industry_label(code), fields.industry_label_en(code)
        return Reason("industry", f"适用本行业（{name}）", f"made for this industry ({name_en})")
    if level > 0.5:
        name, name_en = fields.industry_label(section), fields.industry_label_en(section)
        return Reason(
            "industry", f"适用同门类行业（{name}）", f"made for the same industry section ({name_en})", "="
        )
    names = "、".join(fields.industry_label(c) for c in solution.industries[:2])
    names_en = "; ".join(fields.industry_label_en(c) for c in solution.industries[:2])
    return Reason(
        "industry", f"面向{names}，与本行业不同（已降权）", f"made for {names_en} (ranked lower)", "-"
    )


def size_reason(solution: Solution, employees: int | None, fit: float) -> Reason | None:
    """Suitable company size, or a range the enterprise is outside of (demoted)."""
    low, high = solution.min_employees, solution.max_employees
    if employees is None or (low is None and high is None):
        return None
    if low is not None and high is not None:
        span_zh, span_en = f"{low}–{high} 人", f"{low}-{high} staff"
    elif low is not None:
        span_zh, span_en = f"{low} 人以上", f"{low}+ staff"
    else:
        span_zh, span_en = f"{high} 人以内", f"up to {high} staff"
    if fit >= 1.0:
        return Reason("size", f"适合 {span_zh}企业", f"fits companies of {span_en}")
    return Reason(
        "size", f"面向 {span_zh}企业，规模不符（已降权）", f"made for {span_en} (ranked lower)", "-"
    )


def budget_reason(solution: Solution, budget: float | None) -> Reason:
    """Within budget, over budget by how much (demoted when far over), or price on request."""
    price = solution.price_cny_per_year
    if price is None:
        return Reason("budget", "报价面议", "price on request", "=")
    if budget is None:
        return Reason("budget", f"报价 {_price_zh(price)}", f"price {_price_en(price)}", "=")
    if price <= budget:
        return Reason("budget", "报价在预算内", "price within budget")
    over = (price - budget) / budget * 100 if budget > 0 else float("inf")
    if over <= 20:
        return Reason(
            "budget", f"报价略超预算（{_price_zh(price)}）", f"slightly over budget ({_price_en(price)})", "="
        )
    over_zh = f"{over:.0f}%" if over < 1000 else f"{price / max(budget, 1):.0f} 倍"
    return Reason(
        "budget",
        f"报价 {_price_zh(price)}，超出预算 {over_zh}（已降权）",
        f"price {_price_en(price)}, over budget (ranked lower)",
        "-",
    )


def deployment_reason(solution: Solution, wanted: str | None, fit: float) -> Reason | None:
    """Deployment as asked, or different from the stated preference."""
    if wanted is None or solution.deployment is None:
        return None
    zh, en = fields.DEPLOYMENT_LABEL[solution.deployment]
    if fit >= 1.0:
        return Reason("deployment", f"{zh}，符合部署要求", f"{en}, as asked")
    want_zh, want_en = fields.DEPLOYMENT_LABEL[wanted]
    return Reason(
        "deployment",
        f"{zh}，与期望的{want_zh}不同",
        f"{en}, not {want_en} as asked",
        "-" if fit < 0.6 else "=",
    )


def peer_reason(count: int) -> Reason | None:
    """'同行业 12 家使用'."""
    if count <= 0:
        return None
    companies = "company" if count == 1 else "companies"
    return Reason("peers", f"同行业 {count} 家使用", f"used by {count} {companies} in the same industry")


def _plural(count: int, noun: str) -> str:
    """English noun for a count (the reasons are plain strings, built outside Django's gettext)."""
    return noun if count == 1 else noun + "s"


def quality_reasons(quality: ProviderQuality | None) -> list[Reason]:
    """Rating with its sample size, measured client outcomes, vetting."""
    if quality is None:
        return []
    reasons = []
    if quality.vetting == "vetted":
        reasons.append(Reason("vetting", "可信服务商（已审核）", "vetted provider"))
    if quality.rating is not None and quality.reviews > 0:
        reasons.append(
            Reason(
                "rating",
                f"评分 {quality.rating:.1f}（{quality.reviews} 条评价）",
                f"rated {quality.rating:.1f} ({quality.reviews} {_plural(quality.reviews, 'review')})",
                "+" if quality.rating >= 4 else "=",
            )
        )
    # A reason needs evidence: an average change that shows as 0.0 points recommends nothing.
    if quality.uplift is not None and quality.uplift_clients > 0 and round(quality.uplift, 1) != 0:
        reasons.append(
            Reason(
                "uplift",
                f"客户数字化水平平均提升 {quality.uplift:.1f} 分（{quality.uplift_clients} 家）",
                f"clients' maturity up {quality.uplift:.1f} points on average "
                f"({quality.uplift_clients} {_plural(quality.uplift_clients, 'client')})",
                "+" if quality.uplift > 0 else "=",
            )
        )
    return reasons
