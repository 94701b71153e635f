"""Interest subsidy per loan and month: the programme's rate and yearly cap, one path and batch alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.credit.subsidy import InterestLine, SubsidyInputError, subsidy_batch, subsidy_one
from engines.rules.loader import get_programme
from engines.rules.model import Benefit, Citation, DatedValue
from tests.support.i18n import CJK

BENEFIT = get_programme("zj-cloud-loan-subsidy").benefit


def line(month: int, interest: str, loan: str = "L1", year: int = 2026, code: str = "C1", bank: str = "A"):
    return InterestLine(loan, code, bank, dt.date(year, month, 1), Decimal(interest))


def frame(lines):
    return pl.DataFrame(
        [
            {
                "loan": x.loan,
                "credit_code": x.credit_code,
                "bank": x.bank,
                "month": x.month,
                "interest_paid_cny": x.interest_paid_cny,
            }
            for x in lines
        ],
        schema={
            "loan": pl.String,
            "credit_code": pl.String,
            "bank": pl.String,
            "month": pl.Date,
            "interest_paid_cny": pl.Decimal(38, 2),
        },
    )


def test_the_programme_rule_is_half_the_interest_capped_at_100000_a_year_and_provisional():
    assert BENEFIT is not None and BENEFIT.provisional
    assert BENEFIT.rate_on(dt.date(2026, 1, 1)) == Decimal("0.5")
    assert BENEFIT.cap_on(dt.date(2026, 1, 1)) == Decimal(100000)


def test_the_cap_is_reached_within_the_year_and_later_months_get_nothing():
    lines = [line(m, "30000.01") for m in range(1, 10)]
    result = subsidy_one(lines, BENEFIT)
    assert [r.subsidy_cny for r in result[:3]] == [
        Decimal("15000.00"),
        Decimal("15000.01"),
        Decimal("15000.01"),
    ]
    assert result[6].cumulative_cny == Decimal("100000") and result[6].capped
    assert result[6].subsidy_cny == Decimal("100000") - result[5].cumulative_cny
    assert [r.subsidy_cny for r in result[7:]] == [0, 0]
    assert sum(r.subsidy_cny for r in result) == Decimal(100000)
    assert "已达上限" in result[6].explanation and "reached" in result[6].explanation_en
    assert all(not CJK.search(r.explanation_en) for r in result)


def test_lines_of_one_month_go_in_loan_order_and_a_new_year_starts_afresh():
    lines = [
        line(3, "10", loan="L2"),
        line(3, "10", loan="L1"),
        line(12, "300000", year=2025),
        line(1, "1000"),
    ]
    result = subsidy_one(lines, BENEFIT)
    assert [(r.line.month.year, r.line.loan) for r in result] == [
        (2025, "L1"),
        (2026, "L1"),
        (2026, "L1"),
        (2026, "L2"),
    ]
    assert result[0].subsidy_cny == Decimal(100000) and result[0].capped
    assert result[1].subsidy_cny == Decimal(500) and not result[1].capped


def test_yearly_total_is_exact_to_the_fen_whatever_the_split():
    lines = [line(m, "0.03") for m in range(1, 13)]  # 12 × 0.015 = 0.18 exactly, each month half a fen
    result = subsidy_one(lines, BENEFIT)
    assert sum(r.subsidy_cny for r in result) == Decimal("0.18")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (InterestLine("L1", "C1", "A", dt.date(2026, 1, 5), Decimal(1)), "first day"),
        (InterestLine("L1", "C1", "A", dt.date(2026, 1, 1), Decimal(-1)), "negative"),
        (InterestLine("L1", "C1", "A", dt.date(2026, 1, 1), Decimal("1.005")), "two decimal"),
    ],
)
def test_bad_lines_are_refused_by_both_paths(bad, message):
    with pytest.raises(SubsidyInputError, match=message):
        subsidy_one([bad], BENEFIT)
    if message != "two decimal":
        with pytest.raises(SubsidyInputError):
            subsidy_batch(frame([bad]), BENEFIT)


def test_a_month_twice_for_one_loan_is_refused():
    twice = [line(1, "10"), line(1, "20")]
    with pytest.raises(SubsidyInputError, match="twice"):
        subsidy_one(twice, BENEFIT)
    with pytest.raises(SubsidyInputError, match="twice"):
        subsidy_batch(frame(twice), BENEFIT)


def test_a_rate_that_changes_mid_year_applies_from_its_date():
    citation = BENEFIT.citation
    changing = Benefit(
        "b",
        "贴息",
        "Subsidy",
        citation,
        ("cloud_loan_interest_cny",),
        (DatedValue(Decimal("0.5"), dt.date(2020, 1, 1)), DatedValue(Decimal("0.3"), dt.date(2026, 7, 1))),
        (DatedValue(Decimal(1000), dt.date(2020, 1, 1)),),
    )
    assert isinstance(citation, Citation)
    result = subsidy_one([line(6, "1000"), line(7, "1000"), line(8, "10000")], changing)
    assert [r.subsidy_cny for r in result] == [Decimal(500), Decimal(300), Decimal(200)]
    assert subsidy_batch(frame([line(6, "1000"), line(7, "1000"), line(8, "10000")]), changing)[
        "subsidy_cny"
    ].to_list() == [Decimal(500), Decimal(300), Decimal(200)]


money = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False, allow_infinity=False)
interest_lines = st.lists(
    st.tuples(
        st.sampled_from(["C1", "C2", "C3"]),
        st.sampled_from(["L1", "L2"]),
        st.integers(2025, 2026),
        st.integers(1, 12),
        money,
    ),
    max_size=40,
    unique_by=lambda t: (t[0], t[1], t[2], t[3]),
)


@settings(max_examples=80, deadline=None)
@given(rows=interest_lines)
def test_batch_equals_one_at_a_time(rows):
    lines = [
        InterestLine(f"{code}-{loan}", code, "A", dt.date(year, month, 1), amount)
        for code, loan, year, month, amount in rows
    ]
    batch = subsidy_batch(frame(lines), BENEFIT)
    expected = []
    for code in sorted({x.credit_code for x in lines}):
        for r in subsidy_one([x for x in lines if x.credit_code == code], BENEFIT):
            expected.append((r.line.loan, r.line.month, r.subsidy_cny, r.cumulative_cny, r.capped))
    got = list(
        zip(
            batch["loan"],
            batch["month"],
            batch["subsidy_cny"],
            batch["cumulative_cny"],
            batch["capped"],
            strict=True,
        )
    )
    assert got == expected
