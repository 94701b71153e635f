"""Template filters for monitoring pages: indicator names, status badges, values with units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from engines.monitoring.progress import STATUS_LABELS
from funeng.apps.core.i18n import is_english

register = template.Library()
# Counting words need no English (400 家 → 400); amounts and person-times do.
UNITS_EN = {"家": "", "个": "", "元": "CNY", "人次": "person-times", "人": "people"}
# The unit named on its own (an indicator's definition), where a figure's suffix may be silent.
UNIT_NAMES_EN = {**UNITS_EN, "家": "enterprises", "个": "count"}


def _pick(obj: Any, attr: str) -> str:
    return str(getattr(obj, f"{attr}_en" if is_english() else f"{attr}_zh", "") or "")


@register.filter
def unit_name(unit: str) -> str:
    """An indicator's unit as a word in the page's language: 家 stays 家, in English "enterprises"."""
    return UNIT_NAMES_EN.get(unit, unit) if is_english() else unit


@register.filter
def ind_name(indicator: Any) -> str:
    """An indicator's name in the page's language."""
    return _pick(indicator, "name")


@register.filter
def ind_description(indicator: Any) -> str:
    """An indicator's formula in words, in the page's language."""
    return _pick(indicator, "description")


@register.filter
def explanation(progress: Any) -> str:
    """A progress explanation in the page's language."""
    return _pick(progress, "explanation")


@register.filter
def status_label(status: str) -> str:
    """A progress status as people read it (已实现, On track…)."""
    zh, en = STATUS_LABELS.get(status, (status, status))
    return en if is_english() else zh


@register.filter
def status_badge(status: str) -> SafeString:
    """A coloured badge for a progress status."""
    return format_html('<span class="badge status-{}">{}</span>', status, status_label(status))


@register.filter
def figure(value: Decimal | float | int | None, unit: str = "") -> str:
    """A value with its unit, grouped, without trailing zeros; — when unknown."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        text = f"{int(number):,}"
    else:
        text = f"{number.quantize(Decimal('0.01')).normalize():,f}"
    if is_english():
        unit = UNITS_EN.get(unit, unit)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@register.filter
def rate(progress: Any) -> str:
    """The observed yearly change: a percentage for growth rates, units a year for linear ones."""
    value = getattr(progress, "observed_rate", None)
    if value is None:
        return "—"
    if getattr(progress, "method", None) == "growth":
        return f"{value * 100:+.1f}%"
    return f"{value:+,.2f}"


@register.filter
def ratio(value: float | None) -> str:
    """A progress ratio with two decimals; — when undefined."""
    return "—" if value is None else f"{value:.2f}"


DIMENSIONS = {
    "industry_section": ("行业门类（GB/T 4754）", "Industry section (GB/T 4754)"),
    "industry_division": ("行业大类（GB/T 4754）", "Industry division (GB/T 4754)"),
    "size_class": ("企业规模", "Size class"),
    "de_core": ("数字经济核心产业", "Digital-economy core industry"),
    "region": ("地区", "Region"),
}
SIZES = {
    "large": ("大型", "Large"),
    "medium": ("中型", "Medium"),
    "small": ("小型", "Small"),
    "micro": ("微型", "Micro"),
    "undetermined": ("未划型", "Undetermined"),
    "": ("未划型", "Undetermined"),
}
YES_NO = {"true": ("是", "Yes"), "false": ("否", "No")}


@register.filter
def dimension_label(dimension: str) -> str:
    """A disaggregation's name."""
    zh, en = DIMENSIONS.get(dimension, (dimension, dimension))
    return en if is_english() else zh


@register.filter
def category_label(value: Any) -> str:
    """A category of a disaggregation as people read it: a section's name, a size class, yes/no."""
    from engines.reference.industry import industry_name_en, industry_table

    dimension, category = value.dimension, value.category
    if category == "unknown":  # the engine's word for a missing attribute (never the total's "")
        return "Unknown" if is_english() else "未知"
    if dimension in ("industry_section", "industry_division"):
        node = industry_table().by_code.get(category)
        if node is None:
            return category or "—"
        return (industry_name_en(category) or node.name) if is_english() else f"{category} {node.name}"
    pair = (SIZES if dimension == "size_class" else YES_NO if dimension == "de_core" else {}).get(category)
    if pair is None:
        return category or "—"
    return pair[1] if is_english() else pair[0]
