"""The batch path gives exactly the one-at-a-time answer, for random enterprises and at thresholds."""

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.classify import digital_economy_class, size_class
from engines.classify.batch import digital_economy_class_batch, size_class_batch
from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_table
from engines.reference.sme_size import size_rules

CLASSES = industry_table().class_codes()
# Threshold values (and one below) are where one and batch paths are most likely to disagree.
BOUNDS = sorted(
    {
        float(b + delta)
        for group in size_rules().groups.values()
        for level in group.levels
        for b in (level.employees, level.revenue_cny, level.assets_cny)
        if b is not None
        for delta in (-1, -0.01, 0)
    }
)
money = st.one_of(
    st.none(), st.sampled_from(BOUNDS), st.floats(0, 1e10, allow_nan=False).map(lambda x: round(x, 2))
)
people = st.one_of(
    st.none(), st.sampled_from([0, 9, 10, 19, 20, 99, 100, 299, 300, 999, 1000, 2000]), st.integers(0, 50_000)
)
enterprise = st.tuples(st.sampled_from(CLASSES), people, money, money)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(enterprise, min_size=1, max_size=60))
def test_batch_size_class_equals_one_at_a_time(rows):
    frame = pl.DataFrame(
        rows,
        schema={
            "industry_code": pl.String,
            "employees": pl.Int64,
            "revenue_cny": pl.Float64,
            "assets_cny": pl.Float64,
        },
        orient="row",
    )
    batch = size_class_batch(frame).to_dicts()
    for (code, employees, revenue, assets), got in zip(rows, batch, strict=True):
        one = size_class(code, employees, revenue, assets)
        assert (got["size_class"], got["group_no"], got["rule"], got["reason"], sorted(got["missing"])) == (
            one.size_class,
            one.group_no,
            one.rule,
            one.reason,
            sorted(one.missing),
        )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=80))
def test_batch_digital_economy_class_equals_one_at_a_time(codes):
    batch = digital_economy_class_batch(pl.DataFrame({"industry_code": codes})).to_dicts()
    for code, got in zip(codes, batch, strict=True):
        one = digital_economy_class(code)
        assert got["de_codes"] == [m.code for m in one.classes]
        assert got["de_partial"] == [m.partial for m in one.classes]
        assert got["de_core"] == one.core


def test_batch_keeps_the_input_order_and_columns():
    frame = pl.DataFrame(
        {
            "industry_code": ["6513", "3911", "6513"],
            "employees": [5, 500, 500],
            "revenue_cny": [1.0, 5e8, 5e8],
            "assets_cny": [None, None, None],
            "id": [3, 1, 2],
        }
    )
    out = size_class_batch(frame)
    assert out.get_column("id").to_list() == [3, 1, 2]
    assert out.get_column("size_class").to_list() == ["micro", "medium", "large"]


def test_batch_rejects_unknown_codes_and_negative_figures():
    with pytest.raises(UnknownCodeError):
        size_class_batch(
            pl.DataFrame(
                {
                    "industry_code": ["3911", "39"],
                    "employees": [1, 1],
                    "revenue_cny": [1.0, 1.0],
                    "assets_cny": [1.0, 1.0],
                }
            )
        )
    with pytest.raises(ValueError):
        size_class_batch(
            pl.DataFrame(
                {"industry_code": ["3911"], "employees": [-1], "revenue_cny": [1.0], "assets_cny": [1.0]}
            )
        )
