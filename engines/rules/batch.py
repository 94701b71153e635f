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

import numpy as np
import polars as pl
import pyarrow as pa

from engines.rules.benefit import benefit_expr
from engines.rules.evaluate import BECAUSE, required_review, years_before
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
    """The Polars dtype a field has in a prepared frame (counts fit Int32: see fields.MAX_COUNT)."""
    if name in CODE_CHOICES:
        return pl.Enum(list(CODE_CHOICES[name]))
    if FIELDS[name].type == "count":
        return pl.Int32
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


def _threshold(leaf: Leaf, as_of: dt.date) -> int | float:
    """The threshold as the batch compares it: a whole one on counts stays an integer.

    Comparing an Int32 column with a float would cast every row; float64 is exact for the others.
    """
    exact = leaf.threshold_on(as_of)
    if FIELDS[leaf.fields[0]].type == "count" and exact == exact.to_integral_value():
        return int(exact)
    return float(exact)


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
        # Parts are Int32: a sum can only wrap around when one part alone is past the threshold, and
        # then `alone` has already decided PASS.
        threshold = _threshold(leaf, as_of)
        parts = [pl.col(part) for part in leaf.fields]
        known = reduce(operator.add, (part.fill_null(0) for part in parts))
        total = reduce(operator.add, parts)
        if leaf.op == ">=":
            alone = pl.any_horizontal(*(part >= threshold for part in parts)).fill_null(False)
            return alone | (known >= threshold) | (total >= threshold)
        alone = pl.any_horizontal(*(part > threshold for part in parts)).fill_null(False)
        return alone | (known > threshold) | (total > threshold)
    if leaf.op in (">=", ">", "<=", "<"):
        threshold = _threshold(leaf, as_of)
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


def confirmed_expr(programme: Programme) -> pl.Expr | None:
    """The root's state once every required qualitative clause is confirmed (evaluate.confirmed_states).

    Only the groups above a required clause change, so only they are recomputed; None when the
    programme has no required qualitative clause.
    """
    required = required_review(programme)
    if not required:
        return None

    def visit(node: Node) -> pl.Expr:
        if isinstance(node, Leaf):
            return pl.lit(True) if node.id in required else pl.col(node_column(node.id))
        if not any(item.id in required for item in walk(node)):
            return pl.col(node_column(node.id))
        return _group_expr(node, [visit(child) for child in node.children])

    return visit(programme.conditions)


def outcome_expr(programme: Programme) -> pl.Expr:
    """eligible / not_eligible / undetermined from the root's state, as evaluate.outcome_of decides."""
    root = pl.col(node_column(programme.conditions.id))
    unknown = pl.lit("undetermined", dtype=OUTCOME)
    confirmed = confirmed_expr(programme)
    if confirmed is not None:
        unknown = (
            pl.when(confirmed.fill_null(False)).then(pl.lit("eligible", dtype=OUTCOME)).otherwise(unknown)
        )
    return (
        pl.when(root.is_null())
        .then(unknown)
        .when(root)
        .then(pl.lit("eligible", dtype=OUTCOME))
        .otherwise(pl.lit("not_eligible", dtype=OUTCOME))
        .alias("outcome")
    )


def _reason_masks(programme: Programme) -> dict[str, list[tuple[str, pl.Expr]]]:
    """Per leaf, non-null masks of 'fails and matters', 'unknown and decides' and 'qualitative and decides'.

    A failure matters when no ancestor passes (a satisfied alternative masks it); an unknown decides
    when every ancestor is unknown. Leaves are in walk order, the order of the one path's lists.
    """
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
    masks: dict[str, list[tuple[str, pl.Expr]]] = {"failing": [], "unknown": [], "review": []}
    for node in walk(root):
        if not isinstance(node, Leaf):
            continue
        state = pl.col(node_column(node.id))
        if node.op in ("qualitative", "discretionary"):
            masks["review"].append((node.id, decides[node.id]))
        else:
            masks["failing"].append((node.id, matters[node.id] & state.not_().fill_null(False)))
            masks["unknown"].append((node.id, decides[node.id] & state.is_null()))
    return masks


def _bit_words(name: str, masks: list[tuple[str, pl.Expr]]) -> list[pl.Expr]:
    """The true masks of a row as UInt64 words: bit b of word w is mask 64·w + b."""
    words = []
    for start in range(0, len(masks), 64):
        part = [mask for _, mask in masks[start : start + 64]]
        words.append(
            reduce(
                operator.add,
                (pl.when(m).then(pl.lit(1 << b, pl.UInt64)).otherwise(0) for b, m in enumerate(part)),
            )
        )
    if not words:
        words.append(pl.lit(0, pl.UInt64))
    return [word.cast(pl.UInt64).alias(f"__bits__{name}{i}") for i, word in enumerate(words)]


def _ids_series(
    frame: pl.DataFrame, ids: list[str], words: list[str], keep: frozenset[str] | None = None
) -> pl.Series:
    """Per row, the ids whose bit is set (mask i is bit i % 64 of word i // 64), in order.

    Each distinct word value is decoded once in Python (a few hundred to a few thousand of them),
    then gathered back to the rows by its position among the sorted distinct values. `keep` limits
    the list to those ids.
    """
    parts = []
    for k, word in enumerate(words):
        chunk = ids[64 * k : 64 * (k + 1)]
        column = frame.get_column(word)
        values = column.unique().sort()
        # Bit i of each distinct value, as a (values × ids) table; its set cells, row by row, are the
        # flat list values, and their counts per row the list offsets (built in Arrow, not Python).
        shifted = values.to_numpy().astype(np.uint64)[:, None] >> np.arange(len(chunk), dtype=np.uint64)
        bits = (shifted & np.uint64(1)) == 1
        if keep is not None:
            bits &= np.array([ident in keep for ident in chunk], dtype=bool)
        offsets = np.concatenate([[0], np.cumsum(bits.sum(axis=1))]).astype(np.int32)
        flat = pa.array(chunk, type=pa.string()).take(pa.array(np.nonzero(bits)[1]))
        decoded = pl.Series(pl.from_arrow(pa.ListArray.from_arrays(pa.array(offsets), flat)))
        parts.append(decoded.gather(values.search_sorted(column)))
    if not parts:
        return pl.Series([[]] * frame.height, dtype=pl.List(pl.String))
    if len(parts) == 1:
        return parts[0]
    return pl.DataFrame(parts).select(pl.concat_list(pl.all())).to_series()


def _any_bit(ids: list[str], words: list[str], chosen: set[str]) -> pl.Expr:
    """True when the bit of any chosen id is set."""
    masks: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in chosen:
            masks[words[i // 64]] = masks.get(words[i // 64], 0) | 1 << (i % 64)
    if not masks:
        return pl.lit(False)
    return pl.any_horizontal(
        (pl.col(word) & pl.lit(mask, dtype=pl.UInt64)) != 0 for word, mask in masks.items()
    )


def _decode(
    frame: pl.DataFrame, lists: dict[str, list[str]], words: dict[str, list[str]], programme: Programme
) -> pl.DataFrame:
    """Turn bit words into id lists, vectorised: no Python loop over rows.

    `lists` maps an output column to the ids of its masks and `words` to its bit columns. An
    eligible outcome lists only the review clauses a reviewer confirms; the kinds of open item
    (`undetermined_because`, see evaluate.because_of) follow from the lists' bits.
    """
    required = required_review(programme)
    review_ids = lists["review"]
    discretionary = {
        ident
        for ident in review_ids
        if isinstance(programme.nodes.get(ident), Leaf)
        and getattr(programme.nodes[ident], "op", "") == "discretionary"
    }
    alternatives = set(review_ids) - required - discretionary
    undetermined = pl.col("outcome") == "undetermined"

    # The kinds as a 3-bit code (missing data 4, alternative 2, discretionary 1), gathered from the
    # eight possible lists rather than built per row.
    code = (
        pl.when(undetermined)
        .then(
            _any_bit(lists["unknown"], words["unknown"], set(lists["unknown"])).cast(pl.UInt32) * 4
            + _any_bit(review_ids, words["review"], alternatives).cast(pl.UInt32) * 2
            + _any_bit(review_ids, words["review"], discretionary).cast(pl.UInt32)
        )
        .otherwise(0)
    )
    kinds = pl.Series(
        [[kind for bit, kind in zip((4, 2, 1), BECAUSE, strict=True) if value & bit] for value in range(8)],
        dtype=pl.List(pl.String),
    )
    because = kinds.gather(frame.select(code).to_series())
    decoded = frame.with_columns(
        _ids_series(frame, lists["failing"], words["failing"]).alias("failing"),
        _ids_series(frame, lists["unknown"], words["unknown"]).alias("unknown"),
        _ids_series(frame, review_ids, words["review"]).alias("__review_all"),
        _ids_series(frame, review_ids, words["review"], required).alias("__review_required"),
        because.alias("undetermined_because"),  # a Series: with_columns takes it as is
    )
    bits = [word for name in lists for word in words[name]]
    return decoded.with_columns(
        pl.when(pl.col("outcome") == "eligible")
        .then(pl.col("__review_required"))
        .otherwise(pl.col("__review_all"))
        .alias("review")
    ).drop(*bits, "__review_all", "__review_required")


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
    states = [node_column(node.id) for node in walk(programme.conditions)] if keep_states else []
    head = [pl.lit(programme.id).alias("programme"), pl.lit(programme.version).alias("version")]
    amount = (
        benefit_expr(programme.benefit, as_of)
        if programme.benefit is not None
        else pl.lit(None, dtype=pl.Float64).alias("benefit_cny")
    )
    if not reasons:
        return lazy.select(*head, outcome_expr(programme), amount, *states).collect()
    masks = _reason_masks(programme)
    words = {name: _bit_words(name, items) for name, items in masks.items()}
    evaluated = lazy.select(
        *head, outcome_expr(programme), amount, *(w for items in words.values() for w in items), *states
    )
    result = _decode(
        evaluated.collect(),
        {name: [ident for ident, _ in items] for name, items in masks.items()},
        {name: [word.meta.output_name() for word in items] for name, items in words.items()},
        programme,
    )
    return result.select(
        "programme",
        "version",
        "outcome",
        "undetermined_because",
        "failing",
        "unknown",
        "review",
        "benefit_cny",
        *states,
    )


def records_frame(records: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame from JSON-like records (dates as ISO strings), typed by the field dictionary."""
    names = sorted({name for record in records for name in record})
    schema = {
        name: pl.String if FIELDS[name].type == "date" else POLARS_DTYPE[FIELDS[name].type] for name in names
    }
    frame = pl.DataFrame(records, schema=schema)
    return frame.with_columns(pl.col(name).str.to_date() for name in names if FIELDS[name].type == "date")
