"""Template tags: figures as Chinese readers expect them, and the role-aware navigation."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from engines.reference.regions import region_table
from funeng.apps.core.navigation import NavItem, nav_items

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


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> list[tuple[NavItem, bool]]:
    """The signed-in user's navigation as (item, is_current) pairs; empty when signed out."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    return [(item, item.is_current(request.path)) for item in nav_items(user)]


@register.filter
def region_name(code: str | None) -> str:
    """A GB/T 2260 code as its name (全国 for 000000); the code itself when unknown."""
    if not code:
        return ""
    if code == "000000":
        return _("Nationwide")
    return region_table().display_name(code, code)
