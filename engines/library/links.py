"""Placeholder until h/content lands (quote matching)."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def normalise_quote(text: str) -> str:
    return _SPACE.sub("", text)


def quote_in_clause(quote: str, clause_text: str) -> bool:
    return normalise_quote(quote) in normalise_quote(clause_text)
