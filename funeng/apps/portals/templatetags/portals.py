"""Template tags of the portals: the signed-in user's role-aware navigation and unread messages."""

from __future__ import annotations

from django import template

from funeng.apps.notifications.access import inbox_enterprise_id, notifications_visible_to
from funeng.apps.policies.access import policy_notices_visible_to
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


@register.simple_tag(takes_context=True)
def inbox_unread(context: template.Context) -> int | None:
    """Unread messages and policy notices of the signed-in user's enterprise; None when there is no inbox."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or inbox_enterprise_id(user) is None:
        return None
    messages = notifications_visible_to(user).filter(read_at__isnull=True).count()
    return messages + policy_notices_visible_to(user).filter(read_at__isnull=True).count()
