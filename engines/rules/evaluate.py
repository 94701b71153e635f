"""The one path: evaluate a programme for one enterprise in Decimal, three-valued, with reasons and gaps."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from engines.rules.benefit import benefit_amount
from engines.rules.fields import FIELDS, Value, coerce_enterprise
from engines.rules.model import Group, Leaf, Node, Programme, walk


class State(StrEnum):
    """Kleene truth value of one condition."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


OUTCOME = {State.PASS: "eligible", State.FAIL: "not_eligible", State.UNKNOWN: "undetermined"}
REVIEW_OPS = ("qualitative", "discretionary")
# Why an outcome is undetermined, in this order: facts not yet known, a qualitative clause offered as
# an alternative to a requirement that fails or is unknown, a decision the authority keeps to itself.
BECAUSE = ("missing_data", "qualitative_alternative", "discretionary")
# How an operator reads in explanations and on programme pages.
SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "in": "∈", "years_at_least": "≥"}
Language = Literal["zh", "en"]


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _compare(op: str, value: Decimal | int, threshold: Decimal) -> bool:
    if op == ">=":
        return value >= threshold
    if op == ">":
        return value > threshold
    if op == "<=":
        return value <= threshold
    return value < threshold


def evaluate_leaf(leaf: Leaf, data: dict[str, Value], as_of: dt.date) -> State:
    """PASS/FAIL/UNKNOWN of one leaf; a missing value is UNKNOWN, never a default."""
    if leaf.op in REVIEW_OPS:
        return State.UNKNOWN
    values = [data.get(name) for name in leaf.fields]
    if leaf.op == "is_set":
        return State.PASS if values[0] is not None else State.FAIL
    if len(values) > 1:
        # Counts are never negative, so a known part already at the threshold passes whatever the rest is.
        known = sum(int(v) for v in values if isinstance(v, int))
        threshold = leaf.threshold_on(as_of)
        if _compare(leaf.op, known, threshold):
            return State.PASS
        return State.UNKNOWN if any(v is None for v in values) else State.FAIL
    value = values[0]
    if value is None:
        return State.UNKNOWN
    ok: bool
    if leaf.op in (">=", ">", "<=", "<"):
        assert isinstance(value, Decimal | int) and not isinstance(value, bool)
        ok = _compare(leaf.op, value, leaf.threshold_on(as_of))
    elif leaf.op == "years_at_least":
        assert isinstance(value, dt.date)
        ok = value <= years_before(as_of, int(leaf.threshold_on(as_of)))
    elif leaf.op == "is_true":
        ok = value is True
    elif leaf.op in ("==", "in"):
        ok = value in leaf.values
    elif leaf.op == "region_prefix":
        ok = any(str(value).startswith(prefix) for prefix in leaf.values)
    else:  # industry: the class code's first two digits are its GB/T 4754 division
        ok = str(value)[:2] in leaf.values
    return State.PASS if ok else State.FAIL


def group_state(group: Group, children: list[State]) -> State:
    """Kleene all-of / any-of / at-least-n of the children's states."""
    passed = sum(state is State.PASS for state in children)
    not_failed = sum(state is not State.FAIL for state in children)
    need = {"all": len(children), "any": 1, "at_least": group.n}[group.kind]
    return State.PASS if passed >= need else State.FAIL if not_failed < need else State.UNKNOWN


def evaluate_states(programme: Programme, data: dict[str, Value], as_of: dt.date) -> dict[str, State]:
    """Every node's state, children before parents."""
    states: dict[str, State] = {}

    def visit(node: Node) -> State:
        if isinstance(node, Leaf):
            state = evaluate_leaf(node, data, as_of)
        else:
            state = group_state(node, [visit(child) for child in node.children])
        states[node.id] = state
        return state

    visit(programme.conditions)
    return states


def required_review(programme: Programme) -> frozenset[str]:
    """Qualitative clauses a reviewer confirms: each is a condition of an all-of group, not an alternative.

    An all-of branch whose measurable conditions pass needs its qualitative conditions confirmed, so
    the enterprise is eligible subject to review. A qualitative leaf directly under an any-of or
    at-least group is an alternative to the other children, and a discretionary one is the
    authority's call: those keep a programme undetermined.
    """
    out: set[str] = set()
    for node in walk(programme.conditions):
        if isinstance(node, Group) and node.kind == "all":
            out.update(
                child.id for child in node.children if isinstance(child, Leaf) and child.op == "qualitative"
            )
    return frozenset(out)


def confirmed_states(programme: Programme, states: dict[str, State]) -> dict[str, State]:
    """The states once a reviewer confirms every required qualitative clause (only changed nodes)."""
    required = required_review(programme)
    out: dict[str, State] = {}

    def visit(node: Node) -> State:
        if isinstance(node, Leaf):
            return State.PASS if node.id in required else states[node.id]
        state = group_state(node, [visit(child) for child in node.children])
        if state is not states[node.id]:
            out[node.id] = state
        return state

    visit(programme.conditions)
    return out


def outcome_of(programme: Programme, states: dict[str, State]) -> str:
    """eligible / not_eligible / undetermined: the root's state, or eligible subject to review.

    An unknown root counts as eligible when it passes once every required qualitative clause is
    confirmed: the enterprise meets every measurable requirement of some way to qualify.
    """
    root = programme.conditions.id
    if states[root] is State.UNKNOWN and confirmed_states(programme, states).get(root) is State.PASS:
        return "eligible"
    return OUTCOME[states[root]]


def because_of(unknown: list[str], review: list[str], programme: Programme) -> list[str]:
    """The kinds of open item that keep an outcome undetermined (see BECAUSE), from the deciding lists."""
    required = required_review(programme)
    nodes = programme.nodes
    kinds = set()
    if unknown:
        kinds.add("missing_data")
    for ident in review:
        if ident in required:
            continue
        node = nodes.get(ident)
        kinds.add(
            "discretionary"
            if isinstance(node, Leaf) and node.op == "discretionary"
            else "qualitative_alternative"
        )
    return [kind for kind in BECAUSE if kind in kinds]


def relevance(programme: Programme, states: dict[str, State]) -> tuple[set[str], set[str]]:
    """Nodes whose failure matters (no ancestor passed) and nodes that still decide (all ancestors unknown)."""
    matters: set[str] = set()
    decides: set[str] = set()

    def visit(node: Node, matter: bool, decide: bool) -> None:
        if matter:
            matters.add(node.id)
        if decide:
            decides.add(node.id)
        if isinstance(node, Group):
            state = states[node.id]
            for child in node.children:
                visit(child, matter and state is not State.PASS, decide and state is State.UNKNOWN)

    root = programme.conditions
    visit(root, True, states[root.id] is State.UNKNOWN)
    return matters, decides


def _plain(value: Value) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fmt(field_name: str, value: Decimal | int, language: Language = "zh") -> str:
    """Human form: ratios in %, counts as integers, money in 万 for Chinese readers and in full for English.

    English readers count in thousands, not 万, so they get "CNY 45,800" (as funeng.apps.core.money does).
    """
    ftype = FIELDS[field_name].type if field_name in FIELDS else "count"
    if ftype == "ratio":
        return f"{_num(Decimal(value) * 100)}%"
    if ftype == "money":
        amount = Decimal(value)
        if language == "en":
            whole = amount == amount.to_integral_value()
            return f"CNY {amount:,.0f}" if whole else f"CNY {amount:,.2f}"
        return f"¥{_num(amount / 10000)} 万" if abs(amount) >= 10000 else f"¥{_num(amount)}"
    return _num(Decimal(value))


def _num(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.01")).normalize()
    return format(rounded, "f")


@dataclass(frozen=True, slots=True)
class Step:
    """One change that would turn a failing leaf into a passing one."""

    leaf: Leaf
    value: Value
    threshold: Decimal | None
    distance: Decimal | None
    amount: Decimal | None
    message: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "condition": self.leaf.id,
            "field": self.leaf.field or None,
            "value": _plain(self.value),
            "op": self.leaf.op,
            "threshold": None if self.threshold is None else str(self.threshold),
            "distance": None if self.distance is None else str(self.distance),
            "amount_cny": None if self.amount is None else str(self.amount),
            "message": self.message,
            "message_en": self.message_en,
        }


def _step(leaf: Leaf, data: dict[str, Value], as_of: dt.date) -> tuple[float, Step | None]:
    """Cost (relative distance) and the step for a failing leaf; infinite when it cannot be changed."""
    if leaf.op == "is_true":
        value = data.get(leaf.fields[0])
        return 1.0, Step(leaf, value, None, None, None, f"需满足：{leaf.text}", f"Needed: {leaf.text_en}")
    if leaf.op not in (">=", ">", "<=", "<"):
        return math.inf, None  # region, industry, age, recognition level: not something to work towards
    threshold = leaf.threshold_on(as_of)
    values = [data.get(name) for name in leaf.fields]
    current = Decimal(sum(int(v) if isinstance(v, int) else Decimal(str(v)) for v in values if v is not None))
    distance = threshold - current if leaf.op in (">=", ">") else current - threshold
    if leaf.op in (">", "<"):
        distance += 1 if all(FIELDS[name].type == "count" for name in leaf.fields) else Decimal("0.0001")
    cost = float(distance / abs(threshold)) if threshold else float(distance)
    name = leaf.fields[0]
    spec = FIELDS[name]
    label = "+".join(FIELDS[n].zh for n in leaf.fields)
    label_en = " + ".join(FIELDS[n].en for n in leaf.fields)
    symbol = SYMBOL[leaf.op]
    message = f"{label} {fmt(name, current)} → 需 {symbol} {fmt(name, threshold)}"
    label_en = label_en[:1].upper() + label_en[1:]  # the labels are lower case; the message starts here
    message_en = f"{label_en}: {fmt(name, current, 'en')}, needs {symbol} {fmt(name, threshold, 'en')}"
    amount = None
    basis = data.get(spec.basis) if spec.basis else None
    if spec.type == "ratio" and isinstance(basis, Decimal | int) and FIELDS[spec.basis].type == "money":
        amount = (distance * Decimal(basis)).quantize(Decimal("1"))
        up = leaf.op in (">=", ">")
        message += f"（按{FIELDS[spec.basis].zh}约需{'增加' if up else '减少'} {fmt(spec.basis, amount)}）"
        message_en += (
            f" (about {fmt(spec.basis, amount, 'en')} {'more' if up else 'less'}, "
            f"reckoned on {FIELDS[spec.basis].en})"
        )
    elif spec.type == "money":
        message += f"（差 {fmt(name, distance)}）"
        message_en += f" ({fmt(name, distance, 'en')} short)"
    value = current if len(values) > 1 else values[0]
    return cost, Step(leaf, value, threshold, distance, amount, message, message_en)


def _plan(
    node: Node, states: dict[str, State], data: dict[str, Value], as_of: dt.date
) -> tuple[float, list[Step]]:
    """The cheapest set of steps that makes node pass; unknown leaves cost nothing (optimistic)."""
    state = states[node.id]
    if state is State.PASS:
        return 0.0, []
    if isinstance(node, Leaf):
        if state is State.UNKNOWN:
            return 0.0, []
        cost, step = _step(node, data, as_of)
        return cost, [] if step is None else [step]
    plans = sorted((_plan(child, states, data, as_of) for child in node.children), key=lambda plan: plan[0])
    need = {"all": len(plans), "any": 1, "at_least": node.n}[node.kind]
    chosen = plans[:need]
    return sum(cost for cost, _ in chosen), [step for _, steps in chosen for step in steps]


def gaps(
    programme: Programme, states: dict[str, State], data: dict[str, Value], as_of: dt.date
) -> list[dict[str, Any]]:
    """For each failing group that matters: its reachable alternatives, cheapest first, with distances."""
    out: list[dict[str, Any]] = []

    def visit(node: Node) -> None:
        if states[node.id] is State.PASS or isinstance(node, Leaf):
            return
        if node.kind == "all":
            direct = [
                child for child in node.children if isinstance(child, Leaf) and states[child.id] is State.FAIL
            ]
            if direct:
                options = [_plan(child, states, data, as_of) for child in direct]
                steps = [step for cost, plan in options if cost < math.inf for step in plan]
                if steps:
                    out.append(
                        {
                            "group": node.id,
                            "text": node.text,
                            "text_en": node.text_en,
                            "need": "all",
                            "options": [_option(options)],
                        }
                    )
            for child in node.children:
                if isinstance(child, Group):
                    visit(child)
            return
        if states[node.id] is not State.FAIL:
            return
        options = sorted(
            ((cost, plan) for cost, plan in (_plan(child, states, data, as_of) for child in node.children)),
            key=lambda plan: plan[0],
        )
        reachable = [_option([option]) for option in options if option[0] < math.inf and option[1]]
        if reachable:
            out.append(
                {
                    "group": node.id,
                    "text": node.text,
                    "text_en": node.text_en,
                    "need": node.n or 1,
                    "options": reachable,
                }
            )

    visit(programme.conditions)
    return out


def _option(plans: list[tuple[float, list[Step]]]) -> dict[str, Any]:
    cost = sum(cost for cost, _ in plans)
    return {"cost": round(cost, 6), "steps": [step.as_dict() for _, steps in plans for step in steps]}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The answer for one enterprise: outcome, reasons, open questions and gaps."""

    programme: str
    version: str
    as_of: dt.date
    outcome: str
    states: dict[str, State]
    failing: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    # missing_data / qualitative_alternative / discretionary (see BECAUSE); empty unless undetermined.
    undetermined_because: list[str] = field(default_factory=list)
    # The programme's benefit for this enterprise (benefit.Amount.as_dict), None without one.
    benefit: dict[str, Any] | None = None
    # Relative distance of the cheapest way to pass (sum over steps of distance / threshold);
    # 0 when passing, inf when a fixed fact (region, industry, age, recognition) fails.
    distance: float = math.inf

    @property
    def subject_to_review(self) -> bool:
        """Eligible on every measurable requirement, with required qualitative clauses for a reviewer."""
        return self.outcome == "eligible" and bool(self.review)

    def as_dict(self) -> dict[str, Any]:
        """The JSON contract of `funeng policy_evaluate --json`."""
        return {
            "programme": self.programme,
            "version": self.version,
            "as_of": self.as_of.isoformat(),
            "outcome": self.outcome,
            "undetermined_because": self.undetermined_because,
            "failing": self.failing,
            "unknown": self.unknown,
            "review": self.review,
            "gaps": self.gaps,
            "benefit": self.benefit,
        }


def evaluate(programme: Programme, enterprise: dict[str, object], as_of: dt.date) -> Evaluation:
    """Evaluate one enterprise (field → JSON value, None = unknown) against a programme as of a date."""
    if not programme.in_force(as_of):
        raise ValueError(f"{programme.id} is not in force on {as_of.isoformat()}")
    data = coerce_enterprise(enterprise)
    states = evaluate_states(programme, data, as_of)
    matters, decides = relevance(programme, states)
    required = required_review(programme)
    failing, unknown, review = [], [], []
    for node in walk(programme.conditions):
        if not isinstance(node, Leaf):
            continue
        base = {
            "condition": node.id,
            "text": node.text,
            "text_en": node.text_en,
            "citation": node.citation.as_dict(),
        }
        if states[node.id] is State.FAIL and node.id in matters:
            threshold = node.threshold_on(as_of) if node.threshold else None
            value: Value = data.get(node.fields[0]) if len(node.fields) == 1 else None
            if len(node.fields) > 1:
                value = sum(int(v) for v in (data.get(n) for n in node.fields) if isinstance(v, int))
            failing.append(
                base
                | {
                    "field": node.field,
                    "value": _plain(value),
                    "op": node.op,
                    "threshold": str(threshold) if threshold is not None else list(node.values) or None,
                }
            )
        elif states[node.id] is State.UNKNOWN and node.id in decides:
            if node.op in REVIEW_OPS:
                review.append(base | {"kind": node.op, "required": node.id in required})
            else:
                unknown.append(
                    base | {"field": node.field, "missing": [n for n in node.fields if data.get(n) is None]}
                )
    outcome = outcome_of(programme, states)
    if outcome == "eligible":  # eligible subject to review: only the clauses a reviewer confirms
        review = [item for item in review if item["required"]]
    because = (
        because_of([str(i["condition"]) for i in unknown], [str(i["condition"]) for i in review], programme)
        if outcome == "undetermined"
        else []
    )
    return Evaluation(
        programme=programme.id,
        version=programme.version,
        as_of=as_of,
        outcome=outcome,
        states=states,
        failing=failing,
        unknown=unknown,
        review=review,
        undetermined_because=because,
        benefit=None
        if programme.benefit is None
        else benefit_amount(programme.benefit, data, as_of).as_dict(),
        gaps=gaps(programme, states, data, as_of),
        distance=_plan(programme.conditions, states, data, as_of)[0],
    )
