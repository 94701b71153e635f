"""Synthetic inputs for the batch jobs (engines/batch): snapshots with edge values, assessment responses.

For the parity test and benchmarks/batch_spark.py. Pure numpy + Polars, no Django. A snapshot is the
demo region (funeng.apps.demo.generator) with three changes that make engines disagree if they ever
will: a share of firms moved to every region a programme names; values put exactly on the thresholds
of the size rules and of every numeric policy condition (and one step below); and more nulls.
Responses answer a maturity framework with options, band bounds, before/after pairs whose change
lands exactly on a band, scenario levels 0-4 and missing answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl

from engines.batch.jobs import SNAPSHOT
from engines.maturity.framework import Framework
from engines.reference.sme_size import size_rules
from engines.rules.derive import DERIVATIONS
from engines.rules.evaluate import years_before
from engines.rules.fields import FIELDS
from engines.rules.loader import load_programmes
from engines.rules.model import Leaf, walk
from funeng.apps.demo.generator import credit_codes, generate_enterprises

# One county-level code inside each region a shipped programme names (Beijing, Shanghai, Shenzhen…).
PROGRAMME_REGIONS = ("110105", "310101", "440305", "120101", "370102", "130102", "430102", "330106")
EDGE_SHARE = 0.5  # of rows that get one edge case
NULL_SHARE = 0.05  # extra nulls in every optional column
_SIZE_COLUMNS = {"employees": "employees", "revenue": "revenue_cny", "assets": "assets_cny"}
_NEVER_NULL = {name for name, column in SNAPSHOT.items() if column.required}


@dataclass(frozen=True, slots=True)
class _Edge:
    """Values to put on some rows: column → value (one row's worth), applied together."""

    values: dict[str, object]


def _step_below(field: str, value: Decimal) -> Decimal:
    kind = FIELDS[field].type
    return value - (
        Decimal(1) if kind == "count" else Decimal("0.01") if kind == "money" else Decimal("0.000001")
    )


def _amount(rng: np.random.Generator) -> Decimal:
    """A round amount (whole 10,000 CNY) so that ratio × amount is a whole number of cents."""
    return Decimal(int(rng.integers(100, 100_000)) * 10_000)


def _derived_edge(name: str, target: Decimal, rng: np.random.Generator) -> _Edge | None:
    """Stored inputs whose derived ratio is exactly `target` (None when counts cannot hit it)."""
    derivation = DERIVATIONS[name]
    counts = FIELDS[derivation.denominator[0]].type == "count"
    parts = {
        part: Decimal(int(rng.integers(1, 50)) * 100) if counts else _amount(rng)
        for part in derivation.denominator
    }
    numerator = (target + derivation.offset) * sum(parts.values())
    if counts and numerator != numerator.to_integral_value():
        return None
    if not counts and numerator != numerator.quantize(Decimal("0.01")):
        return None
    parts[derivation.numerator[0]] = numerator
    parts.update({extra: Decimal(0) for extra in derivation.numerator[1:]})
    return _Edge({part: _cell(part, value) for part, value in parts.items()})


def _cell(name: str, value: Decimal) -> object:
    return int(value) if FIELDS[name].type == "count" else float(value)


def _edges(as_of: dt.date, rng: np.random.Generator) -> list[_Edge]:
    """One edge case per threshold of every programme in force on as_of (exact and one step below)."""
    edges: list[_Edge] = []
    for programme in load_programmes().values():
        for leaf in walk(programme.conditions):
            if not isinstance(leaf, Leaf):
                continue
            if leaf.op == "years_at_least":
                day = years_before(as_of, int(leaf.threshold_on(as_of)))
                edges += [_Edge({"founded_on": day}), _Edge({"founded_on": day + dt.timedelta(days=1)})]
            if leaf.op not in (">=", ">", "<=", "<"):
                continue
            threshold = leaf.threshold_on(as_of)
            for target in (threshold, _step_below(leaf.fields[0], threshold)):
                if len(leaf.fields) > 1:  # a sum of counts: split the target over the parts
                    cut = sorted(int(c) for c in rng.integers(0, int(target) + 1, len(leaf.fields) - 1))
                    shares = np.diff([0, *cut, int(target)])
                    edges.append(_Edge({f: int(s) for f, s in zip(leaf.fields, shares, strict=True)}))
                elif leaf.fields[0] in DERIVATIONS:
                    edge = _derived_edge(leaf.fields[0], target, rng)
                    if edge is not None:
                        edges.append(edge)
                else:
                    edges.append(_Edge({leaf.fields[0]: _cell(leaf.fields[0], target)}))
    return edges


def _size_edges(frame: pl.DataFrame, rng: np.random.Generator, rows: np.ndarray) -> pl.DataFrame:
    """Put an indicator of each chosen row exactly on (or one below) a bound of its industry's group."""
    rules = size_rules()
    codes = frame.get_column("industry_code").to_list()
    updates: dict[str, list[tuple[int, float]]] = {column: [] for column in _SIZE_COLUMNS.values()}
    for row in rows:
        group = rules.group_for(codes[row])
        if group is None or not group.indicators:
            continue
        indicator = group.indicators[int(rng.integers(0, len(group.indicators)))]
        bound = group.levels[int(rng.integers(0, 3))].bound(indicator)
        if bound is None:
            continue
        below = rng.random() < 0.3
        value = float(bound) - ((1 if indicator == "employees" else 0.01) if below else 0)
        updates[_SIZE_COLUMNS[indicator]].append((int(row), value))
    columns = []
    for column, pairs in updates.items():
        if pairs:
            index, values = zip(*pairs, strict=True)
            series = frame.get_column(column).scatter(
                list(index), pl.Series(values).cast(frame.schema[column])
            )
            columns.append(series)
    return frame.with_columns(columns)


def edge_snapshot(n: int, seed: int, as_of: dt.date, *, offset: int = 0) -> pl.DataFrame:
    """n enterprises in the snapshot layout (engines.batch.jobs.SNAPSHOT) with edge values and extra nulls.

    `offset` numbers the credit codes, so chunks generated with different offsets never share one.
    """
    rng = np.random.default_rng([seed, offset])
    frame = generate_enterprises(n, seed + offset)
    # Unique across chunks: the organisation-code body is the row's number in the whole run.
    regions = np.array(PROGRAMME_REGIONS)[rng.integers(0, len(PROGRAMME_REGIONS), n)]
    moved = rng.random(n) < 0.5
    region = np.where(moved, regions, frame.get_column("region_code").to_numpy().astype(str))
    codes = credit_codes(region.astype("S6"), np.arange(offset, offset + n, dtype=np.int64))
    frame = frame.with_columns(
        pl.Series("credit_code", codes, dtype=pl.Binary).cast(pl.String), pl.Series("region_code", region)
    )
    # Edge cases: each chosen row gets one, from the policy thresholds or the size bounds.
    edges = _edges(as_of, rng)
    chosen = np.flatnonzero(rng.random(n) < EDGE_SHARE)
    kind = rng.integers(0, len(edges) + 1, len(chosen))  # the last kind: a size-rule bound
    frame = _size_edges(frame, rng, chosen[kind == len(edges)])
    columns: dict[str, tuple[list[int], list[object]]] = {}
    for row, k in zip(chosen, kind, strict=True):
        if k < len(edges):
            for column, value in edges[k].values.items():
                index, values = columns.setdefault(column, ([], []))
                index.append(int(row))
                values.append(value)
    frame = frame.with_columns(
        frame.get_column(column).scatter(index, pl.Series(values, dtype=frame.schema[column]))
        for column, (index, values) in columns.items()
    )
    # More unknowns than the demo's, in every column a snapshot may leave empty; srdi_level also blank.
    nulls = {
        name: rng.random(n) < NULL_SHARE
        for name in frame.columns
        if name not in _NEVER_NULL and name != "name"
    }
    frame = frame.with_columns(
        pl.when(pl.Series(mask)).then(None).otherwise(pl.col(name)).alias(name)
        for name, mask in nulls.items()
    )
    return frame.select(list(SNAPSHOT))


def responses(framework: Framework, credit_code: pl.Series, seed: int) -> pl.DataFrame:
    """One response per credit code, in the assessment job's layout (credit_code + answer columns)."""
    n = credit_code.len()
    rng = np.random.default_rng([seed, len(framework.questions)])
    columns: list[pl.Series] = [credit_code.alias("credit_code")]

    def holes(values: pl.Series) -> pl.Series:
        blank = pl.Series(rng.random(n) < NULL_SHARE)
        return pl.select(pl.when(blank).then(None).otherwise(values)).to_series().alias(values.name)

    for q in framework.questions:
        if q.type == "single":
            ids = np.array([o.id for o in q.options])
            columns.append(holes(pl.Series(q.id, ids[rng.integers(0, len(ids), n)])))
        elif q.type == "multiple":
            plain = [o.id for o in q.options if not o.exclusive]
            alone = [o.id for o in q.options if o.exclusive]
            picks = pl.DataFrame({o: rng.random(n) < 0.4 for o in plain})
            chosen = picks.select(
                pl.concat_list(
                    pl.when(pl.col(o)).then(pl.lit(o)).otherwise(None) for o in plain
                ).list.drop_nulls()
            ).to_series()
            # Some answer "none of these" on its own (an exclusive option); the rest may choose nothing.
            only = pl.Series(rng.random(n) < 0.1) & pl.lit(bool(alone))
            lists = pl.select(pl.when(only).then(pl.lit(alone[:1] or [""])).otherwise(chosen)).to_series()
            columns.append(holes(lists.alias(q.id)))
        elif q.type == "number":
            low, high = q.min_value or 0.0, q.max_value if q.max_value is not None else 100.0
            values = np.round(rng.uniform(low, high, n), 2)
            bounds = np.array([low, high, *(b.lower for b in q.bands if b.lower is not None)])
            at_bound = rng.random(n) < 0.3
            values = np.where(at_bound, bounds[rng.integers(0, len(bounds), n)], values)
            columns.append(holes(pl.Series(q.id, values)))
        elif q.type == "before_after":
            before = np.round(rng.uniform(1, 90, n), 2)
            after = np.round(before * rng.uniform(0.8, 1.25, n), 2)
            if q.max_value is not None:
                after = np.minimum(after, q.max_value)
            # Before 50: every band bound b (a change of b %) is an after of 50 ± b/2, exact in float.
            lowers = np.array([b.lower for b in q.bands if b.lower is not None])
            sign = -1 if q.direction == "decrease" else 1
            on_band = rng.random(n) < 0.3
            after = np.where(on_band, 50 + sign * lowers[rng.integers(0, len(lowers), n)] / 2, after)
            before = np.where(on_band, 50.0, before)
            missing = rng.random(n) < NULL_SHARE
            columns.append(pl.Series(f"{q.id}__before", np.where(missing, np.nan, before)).fill_nan(None))
            columns.append(pl.Series(f"{q.id}__after", np.where(missing, np.nan, after)).fill_nan(None))
        else:
            columns.append(holes(pl.Series(q.id, rng.integers(0, 5, n))))
    return pl.DataFrame(columns)


def write_parts(frame: pl.DataFrame, directory: Path, parts: int, seed: int = 0) -> Path:
    """Write a frame as `parts` Parquet part files of unequal sizes; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    cuts: list[int] = []
    if parts > 1:
        cuts = sorted(int(c) for c in rng.choice(np.arange(1, frame.height), size=parts - 1, replace=False))
    bounds = [0, *cuts, frame.height]
    for number, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        frame.slice(start, end - start).write_parquet(directory / f"part-{number:05d}.parquet")
    return directory


def snapshot_chunks(rows: int, seed: int, as_of: dt.date, chunk: int = 1_000_000) -> Iterator[pl.DataFrame]:
    """A large snapshot generated a chunk at a time (for benchmarks), credit codes unique across chunks."""
    for offset in range(0, rows, chunk):
        yield edge_snapshot(min(chunk, rows - offset), seed, as_of, offset=offset)
