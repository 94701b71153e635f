"""Find the library clause a rule citation quotes, tolerant of OCR spacing and full/half-width marks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from engines.library.model import Clause, Document

# Full-width ASCII (！ to ～) maps to half-width; the CJK marks OCR swaps with ASCII map to one form.
_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_MARKS = {
    "〔": "[", "〕": "]", "【": "[", "】": "]", "﹝": "[", "﹞": "]",
    "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'",
    "—": "-", "–": "-", "－": "-", "―": "-", "～": "~",
    "。": ".", "、": ",", "·": ".", "•": ".",
}  # fmt: skip
_TABLE = str.maketrans({**_WIDTH, **_MARKS})
_SPACE = re.compile(r"\s+", flags=re.UNICODE)


def normalise_quote(text: str) -> str:
    """Drop all whitespace (full-width too) and unify full/half-width punctuation and letters."""
    return _SPACE.sub("", text.replace("\u3000", " ").translate(_TABLE))


def quote_in_clause(quote: str, clause_text: str) -> bool:
    """Whether the whole quote occurs in the clause's text, spacing and punctuation width aside."""
    needle = normalise_quote(quote)
    return bool(needle) and needle in normalise_quote(clause_text)


def _label_score(clause: Clause, hint_label: str) -> int:
    """How many of the clause's numbering labels the citation's clause label mentions."""
    hint = normalise_quote(hint_label)
    return sum(1 for part in clause.path if normalise_quote(part) in hint)


def clause_text(doc: Document, clause: Clause) -> str:
    """The clause's text with its sub-clauses: a quote may run over two numbered sub-items."""
    prefix = clause.id + "/"
    end = max([clause.end, *(c.end for c in doc.clauses if c.id.startswith(prefix))])
    return doc.text[clause.start : end]


def find_clause(documents: Iterable[Document], quote: str, hint_label: str = "") -> Clause | None:
    """The most specific (deepest) clause holding the whole quote; ties go to the hint, then order.

    A clause holds a quote when its own text does, or its text with its sub-clauses (clause_text).
    """
    found: list[tuple[int, int, int, Clause]] = []
    order = 0
    for doc in documents:
        for clause in doc.clauses:
            order += 1
            if quote_in_clause(quote, clause_text(doc, clause)):
                found.append((clause.depth, _label_score(clause, hint_label), -order, clause))
    if not found:
        return None
    return max(found, key=lambda item: item[:3])[3]
