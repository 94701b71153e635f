"""Template filters for the policy fields of an enterprise: ratios as percentages, yes / no / unknown."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: Decimal | float | None) -> str:
    """A ratio (0.05) as a percentage (5%), up to two decimals, trailing zeros dropped; — when unknown."""
    if value is None or value == "":
        return "—"
    shown = Decimal(str(value)).scaleb(2).quantize(Decimal("0.01")).normalize()
    return f"{shown:,f}%"


@register.filter
def yes_no_unknown(value: bool | None) -> str:
    """Yes, No, or — when unknown (a missing answer is never shown as no)."""
    if value is None:
        return "—"
    return _("Yes") if value else _("No")
