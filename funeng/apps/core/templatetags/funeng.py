"""Template filters for figures as Chinese readers expect them."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cny(value: Decimal | int | float | None) -> str:
    """Render an amount in CNY: 万元 with two decimals from ten thousand up, else 元; — when unknown."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    if abs(amount) >= 10_000:
        return _("%(amount)s ten-thousand yuan") % {"amount": f"{amount / 10_000:,.2f}"}
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}
