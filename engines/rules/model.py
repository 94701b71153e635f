"""Programmes as plain data: condition trees of leaves and groups, each with its citation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

GroupKind = Literal["all", "any", "at_least"]
NUMERIC_OPS = (">=", ">", "<=", "<")
LEAF_OPS = (
    *NUMERIC_OPS,
    "==",
    "in",
    "region_prefix",
    "industry",
    "is_true",
    "is_set",
    "years_at_least",
    "qualitative",
    "discretionary",
)
# 民法典 第一千二百五十九条: 以上、以下、以内、届满 include the number; 不满、超过 do not. 不低于/不少于/达到
# include it and 不足 does not, by the same reading. A leaf that names its wording must use the matching op.
INCLUSIVE_WORDING = ("以上", "以下", "以内", "届满", "不低于", "不少于", "达到", "不高于", "不超过", "含")
EXCLUSIVE_WORDING = ("不满", "超过", "不足", "高于", "低于", "不含")


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a condition comes from: document, clause and the quoted government text."""

    document: str
    clause: str
    quote: str
    clause_id: str = ""  # the policy library's clause holding the quote, e.g. srdi-2021-zhejiang/九/(一)/1

    def as_dict(self) -> dict[str, str]:
        return {
            "document": self.document,
            "clause": self.clause,
            "quote": self.quote,
            "clause_id": self.clause_id,
        }


@dataclass(frozen=True, slots=True)
class Reading:
    """An ambiguous passage: the reading encoded and the one not chosen, in Chinese and English."""

    chosen: str
    alternative: str
    chosen_en: str = ""
    alternative_en: str = ""


@dataclass(frozen=True, slots=True)
class DatedValue:
    """One value of a dated parameter, in force from valid_from until the next one."""

    value: Decimal
    valid_from: dt.date


@dataclass(frozen=True, slots=True)
class Benefit:
    """min(sum(base) × rate, cap): a subsidy or voucher amount, with the clause it rests on."""

    id: str
    text: str
    text_en: str
    citation: Citation
    base: tuple[str, ...]  # money fields, summed
    rate: tuple[DatedValue, ...]
    cap: tuple[DatedValue, ...] = ()  # no cap when empty
    # True when the seeds give no number: the region sets rate and cap, and pages say so.
    provisional: bool = False

    @staticmethod
    def _on(values: tuple[DatedValue, ...], as_of: dt.date) -> Decimal:
        chosen = [item for item in values if item.valid_from <= as_of]
        if not chosen:
            raise ValueError(f"no parameter value in force on {as_of.isoformat()}")
        return max(chosen, key=lambda item: item.valid_from).value

    def rate_on(self, as_of: dt.date) -> Decimal:
        return self._on(self.rate, as_of)

    def cap_on(self, as_of: dt.date) -> Decimal | None:
        return self._on(self.cap, as_of) if self.cap else None


@dataclass(frozen=True, slots=True)
class Leaf:
    """A condition on enterprise fields (or a qualitative clause no machine decides)."""

    id: str
    op: str
    text: str
    citation: Citation
    fields: tuple[str, ...] = ()  # several fields are summed (counts), e.g. 实用新型+外观设计+软著
    threshold: tuple[DatedValue, ...] = ()
    values: tuple[str, ...] = ()  # for ==, in, region_prefix; industry holds expanded 2-digit divisions
    wording: str = ""
    reading: Reading | None = None
    text_en: str = ""  # the condition in plain English; the loader requires it

    @property
    def field(self) -> str:
        return "+".join(self.fields)

    def threshold_on(self, as_of: dt.date) -> Decimal:
        """The parameter value in force on as_of (the latest valid_from not after it)."""
        chosen = [item for item in self.threshold if item.valid_from <= as_of]
        if not chosen:
            raise ValueError(f"{self.id}: no threshold in force on {as_of.isoformat()}")
        return max(chosen, key=lambda item: item.valid_from).value


@dataclass(frozen=True, slots=True)
class Group:
    """all-of, any-of or at-least-n of its children."""

    id: str
    kind: GroupKind
    children: tuple[Node, ...]
    text: str
    citation: Citation
    n: int = 0
    reading: Reading | None = None
    text_en: str = ""


Node = Leaf | Group


@dataclass(frozen=True, slots=True)
class Programme:
    """A versioned policy programme with its region scope, dates, source and condition tree."""

    id: str
    name: str
    issuing_body: str
    region_code: str
    effective_from: dt.date
    effective_to: dt.date | None
    version: str
    source_document: str
    conditions: Node
    name_en: str = ""
    issuing_body_en: str = ""
    notes: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    path: str = ""
    nodes: dict[str, Node] = field(default_factory=dict)
    benefit: Benefit | None = None  # what an eligible enterprise receives (engines.rules.benefit)

    def leaves(self) -> list[Leaf]:
        """All leaves, depth first in document order."""
        return [node for node in walk(self.conditions) if isinstance(node, Leaf)]

    def fields(self) -> list[str]:
        """The enterprise fields this programme reads, in first-use order."""
        seen: dict[str, None] = {}
        for leaf in self.leaves():
            for name in leaf.fields:
                seen.setdefault(name, None)
        for name in self.benefit.base if self.benefit is not None else ():
            seen.setdefault(name, None)
        return list(seen)

    def in_force(self, as_of: dt.date) -> bool:
        return self.effective_from <= as_of and (self.effective_to is None or as_of <= self.effective_to)


def walk(node: Node) -> list[Node]:
    """The node and all its descendants, depth first (parents before children)."""
    out: list[Node] = [node]
    if isinstance(node, Group):
        for child in node.children:
            out.extend(walk(child))
    return out


def parents(root: Node) -> dict[str, Group]:
    """Map each node id to its parent group."""
    out: dict[str, Group] = {}
    for node in walk(root):
        if isinstance(node, Group):
            for child in node.children:
                out[child.id] = node
    return out
