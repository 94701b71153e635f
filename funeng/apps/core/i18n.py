"""Which language a page is in, and picking one side of the bilingual texts engines return.

Engines never import Django, so they return every text a person reads in both languages (`text`
and `text_en`, `zh` and `en`, ...); the app shows the side of the active language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils import translation

# The codes the app's helpers take (funeng.apps.assessment.frameworks.pick and friends).
ENGLISH = "en"
CHINESE = "zh-hans"


def active_language() -> str:
    """'en' when the page is in English, else 'zh-hans' (the default language)."""
    return ENGLISH if is_english() else CHINESE


def is_english() -> bool:
    """True when the active language is English."""
    return (translation.get_language() or "").startswith("en")


def engine_language() -> Literal["zh", "en"]:
    """The language code the engines take ("zh" or "en")."""
    return "en" if is_english() else "zh"


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def localized(obj: Any, attr: str = "text") -> Any:
    """`obj.<attr>_en` on an English page (when it is set), else `obj.<attr>`; mappings work too.

    An English rendering missing from old stored data falls back to the Chinese original, which
    is better than an empty line.
    """
    if obj is None:
        return ""
    if is_english():
        english = _get(obj, f"{attr}_en")
        if english:
            return english
    value = _get(obj, attr)
    return "" if value is None else value
