"""Template tags of the portals: the signed-in user's role-aware navigation."""

from __future__ import annotations

from django import template

from funeng.apps.portals.navigation import NavItem, nav_items

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> list[tuple[NavItem, bool]]:
    """The signed-in user's navigation as (item, is_current) pairs; empty when signed out."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    return [(item, item.is_current(request.path)) for item in nav_items(user)]
