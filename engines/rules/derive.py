"""Dictionary fields computed from stored facts (never stored twice): one record exactly, or a frame in Polars.

Every derived field is a ratio of sums, sum(numerator) / sum(denominator) - offset, rounded half to
even to RATIO_PLACES decimal places (GB/T 8170-2008 数值修约: 四舍六入五成双), and to 15 significant
digits when the ratio reaches 10**9 (only absurd inputs get there, such as assets typed as 0.01 yuan;
the rounding keeps every value within fields.MAX_SIGNIFICANT_DIGITS, so the one path accepts it).
Unknown (None/null) when any input is unknown or the denominator is 0.

Why round, and why to 6 places: the rules compare ratios with thresholds such as 0.03 and 0.7. A ratio
of two amounts is in general an endless decimal, and the two paths would meet it differently: the one
path in Decimal, the batch path in float64, whose division of two amounts that are not exact binary
fractions can land one unit in the last place on either side of a threshold the exact quotient hits.
Rounding the exact quotient to a fixed number of places in both paths makes the result a short
decimal, which float64 holds as the nearest double of exactly that decimal, so both paths compare it
with a threshold the same way (see fields.MAX_SIGNIFICANT_DIGITS). Six places are 0.0001 percentage
point, far finer than any programme states a threshold (whole or tenth percentage points): only a
quotient within half a millionth of a threshold is decided by its rounded value. The alternative
reading, GB/T 8170's 全数值比较法 (compare the unrounded value), differs only inside that band.

Exactness of the batch path: money arrives as float64 holding amounts in whole cents (as the registry
stores them, DecimalField(decimal_places=2)) of at most 15 significant digits (below 10**13 yuan, the
dictionary's MAX_SIGNIFICANT_DIGITS), which *100 and rounding turn back into exact integers; counts
are integers already. The quotient is then rounded in Int128 integer arithmetic, and the rounded
integer becomes a float through Polars' Decimal cast, which rounds correctly. Dividing by a float
constant would not: Polars multiplies by the reciprocal on columns, which is one unit in the last
place off for about a third of the values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import polars as pl

from engines.rules.fields import FIELDS, MAX_SIGNIFICANT_DIGITS, RATIO_PLACES, Value

_SCALE = 10**RATIO_PLACES
_DIGITS = MAX_SIGNIFICANT_DIGITS
_INT128_DIGITS = 38
_ZERO = pl.lit(0, dtype=pl.Int128)
_UNIT = pl.lit(Decimal(1).scaleb(-RATIO_PLACES), dtype=pl.Decimal(38, RATIO_PLACES))


@dataclass(frozen=True, slots=True)
class Derivation:
    """sum(numerator) / sum(denominator) - offset, rounded half to even to RATIO_PLACES places."""

    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    offset: int = 0

    @property
    def inputs(self) -> tuple[str, ...]:
        """The stored fields this one is computed from, in formula order."""
        return self.numerator + self.denominator


DERIVATIONS: dict[str, Derivation] = {
    d.name: d
    for d in (
        Derivation("main_business_share", ("main_business_revenue_cny",), ("revenue_cny",)),
        Derivation("main_product_share", ("main_product_revenue_cny",), ("revenue_cny",)),
        Derivation("debt_ratio", ("liabilities_cny",), ("assets_cny",)),
        # revenue / revenue_prev - 1, the offset taken before rounding (a growth may be negative).
        Derivation("revenue_growth_1y", ("revenue_cny",), ("revenue_prev_cny",), offset=1),
        Derivation("rd_staff_share", ("rd_staff",), ("employees",)),
        # 近2年研发经费支出占营业收入比重 read as the two-year R&D total over the two-year revenue total: a
        # ratio of totals, as 占…比重 over a period reads when no averaging is said. Other wordings in seed
        # 002: the mean of the two yearly ratios (河南 "占营业收入平均比重") or each year on its own (北京
        # "比重均不低于5%"); neither can be computed without each year's R&D, which the registry does not
        # keep, so such a clause needs a stored per-year figure before it can be encoded exactly.
        Derivation("rd_intensity_2y", ("rd_expense_2y_cny",), ("revenue_cny", "revenue_prev_cny")),
        Derivation("rd_intensity_1y", ("rd_expense_cny",), ("revenue_cny",)),
    )
}


def _check_dictionary() -> None:
    """The field dictionary and these formulas must name the same inputs; fail at import otherwise."""
    for name, spec in FIELDS.items():
        derivation = DERIVATIONS.get(name)
        inputs = derivation.inputs if derivation else ()
        if spec.derived_from != inputs:
            raise RuntimeError(f"{name}: fields.py says derived_from={spec.derived_from}, derive.py {inputs}")
        for part in inputs:
            if FIELDS[part].derived_from or FIELDS[part].type not in ("money", "count"):
                raise RuntimeError(f"{name}: input {part} must be a stored money or count field")
        if derivation and len({FIELDS[part].type for part in inputs}) != 1:
            raise RuntimeError(f"{name}: mixes money and counts; the batch path scales them alike")


_check_dictionary()


def derived_names() -> tuple[str, ...]:
    """Names of the derived fields, in dictionary order."""
    return tuple(name for name in FIELDS if name in DERIVATIONS)


# ---------------------------------------------------------------- one record


def _exact(value: Value) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"expected a Decimal or int, got {value!r}")
    return Fraction(value)


def derive_one(derivation: Derivation, facts: Mapping[str, Value]) -> Decimal | None:
    """One derived value in exact rational arithmetic; None when an input is unknown or the divisor is 0."""
    values = [facts.get(name) for name in derivation.inputs]
    if any(value is None for value in values):
        return None
    split = len(derivation.numerator)
    numerator = sum((_exact(value) for value in values[:split]), Fraction(0))
    denominator = sum((_exact(value) for value in values[split:]), Fraction(0))
    if denominator == 0:
        return None
    quotient = (numerator / denominator - derivation.offset) * _SCALE  # in units of the last place
    whole = abs(quotient.numerator) // quotient.denominator
    step = 10 ** max(0, len(str(whole)) - _DIGITS)  # keep at most 15 significant digits
    # round() of a Fraction rounds half to even, exactly.
    return Decimal(round(quotient / step) * step).scaleb(-RATIO_PLACES)


def derive_record(facts: Mapping[str, Value]) -> dict[str, Decimal | None]:
    """Every derived field of one enterprise from its stored facts (absent = unknown)."""
    return {name: derive_one(DERIVATIONS[name], facts) for name in derived_names()}


# ---------------------------------------------------------------- batch


def _integer(name: str) -> pl.Expr:
    column = pl.col(name)
    if FIELDS[name].type == "money":
        # Whole cents: exact for amounts in cents with at most 15 significant digits (see the module notes).
        column = (column.cast(pl.Float64) * 100).round(0)
    return column.cast(pl.Int128)


def _sum(names: tuple[str, ...]) -> pl.Expr:
    total = _integer(names[0])
    for name in names[1:]:
        total = total + _integer(name)  # a null part makes the sum null (unknown), unlike sum_horizontal
    return total


def _stages(derivation: Derivation) -> list[list[pl.Expr]]:
    """The with_columns stages of one derived field; each intermediate is a column, computed once."""
    name = derivation.name
    n, d, whole, step = (pl.col(f"__{part}__{name}") for part in ("n", "d", "whole", "step"))
    denominator = _sum(derivation.denominator)
    numerator = _sum(derivation.numerator) * _SCALE
    if derivation.offset:
        numerator = numerator - denominator * (derivation.offset * _SCALE)
    # A positive divisor keeps the remainder of floor division in [0, divisor); 0 makes it unknown.
    sign = pl.when(denominator < 0).then(-1).otherwise(1).cast(pl.Int128)
    first = [
        (numerator * sign).alias(f"__n__{name}"),
        pl.when(denominator == 0).then(None).otherwise(denominator * sign).alias(f"__d__{name}"),
    ]
    # At most 15 significant digits: the step is 10**k for a whole part of 15 + k digits, written as
    # 1 + the sum of 9 * 10**j over every 10**(15 + j) the whole part reaches (the terms telescope), so
    # it takes only comparisons with constants. The scaled divisor cannot overflow: 15 + k digits means
    # |n| >= d * 10**(14 + k).
    step_expr: pl.Expr = pl.lit(1, dtype=pl.Int128)
    for j in range(_INT128_DIGITS - _DIGITS):
        reached = whole >= pl.lit(10 ** (_DIGITS + j), dtype=pl.Int128)
        step_expr = step_expr + pl.when(reached).then(pl.lit(9 * 10**j, dtype=pl.Int128)).otherwise(_ZERO)
    scaled = pl.col(f"__scaled__{name}")
    quotient, remainder = pl.col(f"__q__{name}"), pl.col(f"__r__{name}")
    round_up = (2 * remainder > scaled) | ((2 * remainder == scaled) & (quotient % 2 == 1))
    units = (quotient + round_up.cast(pl.Int128)) * step
    return [
        first,
        [(n.abs() // d).alias(f"__whole__{name}")],
        [step_expr.alias(f"__step__{name}")],
        [(d * step).alias(f"__scaled__{name}")],
        [(n // scaled).alias(f"__q__{name}")],
        [(n - quotient * scaled).alias(f"__r__{name}")],
        [(units.cast(pl.Decimal(38, 0)) * _UNIT).cast(pl.Float64).alias(name)],
    ]


_TEMPORARY = ("n", "d", "whole", "step", "scaled", "q", "r")


def with_derived(frame: pl.LazyFrame | pl.DataFrame, names: tuple[str, ...] | None = None) -> pl.LazyFrame:
    """The frame with derived columns added or replaced; inputs it lacks count as unknown."""
    lazy = frame.lazy()
    wanted = names or derived_names()
    present = set(lazy.collect_schema().names())
    missing = {part for name in wanted for part in DERIVATIONS[name].inputs} - present
    if missing:
        lazy = lazy.with_columns(
            pl.lit(None, dtype=pl.Float64 if FIELDS[part].type == "money" else pl.Int64).alias(part)
            for part in sorted(missing)
        )
    per_field = [_stages(DERIVATIONS[name]) for name in wanted]
    for depth in range(len(per_field[0])):
        # One with_columns per depth for all fields: Polars runs the fields' expressions in parallel.
        lazy = lazy.with_columns(expr for stages in per_field for expr in stages[depth])
    temporary = [f"__{part}__{name}" for name in wanted for part in _TEMPORARY]
    return lazy.drop(*temporary, *sorted(missing))
