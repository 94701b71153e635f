"""Batch classification over a Polars frame: one vectorized pass, no per-row Python.

Three-valued logic rides on Polars' Kleene booleans: a null figure makes its comparison null,
`False & null` is False and `True & null` is null — exactly "missing data could change the answer".
"""

from __future__ import annotations

from functools import cache

import polars as pl

from engines.reference.digital_economy import CORE_CATEGORIES, digital_economy_table
from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_table
from engines.reference.sme_size import INDICATORS, SIZES, size_rules

INPUT_COLUMNS = {"employees": "employees", "revenue": "revenue_cny", "assets": "assets_cny"}


@cache
def _size_table() -> pl.DataFrame:
    """One row per GB/T class: its group and every lower bound as Float64 (null = not used)."""
    rules = size_rules()
    rows: list[dict[str, object]] = []
    for code in industry_table().class_codes():
        group = rules.group_for(code)
        row: dict[str, object] = {"industry_code": code, "group_no": None if group is None else group.number}
        for level_index, size in enumerate(SIZES[:3]):
            level = None if group is None else group.levels[level_index]
            row[f"rule_{size}"] = None if level is None else level.rule_text
            for indicator in INDICATORS:
                bound = None if level is None else level.bound(indicator)
                row[f"{indicator}_{size}"] = None if bound is None else float(bound)
        row["rule_micro"] = None if group is None else group.micro_rule_text
        rows.append(row)
    schema: dict[str, pl.DataType] = {"industry_code": pl.String(), "group_no": pl.Int8()}
    for size in SIZES[:3]:
        schema[f"rule_{size}"] = pl.String()
        for indicator in INDICATORS:
            schema[f"{indicator}_{size}"] = pl.Float64()
    schema["rule_micro"] = pl.String()
    return pl.DataFrame(rows, schema=schema)


def _validate(frame: pl.DataFrame) -> None:
    codes = frame.get_column("industry_code")
    bad = codes.filter(~codes.is_in(_size_table().get_column("industry_code").implode()) | codes.is_null())
    if len(bad):
        raise UnknownCodeError(
            "GB/T 4754-2017 industry", bad[0], f"not a GB/T 4754-2017 class ({len(bad)} rows)"
        )
    for column in INPUT_COLUMNS.values():
        values = frame.get_column(column).cast(pl.Float64)
        invalid = values.is_nan() | values.is_infinite() | (values < 0)
        if invalid.any():
            raise ValueError(f"{column} must be a finite, non-negative number ({int(invalid.sum())} rows)")


def size_class_batch(frame: pl.DataFrame) -> pl.DataFrame:
    """Add size_class, group_no, rule, reason and missing columns to a frame of enterprises.

    Input columns: industry_code (str), employees, revenue_cny, assets_cny (numbers, null = unknown).
    """
    frame = frame.with_columns([pl.col(c).cast(pl.Float64) for c in INPUT_COLUMNS.values()])
    _validate(frame)
    joined = frame.lazy().join(_size_table().lazy(), on="industry_code", how="left", maintain_order="left")
    met = {}
    for size in SIZES[:3]:
        conditions = [
            pl.when(pl.col(f"{indicator}_{size}").is_null())
            .then(pl.lit(True))
            .otherwise(pl.col(column) >= pl.col(f"{indicator}_{size}"))
            for indicator, column in INPUT_COLUMNS.items()
        ]
        met[size] = conditions[0] & conditions[1] & conditions[2]
    large, medium, small = (met[s] for s in SIZES[:3])
    covered = pl.col("group_no").is_not_null()
    undetermined_by_data = large.is_null() | (
        large.not_() & (medium.is_null() | (medium.not_() & small.is_null()))
    )
    size_expr = (
        pl.when(~covered)
        .then(pl.lit("undetermined"))
        .when(large.fill_null(False))
        .then(pl.lit("large"))
        .when(large.is_null())
        .then(pl.lit("undetermined"))
        .when(medium.fill_null(False))
        .then(pl.lit("medium"))
        .when(medium.is_null())
        .then(pl.lit("undetermined"))
        .when(small.fill_null(False))
        .then(pl.lit("small"))
        .when(small.is_null())
        .then(pl.lit("undetermined"))
        .otherwise(pl.lit("micro"))
    )
    rule = (
        pl.when(size_expr == "large")
        .then(pl.col("rule_large"))
        .when(size_expr == "medium")
        .then(pl.col("rule_medium"))
        .when(size_expr == "small")
        .then(pl.col("rule_small"))
        .when(size_expr == "micro")
        .then(pl.col("rule_micro"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    reason = (
        pl.when(~covered)
        .then(pl.lit("industry_not_covered"))
        .when(undetermined_by_data)
        .then(pl.lit("missing_data"))
        .otherwise(pl.lit("decided"))
    )
    # Every level of a group uses the same indicators, so the large bounds say which are used.
    missing = pl.concat_list(
        [
            pl.when(
                undetermined_by_data
                & covered
                & pl.col(column).is_null()
                & pl.col(f"{ind}_large").is_not_null()
            )
            .then(pl.lit(column))
            .otherwise(pl.lit(None, dtype=pl.String))
            for ind, column in INPUT_COLUMNS.items()
        ]
    ).list.drop_nulls()
    result = joined.with_columns(size_class=size_expr, rule=rule, reason=reason, missing=missing).select(
        [*frame.columns, "size_class", "group_no", "rule", "reason", "missing"]
    )
    return result.collect()


@cache
def _de_table() -> pl.DataFrame:
    """One row per GB/T class that has DE classes: sorted codes, partial flags and the core flag."""
    table = digital_economy_table()
    rows = []
    for code, entries in table.by_industry_class.items():
        ordered = sorted(entries, key=lambda entry: entry[0].code)
        rows.append(
            {
                "industry_code": code,
                "de_codes": [sub.code for sub, _ in ordered],
                "de_partial": [partial for _, partial in ordered],
                "de_core": any(sub.category in CORE_CATEGORIES for sub, _ in ordered),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "industry_code": pl.String(),
            "de_codes": pl.List(pl.String()),
            "de_partial": pl.List(pl.Boolean()),
            "de_core": pl.Boolean(),
        },
    )


def digital_economy_class_batch(frame: pl.DataFrame) -> pl.DataFrame:
    """Add de_codes, de_partial (lists) and de_core columns; classes with no DE class get empty lists."""
    codes = frame.get_column("industry_code")
    bad = codes.filter(~codes.is_in(pl.Series(industry_table().class_codes()).implode()) | codes.is_null())
    if len(bad):
        raise UnknownCodeError(
            "GB/T 4754-2017 industry", bad[0], f"not a GB/T 4754-2017 class ({len(bad)} rows)"
        )
    joined = frame.join(_de_table(), on="industry_code", how="left", maintain_order="left")
    return joined.with_columns(
        pl.col("de_codes").fill_null(pl.lit([], dtype=pl.List(pl.String()))),
        pl.col("de_partial").fill_null(pl.lit([], dtype=pl.List(pl.Boolean()))),
        pl.col("de_core").fill_null(False),
    )
