"""Interest subsidy (贴息) per loan and month, from a programme's benefit rule (rate and cap, dated).

The rule is the programme's `benefit` (engines/rules): a share of the interest paid, capped per
enterprise and year. Officials pay it by bank and month, so the yearly amount is spread over the
interest lines of the year in order (month, then loan): each line gets what the year's cumulative
subsidy grows by when it is added,

    cumulative_i = min(half_even(Σ_{j≤i} interest_j × rate_j), cap_i),   paid_i = max_{j≤i} cumulative_j,
    subsidy_i = paid_i − paid_{i−1},

so the lines of a year add up to exactly min(interest × rate, cap), never more, and a cap reached in
October leaves November and December at zero. Money is whole fen; the rate has at most RATE_PLACES
decimals, so both paths compute in exact integers and agree to the fen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from engines.rules.benefit import RATE_PLACES
from engines.rules.model import Benefit

FEN = Decimal("0.01")
SCALE: int = 10**RATE_PLACES
COLUMNS = ("loan", "credit_code", "bank", "month", "interest_paid_cny")


class SubsidyInputError(ValueError):
    """Interest lines that cannot be subsidised as given (the message names the line)."""


@dataclass(frozen=True, slots=True)
class InterestLine:
    """Interest an enterprise paid on one loan in one month."""

    loan: str
    credit_code: str
    bank: str
    month: dt.date  # the first day of the month
    interest_paid_cny: Decimal


@dataclass(frozen=True, slots=True)
class SubsidyLine:
    """The subsidy due on one interest line, with the year's running total and how it was found."""

    line: InterestLine
    subsidy_cny: Decimal
    cumulative_cny: Decimal
    capped: bool
    explanation: str
    explanation_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "loan": self.line.loan,
            "month": self.line.month.isoformat(),
            "interest_paid_cny": str(self.line.interest_paid_cny),
            "subsidy_cny": str(self.subsidy_cny),
            "cumulative_cny": str(self.cumulative_cny),
            "capped": self.capped,
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
        }


def _fen(amount: Decimal) -> int:
    return int(amount.quantize(FEN, ROUND_HALF_EVEN) * 100)


def _cny(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def _rate(benefit: Benefit, month: dt.date) -> int:
    scaled = benefit.rate_on(month).scaleb(RATE_PLACES)
    if scaled != scaled.to_integral_value():
        raise SubsidyInputError(f"the rate has more than {RATE_PLACES} decimal places")
    return int(scaled)


def _cap_fen(benefit: Benefit, month: dt.date) -> int | None:
    cap = benefit.cap_on(month)
    return None if cap is None else _fen(cap)


def _half_even(numerator: int) -> int:
    quotient, remainder = divmod(numerator, SCALE)
    if remainder * 2 > SCALE or (remainder * 2 == SCALE and quotient % 2 == 1):
        quotient += 1
    return quotient


def _yuan(fen: int, language: str) -> str:
    amount = Decimal(fen) / 100
    return f"CNY {amount:,.2f}" if language == "en" else f"¥{amount:,.2f}"


def _check(lines: Sequence[InterestLine]) -> None:
    seen: set[tuple[str, dt.date]] = set()
    for line in lines:
        where = f"loan {line.loan}, {line.month:%Y-%m}"
        if line.month.day != 1:
            raise SubsidyInputError(f"{where}: the month must be given as its first day")
        if line.interest_paid_cny < 0:
            raise SubsidyInputError(f"{where}: interest paid cannot be negative")
        if line.interest_paid_cny != line.interest_paid_cny.quantize(FEN):
            raise SubsidyInputError(f"{where}: interest paid has more than two decimal places")
        if (line.loan, line.month) in seen:
            raise SubsidyInputError(f"{where}: the month appears twice for this loan")
        seen.add((line.loan, line.month))


def subsidy_one(lines: Sequence[InterestLine], benefit: Benefit) -> tuple[SubsidyLine, ...]:
    """One enterprise's interest lines (any years, any order) → the subsidy of each, in (month, loan) order."""
    if len({line.credit_code for line in lines}) > 1:
        raise SubsidyInputError("subsidy_one takes the lines of one enterprise")
    _check(lines)
    note = "（暂定参数，以地方公布为准）" if benefit.provisional else ""
    note_en = " (provisional parameters until the region publishes its own)" if benefit.provisional else ""
    result: list[SubsidyLine] = []
    year, raw, paid = None, 0, 0
    for line in sorted(lines, key=lambda item: (item.month, item.loan)):
        if line.month.year != year:
            year, raw, paid = line.month.year, 0, 0
        rate = _rate(benefit, line.month)
        interest = _fen(line.interest_paid_cny)
        raw += interest * rate
        cumulative = _half_even(raw)
        cap = _cap_fen(benefit, line.month)
        capped = cap is not None and cumulative >= cap
        if cap is not None:
            cumulative = min(cumulative, cap)
        subsidy = max(cumulative - paid, 0)
        paid = max(paid, cumulative)
        percent = format((Decimal(rate) / SCALE * 100).normalize(), "f")
        zh = (
            f"{line.month:%Y年%m月}利息 {_yuan(interest, 'zh')} × {percent}%；"
            f"{line.month.year}年累计应贴 {_yuan(paid, 'zh')}"
        )
        en = (
            f"Interest of {line.month:%Y-%m} {_yuan(interest, 'en')} × {percent}%; "
            f"subsidy due for {line.month.year} so far {_yuan(paid, 'en')}"
        )
        if cap is not None:
            zh += f"（每年上限 {_yuan(cap, 'zh')}{'，已达上限' if capped else ''}）"
            en += f" (yearly cap {_yuan(cap, 'en')}{', reached' if capped else ''})"
        zh += f"，本月贴息 {_yuan(subsidy, 'zh')}{note}"
        en += f"; this month {_yuan(subsidy, 'en')}{note_en}"
        result.append(SubsidyLine(line, _cny(subsidy), _cny(paid), capped, zh, en))
    return tuple(result)


def subsidy_batch(frame: pl.DataFrame, benefit: Benefit) -> pl.DataFrame:
    """Every enterprise's lines at once: the input columns plus subsidy_cny, cumulative_cny, capped.

    Rows come back in (credit_code, month, loan) order; money columns are Decimal(38, 2).
    """
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise SubsidyInputError(f"the interest lines need column(s) {', '.join(missing)}")
    if frame.height == 0:
        return frame.select(COLUMNS).with_columns(
            subsidy_cny=pl.lit(None, pl.Decimal(38, 2)),
            cumulative_cny=pl.lit(None, pl.Decimal(38, 2)),
            capped=pl.lit(None, pl.Boolean),
        )
    data = frame.select(COLUMNS).with_columns(pl.col("month").cast(pl.Date))
    if data.select(pl.col("month").dt.day() != 1).to_series().any():
        raise SubsidyInputError("every month must be given as its first day")
    duplicated = data.select(pl.struct("loan", "month").is_duplicated()).to_series()
    if duplicated.any():
        row = data.row(int(duplicated.arg_true()[0]), named=True)
        raise SubsidyInputError(
            f"loan {row['loan']}, {row['month']:%Y-%m}: the month appears twice for this loan"
        )
    interest = pl.col("interest_paid_cny")
    dtype = data.schema["interest_paid_cny"]
    if isinstance(dtype, pl.Decimal) and (dtype.scale or 0) > 2:
        exact = data.select((interest == interest.cast(pl.Decimal(38, 2))).all()).item()
        if not exact:
            raise SubsidyInputError("interest paid has more than two decimal places")
    if isinstance(dtype, pl.Decimal) or dtype.is_integer():
        fen = (interest.cast(pl.Decimal(38, 2)) * 100).cast(pl.Int128)
    else:
        fen = (interest.cast(pl.Float64) * 100).round(0, mode="half_to_even").cast(pl.Int128)
    if data.select(interest < 0).to_series().any():
        raise SubsidyInputError("interest paid cannot be negative")
    months = data.get_column("month").unique().to_list()
    parameters = pl.DataFrame(
        {
            "month": months,
            "rate": [_rate(benefit, month) for month in months],
            "cap": [_cap_fen(benefit, month) for month in months],
        },
        schema={"month": pl.Date, "rate": pl.Int128, "cap": pl.Int128},
    )
    year = [pl.col("credit_code"), pl.col("month").dt.year()]
    raw = (pl.col("fen") * pl.col("rate")).cum_sum().over(year)
    quotient, remainder = raw // SCALE, raw % SCALE
    up = (remainder * 2 > SCALE) | ((remainder * 2 == SCALE) & (quotient % 2 == 1))
    rounded = quotient + up.cast(pl.Int128)
    result = (
        data.with_columns(fen=fen)
        .join(parameters, on="month", how="left")
        .sort("credit_code", "month", "loan")
        .with_columns(rounded=rounded)
        .with_columns(
            capped=pl.col("cap").is_not_null() & (pl.col("rounded") >= pl.col("cap")),
            cumulative=pl.when(pl.col("cap").is_null())
            .then(pl.col("rounded"))
            .otherwise(pl.min_horizontal("rounded", "cap")),
        )
        .with_columns(paid=pl.col("cumulative").cum_max().over(year))
        .with_columns(subsidy=pl.col("paid") - pl.col("paid").shift(1, fill_value=0).over(year))
    )
    return result.select(
        *COLUMNS,
        subsidy_cny=(pl.col("subsidy").cast(pl.Decimal(38, 2)) / 100).cast(pl.Decimal(38, 2)),
        cumulative_cny=(pl.col("paid").cast(pl.Decimal(38, 2)) / 100).cast(pl.Decimal(38, 2)),
        capped=pl.col("capped"),
    )
