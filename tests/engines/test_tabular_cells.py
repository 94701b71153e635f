"""engines.tabular cell parsers: what people type into a sheet, parsed or refused with a stable code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engines.tabular import CellInvalid, CellWarning
from engines.tabular.cells import (
    INT_LIMIT,
    parse_choice,
    parse_code,
    parse_count,
    parse_date,
    parse_money,
    parse_ratio,
    parse_text,
    parse_yes_no,
    percent_text,
)

D = Decimal


def refusal(parse, *args, **kwargs) -> CellInvalid:
    with pytest.raises(CellInvalid) as caught:
        parse(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("35,000,000.50", D("35000000.50")),
        ("1234.5", D("1234.50")),
        ("¥1,234.50元", D("1234.50")),
        ("￥ 1 234", D("1234.00")),
        ("1，234", D("1234.00")),  # a full-width comma typed with a Chinese keyboard
        (" 42 ", D("42.00")),
        (42, D("42.00")),
        (35000000.5, D("35000000.50")),  # an Excel number cell
        (0.1 + 0.2, None),  # 0.30000000000000004: more than two decimals
        (D("12.5"), D("12.50")),  # a row model built in code
        ("12.340", D("12.34")),  # trailing zeros are not extra precision
    ],
)
def test_it_parses_money_as_people_type_it(raw, expected):
    if expected is None:
        assert refusal(parse_money, raw).code == "money.precision"
    else:
        assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("350万", "money.wan_unit"),
        ("1.2万元", "money.wan_unit"),
        ("abc", "number.invalid"),
        ("1,00,0", "number.invalid"),  # grouping in the wrong places
        ("12.345", "money.precision"),
        ("-1,000.00", "number.negative"),
        ("10000000000000000", "number.too_large"),
        (True, "number.invalid"),
        (float("nan"), "number.invalid"),
        (float("inf"), "number.invalid"),
        (dt.date(2020, 1, 1), "number.invalid"),
    ],
)
def test_it_refuses_money_it_cannot_read_exactly(raw, code):
    assert refusal(parse_money, raw).code == code


def test_it_accepts_a_negative_amount_only_in_a_signed_column():
    assert parse_money("-1,234.56", signed=True) == D("-1234.56")
    assert refusal(parse_money, "-1,234.56").code == "number.negative"


@given(st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False, allow_infinity=False))
def test_it_reads_back_every_amount_it_formats_with_or_without_grouping(value):
    assert parse_money(f"{value:,.2f}", signed=True) == value
    assert parse_money(f"{value:.2f}", signed=True) == value
    assert parse_money(str(value), signed=True) == value


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=0, max_value=99))
def test_it_reads_an_excel_number_cell_to_the_fen(yuan, fen):
    value = D(yuan) + D(fen) / 100
    assert parse_money(float(value)) == value


# ---------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("120", 120), ("1,200", 1200), ("12.00", 12), (8.0, 8), (0, 0), (" 7 ", 7), (str(INT_LIMIT), INT_LIMIT)],
)
def test_it_parses_whole_numbers(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12.5", "number.not_whole"),
        (12.5, "number.not_whole"),
        (float("nan"), "number.not_whole"),
        ("-3", "number.negative"),
        ("十二", "number.invalid"),
        (True, "number.invalid"),
        (dt.date(2020, 1, 1), "number.invalid"),
        (str(INT_LIMIT + 1), "number.too_large"),
    ],
)
def test_it_refuses_what_is_not_a_count(raw, code):
    assert refusal(parse_count, raw).code == code


def test_it_names_the_limit_with_grouping_in_the_message():
    error = refusal(parse_count, str(INT_LIMIT + 1))
    assert error.params["limit"] == "2,147,483,647"
    assert str(error) == "value is above the limit of 2,147,483,647"


@given(st.integers(min_value=0, max_value=INT_LIMIT))
def test_it_reads_back_every_count_it_formats(number):
    assert parse_count(f"{number:,}") == number == parse_count(str(number)) == parse_count(float(number))


# ---------------------------------------------------------------- ratios


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5%", D("0.05")),
        ("12.5 ％", D("0.125")),  # full-width percent sign and a space
        ("-0.125", D("-0.125")),
        (0.0725, D("0.0725")),  # an Excel percent cell holds the fraction
        ("0", D("0")),
        (".5", D("0.5")),
    ],
)
def test_it_parses_ratios_as_decimals_or_percentages(raw, expected):
    assert parse_ratio(raw, places=6, bounds=(-1, 100)) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("about 5%", "ratio.invalid"),
        (True, "ratio.invalid"),
        (float("inf"), "ratio.invalid"),
        ("5.12345%", "ratio.precision"),
        ("0.1234567", "ratio.precision"),
        ("-150%", "ratio.out_of_range"),
        ("20000%", "ratio.out_of_range"),
    ],
)
def test_it_refuses_ratios_out_of_shape_precision_or_range(raw, code):
    assert refusal(parse_ratio, raw, places=6, bounds=(-1, 100)).code == code


def test_it_states_the_range_of_a_ratio_as_percentages_and_decimals():
    error = refusal(parse_ratio, "-150%", places=6, bounds=(-1, 100))
    assert str(error) == "value must be between -100% and 10000% (that is, -1 to 100)"


def test_it_warns_when_a_plain_number_looks_like_a_percentage():
    warnings: list[CellWarning] = []
    assert parse_ratio("5", places=6, bounds=(-1, 100), warnings=warnings) == D("5")
    [warning] = warnings
    assert warning.code == "ratio.large_plain_number"
    assert warning.params == {"value": "5", "percent": "500%", "fraction": "0.05"}
    warnings.clear()
    parse_ratio("5%", places=6, bounds=(-1, 100), warnings=warnings)
    parse_ratio("0.5", places=6, bounds=(-1, 100), warnings=warnings)
    assert warnings == []


@given(st.decimals(min_value=-1, max_value=100, places=4, allow_nan=False, allow_infinity=False))
def test_it_reads_back_a_ratio_written_as_a_percentage(value):
    assert parse_ratio(percent_text(value), places=6, bounds=(-1, 100)) == value


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015-06-30", dt.date(2015, 6, 30)),
        ("2012/3/5", dt.date(2012, 3, 5)),
        ("2012.03.05", dt.date(2012, 3, 5)),
        ("2012年3月5日", dt.date(2012, 3, 5)),
        ("2015-06-30 00:00:00", dt.date(2015, 6, 30)),
        (dt.datetime(2015, 6, 30), dt.date(2015, 6, 30)),  # an Excel date cell
        (dt.date(2015, 6, 30), dt.date(2015, 6, 30)),
    ],
)
def test_it_parses_dates_in_the_usual_chinese_and_iso_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["2012-02-30", "15/03/2012", "2015-06-30 12:00", dt.datetime(2015, 6, 30, 9, 30), 42000, "昨天"]
)
def test_it_refuses_what_is_not_a_plain_date(raw):
    assert refusal(parse_date, raw).code == "date.invalid"


# ---------------------------------------------------------------- yes / no, choices


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("是", True), ("否", False), ("有", True), ("无", False), ("Y", True), ("n", False), ("TRUE", True)]
    + [("false", False), ("1", True), (0, False), (1.0, True), (True, True), (False, False)],
)
def test_it_parses_yes_and_no_in_chinese_and_english(raw, expected):
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", 2, "是的"])
def test_it_refuses_an_answer_that_is_not_yes_or_no(raw):
    error = refusal(parse_yes_no, raw)
    assert (error.code, error.per_field) == ("invalid", True)


LEVELS = (("none", "未上云"), ("platform", "平台系统上云"))


@pytest.mark.parametrize(("raw", "expected"), [("platform", "platform"), ("Platform ", "platform")])
def test_it_accepts_a_choice_by_code_or_label_loosely_compared(raw, expected):
    assert parse_choice(raw, choices=LEVELS) == expected
    assert parse_choice("平台系统上云", choices=LEVELS) == "platform"


def test_it_lists_the_allowed_choices_when_it_refuses_one():
    error = refusal(parse_choice, "全部上云", choices=LEVELS)
    assert error.params == {"allowed": "none（未上云）、platform（平台系统上云）"}


# ---------------------------------------------------------------- codes and text


def test_it_restores_the_leading_zeros_excel_dropped_and_says_so():
    warnings: list[CellWarning] = []
    assert parse_code(111, pad_to=4, warnings=warnings) == "0111"
    assert [(w.code, w.params) for w in warnings] == [("zero_padded", {"code": "0111"})]
    assert parse_code(3911.0, pad_to=4, warnings=warnings) == "3911" and len(warnings) == 1


def test_it_upper_cases_a_text_code_and_keeps_its_zeros():
    assert parse_code(" 91330106ma2h7k1n3g ") == "91330106MA2H7K1N3G"
    assert parse_code("0111", pad_to=4) == "0111"


@pytest.mark.parametrize(
    ("raw", "kwargs", "code"),
    [
        (913301060000000190, {"number_cells": False, "length": 18}, "numeric_cell"),
        (391.5, {}, "format"),
        (True, {}, "format"),
        (dt.date(2020, 1, 1), {}, "format"),
        (dt.timedelta(days=1), {}, "format"),
    ],
)
def test_it_refuses_a_code_cell_that_cannot_be_a_code(raw, kwargs, code):
    error = refusal(parse_code, raw, **kwargs)
    assert (error.code, error.per_field) == (code, True)


def test_it_trims_text_and_keeps_a_whole_number_whole():
    assert parse_text("  某公司 ") == "某公司"
    assert parse_text(12.0) == "12"
    assert parse_text(12.5) == "12.5"


def test_it_removes_the_quote_an_export_put_before_formula_like_text_only_when_asked():
    assert parse_text("'=SUM(A1)", strip_quote_prefix=True) == "=SUM(A1)"
    assert parse_text("'=SUM(A1)") == "'=SUM(A1)"
    assert parse_text("'quoted", strip_quote_prefix=True) == "'quoted"


def test_it_counts_characters_not_bytes_for_the_length_limit():
    assert parse_text("名" * 200, max_length=200) == "名" * 200
    error = refusal(parse_text, "名" * 201, max_length=200)
    assert (error.code, error.params) == ("too_long", {"limit": 200, "length": 201})
