"""Template filters of the assessment pages: frameworks by their names, never their ids."""

from __future__ import annotations

from django import template

from engines.maturity import shipped_frameworks
from funeng.apps.assessment.frameworks import framework_name, pick
from funeng.apps.core.i18n import active_language

register = template.Library()


@register.filter(name="framework_name")
def framework_name_filter(framework_id: str) -> str:
    """A framework (or sector variant) id as its name in the page's language."""
    return framework_name(framework_id, active_language())


@register.filter
def family_name(family: str) -> str:
    """A framework family id (e.g. miit-2024) as the name its file gives, in the page's language."""
    for framework in shipped_frameworks().values():
        if framework.family == family:
            return pick(framework.family_name or framework.name, active_language())
    return family
