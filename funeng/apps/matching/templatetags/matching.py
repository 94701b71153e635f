"""Template tags of the matchmaking pages: the role's sub-navigation."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from engines.match import match_points as engine_match_points
from funeng.apps.matching.access import (
    can_manage_solutions,
    can_oversee_matching,
    can_post_needs,
    provider_id_of,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def matching_nav(context: template.Context) -> list[tuple[str, str, bool]]:
    """(label, url, is_current) of the matchmaking sections this user works in."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = []
    if can_post_needs(user):
        items += [
            (_("My needs"), reverse("matching:needs")),
            (_("Post a need"), reverse("matching:need_create")),
            (_("Deals"), reverse("matching:deals")),
            (_("Provider directory"), reverse("matching:directory")),
        ]
    elif can_manage_solutions(user):
        provider_id = provider_id_of(user)
        items += [
            (_("Inbox"), reverse("matching:inbox")),
            (_("My solutions"), reverse("matching:solutions")),
            (_("Deals"), reverse("matching:deals")),
            (_("Trust score"), reverse("matching:trust", args=[provider_id])),
            (_("Provider directory"), reverse("matching:directory")),
        ]
    elif can_oversee_matching(user):
        items += [
            (_("Supply and demand gaps"), reverse("matching:gaps")),
            (_("Provider trust"), reverse("matching:trust_list")),
            (_("Complaints"), reverse("matching:complaints")),
            (_("Needs"), reverse("matching:needs")),
            (_("Deals"), reverse("matching:deals")),
            (_("Provider directory"), reverse("matching:directory")),
        ]
    path = request.path
    return [(label, url, path == url) for label, url in items]


@register.filter
def reason_class(effect: str) -> str:
    """CSS class of a reason by its effect (+ helps, - demotes, = information)."""
    return {"+": "reason-plus", "-": "reason-minus"}.get(effect, "reason-info")


@register.filter
def match_points(score: float | None) -> float | None:
    """A stored match score on the 0-100 scale shown to people (None stays None)."""
    return None if score is None else engine_match_points(float(score))
