"""The batch path: a programme compiled to Polars expressions, one nullable boolean per node.

True = PASS, False = FAIL, null = UNKNOWN. Polars' &, |, all_horizontal and any_horizontal follow
Kleene logic on nulls, which is exactly the three-valued logic of the one path, so no row is ever
handled in Python. Ratios and money are float64 here: every input has at most 15 significant digits
(checked on entry), so float64 orders them exactly as Decimal does, including values on a threshold.

Codes are encoded once, when a frame is prepared, the way one would store them for speed: the closed
sets (size class, SRDI level) as enums, regions and industries as integers next to their text
(`fields.CODE_FORMATS` guarantees 6 and 4 digits). A region prefix is then an integer range and an
industry division a range of class codes, and the outcome is an enum: string work per row was most
of the cost of a programme.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce
from typing import Any

import polars as pl

from engines.rules.evaluate import years_before
from engines.rules.fields import CODE_CHOICES, FIELDS
from engines.rules.model import Group, Leaf, Node, Programme, walk

POLARS_DTYPE: dict[str, Any] = {
    "money": pl.Float64,
    "ratio": pl.Float64,
    "count": pl.Int64,
    "bool": pl.Boolean,
    "code": pl.String,
    "date": pl.Date,
}
OUTCOME = pl.Enum(["eligible", "not_eligible", "undetermined"])
# Integer twins of the code columns whose rules compare digits (region prefix, industry division).
INTEGER_CODES = {"region_code": 6, "industry_code": 4}
_UNKNOWN = pl.lit(None, dtype=pl.Boolean)


def dtype_of(name: str) -> Any:
    """The Polars dtype a field has in a prepared frame."""
    if name in CODE_CHOICES:
        return pl.Enum(list(CODE_CHOICES[name]))
    return POLARS_DTYPE[FIELDS[name].type]


def schema_for(programme: Programme) -> dict[str, Any]:
    """Polars dtypes of the fields a programme reads."""
    return {name: dtype_of(name) for name in programme.fields()}


def integer_column(name: str) -> str:
    """The hidden Int32 twin of a digit code column (see INTEGER_CODES)."""
    return f"__int__{name}"


def _digit_ranges(prefixes: tuple[str, ...], width: int) -> list[tuple[int, int]]:
    """Half-open integer ranges of the `width`-digit codes that start with one of `prefixes`, merged."""
    ranges = []
    for prefix in prefixes:
        if prefix.isascii() and prefix.isdigit() and len(prefix) <= width:
            step = 10 ** (width - len(prefix))
            ranges.append((int(prefix) * step, (int(prefix) + 1) * step))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _in_ranges(name: str, prefixes: tuple[str, ...]) -> pl.Expr:
    """A code starts with one of the prefixes: null when the code is unknown, like the one path."""
    code = pl.col(integer_column(name))
    ranges = _digit_ranges(prefixes, INTEGER_CODES[name])
    if not ranges:
        return pl.when(code.is_not_null()).then(False).otherwise(_UNKNOWN)
    return pl.any_horizontal(*((code >= low) & (code < high) for low, high in ranges))


def _leaf_expr(leaf: Leaf, as_of: dt.date) -> pl.Expr:
    if leaf.op in ("qualitative", "discretionary"):
        return _UNKNOWN
    name = leaf.fields[0]
    col = pl.col(name)
    if leaf.op == "is_set":
        return col.is_not_null()
    if len(leaf.fields) > 1:
        # PASS once the known parts reach the threshold (counts are never negative); otherwise the
        # plain sum decides, which is null as soon as one part is unknown, as in the one path.
        threshold = float(leaf.threshold_on(as_of))
        known = reduce(operator.add, (pl.col(part).fill_null(0) for part in leaf.fields))
        total = reduce(operator.add, (pl.col(part) for part in leaf.fields))
        if leaf.op == ">=":
            return (known >= threshold) | (total >= threshold)
        return (known > threshold) | (total > threshold)
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
        if name in CODE_CHOICES:  # an enum column: values outside its set can never match
            values = [v for v in leaf.values if v in CODE_CHOICES[name]]
            return col.is_in(values)
        return col.is_in(list(leaf.values))
    if leaf.op == "region_prefix":
        if name in INTEGER_CODES:
            return _in_ranges(name, leaf.values)
        return pl.any_horizontal(*(col.str.starts_with(prefix) for prefix in leaf.values))
    if name in INTEGER_CODES:  # industry division: the class code's first two digits
        return _in_ranges(name, tuple(v for v in leaf.values if len(v) == 2))
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
        .then(pl.lit("undetermined", dtype=OUTCOME))
        .when(root)
        .then(pl.lit("eligible", dtype=OUTCOME))
        .otherwise(pl.lit("not_eligible", dtype=OUTCOME))
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
    """Type a frame for a programme: missing fields as all-null columns, others cast, codes encoded.

    Casting is strict: a code outside its format (see fields.CODE_FORMATS) is an error, not a null.
    """
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    wanted = schema_for(programme)
    lazy = lazy.with_columns(
        (pl.col(name).cast(dtype) if name in schema else pl.lit(None, dtype=dtype)).alias(name)
        for name, dtype in wanted.items()
        if schema.get(name) != dtype
    )
    width = {name: INTEGER_CODES[name] for name in wanted if name in INTEGER_CODES}
    return lazy.with_columns(
        pl.col(name).str.slice(0, digits).cast(pl.Int32).alias(integer_column(name))
        for name, digits in width.items()
    )


def evaluate_frame(
    frame: pl.LazyFrame | pl.DataFrame,
    programme: Programme,
    as_of: dt.date,
    *,
    reasons: bool = True,
    keep_states: bool = False,
    prepared: bool = False,
) -> pl.DataFrame:
    """Evaluate a whole frame: outcome (+ failing/unknown/review id lists, + per-node states).

    `prepared=True` says the frame already comes from `prepare(..., programme)` (typed and encoded),
    as when one loaded frame is evaluated many times.
    """
    if not programme.in_force(as_of):
        raise ValueError(f"{programme.id} is not in force on {as_of.isoformat()}")
    lazy = frame.lazy() if prepared else prepare(frame, programme)
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
