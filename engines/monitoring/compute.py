"""Platform indicators over a snapshot: ONE Ibis expression, run on DuckDB (default) or PySpark.

Batch path: `platform_values` builds the expression (county level, every disaggregation) from the
indicator definitions; `compute_platform` registers the snapshot on a backend, executes that same
expression object and rolls the counties up to cities and the province in Polars.

One path: `explain_value` counts one indicator for one region and year in plain Python over the rows,
with a sentence a person can check. Tests prove the two agree.

How the expression is shaped (one pass over each table per year, whatever the number of
indicators): every distinct `Count` of the indicators becomes a 0/1 flag per enterprise. Flags on
enterprise columns are computed on the enterprise row; flags on assessments, deals and designations
are a conditional MAX per credit_code over that table's rows that count in the year, left-joined to
the enterprises existing in the year. Summing a flag counts distinct enterprises. Flags on factories
are per factory row instead, summed in the factory's own county. The flags are summed
by (county, section, size class, DE core), then that small table is unnested into the total and one
row per disaggregation, and unnested again into one row per indicator.
"""

from __future__ import annotations

import operator
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import polars as pl

from engines.monitoring.indicators import Count, Filter, Indicator, platform_indicators
from engines.monitoring.snapshot import (
    KEY,
    ROW_COUNTED,
    SIZE_CLASSES,
    SNAPSHOT_TABLES,
    UNKNOWN,
    bool_category,
    check_frame,
    division_sections,
    empty_frame,
    rows_for_year,
    section_of,
    size_category,
)
from engines.reference.regions import region_prefix

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

BACKENDS = ("duckdb", "pyspark")
# The disaggregations computed as (dimension, category) rows; "region" is the county row itself.
DIMENSIONS = ("industry_section", "industry_division", "size_class", "de_core")
LEVELS = ("county", "city", "province")
LEVEL_MAX = 1000  # assessment levels are 0..999: the latest is found as max(year * 1000 + level)

OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "year": pl.Int32(),
    "region_code": pl.String(),
    "dimension": pl.String(),
    "category": pl.String(),
    "numerator": pl.Int64(),
    "denominator": pl.Int64(),
}


def _condition(columns: Mapping[str, ir.Value], filters: Sequence[Filter]) -> ir.BooleanValue:
    """All filters hold; a filter on a null value does not (as SQL filters and `_matches` treat it).

    Without filters: true on every row (a column, so that it can be aggregated).
    """
    result: ir.BooleanValue = columns[KEY].notnull() | True
    for f in filters:
        column: Any = columns[f.field]
        value: Any = f.value
        if f.op == "is_true":
            cond = column == True  # noqa: E712 (an Ibis comparison, not a Python one)
        elif f.op == "in":
            cond = column.isin(list(value))
        else:
            cond = {
                "eq": column.__eq__,
                "ne": column.__ne__,
                "ge": column.__ge__,
                "le": column.__le__,
                "gt": column.__gt__,
                "lt": column.__lt__,
            }[f.op](value)
        result = result & cond.fill_null(False)
    return result


def _flag(columns: Mapping[str, ir.Value], count: Count) -> ir.IntegerValue:
    return ibis.ifelse(_condition(columns, count.filters), 1, 0).cast("int64")


def _counts(indicators: Sequence[Indicator]) -> dict[Count, str]:
    """Every distinct count of the indicators, named f0, f1, … (a count shared by two is computed once)."""
    names: dict[Count, str] = {}
    for ind in indicators:
        if ind.definition is None:
            raise ValueError(f"indicator {ind.id} is reported, not computed by the platform")
        for count in (ind.definition.numerator, ind.definition.denominator):
            if count is not None and count not in names:
                names[count] = f"f{len(names)}"
    return names


def _section(industry_code: ir.StringValue) -> ir.StringValue:
    division = industry_code.substr(0, 2)
    by_section: dict[str, list[str]] = {}
    for div, section in division_sections().items():
        by_section.setdefault(section, []).append(div)
    branches = [(division.isin(divs), section) for section, divs in by_section.items()]
    return ibis.cases(*branches, else_=UNKNOWN)


def _division(industry_code: ir.StringValue) -> ir.StringValue:
    division = industry_code.substr(0, 2)
    return ibis.ifelse(division.isin(list(division_sections())), division, UNKNOWN)


def _year_values(tables: Mapping[str, ir.Table], indicators: Sequence[Indicator], year: int) -> ir.Table:
    counts = _counts(indicators)
    ent = tables["enterprises"]
    ent = ent.filter(ent.founded_year.isnull() | (ent.founded_year <= year))
    cols: dict[str, Any] = {
        KEY: ent[KEY],
        "region_code": ent.region_code,
        "industry_section": _section(ent.industry_code),
        "industry_division": _division(ent.industry_code),
        "size_class": ibis.ifelse(ent.size_class.isin(list(SIZE_CLASSES)), ent.size_class, UNKNOWN),
        "de_core": ent.de_core.cases((True, "true"), (False, "false"), else_=UNKNOWN),
    }
    own = {name: count for count, name in counts.items() if count.table == "enterprises"}
    cols.update({name: _flag(ent, count) for name, count in own.items()})
    base = ent.select(**cols)

    per_table: dict[str, ir.Table] = {}
    for table in ("assessments", "deals", "designations"):
        wanted = {name: count for count, name in counts.items() if count.table == table}
        if not wanted:
            continue
        t = tables[table]
        if table == "assessments":
            t = t.filter(t.year.notnull() & t.maturity_level.notnull() & (t.year <= year))
            key = t.year.cast("int64") * LEVEL_MAX + t.maturity_level.cast("int64")
            latest = t.group_by(KEY).aggregate(latest=key.max())
            view: dict[str, Any] = {
                "year": (latest.latest // LEVEL_MAX).cast("int32"),
                "maturity_level": (latest.latest % LEVEL_MAX).cast("int32"),
                KEY: latest[KEY],
            }
            per_table[table] = latest.select(latest[KEY], **{n: _flag(view, c) for n, c in wanted.items()})
            continue
        if table == "deals":
            t = t.filter(t.year <= year)
        else:
            t = t.filter((t.from_year <= year) & (t.to_year.isnull() | (t.to_year > year)))
        per_table[table] = t.group_by(KEY).aggregate(**{n: _flag(t, c).max() for n, c in wanted.items()})

    joined = base
    for flags in per_table.values():
        names = [c for c in flags.columns if c != KEY]
        joined = joined.left_join(flags, joined[KEY] == flags[KEY]).select(
            *[joined[c] for c in joined.columns], *[flags[c].fill_null(0).name(c) for c in names]
        )

    by_factory = {name: count for count, name in counts.items() if count.table in ROW_COUNTED}
    zero = ibis.literal(0, type="int64")
    if by_factory:
        joined = joined.mutate(**{name: zero for name in by_factory})
    fine = joined.group_by(["region_code", *DIMENSIONS]).aggregate(
        **{name: joined[name].sum().cast("int64") for name in counts.values()}
    )
    if by_factory:
        # Factories count one by one in their own county, with their enterprise's other attributes;
        # their rows are added to the enterprises' (zero in every other count) and summed again.
        f = tables["factories"]
        f = f.filter(
            f.region_code.notnull() & (f.from_year <= year) & (f.to_year.isnull() | (f.to_year > year))
        )
        sites = f.inner_join(base, f[KEY] == base[KEY]).select(
            f.region_code, *[base[d] for d in DIMENSIONS], **{n: _flag(f, c) for n, c in by_factory.items()}
        )
        sites = sites.mutate(**{name: zero for name in counts.values() if name not in by_factory})
        extra = sites.group_by(["region_code", *DIMENSIONS]).aggregate(
            **{name: sites[name].sum().cast("int64") for name in counts.values()}
        )
        both = fine.union(extra, distinct=False)
        fine = both.group_by(["region_code", *DIMENSIONS]).aggregate(
            **{name: both[name].sum().cast("int64") for name in counts.values()}
        )
    splits = [ibis.struct({"dimension": ibis.literal(""), "category": ibis.literal("")})]
    splits += [ibis.struct({"dimension": ibis.literal(d), "category": fine[d]}) for d in DIMENSIONS]
    exploded = fine.mutate(split=ibis.array(splits).unnest())
    exploded = exploded.mutate(dimension=exploded.split["dimension"], category=exploded.split["category"])
    by_dim = exploded.group_by(["region_code", "dimension", "category"]).aggregate(
        **{name: exploded[name].sum().cast("int64") for name in counts.values()}
    )

    null_count = ibis.null().cast("int64")
    rows = []
    for ind in indicators:
        assert ind.definition is not None
        shown = ["", *(d for d in DIMENSIONS if d in ind.disaggregations)]
        den = ind.definition.denominator
        rows.append(
            ibis.struct(
                {
                    "indicator": ibis.literal(ind.id),
                    "numerator": by_dim[counts[ind.definition.numerator]],
                    "denominator": null_count if den is None else by_dim[counts[den]],
                    "shown": by_dim.dimension.isin(shown),
                }
            )
        )
    long = by_dim.mutate(row=ibis.array(rows).unnest())
    long = long.filter(long.row["shown"])
    return long.select(
        indicator=long.row["indicator"],
        year=ibis.literal(year, type="int32"),
        region_code=long.region_code,
        dimension=long.dimension,
        category=long.category,
        numerator=long.row["numerator"],
        denominator=long.row["denominator"],
    )


def platform_values(
    tables: Mapping[str, ir.Table], indicators: Sequence[Indicator], years: Sequence[int]
) -> ir.Table:
    """ONE Ibis expression: per indicator, year and county, the total and every disaggregation row.

    Columns: indicator, year, region_code (county), dimension ("" for the total), category ("" for
    the total; a GB/T 4754 section letter, a size class or "true"/"false"; "unknown" when missing),
    numerator, denominator (null for an indicator without one). Only counties with an enterprise
    (or, when a count is of factories, a factory) existing in the year appear.
    """
    if not years:
        raise ValueError("platform_values needs at least one year")
    if not indicators:
        raise ValueError("platform_values needs at least one platform indicator")
    parts = [_year_values(tables, indicators, int(y)) for y in sorted(set(years))]
    result = parts[0]
    for part in parts[1:]:
        result = result.union(part, distinct=False)
    return result


def _connect(backend: str, session: SparkSession | None) -> Any:
    if backend == "duckdb":
        return ibis.duckdb.connect()
    if backend == "pyspark":
        from engines.batch.spark_runner import spark_session

        return ibis.pyspark.connect(session or spark_session())
    raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")


def _parquet_source(path: Path) -> str:
    return str(path / "*.parquet") if path.is_dir() else str(path)


def _register(con: Any, backend: str, name: str, source: Path | pl.DataFrame, scratch: Path) -> ir.Table:
    if isinstance(source, pl.DataFrame):
        frame = check_frame(name, source)
        if backend == "duckdb":
            con.con.register(name, frame.to_arrow())
            return con.table(name)
        # Spark reads files: a frame goes through a scratch Parquet file.
        path = scratch / f"{name}.parquet"
        frame.write_parquet(path)
        source = path
    table = con.read_parquet(_parquet_source(Path(source)), table_name=name)
    return table.select(*[table[c].cast(_IBIS_TYPES[t.__class__]) for c, t in SNAPSHOT_TABLES[name].items()])


_IBIS_TYPES: dict[type, str] = {pl.String: "string", pl.Int32: "int32", pl.Boolean: "boolean"}


def _rollup(county: pl.DataFrame, indicators: Sequence[Indicator]) -> pl.DataFrame:
    """County rows summed to cities (code[:4]+"00") and the province (code[:2]+"0000").

    Summing is valid because every count is of distinct enterprises (or of factories) and an
    enterprise (a factory) lies in exactly one county: the city's are the disjoint union of its
    counties'.
    """
    keys = ["indicator", "year", "region_code", "dimension", "category"]
    levels = [county.with_columns(level=pl.lit("county"))]
    for level, prefix, pad in (("city", 4, "00"), ("province", 2, "0000")):
        up = county.with_columns(region_code=pl.col("region_code").str.slice(0, prefix) + pad)
        summed = up.group_by(keys).agg(pl.col("numerator").sum(), pl.col("denominator").sum())
        levels.append(summed.with_columns(level=pl.lit(level)))
    frame = pl.concat([f.select(*keys, "level", "numerator", "denominator") for f in levels])
    factors = {i.id: i.definition.factor for i in indicators if i.definition is not None}
    with_den = [i.id for i in indicators if i.definition is not None and i.definition.denominator is not None]
    has_den = pl.col("indicator").is_in(with_den)
    frame = frame.with_columns(
        numerator=pl.col("numerator").cast(pl.Int64),
        denominator=pl.when(has_den).then(pl.col("denominator").cast(pl.Int64)).otherwise(None),
    )
    factor = pl.col("indicator").replace_strict(factors, return_dtype=pl.Float64)
    value = (
        pl.when(~has_den)
        .then(pl.col("numerator").cast(pl.Float64))
        .when(pl.col("denominator") == 0)
        .then(None)
        .otherwise(pl.col("numerator") / pl.col("denominator") * factor)
    )
    frame = frame.with_columns(value=value)
    order = pl.col("level").replace_strict({lv: i for i, lv in enumerate(LEVELS)}, return_dtype=pl.Int8)
    return frame.sort(
        [
            pl.col("indicator"),
            pl.col("year"),
            order,
            pl.col("region_code"),
            pl.col("dimension"),
            pl.col("category"),
        ]
    )


def compute_platform(
    snapshot: Mapping[str, Path | pl.DataFrame],
    years: Sequence[int],
    indicators: Sequence[Indicator] | None = None,
    backend: str = "duckdb",
    session: SparkSession | None = None,
) -> pl.DataFrame:
    """Every platform indicator by county, city and province, total and disaggregated.

    `snapshot` maps table names to Parquet files (or directories of part files) or Polars frames;
    a missing table other than enterprises is empty. Columns: indicator, year, region_code,
    dimension, category, level, numerator, denominator, value; sorted by indicator, year, level
    (county, city, province), region_code, dimension, category.
    """
    chosen = list(indicators) if indicators is not None else platform_indicators()
    chosen = [i for i in chosen if i.source == "platform"]
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if "enterprises" not in snapshot:
        raise ValueError("the snapshot needs an enterprises table")
    con = _connect(backend, session)
    with tempfile.TemporaryDirectory(prefix="funeng-monitoring-") as scratch:
        tables = {
            name: _register(con, backend, name, snapshot.get(name, empty_frame(name)), Path(scratch))
            for name in SNAPSHOT_TABLES
        }
        expr = platform_values(tables, chosen, years)
        county = pl.from_arrow(expr.to_pyarrow())
    assert isinstance(county, pl.DataFrame)
    county = county.select(pl.col(c).cast(t) for c, t in OUTPUT_SCHEMA.items())
    return _rollup(county, chosen)


# One path ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValueExplanation:
    numerator: int
    denominator: int | None
    value: float | None
    explanation_zh: str
    explanation_en: str


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "in": lambda v, target: v in target,
    "eq": operator.eq,
    "ne": operator.ne,
    "ge": operator.ge,
    "le": operator.le,
    "gt": operator.gt,
    "lt": operator.lt,
}


def _matches(row: Mapping[str, Any], filters: Sequence[Filter]) -> bool:
    """All filters hold on the row; a filter on a null value does not."""
    for f in filters:
        v = row.get(f.field)
        if v is None:
            return False
        if f.op == "is_true":
            if v is not True:
                return False
        elif not _COMPARE[f.op](v, f.value):
            return False
    return True


def _count_one(rows: Mapping[str, Mapping[str, list[dict[str, Any]]]], count: Count) -> int:
    return sum(1 for group in rows[count.table].values() if any(_matches(r, count.filters) for r in group))


def _describe(count: Count) -> tuple[str, str]:
    what_zh = {
        "enterprises": "当年存续的企业",
        "assessments": "有数字化水平评测的企业（取截至当年最近一次评测）",
        "deals": "截至当年通过撮合达成成交的企业",
        "designations": "当年处于认定名录内的企业",
        "factories": "当年位于本地区、已在平台登记的工厂（按工厂计）",
    }[count.table]
    what_en = {
        "enterprises": "enterprises existing in the year",
        "assessments": "enterprises with a maturity assessment (their latest up to the year)",
        "deals": "enterprises with a deal agreed through matchmaking up to the year",
        "designations": "enterprises on a designation list in the year",
        "factories": "factories in the region registered on the platform in the year (counted by factory)",
    }[count.table]
    if count.filters:
        cond = "，".join(
            f"{f.field} {f.op} {f.value}" if f.op != "is_true" else f.field for f in count.filters
        )
        cond_en = ", ".join(
            f"{f.field} {f.op} {f.value}" if f.op != "is_true" else f.field for f in count.filters
        )
        what_zh += f"（{cond}）"
        what_en += f" ({cond_en})"
    return what_zh, what_en


def explain_value(
    indicator: Indicator, snapshot: Mapping[str, pl.DataFrame], region_code: str, year: int
) -> ValueExplanation:
    """One indicator for one region (county, city xxxx00 or province xx0000) and year, with reasons."""
    definition = indicator.definition
    if definition is None:
        raise ValueError(f"indicator {indicator.id} is reported, not computed by the platform")
    prefix = region_prefix(region_code)
    ents = snapshot["enterprises"]
    codes = {
        row[KEY]
        for row in ents.select(KEY, "region_code").iter_rows(named=True)
        if row["region_code"] is not None and row["region_code"].startswith(prefix)
    }
    frames = {name: snapshot.get(name, empty_frame(name)) for name in SNAPSHOT_TABLES}
    rows = rows_for_year(frames, year, codes, prefix)
    numerator = _count_one(rows, definition.numerator)
    denominator = None if definition.denominator is None else _count_one(rows, definition.denominator)
    value: float | None
    if denominator is None:
        value = float(numerator)
    elif denominator == 0:
        value = None
    else:
        value = numerator / denominator * definition.factor
    num_zh, num_en = _describe(definition.numerator)
    shown = "—" if value is None else f"{value:.4g}"
    unit_zh = "个" if definition.numerator.table in ROW_COUNTED else "家"
    zh = f"{region_code} {year}年{indicator.name_zh}：{num_zh} {numerator} {unit_zh}"
    en = f"{indicator.name_en}, {region_code}, {year}: {num_en}: {numerator}"
    if definition.denominator is not None:
        den_zh, den_en = _describe(definition.denominator)
        zh += f"；{den_zh} {denominator} 家；{numerator} ÷ {denominator} × {definition.factor:g} = {shown}{indicator.unit}"
        en += f"; {den_en}: {denominator}; {numerator} / {denominator} × {definition.factor:g} = {shown} {indicator.unit}"
        if denominator == 0:
            zh += "（分母为零，无值）"
            en += " (the denominator is zero: no value)"
    else:
        zh += f"，即 {shown}{indicator.unit}"
        en += f", i.e. {shown} {indicator.unit}"
    return ValueExplanation(numerator, denominator, value, zh + "。", en + ".")


__all__ = [
    "BACKENDS",
    "LEVELS",
    "ValueExplanation",
    "bool_category",
    "compute_platform",
    "explain_value",
    "platform_values",
    "section_of",
    "size_category",
]
