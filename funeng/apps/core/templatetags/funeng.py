"""Template tags: figures and region names as Chinese readers expect them."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from engines.reference.regions import region_table

register = template.Library()


@register.filter
def cny(value: Decimal | int | float | None) -> str:
    """Render an amount in CNY: 万元 with two decimals from ten thousand up, else 元; — when unknown.

    English readers count in thousands, not 万, so they get the full amount: CNY 45,800.
    """
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    if not (translation.get_language() or "").startswith("zh"):
        whole = amount == amount.to_integral_value()
        return f"CNY {amount:,.0f}" if whole else f"CNY {amount:,.2f}"
    if abs(amount) >= 10_000:
        return _("%(amount)s ten-thousand yuan") % {"amount": f"{amount / 10_000:,.2f}"}
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


@register.filter
def region_name(code: str | None) -> str:
    """A GB/T 2260 code as its name (全国 for 000000); the code itself when unknown."""
    if not code:
        return ""
    if code == "000000":
        return _("Nationwide")
    return region_table().display_name(code, code)
