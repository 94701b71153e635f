"""The ranking engine: relevance, structural fit, diversity, quality, explanations; one path = batch."""

from dataclasses import replace

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.match import (
    FEATURES,
    Enterprise,
    Need,
    ProviderQuality,
    Solution,
    build_index,
    feature_frame,
    rank_need,
    rank_needs,
    read_needs,
    read_solutions,
)
from tests.support.paths import TEST_DATA

DATA = TEST_DATA
ZHEJIANG_MOULDER = Enterprise(industry_code="2929", province="33", employees=60)


def solution(ident, provider="云启", **fields):
    defaults = {
        "title": "注塑车间MES",
        "description": "生产排程、扫码报工、生产进度看板",
        "scenarios": ("production",),
    }
    return Solution(id=ident, provider=provider, **(defaults | fields))


def need(text="订单做到哪了说不清，排产全靠拍脑袋，交期老是拖", **fields):
    return Need(
        id="n1", title=text, description="", enterprise=fields.pop("enterprise", ZHEJIANG_MOULDER), **fields
    )


@pytest.fixture(scope="module")
def fixture_index():
    return build_index(read_solutions(DATA / "match_solutions.jsonl"))


@pytest.fixture(scope="module")
def fixture_needs():
    return {n.id: n for n in read_needs(DATA / "match_needs.jsonl")}


def test_it_ranks_the_fitting_solution_first_for_a_colloquial_need(fixture_index, fixture_needs):
    ranking = rank_need(fixture_index, fixture_needs["n02"], k=5)
    top = ranking.matches[0]
    assert top.solution_id == "s06"
    assert top.explanation_zh.startswith("场景匹配：经营管理")
    assert "报价在预算内" in top.explanation_zh and "全国服务" in top.explanation_zh
    assert top.explanation_en.startswith("scenarios: business management")
    assert ranking.scenarios[0][0] == "business_management"


def test_it_finds_a_solution_that_shares_no_word_with_the_need(fixture_index):
    # "机器三天两头坏" shares no word with "设备台账、点检保养计划…": only the scenario classifier links them
    ranking = rank_need(fixture_index, need("机器三天两头坏，一停就是半天", enterprise=Enterprise()), k=3)
    assert ranking.matches[0].solution_id == "s02"
    assert ranking.matches[0].features["lexical"] == 0.0


def test_it_names_the_province_served_and_the_budget():
    index = build_index([solution("local", regions=("33",), industries=("29",), price_cny_per_year=20000)])
    [match] = rank_need(index, need(budget_cny_per_year=30000)).matches
    assert "服务浙江" in match.explanation_zh and "报价在预算内" in match.explanation_zh
    assert "适用本行业（橡胶和塑料制品业）" in match.explanation_zh


def test_it_demotes_but_still_shows_a_solution_far_above_budget():
    index = build_index(
        [solution("cheap", price_cny_per_year=20000), solution("dear", price_cny_per_year=300000)]
    )
    ranking = rank_need(index, need(budget_cny_per_year=30000))
    assert ranking.solution_ids == ["cheap", "dear"]
    dear = ranking.matches[1]
    assert dear.features["budget"] < 0.2
    assert "超出预算" in dear.explanation_zh and "已降权" in dear.explanation_zh


def test_it_demotes_a_solution_that_does_not_serve_the_province():
    index = build_index([solution("far", regions=("44",)), solution("near", regions=("33",))])
    ranking = rank_need(index, need())
    assert ranking.solution_ids == ["near", "far"]
    assert "不在浙江服务范围（已降权）" in ranking.matches[1].explanation_zh


def test_it_demotes_a_solution_made_for_another_industry():
    index = build_index([solution("hotel", industries=("H",)), solution("general")])
    ranking = rank_need(index, need())
    assert ranking.solution_ids == ["general", "hotel"]
    assert "与本行业不同（已降权）" in ranking.matches[1].explanation_zh


def test_it_prefers_a_solution_built_for_the_enterprises_own_division():
    index = build_index([solution("general"), solution("plastics", industries=("29",))])
    assert rank_need(index, need()).solution_ids == ["plastics", "general"]


def test_it_demotes_a_solution_for_another_company_size():
    index = build_index(
        [solution("big", min_employees=1000), solution("fits", min_employees=10, max_employees=200)]
    )
    ranking = rank_need(index, need())
    assert ranking.solution_ids == ["fits", "big"]
    assert "规模不符" in ranking.matches[1].explanation_zh


def test_it_follows_a_deployment_wish_read_from_the_text():
    index = build_index([solution("cloud", deployment="saas"), solution("onprem", deployment="private")])
    ranking = rank_need(index, need("要上MES排产报工，数据不能出厂"))
    assert ranking.deployment == "private"
    assert ranking.solution_ids == ["onprem", "cloud"]


def test_it_keeps_at_most_two_results_per_provider_in_the_top_ten():
    catalogue = [solution(f"a{i}", provider="甲") for i in range(6)] + [
        solution(f"b{i}", provider=f"乙{i}", description="生产排程") for i in range(10)
    ]
    ranking = rank_need(build_index(catalogue), need(), k=10)
    providers = [m.provider for m in ranking.matches]
    assert providers.count("甲") == 2 and len(providers) == 10


def test_it_moves_a_providers_extra_results_down_instead_of_dropping_them():
    catalogue = [solution(f"a{i}", provider="甲") for i in range(4)]
    ranking = rank_need(build_index(catalogue), need(), k=10)
    assert ranking.solution_ids == ["a0", "a1", "a2", "a3"]


def test_it_never_ranks_a_suspended_provider():
    index = build_index(
        [solution("ok", provider="好"), solution("gone", provider="停")],
        quality={"停": ProviderQuality(vetting="suspended")},
    )
    assert rank_need(index, need()).solution_ids == ["ok"]


def test_it_prefers_a_provider_with_a_proven_record_and_says_why():
    quality = {"好": ProviderQuality(rating=4.8, reviews=40, uplift=8.0, uplift_clients=12, vetting="vetted")}
    index = build_index(
        [solution("plain", provider="新"), solution("proven", provider="好")], quality=quality
    )
    ranking = rank_need(index, need())
    assert ranking.solution_ids == ["proven", "plain"]
    text = ranking.matches[0].explanation_zh
    assert "评分 4.8（40 条评价）" in text and "（12 家）" in text and "可信服务商" in text


def test_it_says_how_many_peers_use_a_solution():
    index = build_index([solution("s1")], usage={"s1": {"29": 12, "13": 3}})
    assert "同行业 12 家使用" in rank_need(index, need()).matches[0].explanation_zh


def test_it_returns_nothing_for_a_need_that_matches_no_solution():
    index = build_index([solution("s1", industries=("H",))])
    assert rank_need(index, need("今天天气不错")).matches == ()


def test_it_rejects_an_empty_catalogue_and_duplicate_ids():
    with pytest.raises(ValueError, match="empty catalogue"):
        build_index([])
    with pytest.raises(ValueError, match="duplicate solution id 's1'"):
        build_index([solution("s1"), solution("s1")])


def test_it_exports_the_features_as_a_matrix(fixture_index, fixture_needs):
    frame = feature_frame(fixture_index, list(fixture_needs.values()), depth=5)
    assert frame.columns == ["need_id", "solution_id", "rank", "score", *FEATURES]
    assert frame.filter(pl.col("need_id") == "n02").row(0, named=True)["solution_id"] == "s06"
    assert frame["scenario"].is_between(0, 1).all()


# --- one path = batch ----------------------------------------------------------------------------

WORDS = [
    "排产",
    "报工",
    "注塑机",
    "对账",
    "发票",
    "仓库",
    "盘点",
    "订重",
    "民宿",
    "直播",
    "客服",
    "停机",
    "保养",
    "能耗",
]
SCENARIOS = [
    "production",
    "finance_tax",
    "warehousing_logistics",
    "ecommerce",
    "equipment_mgmt",
    "energy_mgmt",
]
PROVINCES = ["33", "32", "44", "11"]
INDUSTRIES = ["C", "29", "13", "H", "62", "A"]

solutions = st.builds(
    Solution,
    id=st.just(""),
    provider=st.sampled_from(["甲", "乙", "丙", "丁"]),
    title=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("".join),
    description=st.lists(st.sampled_from(WORDS), max_size=6).map("，".join),
    scenarios=st.lists(st.sampled_from(SCENARIOS), max_size=3, unique=True).map(tuple),
    industries=st.lists(st.sampled_from(INDUSTRIES), max_size=2, unique=True).map(tuple),
    regions=st.lists(st.sampled_from(PROVINCES), max_size=2, unique=True).map(tuple),
    price_cny_per_year=st.one_of(st.none(), st.sampled_from([2000.0, 20000.0, 200000.0])),
    deployment=st.one_of(st.none(), st.sampled_from(["saas", "private", "hybrid", "hardware_saas"])),
    min_employees=st.one_of(st.none(), st.sampled_from([1, 20, 200])),
    max_employees=st.one_of(st.none(), st.sampled_from([300, 5000])),
)
needs = st.builds(
    Need,
    id=st.just(""),
    title=st.lists(st.sampled_from([*WORDS, "老是", "拍脑袋", "不想上云"]), min_size=1, max_size=5).map(
        "".join
    ),
    description=st.just(""),
    enterprise=st.builds(
        Enterprise,
        industry_code=st.one_of(st.none(), st.sampled_from(["2929", "1311", "6210", "0141"])),
        province=st.one_of(st.none(), st.sampled_from(PROVINCES)),
        employees=st.one_of(st.none(), st.integers(0, 3000)),
    ),
    budget_cny_per_year=st.one_of(st.none(), st.sampled_from([0.0, 5000.0, 50000.0])),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(solutions, min_size=1, max_size=25),
    st.lists(needs, min_size=1, max_size=8),
    st.integers(1, 12),
    st.integers(1, 5),
)
def test_it_ranks_the_same_one_at_a_time_and_in_batch(catalogue, asked, k, block):
    catalogue = [replace(s, id=f"s{i}") for i, s in enumerate(catalogue)]
    asked = [replace(n, id=f"n{i}") for i, n in enumerate(asked)]
    index = build_index(catalogue)
    batch = rank_needs(index, asked, k, block=block)
    for one_need, from_batch in zip(asked, batch, strict=True):
        one = rank_need(index, one_need, k)
        assert [(m.solution_id, m.score, m.explanation_zh) for m in one.matches] == [
            (m.solution_id, m.score, m.explanation_zh) for m in from_batch.matches
        ]


class CheapestFirst:
    """A re-ranker that is not the learned one: anything with a name and a score() fits the Protocol."""

    name = "test:cheapest"

    def score(self, features, blend_scores):
        return features["budget"] + 1e-6 * blend_scores


def test_it_reorders_the_blends_pool_by_any_reranker_and_records_its_name(fixture_index, fixture_needs):
    asked = replace(fixture_needs["n02"], budget_cny_per_year=20_000)
    plain = rank_need(fixture_index, asked, k=5)
    reranked = rank_need(fixture_index, asked, k=5, model=CheapestFirst())
    assert plain.ranker == "blend" and reranked.ranker == "test:cheapest"
    assert reranked.solution_ids != plain.solution_ids
    budgets = [m.features["budget"] for m in reranked.matches]
    assert budgets == sorted(budgets, reverse=True)
    assert [m.score for m in reranked.matches] == sorted((m.score for m in reranked.matches), reverse=True)


def test_a_catalogue_of_stop_words_only_is_indexed_and_ranked_without_error():
    """Titles like "方案" leave no word to index; the ranking must not fail (it did: a 500 on a new need)."""
    index = build_index([solution("a", title="方案", description="", scenarios=())])
    assert index.vocab == {}
    # Nothing in the catalogue relates to the need (no word, no scenario): no match, and no error.
    assert list(rank_need(index, need()).matches) == []
