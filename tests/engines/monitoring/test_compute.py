"""Platform indicators on a hand-counted snapshot, and the batch path agreeing with explain_value."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.monitoring.compute import compute_platform, explain_value, platform_values
from engines.monitoring.indicators import indicator, platform_indicators
from engines.monitoring.snapshot import SNAPSHOT_TABLES

E = SNAPSHOT_TABLES["enterprises"]


def _snapshot() -> dict[str, pl.DataFrame]:
    return {
        "enterprises": pl.DataFrame(
            {
                "credit_code": ["a", "b", "c", "d"],
                "region_code": ["330102", "330102", "330203", "330106"],
                "industry_code": ["1751", "6510", None, "0111"],
                "size_class": ["small", "", "micro", "medium"],
                "de_core": [False, True, None, False],
                "cloud_level": ["none", "platform", "business", "infrastructure"],
                "srdi_level": ["none", "municipal", "pool", "provincial"],
                "founded_year": [2010, None, 2024, 2023],
            },
            schema=E,
        ),
        "assessments": pl.DataFrame(
            {
                "credit_code": ["a", "a", "b", "b", "c", "d"],
                "year": [2020, 2023, 2024, 2024, 2022, 2023],
                "maturity_level": [4, 2, 1, 3, 5, None],
            },
            schema=SNAPSHOT_TABLES["assessments"],
        ),
        "deals": pl.DataFrame(
            {"credit_code": ["b", "b", "e", "a"], "year": [2022, 2023, 2020, 2025]},
            schema=SNAPSHOT_TABLES["deals"],
        ),
        "designations": pl.DataFrame(
            {
                "credit_code": ["a", "b", "d"],
                "kind": ["cloud_benchmark", "future_factory", "cloud_benchmark"],
                "from_year": [2021, 2020, 2023],
                "to_year": [2023, None, 2024],
            },
            schema=SNAPSHOT_TABLES["designations"],
        ),
    }


@pytest.fixture(scope="module")
def result() -> pl.DataFrame:
    return compute_platform(_snapshot(), [2023, 2024])


def _row(result, ind, year, region, dimension="", category=""):
    rows = result.filter(
        pl.col("indicator") == ind,
        pl.col("year") == year,
        pl.col("region_code") == region,
        pl.col("dimension") == dimension,
        pl.col("category") == category,
    )
    assert rows.height == 1, (ind, year, region, dimension, category, rows)
    return rows.row(0, named=True)


def _nd(result, *key):
    row = _row(result, *key)
    return row["numerator"], row["denominator"]


def test_totals_by_county_city_and_province_in_2023(result):
    # 2023: a and b in 330102, d in 330106; c is founded in 2024 and does not count yet.
    assert _nd(result, "enterprises_registered", 2023, "330102") == (2, None)
    assert _nd(result, "enterprises_registered", 2023, "330106") == (1, None)
    assert _nd(result, "enterprises_registered", 2023, "330100") == (3, None)
    assert _nd(result, "enterprises_registered", 2023, "330000") == (3, None)
    assert result.filter(pl.col("year") == 2023, pl.col("region_code").is_in(["330203", "330200"])).is_empty()
    assert _nd(result, "cloud_adoption_rate", 2023, "330102") == (1, 2)
    assert _row(result, "cloud_adoption_rate", 2023, "330102")["value"] == 50.0
    assert _row(result, "cloud_adoption_rate", 2023, "330106")["value"] == 100.0
    assert _row(result, "cloud_adoption_rate", 2023, "330100")["value"] == pytest.approx(200 / 3)
    assert _nd(result, "srdi_enterprises", 2023, "330100") == (2, None)
    assert _nd(result, "de_core_enterprises", 2023, "330102") == (1, None)
    assert _nd(result, "enterprises_matched", 2023, "330102") == (
        1,
        None,
    )  # b twice is one enterprise; e unknown


def test_assessments_take_the_latest_up_to_the_year(result):
    # 2023: a's latest is 2023 level 2; b's are both 2024; d's has no level.
    assert _nd(result, "enterprises_assessed", 2023, "330102") == (1, None)
    assert _nd(result, "enterprises_assessed", 2023, "330106") == (0, None)
    assert _nd(result, "maturity_level_3_plus_share", 2023, "330102") == (0, 1)
    row = _row(result, "maturity_level_3_plus_share", 2023, "330106")
    assert (row["numerator"], row["denominator"], row["value"]) == (0, 0, None)  # denominator 0: no value
    # 2024: b's two 2024 assessments → the higher (3); c counts its 2022 level 5 once it exists.
    assert _nd(result, "maturity_level_3_plus_share", 2024, "330102") == (1, 2)
    assert _nd(result, "maturity_level_3_plus_share", 2024, "330203") == (1, 1)
    assert _row(result, "maturity_level_3_plus_share", 2024, "330000")["value"] == pytest.approx(200 / 3)


def test_designations_are_active_from_entry_until_the_exit_year(result):
    assert _nd(result, "cloud_benchmark_enterprises", 2023, "330102") == (0, None)  # a exited in 2023
    assert _nd(result, "cloud_benchmark_enterprises", 2023, "330106") == (1, None)  # d entered in 2023
    assert _nd(result, "cloud_benchmark_enterprises", 2024, "330000") == (0, None)  # d exited in 2024
    assert _nd(result, "future_factories", 2024, "330000") == (1, None)  # no exit


def test_disaggregations(result):
    assert _nd(result, "enterprises_registered", 2023, "330102", "industry_section", "C") == (1, None)
    assert _nd(result, "enterprises_registered", 2023, "330102", "industry_section", "I") == (1, None)
    assert _nd(result, "enterprises_registered", 2023, "330100", "industry_section", "A") == (1, None)
    assert _nd(result, "enterprises_registered", 2023, "330102", "size_class", "small") == (1, None)
    assert _nd(result, "enterprises_registered", 2023, "330102", "size_class", "unknown") == (1, None)
    assert _nd(result, "enterprises_registered", 2023, "330102", "de_core", "true") == (1, None)
    assert _nd(result, "enterprises_registered", 2024, "330203", "de_core", "unknown") == (1, None)
    assert _nd(result, "enterprises_registered", 2024, "330203", "industry_section", "unknown") == (1, None)
    assert _nd(result, "cloud_adoption_rate", 2023, "330000", "size_class", "medium") == (1, 1)
    assert _nd(result, "enterprises_registered", 2023, "330102", "industry_division", "17") == (1, None)
    assert _nd(result, "enterprises_registered", 2023, "330102", "industry_division", "65") == (1, None)
    assert _nd(result, "enterprises_registered", 2024, "330203", "industry_division", "unknown") == (1, None)
    dims = set(result.get_column("dimension"))
    assert dims == {"", "industry_section", "industry_division", "size_class", "de_core"}
    # The categories of every dimension add up to the total.
    total = result.filter(pl.col("dimension") == "").select("indicator", "year", "region_code", "numerator")
    for dimension in dims - {""}:
        per = (
            result.filter(pl.col("dimension") == dimension)
            .group_by("indicator", "year", "region_code")
            .agg(pl.col("numerator").sum())
        )
        joined = total.join(per, on=["indicator", "year", "region_code"], suffix="_sum")
        assert joined.height == total.height, dimension
        assert (joined["numerator"] == joined["numerator_sum"]).all(), dimension


def test_shape_levels_and_order(result):
    assert result.columns == [
        "indicator", "year", "region_code", "dimension", "category", "level", "numerator", "denominator", "value",
    ]  # fmt: skip
    assert set(result.get_column("indicator")) == {i.id for i in platform_indicators()}
    keys = ["indicator", "year", "level", "region_code", "dimension", "category"]
    order = {"county": 0, "city": 1, "province": 2}
    rows = [(*r[:2], order[r[2]], *r[3:]) for r in result.select(keys).iter_rows()]
    assert rows == sorted(rows)
    assert result.filter(pl.col("level") == "province").get_column("region_code").unique().to_list() == [
        "330000"
    ]
    no_den = result.filter(pl.col("indicator") == "enterprises_registered")
    assert no_den.get_column("denominator").null_count() == no_den.height


def test_one_expression_for_several_years_and_reported_indicators_are_refused():
    import ibis

    tables = {name: ibis.memtable(frame) for name, frame in _snapshot().items()}
    expr = platform_values(tables, [indicator("enterprises_registered")], [2023, 2024])
    assert expr.columns == (
        "indicator",
        "year",
        "region_code",
        "dimension",
        "category",
        "numerator",
        "denominator",
    )
    with pytest.raises(ValueError, match="reported"):
        platform_values(tables, [indicator("online_retail_sales")], [2023])
    with pytest.raises(ValueError, match="backend"):
        compute_platform(_snapshot(), [2023], backend="sqlite")


def test_explain_value_names_the_counts():
    got = explain_value(indicator("cloud_adoption_rate"), _snapshot(), "330100", 2023)
    assert (got.numerator, got.denominator) == (2, 3)
    assert got.value == pytest.approx(200 / 3)
    assert "2 ÷ 3 × 100" in got.explanation_zh and "2 / 3 × 100" in got.explanation_en
    zero = explain_value(indicator("maturity_level_3_plus_share"), _snapshot(), "330106", 2023)
    assert (zero.numerator, zero.denominator, zero.value) == (0, 0, None)
    assert "分母为零" in zero.explanation_zh


# Property: the one path equals the batch path ------------------------------------------------------

COUNTIES = ["330102", "330106", "330203", "330205", "331002"]
YEARS = [2021, 2023, 2024]
year_or_null = st.one_of(st.none(), st.integers(2019, 2025))


@st.composite
def snapshots(draw):
    n = draw(st.integers(1, 12))
    codes = [f"e{i}" for i in range(n)]
    enterprises = pl.DataFrame(
        {
            "credit_code": codes,
            "region_code": [draw(st.sampled_from(COUNTIES)) for _ in codes],
            "industry_code": [
                draw(st.sampled_from(["1751", "6510", "0111", "", None, "9999"])) for _ in codes
            ],
            "size_class": [
                draw(st.sampled_from(["large", "medium", "small", "micro", "", None])) for _ in codes
            ],
            "de_core": [draw(st.sampled_from([True, False, None])) for _ in codes],
            "cloud_level": [
                draw(st.sampled_from(["none", "infrastructure", "platform", "business", None])) for _ in codes
            ],
            "srdi_level": [
                draw(st.sampled_from(["none", "pool", "municipal", "provincial", "national"])) for _ in codes
            ],
            "founded_year": [draw(year_or_null) for _ in codes],
        },
        schema=E,
    )
    some = st.sampled_from([*codes, "ghost"])
    assessments = draw(
        st.lists(st.tuples(some, year_or_null, st.one_of(st.none(), st.integers(0, 5))), max_size=15)
    )
    deals = draw(st.lists(st.tuples(some, year_or_null), max_size=8))
    kinds = st.sampled_from(["cloud_benchmark", "shared_factory", "future_factory", "dt_benchmark", "other"])
    designations = draw(st.lists(st.tuples(some, kinds, st.integers(2019, 2025), year_or_null), max_size=10))
    factories = draw(
        st.lists(
            st.tuples(some, st.sampled_from([*COUNTIES, None]), st.booleans(), year_or_null, year_or_null),
            max_size=8,
        )
    )

    def frame(rows, table):
        schema = SNAPSHOT_TABLES[table]
        return pl.DataFrame(rows, schema=schema, orient="row")

    return {
        "enterprises": enterprises,
        "assessments": frame(assessments, "assessments"),
        "deals": frame(deals, "deals"),
        "designations": frame(designations, "designations"),
        "factories": frame(factories, "factories"),
    }


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots())
def test_explain_value_equals_the_batch_total_for_every_indicator_region_and_year(snapshot):
    result = compute_platform(snapshot, YEARS).filter(pl.col("dimension") == "")
    by_id = {i.id: i for i in platform_indicators()}
    for row in result.iter_rows(named=True):
        got = explain_value(by_id[row["indicator"]], snapshot, row["region_code"], row["year"])
        assert (got.numerator, got.denominator) == (row["numerator"], row["denominator"]), row
        if got.value is None:
            assert row["value"] is None
        else:
            assert math.isclose(got.value, row["value"]), row
    # Every region with an enterprise or a factory existing in a year has its rows; the rest count nothing.
    for year in YEARS:
        present = set(result.filter(pl.col("year") == year).get_column("region_code"))
        for county in COUNTIES:
            ents = explain_value(by_id["enterprises_registered"], snapshot, county, year).numerator
            sites = explain_value(by_id["shared_manufacturing_workshops"], snapshot, county, year).numerator
            listed = snapshot["factories"].filter(pl.col("region_code") == county)
            assert (county in present) == (ents > 0 or _factories_alive(snapshot, listed, year) > 0)
            assert sites <= listed.height


def _factories_alive(snapshot, factories: pl.DataFrame, year: int) -> int:
    """Factories registered and not stopped in the year whose enterprise exists (offering or not)."""
    ents = snapshot["enterprises"].filter(pl.col("founded_year").is_null() | (pl.col("founded_year") <= year))
    alive = factories.filter(
        pl.col("credit_code").is_in(ents.get_column("credit_code").implode())
        & (pl.col("from_year") <= year)
        & (pl.col("to_year").is_null() | (pl.col("to_year") > year))
    )
    return alive.height
