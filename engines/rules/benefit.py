"""Benefit amounts: what an eligible enterprise receives, as a rate of a base capped per enterprise.

A programme may carry one benefit: amount = min(sum of its base fields × rate, cap), rounded half to
even to the fen, with the rate and the cap dated parameters (the value in force on the evaluation
date), each citing its clause, and marked provisional where the source gives no number (a region
sets it). This is the shape OpenFisca gives a benefit: a formula over variables and dated parameters.

Both paths compute in whole fen so they agree exactly: the one path in Decimal, the batch path in
Int128 (money columns hold whole fen of at most 15 significant digits, and the rate at most
RATE_PLACES decimals, so fen × rate scaled by 10**RATE_PLACES is an exact integer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import polars as pl

from engines.rules.fields import FIELDS, Value
from engines.rules.model import Benefit

FEN = Decimal("0.01")
RATE_PLACES = 4  # a rate is given to at most 0.01 percentage point


@dataclass(frozen=True, slots=True)
class Amount:
    """One enterprise's benefit: the amount in yuan (None when a base figure is unknown) and how."""

    benefit: str
    amount: Decimal | None
    explanation: str
    explanation_en: str
    provisional: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "benefit": self.benefit,
            "amount_cny": None if self.amount is None else str(self.amount),
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
            "provisional": self.provisional,
        }


def _yuan(amount: Decimal, language: str) -> str:
    if language == "en":
        return f"CNY {amount:,.2f}"
    return f"¥{amount:,.2f}"


def benefit_amount(benefit: Benefit, data: dict[str, Value], as_of: dt.date) -> Amount:
    """The amount for one enterprise, explained step by step in Chinese and English."""
    rate, cap = benefit.rate_on(as_of), benefit.cap_on(as_of)
    parts = [data.get(name) for name in benefit.base]
    label = "+".join(FIELDS[name].zh for name in benefit.base)
    label_en = " + ".join(FIELDS[name].en for name in benefit.base)
    note = "（暂定参数，以地方公布为准）" if benefit.provisional else ""
    note_en = " (provisional parameters until the region publishes its own)" if benefit.provisional else ""
    if any(part is None for part in parts):
        return Amount(
            benefit.id,
            None,
            f"缺少{label}，无法计算金额",
            f"The amount needs {label_en}, which is unknown",
            benefit.provisional,
        )
    base = sum((Decimal(part) for part in parts if isinstance(part, Decimal | int)), Decimal(0))
    base = max(base.quantize(FEN, ROUND_HALF_EVEN), Decimal(0))
    raw = (base * rate).quantize(FEN, ROUND_HALF_EVEN)
    amount = raw if cap is None or raw <= cap else cap.quantize(FEN)
    percent = format((rate * 100).normalize(), "f")
    zh = f"{label} {_yuan(base, 'zh')} × {percent}% = {_yuan(raw, 'zh')}"
    en = f"{label_en[:1].upper()}{label_en[1:]} {_yuan(base, 'en')} × {percent}% = {_yuan(raw, 'en')}"
    if cap is not None:
        zh += f"，上限 {_yuan(cap, 'zh')} → {_yuan(amount, 'zh')}"
        en += f", capped at {_yuan(cap, 'en')} → {_yuan(amount, 'en')}"
    return Amount(benefit.id, amount, zh + note, en + note_en, benefit.provisional)


def _scaled(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than {places} decimal places")
    return int(scaled)


def benefit_expr(benefit: Benefit, as_of: dt.date) -> pl.Expr:
    """The same amount over a frame (Float64 yuan, null when a base figure is unknown), in whole fen."""
    rate = _scaled(benefit.rate_on(as_of), RATE_PLACES)
    fen = [
        (pl.col(name).cast(pl.Float64) * 100).round(0, mode="half_to_even").cast(pl.Int128)
        for name in benefit.base
    ]
    base = pl.sum_horizontal(*fen).clip(lower_bound=0)
    unknown = pl.any_horizontal(*(pl.col(name).is_null() for name in benefit.base))
    product = base * rate
    divisor = 10**RATE_PLACES
    quotient, remainder = product // divisor, product % divisor
    # Half to even: up when past the half, or exactly on it with an odd quotient.
    up = (remainder * 2 > divisor) | ((remainder * 2 == divisor) & (quotient % 2 == 1))
    amount = quotient + up.cast(pl.Int128)
    cap = benefit.cap_on(as_of)
    if cap is not None:
        amount = pl.min_horizontal(amount, pl.lit(_scaled(cap.quantize(FEN), 2), dtype=pl.Int128))
    return pl.when(unknown).then(None).otherwise(amount.cast(pl.Float64) / 100).alias("benefit_cny")
