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


# Why a citation must be read again after its document changed ("" = it still holds as it was).
CLAUSE_REMOVED = "clause removed"
QUOTE_GONE = "quoted text no longer in the clause"
CLAUSE_CHANGED = "clause text changed"


def _quoted_text(doc: Document, clause: Clause, quote: str) -> str | None:
    """The text a quote lives in: the clause's own, else with its sub-clauses; None when in neither."""
    if quote_in_clause(quote, clause.text):
        return clause.text
    tree = clause_text(doc, clause)
    return tree if quote_in_clause(quote, tree) else None


def citation_change(before: Document | None, after: Document, clause_id: str, quote: str) -> str:
    """Whether a citation of `clause_id` still holds in `after`, compared with `before` (None: new).

    The quote is compared on the text it lives in, so a change elsewhere in a section does not put
    a citation of the section's heading to review.
    """
    clause = next((c for c in after.clauses if c.id == clause_id), None)
    if clause is None:
        return CLAUSE_REMOVED
    now = _quoted_text(after, clause, quote)
    if now is None:
        return QUOTE_GONE
    earlier = next((c for c in before.clauses if c.id == clause_id), None) if before else None
    if earlier is None or before is None:
        return ""
    then = earlier.text if now == clause.text else clause_text(before, earlier)
    return CLAUSE_CHANGED if then != now else ""
