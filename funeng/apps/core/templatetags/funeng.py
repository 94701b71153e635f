"""Template tags: figures, region names and bilingual engine texts as the reader expects them."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from engines.reference.regions import region_table
from funeng.apps.core.i18n import localized
from funeng.apps.core.money import money_display
from funeng.apps.core.pages import SUBMIT_TOKEN_FIELD, new_submit_token

register = template.Library()


# Amounts in CNY: 万元 for Chinese readers, "CNY 45,800" for English ones; — when unknown.
register.filter("cny", money_display)
# An engine's bilingual text in the page's language: {{ node|localized }}, {{ step|localized:"message" }}.
register.filter("localized", localized)


@register.filter
def region_name(code: str | None) -> str:
    """A GB/T 2260 code as its name (全国 for 000000); the code itself when unknown."""
    if not code:
        return ""
    if code == "000000":
        return _("Nationwide")
    return region_table().display_name(code, code)


@register.simple_tag
def submit_token() -> str:
    """A hidden one-time token: the form's post is carried out once however often it is sent."""
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMIT_TOKEN_FIELD, new_submit_token())
