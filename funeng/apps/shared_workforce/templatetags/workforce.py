"""Template filters of the shared-workforce pages: skill names in the page's language, masked personal data."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from funeng.apps.shared_workforce.selectors import mask_name, mask_phone, skill_name

register = template.Library()


@register.filter
def skill_names(ids: Iterable[str] | None) -> str:
    """["welder", "electrician"] → 焊工、电工 (Welder, Electrician in English)."""
    names = [skill_name(skill_id) for skill_id in ids or ()]
    chinese = any("\u4e00" <= ch <= "\u9fff" for name in names for ch in name)
    return ("、" if chinese else ", ").join(names)


@register.filter
def masked_name(name: str) -> str:
    return mask_name(name)


@register.filter
def masked_phone(phone: str) -> str:
    return mask_phone(phone)
