"""Template tags: figures, region names and bilingual engine texts as the reader expects them."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engines.reference.errors import UnknownCodeError
from engines.reference.regions import county_names, region_display_name, region_table
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
    """A GB/T 2260 code as its name in the page's language (全国 for 000000); the code when unknown.

    Chinese reads from the province down ("浙江省 杭州市 西湖区"), English from the small unit up
    ("西湖区, Hangzhou, Zhejiang": county names are shipped in Chinese only). A county the county
    table does not name shows its code, so the districts of one city never all read as the city.
    """
    if not code:
        return ""
    if code == "000000":
        return _("Nationwide")
    try:
        level = region_table().resolve(code).level
    except UnknownCodeError:
        return code
    language = get_language() or "zh-hans"
    name = region_display_name(code, language)
    if level != "county":
        return name
    county = county_names().get(code) or code
    return f"{county}, {name}" if language.startswith("en") else f"{name} {county}"


@register.simple_tag
def submit_token() -> str:
    """A hidden one-time token: the form's post is carried out once however often it is sent."""
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMIT_TOKEN_FIELD, new_submit_token())


@register.inclusion_tag("core/_page_jump.html", takes_context=True)
def page_jump(context: template.Context, page: object, param: str = "page") -> dict[str, object]:
    """A small GET form to go straight to page N of a long list, keeping the list's other parameters."""
    request = context.get("request")
    kept = []
    if request is not None:
        kept = [(key, value) for key, values in request.GET.lists() if key != param for value in values]
    paginator = getattr(page, "paginator", None)
    return {"page": page, "param": param, "kept": kept, "pages": getattr(paginator, "num_pages", 1)}


@register.inclusion_tag("core/_sort_header.html", takes_context=True)
def sort_header(context: template.Context, key: str, label: str, css: str = "") -> dict[str, object]:
    """A column header that sorts the list by `key`; a second click reverses; aria-sort tells which."""
    from funeng.apps.core.sorting import SORT_PARAM, Sort

    sort = context.get("sort") or Sort()
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query.pop("page", None)
    active = sort.key == key
    query[SORT_PARAM] = key if not active or sort.descending else f"-{key}"
    state = ("descending" if sort.descending else "ascending") if active else "none"
    return {"label": label, "href": "?" + query.urlencode(), "state": state, "css": css, "active": active}
