"""Clause search: ranking, bigram recall, filters, more-like, snippets, edge cases, labelled quality."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.library import load_queries, normalise, quality, seed_records
from engines.library.search import ClauseIndex, SearchFilters, SearchRecord, tokens

TEXTS = [
    "支持专精特新“小巨人”企业开展数字化改造，给予贷款贴息",
    "推广云量贷服务，按企业上云用云量给予信用贷款",
    "鼓励发展共享用工等灵活就业新模式",
    "加强数据安全保障能力建设，落实数据安全法",
    "建设未来工厂，推广应用数字孪生技术",
    "上一年度研发费用投入不低于100万元",
]


def record(i: int, text: str, **meta: object) -> SearchRecord:
    base: dict[str, object] = dict(
        clause_id=f"c{i}",
        document_id=f"d{i % 2}",
        document_title="t",
        heading="",
        text=text,
        issuers=("浙江省经济和信息化厅",),
        level="provincial",
        region_code="330000",
        year=2021,
        validity="valid",
    )
    base.update(meta)
    return SearchRecord(**base)  # type: ignore[arg-type]


def corpus() -> list[SearchRecord]:
    return [record(i, t) for i, t in enumerate(TEXTS)]


def test_it_ranks_the_exact_clause_first() -> None:
    index = ClauseIndex.build(corpus())
    assert index.search("云量贷")[0].clause_id == "c1"
    assert index.search("研发费用投入")[0].clause_id == "c5"


def test_it_recovers_a_query_jieba_cuts_differently_with_bigrams() -> None:
    records = [record(0, "推动企业数字化和转型升级"), record(1, "安全生产检查制度")]
    assert "数字化转型" in tokens("数字化转型", bigrams=False)
    assert ClauseIndex.build(records, bigrams=False).search("数字化转型") == []
    assert [h.clause_id for h in ClauseIndex.build(records).search("数字化转型")] == ["c0"]


def many() -> list[SearchRecord]:
    out = []
    for i in range(40):
        out.append(
            record(
                i,
                TEXTS[0] if i % 2 else TEXTS[1],
                issuers=("浙江省经济和信息化厅",) if i % 3 else ("工业和信息化部", "财政部"),
                level="national" if i % 4 == 0 else "provincial",
                region_code="330100" if i % 5 else "440300",
                year=2015 + i % 10,
                validity="valid" if i % 6 else "expired",
            )
        )
    return out


def test_it_applies_each_filter_and_still_returns_k_hits() -> None:
    records = many()
    index = ClauseIndex.build(records)
    by_id = {r.clause_id: r for r in records}
    cases = [
        (SearchFilters(issuer="财政"), lambda r: any("财政" in x for x in r.issuers)),
        (SearchFilters(level="national"), lambda r: r.level == "national"),
        (SearchFilters(region_code="44"), lambda r: r.region_code.startswith("44")),
        (
            SearchFilters(year_from=2018, year_to=2020),
            lambda r: r.year is not None and 2018 <= r.year <= 2020,
        ),
        (SearchFilters(validity="expired"), lambda r: r.validity == "expired"),
    ]
    for filters, ok in cases:
        hits = index.search("贷款", k=3, filters=filters)
        assert len(hits) == 3, filters
        assert all(ok(by_id[h.clause_id]) for h in hits), filters


def test_it_excludes_the_clause_itself_from_more_like() -> None:
    records = many()
    hits = ClauseIndex.build(records).more_like("c1", k=5)
    assert hits and all(h.clause_id != "c1" for h in hits)


def test_it_highlights_query_terms_in_a_substring_of_the_text() -> None:
    long_text = "前言" * 60 + "推广云量贷服务，给予信用贷款" + "结尾" * 60
    index = ClauseIndex.build([record(0, long_text), record(1, "其他")])
    hit = index.search("云量贷")[0]
    joined = "".join(s for s, _ in hit.snippet)
    assert joined.startswith("…") and joined.endswith("…")
    assert joined.strip("…") in long_text and len(joined.strip("…")) <= 80
    assert "云量" in "".join(s for s, marked in hit.snippet if marked)


def test_it_returns_nothing_for_an_empty_corpus_a_blank_query_or_only_stop_words() -> None:
    assert ClauseIndex.build([]).search("贴息") == []
    assert ClauseIndex.build(corpus()).search("   ") == []
    assert ClauseIndex.build([record(0, "的")]).search("的") == []


WORDS = ["贴息", "贷款", "上云", "数据", "安全", "工厂", "人才", "专精特新"]


@settings(max_examples=30, deadline=None)
@given(
    texts=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), min_size=1, max_size=15),
    years=st.lists(st.integers(2015, 2024), min_size=15, max_size=15),
    query=st.sampled_from(WORDS),
    year_from=st.integers(2015, 2024),
)
def test_it_filters_like_search_then_filter(
    texts: list[list[str]], years: list[int], query: str, year_from: int
) -> None:
    records = [record(i, "".join(t), year=years[i]) for i, t in enumerate(texts)]
    index = ClauseIndex.build(records)
    filtered = index.search(query, k=5, filters=SearchFilters(year_from=year_from))
    everything = index.search(query, k=len(records))
    expected = [h.clause_id for h in everything if records[int(h.clause_id[1:])].year >= year_from][:5]  # type: ignore[operator]
    assert [h.clause_id for h in filtered] == expected


def test_every_labelled_phrase_is_in_a_clause_of_its_seed() -> None:
    records, _ = seed_records()
    queries = load_queries()
    assert len(queries) >= 60
    for q in queries:
        assert 1 <= len(q["relevant"]) <= 5
        for rel in q["relevant"]:
            phrase = normalise(rel["phrase"])
            assert any(r.document_id == rel["doc"] and phrase in normalise(r.text) for r in records), (
                q["query"],
                rel["phrase"],
            )


def test_it_beats_jieba_only_bm25_on_the_labelled_set() -> None:
    records, _ = seed_records()
    queries = load_queries()
    _, ours = quality(ClauseIndex.build(records), queries, records)
    _, baseline = quality(ClauseIndex.build(records, bigrams=False), queries, records)
    assert ours >= baseline


def test_it_keeps_bigrams_to_cjk_runs() -> None:
    assert all(
        re.fullmatch(r"[\u4e00-\u9fff]{2}", t)
        for t in tokens("MES系统", bigrams=True)
        if t not in tokens("MES系统", bigrams=False)
    )


def test_a_snippet_starts_at_a_sentence_just_before_and_says_where_it_was_cut() -> None:
    from engines.library.search import SNIPPET_CHARS, snippet

    text = "一" * 200 + "。3.创新“云量贷”服务。" + "二" * 200
    segments = snippet(text, ["云量贷"])
    shown = "".join(part for part, _ in segments)
    assert shown.startswith("…3.创新") and shown.endswith("…")
    assert ("云量贷", True) in segments and len(shown) <= SNIPPET_CHARS + 2
    short = "推广云量贷服务"
    assert "".join(part for part, _ in snippet(short, ["云量贷"])) == short
