"""The batch path: a programme compiled to Polars expressions, one nullable boolean per node.

True = PASS, False = FAIL, null = UNKNOWN. Polars' &, |, all_horizontal and any_horizontal follow
Kleene logic on nulls, which is exactly the three-valued logic of the one path, so no row is ever
handled in Python. Ratios and money are float64 here: every input has at most 15 significant digits
(checked on entry), so float64 orders them exactly as Decimal does, including values on a threshold.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from engines.rules.evaluate import years_before
from engines.rules.fields import FIELDS
from engines.rules.model import Group, Leaf, Node, Programme, walk

POLARS_DTYPE: dict[str, Any] = {
    "money": pl.Float64,
    "ratio": pl.Float64,
    "count": pl.Int64,
    "bool": pl.Boolean,
    "code": pl.String,
    "date": pl.Date,
}
_UNKNOWN = pl.lit(None, dtype=pl.Boolean)


def schema_for(programme: Programme) -> dict[str, Any]:
    """Polars dtypes of the fields a programme reads."""
    return {name: POLARS_DTYPE[FIELDS[name].type] for name in programme.fields()}


def _leaf_expr(leaf: Leaf, as_of: dt.date) -> pl.Expr:
    if leaf.op in ("qualitative", "discretionary"):
        return _UNKNOWN
    col = pl.col(leaf.fields[0])
    if leaf.op == "is_set":
        return col.is_not_null()
    if len(leaf.fields) > 1:
        threshold = float(leaf.threshold_on(as_of))
        total = pl.sum_horizontal(*(pl.col(name).fill_null(0) for name in leaf.fields))
        reached = total >= threshold if leaf.op == ">=" else total > threshold
        any_null = pl.any_horizontal(*(pl.col(name).is_null() for name in leaf.fields))
        return pl.when(reached).then(True).when(any_null).then(_UNKNOWN).otherwise(False)
    if leaf.op in (">=", ">", "<=", "<"):
        threshold = float(leaf.threshold_on(as_of))
        return {">=": col >= threshold, ">": col > threshold, "<=": col <= threshold, "<": col < threshold}[
            leaf.op
        ]
    if leaf.op == "years_at_least":
        return col <= pl.lit(years_before(as_of, int(leaf.threshold_on(as_of))))
    if leaf.op == "is_true":
        return col
    if leaf.op in ("==", "in"):
        return col.is_in(list(leaf.values))
    if leaf.op == "region_prefix":
        return pl.any_horizontal(*(col.str.starts_with(prefix) for prefix in leaf.values))
    return col.str.slice(0, 2).is_in(list(leaf.values))


def _group_expr(group: Group, children: list[pl.Expr]) -> pl.Expr:
    if group.kind == "all":
        return pl.all_horizontal(*children)
    if group.kind == "any":
        return pl.any_horizontal(*children)
    passed = pl.sum_horizontal(*(child.fill_null(False).cast(pl.Int32) for child in children))
    not_failed = pl.sum_horizontal(*(child.fill_null(True).cast(pl.Int32) for child in children))
    return pl.when(passed >= group.n).then(True).when(not_failed < group.n).then(False).otherwise(_UNKNOWN)


def node_column(node_id: str) -> str:
    """Name of the column holding a node's state in the working frame."""
    return f"__node__{node_id}"


def state_stages(programme: Programme, as_of: dt.date) -> list[list[pl.Expr]]:
    """with_columns stages, leaves first, then groups by height, so each node is computed once."""
    height: dict[str, int] = {}

    def measure(node: Node) -> int:
        h = 0 if isinstance(node, Leaf) else 1 + max(measure(child) for child in node.children)
        height[node.id] = h
        return h

    measure(programme.conditions)
    stages: list[list[pl.Expr]] = [[] for _ in range(max(height.values()) + 1)]
    for node in walk(programme.conditions):
        if isinstance(node, Leaf):
            expr = _leaf_expr(node, as_of)
        else:
            expr = _group_expr(node, [pl.col(node_column(child.id)) for child in node.children])
        stages[height[node.id]].append(expr.alias(node_column(node.id)))
    return stages


def outcome_expr(programme: Programme) -> pl.Expr:
    """eligible / not_eligible / undetermined from the root's state."""
    root = pl.col(node_column(programme.conditions.id))
    return (
        pl.when(root.is_null())
        .then(pl.lit("undetermined"))
        .when(root)
        .then(pl.lit("eligible"))
        .otherwise(pl.lit("not_eligible"))
        .alias("outcome")
    )


def _reason_exprs(programme: Programme) -> list[pl.Expr]:
    """Masks of 'fails and matters' and 'unknown and decides' per leaf, gathered into id lists."""
    matters: dict[str, pl.Expr] = {}
    decides: dict[str, pl.Expr] = {}

    def visit(node: Node, matter: pl.Expr, decide: pl.Expr) -> None:
        matters[node.id], decides[node.id] = matter, decide
        if isinstance(node, Group):
            state = pl.col(node_column(node.id))
            for child in node.children:
                visit(child, matter & state.fill_null(False).not_(), decide & state.is_null())

    root = programme.conditions
    visit(root, pl.lit(True), pl.col(node_column(root.id)).is_null())
    failing: list[pl.Expr] = []
    unknown: list[pl.Expr] = []
    review: list[pl.Expr] = []
    for node in walk(root):
        if not isinstance(node, Leaf):
            continue
        state = pl.col(node_column(node.id))
        if node.op not in ("qualitative", "discretionary"):
            failing.append(
                pl.when(matters[node.id] & state.not_().fill_null(False))
                .then(pl.lit(node.id))
                .otherwise(None)
            )
            unknown.append(pl.when(decides[node.id] & state.is_null()).then(pl.lit(node.id)).otherwise(None))
        else:
            review.append(pl.when(decides[node.id]).then(pl.lit(node.id)).otherwise(None))

    def gather(items: list[pl.Expr], name: str) -> pl.Expr:
        if not items:
            return pl.lit([], dtype=pl.List(pl.String)).alias(name)
        return pl.concat_list(items).list.drop_nulls().alias(name)

    return [gather(failing, "failing"), gather(unknown, "unknown"), gather(review, "review")]


def prepare(frame: pl.LazyFrame | pl.DataFrame, programme: Programme) -> pl.LazyFrame:
    """Add missing fields as all-null columns and cast present ones to their dictionary dtypes."""
    lazy = frame.lazy()
    present = set(lazy.collect_schema().names())
    return lazy.with_columns(
        (pl.col(name).cast(dtype) if name in present else pl.lit(None, dtype=dtype)).alias(name)
        for name, dtype in schema_for(programme).items()
    )


def evaluate_frame(
    frame: pl.LazyFrame | pl.DataFrame,
    programme: Programme,
    as_of: dt.date,
    *,
    reasons: bool = True,
    keep_states: bool = False,
) -> pl.DataFrame:
    """Evaluate a whole frame: outcome (+ failing/unknown/review id lists, + per-node states)."""
    if not programme.in_force(as_of):
        raise ValueError(f"{programme.id} is not in force on {as_of.isoformat()}")
    lazy = prepare(frame, programme)
    for stage in state_stages(programme, as_of):
        lazy = lazy.with_columns(stage)
    outputs = [outcome_expr(programme)]
    if reasons:
        outputs += _reason_exprs(programme)
        outputs.append(
            pl.when(pl.col("outcome") == "undetermined")
            .then(pl.concat_list("unknown", "review"))
            .otherwise(pl.lit([], dtype=pl.List(pl.String)))
            .alias("undetermined_because")
        )
    lazy = lazy.with_columns(outputs[0]).with_columns(outputs[1:-1])
    if reasons:
        lazy = lazy.with_columns(outputs[-1])
    columns = ["outcome"] + (["undetermined_because", "failing", "unknown", "review"] if reasons else [])
    if keep_states:
        columns += [node_column(node.id) for node in walk(programme.conditions)]
    return lazy.select(
        pl.lit(programme.id).alias("programme"), pl.lit(programme.version).alias("version"), *columns
    ).collect()


def records_frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame from JSON-like records (dates as ISO strings), typed by the field dictionary."""
    names = sorted({name for record in records for name in record})
    schema = {
        name: pl.String if FIELDS[name].type == "date" else POLARS_DTYPE[FIELDS[name].type] for name in names
    }
    frame = pl.DataFrame(records, schema=schema)
    return frame.with_columns(pl.col(name).str.to_date() for name in names if FIELDS[name].type == "date")
