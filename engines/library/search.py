"""Clause-level Chinese search over the policy library: jieba words plus CJK character bigrams, BM25.

Tokens are jieba words in precise mode (the matchmaking tokenizer: HMM off, deterministic, with the
domain dictionary) plus the character bigrams of every CJK run. Precise mode rather than search mode:
search mode adds the sub-words of long words, which the bigrams already give, so it would only
double-count them. The bigrams recover matches where jieba cuts a query and a clause differently
(小巨人 vs 巨人企业, 云量贷 cut as 云量/贷).

Filters are NumPy masks over per-record arrays; scores come from bm25s as a full vector, so a filtered
search always sees every matching record (no candidate cut-off to miss filtered hits).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import numpy.typing as npt

from engines.match import text as match_text

# bm25s sets its logger to DEBUG at import; an engine should be quiet (see engines/match/index.py).
logging.getLogger("bm25s").setLevel(logging.WARNING)

HEADING_REPEAT = 2  # heading words count twice: a heading names what the clause is about
SNIPPET_CHARS = 80
MORE_LIKE_TERMS = 12
_CJK_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")


def tokens(text: str, *, bigrams: bool = True) -> list[str]:
    """Retrieval tokens of a text: jieba content words, plus CJK bigrams (stop-word bigrams dropped)."""
    words = match_text.tokens(text)
    if not bigrams:
        return words
    stop = match_text.stopwords()
    out = list(words)
    word_set = set(words)
    for run in _CJK_RUN.findall(match_text.normalise(text)):
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            # a two-character jieba word already counts once; its bigram would count it twice
            if gram not in stop and gram not in word_set:
                out.append(gram)
    return out


@dataclass(frozen=True)
class SearchRecord:
    """One clause as the search index sees it."""

    clause_id: str
    document_id: str
    document_title: str
    heading: str
    text: str
    issuers: tuple[str, ...] = ()
    level: str = ""
    region_code: str = ""
    year: int | None = None
    validity: str = ""


@dataclass(frozen=True)
class SearchFilters:
    """Optional restrictions; None means no restriction."""

    issuer: str | None = None  # substring of any issuer
    level: str | None = None
    region_code: str | None = None  # prefix: "33" matches 330100
    year_from: int | None = None
    year_to: int | None = None
    validity: str | None = None


@dataclass(frozen=True)
class Hit:
    """A ranked clause; snippet segments are (text, highlighted) for the caller to escape and render."""

    clause_id: str
    document_id: str
    score: float
    snippet: tuple[tuple[str, bool], ...]


def _codes(values: Sequence[str]) -> tuple[npt.NDArray[np.int64], list[str]]:
    names: dict[str, int] = {}
    codes = np.fromiter((names.setdefault(v, len(names)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(names)


class ClauseIndex:
    """BM25 over clauses with per-record filter arrays (row i = records[i])."""

    def __init__(self, records: Sequence[SearchRecord], bags: list[list[str]], bigrams: bool) -> None:
        self.records = tuple(records)
        self.bigrams = bigrams
        self.position = {r.clause_id: i for i, r in enumerate(self.records)}
        self.retriever: bm25s.BM25 | None = None
        self.vocab: dict[str, int] = {}
        # A corpus of only stop words has no vocabulary, which bm25s cannot index: nothing matches.
        if any(bags):
            bm25 = bm25s.BM25(method="lucene")
            bm25.index(bags, show_progress=False)
            self.retriever = bm25
            self.vocab = dict(bm25.vocab_dict)
        n = len(self.records)
        self.doc_freq = np.zeros(len(self.vocab))
        if self.retriever is not None:
            self.doc_freq = np.diff(np.asarray(self.retriever.scores["indptr"])).astype(np.float64)
        self.idf = np.log(1.0 + (n - self.doc_freq + 0.5) / (self.doc_freq + 0.5))
        self.bags = bags
        self.level_code, self.levels = _codes([r.level for r in self.records])
        self.validity_code, self.validities = _codes([r.validity for r in self.records])
        self.region_codes = np.array([r.region_code for r in self.records], dtype=object)
        self.year = np.array([r.year if r.year is not None else -1 for r in self.records], dtype=np.int64)
        issuer_code, self.issuer_names = _codes([i for r in self.records for i in r.issuers])
        self.issuer_rows = np.repeat(np.arange(n), [len(r.issuers) for r in self.records])
        self.issuer_code = issuer_code
        self.unique_regions, self.region_inverse = np.unique(
            np.array([r.region_code for r in self.records] or [""], dtype=str), return_inverse=True
        )

    @classmethod
    def build(cls, records: Sequence[SearchRecord], *, bigrams: bool = True) -> ClauseIndex:
        """Index clauses; heading tokens are repeated so a heading match weighs more."""
        bags = []
        for r in records:
            bags.append(tokens(r.heading, bigrams=bigrams) * HEADING_REPEAT + tokens(r.text, bigrams=bigrams))
        return cls(records, bags, bigrams)

    def mask(self, filters: SearchFilters | None) -> npt.NDArray[np.bool_] | None:
        """Rows that pass the filters (None when there are no filters)."""
        if filters is None:
            return None
        n = len(self.records)
        keep = np.ones(n, dtype=bool)
        if filters.issuer:
            wanted = [c for c, name in enumerate(self.issuer_names) if filters.issuer in name]
            rows = np.zeros(n, dtype=bool)
            rows[self.issuer_rows[np.isin(self.issuer_code, wanted)]] = True
            keep &= rows
        if filters.level is not None:
            keep &= self._equals(self.level_code, self.levels, filters.level)
        if filters.validity is not None:
            keep &= self._equals(self.validity_code, self.validities, filters.validity)
        if filters.region_code:
            prefix_ok = np.char.startswith(self.unique_regions, filters.region_code)
            keep &= prefix_ok[self.region_inverse] if n else keep
        if filters.year_from is not None:
            keep &= self.year >= filters.year_from
        if filters.year_to is not None:
            keep &= (self.year <= filters.year_to) & (self.year >= 0)
        return keep

    @staticmethod
    def _equals(codes: npt.NDArray[np.int64], names: list[str], value: str) -> npt.NDArray[np.bool_]:
        if value not in names:
            return np.zeros(len(codes), dtype=bool)
        return np.asarray(codes == names.index(value), dtype=bool)

    def _scores(self, query_tokens: list[str]) -> npt.NDArray[np.float64]:
        known = [t for t in query_tokens if t in self.vocab]
        if self.retriever is None or not known:
            return np.zeros(len(self.records))
        return np.asarray(self.retriever.get_scores(known), dtype=np.float64)

    def _rank(
        self, scores: npt.NDArray[np.float64], k: int, keep: npt.NDArray[np.bool_] | None, terms: list[str]
    ) -> list[Hit]:
        if keep is not None:
            scores = np.where(keep, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0 or k <= 0:
            return []
        if positive.size > k:
            part = positive[np.argpartition(-scores[positive], k - 1)[:k]]
            # ties at the cut-off: take every row with the k-th score, then order, then cut
            threshold = scores[part].min()
            positive = np.flatnonzero(scores >= threshold)
        # lexsort: last key is primary — score desc, then record order
        order = positive[np.lexsort((positive, -scores[positive]))][:k]
        return [
            Hit(
                clause_id=self.records[i].clause_id,
                document_id=self.records[i].document_id,
                score=float(scores[i]),
                snippet=snippet(self.records[i].text, terms),
            )
            for i in order
        ]

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None) -> list[Hit]:
        """Clauses ranked by BM25 score (desc, ties by record order), at most k, all passing the filters."""
        if not query.strip() or not self.records:
            return []
        query_tokens = tokens(query, bigrams=self.bigrams)
        return self._rank(self._scores(query_tokens), k, self.mask(filters), query_tokens)

    def more_like(self, clause_id: str, k: int = 10) -> list[Hit]:
        """Clauses similar to one clause (its highest-idf terms as the query), itself excluded."""
        row = self.position[clause_id]
        bag = [t for t in dict.fromkeys(self.bags[row]) if t in self.vocab]
        if not bag:
            return []
        top = sorted(bag, key=lambda t: (-self.idf[self.vocab[t]], t))[:MORE_LIKE_TERMS]
        keep = np.ones(len(self.records), dtype=bool)
        keep[row] = False
        return self._rank(self._scores(top), k, keep, top)


SNIPPET_LEAD = 20  # characters shown before the first match
SNIPPET_BACKTRACK = 12  # further characters to look back for the start of a line or sentence


def snippet(text: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> tuple[tuple[str, bool], ...]:
    """A window of about `width` characters around the densest run of matched terms, terms marked."""
    lowered = text.lower()
    marked = np.zeros(len(text), dtype=bool)
    for term in set(terms):
        if not term:
            continue
        start = lowered.find(term)
        while start >= 0:
            marked[start : start + len(term)] = True
            start = lowered.find(term, start + 1)
    if len(text) <= width:
        lo, hi = 0, len(text)
    else:
        # densest window: the one with the most marked characters (a sliding sum)
        sums = np.convolve(marked.astype(np.int64), np.ones(width, dtype=np.int64), mode="valid")
        lo = int(np.argmax(sums)) if sums.size else 0
        # The densest window may end at the first match; show a little before it instead, from
        # the start of its line or sentence when one is near (not mid-numbering: ". 创新").
        hits = np.flatnonzero(marked[lo : lo + width])
        if hits.size:
            first = lo + int(hits[0])
            lo = max(0, first - SNIPPET_LEAD)
            boundary = max(text.rfind(mark, max(0, lo - SNIPPET_BACKTRACK), first) for mark in "\n。；;")
            if boundary >= 0:
                lo = boundary + 1
        hi = min(len(text), lo + width)
    segments: list[tuple[str, bool]] = []
    i = lo
    while i < hi:
        j = i
        while j < hi and marked[j] == marked[i]:
            j += 1
        segments.append((text[i:j], bool(marked[i])))
        i = j
    # An ellipsis says the clause goes on before or after the window.
    if segments and lo > 0:
        segments.insert(0, ("…", False))
    if segments and hi < len(text):
        segments.append(("…", False))
    return tuple(segments)
