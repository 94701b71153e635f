"""The solution index: a bm25s lexical index plus the solutions' structure as NumPy arrays.

Everything the ranker needs per solution is precomputed once here, so that ranking a need is a
handful of vectorised operations over all solutions (no Python loop over the catalogue).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np
import numpy.typing as npt

from engines.match import fields, text
from engines.match.classifier import classify_words, lexicon
from engines.match.model import DEPLOYMENTS, ProviderQuality, Solution

# GB/T 4754-2017 sections are the letters A-T without gaps, so a letter's column is its offset from A.
SECTION_COLUMN = {letter: ord(letter) - ord("A") for letter in "ABCDEFGHIJKLMNOPQRST"}
DIVISIONS = 100  # 2-digit division codes 01-97 used as column numbers
TITLE_REPEAT = 2  # title words count twice: a title names the product, a description also sells it
TEXT_SCENARIO_SHARE = 0.25  # scenarios read from a solution's text count a quarter of declared ones
# Scenarios are listed most important first: a MES that also does quality is first of all a MES.
DECLARED_DECAY = 0.8
DECLARED_FLOOR = 0.5  # scenarios read from a solution's text count half as much as declared ones
BM25_K1 = 1.2
BM25_B = 0.75

# bm25s sets its own logger to DEBUG at import, which prints "Building index from tokens" through any
# handler the host configured (Django's console handler included); an engine should be quiet.
logging.getLogger("bm25s").setLevel(logging.WARNING)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


def provinces() -> list[str]:
    """Column order of the region matrix: 2-digit province prefixes."""
    return sorted(fields.province_names())


def quality_score(quality: ProviderQuality | None) -> float:
    """A provider's track record as 0..1 (0.5 = nothing known).

    Ratings and outcomes are shrunk towards neutral by their sample size, so one 5-star review does
    not outrank forty 4.6-star ones.
    """
    if quality is None:
        return 0.5
    parts = []
    if quality.rating is not None and quality.reviews > 0:
        shrunk = (quality.rating * quality.reviews + 3.5 * 5) / (quality.reviews + 5)
        parts.append(min(max((shrunk - 1.0) / 4.0, 0.0), 1.0))
    if quality.uplift is not None and quality.uplift_clients > 0:
        shrunk = quality.uplift * quality.uplift_clients / (quality.uplift_clients + 3)
        parts.append(0.5 + 0.5 * math.tanh(shrunk / 10.0))
    if quality.vetting == "vetted":
        parts.append(1.0)
    elif quality.vetting == "pending":
        parts.append(0.4)
    return sum(parts) / len(parts) if parts else 0.5


@dataclass(eq=False)
class SolutionIndex:
    """Solutions with their lexical index and structure arrays (row i = solutions[i])."""

    solutions: tuple[Solution, ...]
    position: dict[str, int]
    retriever: object  # bm25s.BM25 over title + description + scenario names
    vocab: dict[str, int]
    idf: FloatArray  # per vocabulary id, for choosing which matched words to show
    bm25_data: FloatArray
    bm25_docs: IntArray
    bm25_indptr: IntArray
    doc_tokens: tuple[frozenset[int], ...]
    scenario_ids: tuple[str, ...]
    scenario_declared: FloatArray  # (n, scenarios) 1.0 where declared
    scenario_text: FloatArray  # (n, scenarios) classifier vector of the solution text
    scenario_combined: FloatArray  # (scenarios, n): max(declared, TEXT_SCENARIO_SHARE * text), transposed
    # Matrices are stored feature-major, (values, n), so the row for one need's industry or province
    # is a contiguous slice.
    industry_division: BoolArray  # (100, n) listed divisions
    industry_section: BoolArray  # (20, n) listed sections
    industry_section_any: BoolArray  # (20, n) listed sections and sections of listed divisions
    industry_general: BoolArray  # (n,) no industries listed = cross-industry
    region: BoolArray  # (provinces, n)
    nationwide: BoolArray  # (n,)
    log2_min_employees: FloatArray  # -inf = open
    log2_max_employees: FloatArray  # +inf = open
    price: FloatArray  # NaN = on request
    deployment: IntArray  # index into DEPLOYMENTS, -1 = unknown
    provider_code: IntArray
    providers: tuple[str, ...]
    quality: FloatArray  # per solution, from its provider
    provider_quality: dict[str, ProviderQuality]
    active: BoolArray  # False for suspended providers: never ranked
    province_column: dict[str, int]
    usage: dict[str, tuple[IntArray, FloatArray]] = field(default_factory=dict)  # division → rows, deals

    @property
    def size(self) -> int:
        """Number of solutions."""
        return len(self.solutions)

    def usage_for(self, division: str) -> FloatArray:
        """Deals per solution with enterprises of one industry division (zeros when unknown)."""
        counts = np.zeros(self.size)
        rows = self.usage.get(division)
        if rows is not None:
            counts[rows[0]] = rows[1]
        return counts


def solution_words(solution: Solution) -> tuple[list[str], list[str]]:
    """(segmented title + description for the classifier, weighted content words for BM25)."""
    categories = lexicon().categories
    title = text.segment(solution.title)
    body = text.segment(solution.description)
    names = [categories[s].name.zh for s in solution.scenarios if s in categories]
    bag = text.content_words(title) * TITLE_REPEAT + text.content_words(body)
    for name in names:
        bag += text.tokens(name)
    return title + body, bag


def build_index(
    solutions: Sequence[Solution],
    *,
    quality: Mapping[str, ProviderQuality] | None = None,
    usage: Mapping[str, Mapping[str, int]] | None = None,
) -> SolutionIndex:
    """Index a catalogue; `quality` is by provider, `usage` is solution id → industry division → deals."""
    if not solutions:
        raise ValueError("cannot index an empty catalogue: add at least one solution")
    lex = lexicon()
    ids = lex.scenario_ids
    scenario_col = {s: i for i, s in enumerate(ids)}
    n = len(solutions)
    position: dict[str, int] = {}
    for i, solution in enumerate(solutions):
        if solution.id in position:
            raise ValueError(f"duplicate solution id {solution.id!r}")
        position[solution.id] = i

    bags = []
    declared = np.zeros((n, len(ids)))
    from_text = np.zeros((n, len(ids)))
    for i, solution in enumerate(solutions):
        words, bag = solution_words(solution)
        bags.append(bag)
        from_text[i] = classify_words(words, lex).vector
        for rank, s in enumerate(solution.scenarios):
            if s in scenario_col:
                declared[i, scenario_col[s]] = max(DECLARED_DECAY**rank, DECLARED_FLOOR)

    vocab: dict[str, int] = {}
    retriever: object = None
    data, docs, indptr = np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(1, dtype=np.int64)
    # A catalogue whose texts hold only stop words has no vocabulary, which bm25s cannot index:
    # then no word matches anything, and the other signals rank alone.
    if any(bags):
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
        bm25.index(bags, show_progress=False)
        retriever, vocab, scores = bm25, dict(bm25.vocab_dict), bm25.scores
        data = np.asarray(scores["data"], dtype=np.float64)
        docs = np.asarray(scores["indices"], dtype=np.int64)
        indptr = np.asarray(scores["indptr"], dtype=np.int64)
    doc_freq = np.diff(indptr).astype(np.float64)
    idf = np.log(1.0 + (n - doc_freq + 0.5) / (doc_freq + 0.5))
    doc_tokens = tuple(frozenset(vocab[w] for w in bag if w in vocab) for bag in bags)

    division = np.zeros((DIVISIONS, n), dtype=bool)
    section = np.zeros((len(SECTION_COLUMN), n), dtype=bool)
    section_any = np.zeros((len(SECTION_COLUMN), n), dtype=bool)
    general = np.zeros(n, dtype=bool)
    province_list = provinces()
    province_column = {p: i for i, p in enumerate(province_list)}
    region = np.zeros((len(province_list), n), dtype=bool)
    nationwide = np.zeros(n, dtype=bool)
    low = np.full(n, -np.inf)
    high = np.full(n, np.inf)
    price = np.full(n, np.nan)
    deployment = np.full(n, -1, dtype=np.int64)
    provider_names: dict[str, int] = {}
    provider_code = np.zeros(n, dtype=np.int64)
    for i, solution in enumerate(solutions):
        general[i] = not solution.industries
        for code in solution.industries:
            if code.isdigit():
                division[int(code), i] = True
                section_any[SECTION_COLUMN[fields.section_and_division(code)[0]], i] = True
            else:
                section[SECTION_COLUMN[code], i] = True
                section_any[SECTION_COLUMN[code], i] = True
        nationwide[i] = not solution.regions
        for prefix in solution.regions:
            region[province_column[prefix], i] = True
        if solution.min_employees is not None:
            low[i] = math.log2(max(solution.min_employees, 1))
        if solution.max_employees is not None:
            high[i] = math.log2(max(solution.max_employees, 1))
        if solution.price_cny_per_year is not None:
            price[i] = solution.price_cny_per_year
        if solution.deployment is not None:
            deployment[i] = DEPLOYMENTS.index(solution.deployment)
        provider_code[i] = provider_names.setdefault(solution.provider, len(provider_names))

    qualities = dict(quality or {})
    per_provider = {name: quality_score(qualities.get(name)) for name in provider_names}
    quality_array = np.array([per_provider[s.provider] for s in solutions])
    active = np.array(
        [qualities.get(s.provider, ProviderQuality()).vetting != "suspended" for s in solutions]
    )

    return SolutionIndex(
        solutions=tuple(solutions),
        position=position,
        retriever=retriever,
        vocab=vocab,
        idf=idf,
        bm25_data=data,
        bm25_docs=docs,
        bm25_indptr=indptr,
        doc_tokens=doc_tokens,
        scenario_ids=ids,
        scenario_declared=declared,
        scenario_text=from_text,
        scenario_combined=np.ascontiguousarray(np.maximum(declared, TEXT_SCENARIO_SHARE * from_text).T),
        industry_division=division,
        industry_section=section,
        industry_section_any=section_any,
        industry_general=general,
        region=region,
        nationwide=nationwide,
        log2_min_employees=low,
        log2_max_employees=high,
        price=price,
        deployment=deployment,
        provider_code=provider_code,
        providers=tuple(provider_names),
        quality=quality_array,
        provider_quality=qualities,
        active=active,
        province_column=province_column,
        usage=_usage(usage or {}, position),
    )


def _usage(
    usage: Mapping[str, Mapping[str, int]], position: Mapping[str, int]
) -> dict[str, tuple[IntArray, FloatArray]]:
    by_division: dict[str, dict[int, float]] = {}
    for solution_id, counts in usage.items():
        row = position.get(solution_id)
        if row is None:
            continue
        for division, count in counts.items():
            if count > 0:
                by_division.setdefault(division, {})[row] = float(count)
    return {
        division: (np.fromiter(rows, dtype=np.int64), np.fromiter(rows.values(), dtype=np.float64))
        for division, rows in by_division.items()
    }


def vocabulary_ids(index: SolutionIndex, words: Iterable[str]) -> list[int]:
    """Vocabulary ids of the words the index knows, first occurrence order, no repeats."""
    seen: dict[int, None] = {}
    for word in words:
        ident = index.vocab.get(word)
        if ident is not None and word:
            seen[ident] = None
    return list(seen)
