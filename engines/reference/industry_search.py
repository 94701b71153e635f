"""Find GB/T 4754-2017 classes as people look for them: by code, by a fragment of the name, or by pinyin.

"3484", "零部件", "jixie" and "jxljjjg" all find 3484 机械零部件加工. Pinyin is computed once per
process with pypinyin (the most common reading of each character, tones dropped); both the full
pinyin and the initials are searched, so 行业 typed either way is found. Only 4-digit classes are
returned: they are what an enterprise's industry_code holds. GB/T 4754 publishes Chinese names only,
so the name is Chinese in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pypinyin import Style, lazy_pinyin

from engines.reference.industry import industry_table

MAX_RESULTS = 20
_LATIN = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d{1,4}")


@dataclass(frozen=True, slots=True)
class IndustryEntry:
    """A class with the spellings it is found by."""

    code: str
    name: str
    pinyin: str  # "jixielingbujianjiagong"
    initials: str  # "jxljjjg"


@cache
def industry_entries() -> tuple[IndustryEntry, ...]:
    """Every 4-digit class with its pinyin, in code order."""
    entries = []
    for node in industry_table().of_level("class"):
        syllables = [s for s in lazy_pinyin(node.name, errors="ignore") if s.isalpha()]
        initials = "".join(lazy_pinyin(node.name, style=Style.FIRST_LETTER, errors="ignore"))
        entries.append(
            IndustryEntry(
                node.code, node.name, "".join(syllables).lower(), re.sub(r"[^a-z]", "", initials.lower())
            )
        )
    return tuple(entries)


def _normalize(query: str) -> str:
    # People type "ji xie", "Ji'Xie" or full-width spaces; none of it matters to the search.
    return re.sub(r"[\s'’\u3000·]+", "", query).lower()


def industry_search(query: str, *, limit: int = MAX_RESULTS) -> list[IndustryEntry]:
    """The classes a query finds, best first: exact code, code prefix, name, then pinyin; at most `limit`."""
    text = _normalize(query)
    if not text:
        return []
    ranked: list[tuple[int, str, IndustryEntry]] = []
    for entry in industry_entries():
        rank = _rank(entry, text)
        if rank is not None:
            ranked.append((rank, entry.code, entry))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in ranked[: max(0, limit)]]


def _rank(entry: IndustryEntry, text: str) -> int | None:
    if _DIGITS.fullmatch(text):
        if entry.code == text:
            return 0
        return 1 if entry.code.startswith(text) else None
    if entry.name == text:
        return 0
    if entry.name.startswith(text):
        return 2
    if text in entry.name:
        return 3
    if not _LATIN.fullmatch(text):
        return None
    if entry.initials == text or entry.pinyin == text:
        return 4
    if entry.initials.startswith(text) or entry.pinyin.startswith(text):
        return 5
    if text in entry.pinyin or (len(text) >= 2 and text in entry.initials):
        return 6
    return None
