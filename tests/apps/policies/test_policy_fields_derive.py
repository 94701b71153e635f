"""Derived dictionary fields: exact one path, Polars batch path, the same numbers at every threshold."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import polars as pl
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.rules.derive import DERIVATIONS, derive_one, derive_record, derived_names, with_derived
from engines.rules.fields import FIELDS, coerce

D = Decimal
INPUTS = sorted({part for derivation in DERIVATIONS.values() for part in derivation.inputs})
# Thresholds the programmes compare derived ratios with (and a few growth ones, which are ratio - 1).
THRESHOLDS = [D(t) for t in ("0.03", "0.04", "0.05", "0.06", "0.1", "0.15", "0.5", "0.7", "0.8", "0.075")]


def frame_of(records: list[dict[str, object]]) -> pl.DataFrame:
    """Stored facts as the batch path sees them: money as float64, counts as Int64."""
    columns = {
        name: pl.Series(
            name,
            [None if r.get(name) is None else float(r[name]) for r in records],  # type: ignore[arg-type]
            dtype=pl.Float64,
        )
        if FIELDS[name].type == "money"
        else pl.Series(name, [r.get(name) for r in records], dtype=pl.Int64)
        for name in INPUTS
    }
    return pl.DataFrame(list(columns.values()))


def batch(records: list[dict[str, object]]) -> list[dict[str, float | None]]:
    return with_derived(frame_of(records)).select(derived_names()).collect().to_dicts()


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# Amounts in whole cents, as the registry stores them; small ones make ties and zero divisors likely.
cents = st.one_of(
    st.integers(0, 300),
    st.integers(0, 10**11),
    st.integers(0, 10**15 - 1),
).map(lambda c: D(c).scaleb(-2))
counts = st.one_of(st.integers(0, 40), st.integers(0, 2_000_000))


@st.composite
def facts(draw: st.DrawFn) -> dict[str, object]:
    record: dict[str, object] = {}
    for name in INPUTS:
        value = draw(cents if FIELDS[name].type == "money" else counts)
        record[name] = None if draw(st.integers(0, 9)) == 0 else value
    # Put some ratios exactly on a threshold: numerator = threshold × denominator, when that is whole cents.
    if draw(st.booleans()):
        threshold = draw(st.sampled_from(THRESHOLDS))
        denominator = draw(st.integers(1, 10**12))
        numerator = threshold * denominator
        if numerator == numerator.to_integral_value():
            target = draw(st.sampled_from(["main_business_share", "debt_ratio", "rd_intensity_2y"]))
            derivation = DERIVATIONS[target]
            record[derivation.numerator[0]] = numerator.scaleb(-2)
            record[derivation.denominator[0]] = D(denominator).scaleb(-2)
            for extra in derivation.denominator[1:]:
                record[extra] = D(0)
    return record


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts(), min_size=1, max_size=25))
def test_the_batch_path_gives_exactly_the_float_of_the_one_path(records):
    rows = batch(records)
    for record, row in zip(records, rows, strict=True):
        one = derive_record(record)  # type: ignore[arg-type]
        for name in derived_names():
            assert row[name] == as_float(one[name]), (name, record)
            if one[name] is not None:
                assert coerce(name, one[name]) == one[name]  # at most 15 significant digits
                for threshold in THRESHOLDS:
                    assert (one[name] >= threshold) == (row[name] >= float(threshold))
                    assert (one[name] <= threshold) == (row[name] <= float(threshold))


@given(cents, st.integers(1, 10**14).map(lambda c: D(c).scaleb(-2)))
def test_the_one_path_is_the_exact_quotient_rounded_half_to_even(numerator, denominator):
    value = derive_one(DERIVATIONS["debt_ratio"], {"liabilities_cny": numerator, "assets_cny": denominator})
    assert value is not None
    # An independent reference: the decimal module at 80 digits, then GB/T 8170 rounding.
    with localcontext() as context:
        context.prec = 80
        quotient = numerator / denominator
        if quotient < 10**9:
            expected = quotient.quantize(D("0.000001"), rounding=ROUND_HALF_EVEN)
        else:  # 15 significant digits
            expected = quotient.quantize(D(1).scaleb(quotient.adjusted() - 14), rounding=ROUND_HALF_EVEN)
    assert value == expected
    assert len(value.normalize().as_tuple().digits) <= 15


def test_a_ratio_exactly_on_the_threshold_stays_on_it_where_float_division_misses_it():
    # 135,439,379.18 / 193,484,827.40 is exactly 0.7, but float64 division gives 0.7000000000000001:
    # a naive batch path would fail 资产负债率不高于70% for this enterprise.
    record = {"liabilities_cny": D("135439379.18"), "assets_cny": D("193484827.40")}
    assert 135439379.18 / 193484827.40 > 0.7
    assert derive_record(record)["debt_ratio"] == D("0.700000")
    assert batch([record])[0]["debt_ratio"] == 0.7
    # 近2年研发经费支出占营业收入比重 exactly 3%, over the two years' revenue together.
    rd = {
        "rd_expense_2y_cny": D("1830692.55"),
        "revenue_cny": D("30000000"),
        "revenue_prev_cny": D("31023085"),
    }
    assert derive_record(rd)["rd_intensity_2y"] == D("0.030000")
    assert batch([rd])[0]["rd_intensity_2y"] == 0.03


def test_an_absurd_ratio_keeps_15_significant_digits_in_both_paths():
    # Assets typed as 0.03 yuan: the ratio reaches 10**16 and is rounded to 15 significant digits.
    record = {"liabilities_cny": D("1000000000000000.00"), "assets_cny": D("0.03")}
    assert derive_record(record)["debt_ratio"] == D("33333333333333300")
    assert batch([record])[0]["debt_ratio"] == 33333333333333300.0
    growth = {"revenue_cny": D("1000000000000000.00"), "revenue_prev_cny": D("0.03")}
    assert derive_record(growth)["revenue_growth_1y"] == D("33333333333333300")


def test_it_rounds_ties_to_even_in_both_paths():
    # 1 cent of 20,000.00 = 0.0000005 → 0.000000 (even); 3 cents of 20,000.00 = 0.0000015 → 0.000002.
    low = {"main_business_revenue_cny": D("0.01"), "revenue_cny": D("20000.00")}
    high = {"main_business_revenue_cny": D("0.03"), "revenue_cny": D("20000.00")}
    assert derive_record(low)["main_business_share"] == D("0")
    assert derive_record(high)["main_business_share"] == D("0.000002")
    assert [row["main_business_share"] for row in batch([low, high])] == [0.0, 0.000002]


def test_it_is_unknown_when_an_input_is_unknown_or_the_divisor_is_zero():
    cases = [
        {"rd_staff": 3, "employees": 0},
        {"rd_staff": None, "employees": 10},
        {"rd_staff": 3},
    ]
    assert [derive_record(case)["rd_staff_share"] for case in cases] == [None, None, None]
    assert [row["rd_staff_share"] for row in batch(cases)] == [None, None, None]
    # A two-year total with one year unknown is unknown, not the other year alone.
    partial = {"rd_expense_2y_cny": D("100"), "revenue_cny": D("1000"), "revenue_prev_cny": None}
    assert derive_record(partial)["rd_intensity_2y"] is None
    assert batch([partial])[0]["rd_intensity_2y"] is None


def test_growth_is_revenue_over_the_previous_year_minus_one_and_may_be_negative():
    fell = {"revenue_cny": D("80000000.00"), "revenue_prev_cny": D("100000000.00")}
    grew = {"revenue_cny": D("115000000.00"), "revenue_prev_cny": D("100000000.00")}
    assert derive_record(fell)["revenue_growth_1y"] == D("-0.200000")
    assert derive_record(grew)["revenue_growth_1y"] == D("0.150000")
    assert [row["revenue_growth_1y"] for row in batch([fell, grew])] == [-0.2, 0.15]


def test_with_derived_treats_missing_input_columns_as_unknown_and_keeps_the_rest():
    frame = pl.DataFrame({"revenue_cny": [100.0], "main_business_revenue_cny": [70.0], "other": ["x"]})
    out = with_derived(frame).collect()
    assert out.columns == ["revenue_cny", "main_business_revenue_cny", "other", *derived_names()]
    assert out.row(0, named=True)["main_business_share"] == 0.7
    assert out.row(0, named=True)["debt_ratio"] is None


def test_the_dictionary_publishes_how_each_derived_field_is_computed(capsys):
    call_command("policy_fields", "--json")
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["rd_intensity_2y"]["derived_from"] == ["rd_expense_2y_cny", "revenue_cny", "revenue_prev_cny"]
    assert rows["rd_intensity_2y"]["on_model"] is False
    assert "two-year revenue total" in rows["rd_intensity_2y"]["formula"]
    assert rows["debt_ratio"]["derived_from"] == ["liabilities_cny", "assets_cny"]
    # Every field is now either a model column or derived from model columns.
    for name, row in rows.items():
        assert row["on_model"] != bool(row["derived_from"]), name
        assert all(rows[part]["on_model"] for part in row["derived_from"]), name
    assert rows["srdi_level"]["on_model"] is True and rows["srdi_level"]["derived_from"] == []


@pytest.mark.parametrize("name", sorted(DERIVATIONS))
def test_each_derivation_matches_the_dictionary(name):
    assert FIELDS[name].derived_from == DERIVATIONS[name].inputs
    assert FIELDS[name].type == "ratio"
