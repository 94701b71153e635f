"""The CP-SAT model of a multi-factory flexible job shop, built once and cloned for each sub-solve.

Each operation has a start and an end and one optional interval per eligible machine (exactly one
present); each machine's intervals and its unavailable periods (fixed intervals) share a NoOverlap.
A precedence arc waits for the transport leg between the two operations' factories. Beyond what a
plan needs, the model states what every plan obeys, so the search prunes earlier (redundant):

- heads and tails: an operation starts after its release plus its longest predecessor path and the
  makespan is at least its start plus its longest remaining path (shortest durations throughout);
- a cumulative over all machines: at any time at most as many operations run as there are machines;
- per-machine load: the makespan is at least the work a machine does;
- symmetry: of two interchangeable machines (same factory, calendar, durations and costs for every
  operation), the first operation on either goes to the lower one (only without a published plan).

Frozen operations keep their published machine and start; every other one starts at or after
`not_before`. The objective is `engines.schedule.objective`'s, term by term.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engines.schedule.bounds import makespan_lower_bound, routing_bounds
from engines.schedule.instance import DEFAULT_WEIGHTS, FOREVER, Assignment, Instance, Weights
from engines.schedule.objective import evaluate
from engines.schedule.ortools_loader import cp_model

Key = tuple[int, int]


@dataclass
class Model:
    """A CP-SAT model and the handles needed to read a plan back and to restrict it for LNS."""

    instance: Instance
    weights: Weights
    model: Any
    horizon: int
    start: dict[Key, Any] = field(default_factory=dict)
    end: dict[Key, Any] = field(default_factory=dict)
    presence: dict[Key, dict[int, Any]] = field(default_factory=dict)
    objective: Any = None
    makespan: Any = None
    published: dict[Key, Assignment] = field(default_factory=dict)
    frozen: frozenset[Key] = frozenset()
    lower_bound: int = 0

    def plan(self, value: Any) -> list[Assignment]:
        """The assignments of a solution, read through `value` (a solver's or a callback's)."""
        plan = []
        for key, machines in self.presence.items():
            machine = next(m for m, literal in machines.items() if _true(value, literal))
            plan.append(
                Assignment(key[0], key[1], machine, int(value(self.start[key])), int(value(self.end[key])))
            )
        return plan

    def restricted(
        self,
        incumbent: Sequence[Assignment],
        relaxed: Iterable[Key],
        *,
        objective_below: int | None = None,
        compact: str = "",
        values: Sequence[int] | None = None,
    ) -> Any:
        """A copy where the `relaxed` operations are free and every other one keeps its machine and
        its order on that machine (not its time).

        `compact` says what a sub-solve minimises besides staying within `objective_below`:
        "target" (when makespan alone counts) minimises how far the jobs end past one less than the
        incumbent's makespan, so a neighbourhood that cannot shorten the plan can still take a job or
        two off its critical end and the next one finishes the work; "ends" (and "target" for other
        objectives) breaks objective ties by the sum of all ends (earliest-finishing plans leave the
        next neighbourhoods room); "" keeps the objective alone.
        """
        copy = self.model.clone()
        scale = len(self.end) * (self.horizon + 1) + 1
        makespan_only = self.weights == Weights(makespan=self.weights.makespan) and self.weights.makespan > 0
        if compact == "target" and objective_below is not None and makespan_only:
            target = objective_below // self.weights.makespan - 1
            excess = []
            for j, job in enumerate(self.instance.jobs):
                late = copy.new_int_var(0, max(0, self.horizon - target), "")
                for o in range(len(job.operations)):
                    copy.add(late >= self.end[j, o] - target)
                excess.append(late)
            copy.minimize(sum(excess))
        elif compact and objective_below is not None and scale * (objective_below + 1) < 2**60:
            copy.minimize(scale * self.objective + sum(self.end.values()))
        free = set(relaxed)
        by_machine: dict[int, list[Assignment]] = {}
        for a in incumbent:
            key = (a.job, a.op)
            if key in free:
                continue
            literal = self.presence[key][a.machine]
            if not isinstance(literal, int):
                copy.add(literal == 1)
            by_machine.setdefault(a.machine, []).append(a)
        for placed in by_machine.values():
            placed.sort(key=lambda a: (a.start, a.end))
            for before, after in zip(placed, placed[1:], strict=False):
                copy.add(self.end[before.job, before.op] <= self.start[after.job, after.op])
        if objective_below is not None:
            copy.add(self.objective <= objective_below)
        self.add_hint(copy, incumbent, values)
        return copy

    def add_hint(self, model: Any, plan: Sequence[Assignment], values: Sequence[int] | None = None) -> None:
        """Hint `plan`: every variable when its complete `values` are known (CP-SAT then starts from
        the plan at once), else its starts, ends and machines (CP-SAT completes the rest itself)."""
        model.clear_hints()
        if values is not None:
            count = len(self.model.proto.variables)  # a sub-solve's own variables come after these
            hint = model.proto.solution_hint
            hint.vars.extend(range(min(count, len(values))))
            hint.values.extend(values[:count])
            return
        for a in plan:
            key = (a.job, a.op)
            model.add_hint(self.start[key], a.start)
            model.add_hint(self.end[key], a.end)
            for m, literal in self.presence[key].items():
                if not isinstance(literal, int):
                    model.add_hint(literal, m == a.machine)
        if self.makespan is not None:
            model.add_hint(self.makespan, max((a.end for a in plan), default=0))

    def complete(self, plan: Sequence[Assignment]) -> list[int] | None:
        """The value of every model variable for `plan` (None if the model rejects it): a solve with
        every start and machine fixed, which propagation alone settles."""
        cp = cp_model()
        copy = self.model.clone()
        copy.clear_hints()
        for a in plan:
            key = (a.job, a.op)
            copy.add(self.start[key] == a.start)
            literal = self.presence[key].get(a.machine)
            if literal is None:
                return None
            if not isinstance(literal, int):
                copy.add(literal == 1)
        solver = cp.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10.0
        if solver.solve(copy) not in (cp.OPTIMAL, cp.FEASIBLE):
            return None
        return list(solver.response_proto.solution)


def _true(value: Any, literal: Any) -> bool:
    return bool(literal) if isinstance(literal, int) else bool(value(literal))


def default_horizon(instance: Instance, incumbent: Sequence[Assignment], weights: Weights) -> int:
    """An end no useful plan passes: the incumbent's makespan if only makespan counts, else generously more."""
    if instance.horizon is not None:
        return instance.horizon
    makespan = max((a.end for a in incumbent), default=0)
    if (
        weights.tardiness == weights.transport == weights.stability == 0
        and weights.makespan > 0
        and incumbent
    ):
        return makespan
    calendar = max(
        (end for machine in instance.machines for _, end in machine.unavailable if end < FOREVER), default=0
    )
    dates = max([job.release for job in instance.jobs] + [job.due or 0 for job in instance.jobs] + [0])
    work = sum(
        max((a.duration for a in op.alternatives), default=0) for j in instance.jobs for op in j.operations
    )
    return max(makespan, calendar, dates) + work + 1


def merged_periods(periods: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Unavailable periods sorted, with overlapping or touching ones merged (NoOverlap needs them disjoint)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _interchangeable(instance: Instance) -> list[tuple[int, int]]:
    """Pairs of machines (lower, higher) that every operation treats alike."""
    signature: dict[int, list[tuple[Key, int, int]]] = {m: [] for m in range(len(instance.machines))}
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            for a in operation.alternatives:
                signature[a.machine].append(((j, o), a.duration, a.cost))
    pairs = []
    groups: dict[tuple[Any, ...], list[int]] = {}
    for m, machine in enumerate(instance.machines):
        if signature[m]:
            key = (machine.factory, tuple(sorted(machine.unavailable)), tuple(signature[m]))
            groups.setdefault(key, []).append(m)
    for members in groups.values():
        pairs += list(zip(members, members[1:], strict=False))
    return pairs


def build(
    instance: Instance,
    *,
    incumbent: Sequence[Assignment],
    weights: Weights = DEFAULT_WEIGHTS,
    published: Sequence[Assignment] | None = None,
    frozen: Iterable[Key] = (),
    not_before: int = 0,
    redundant: bool = True,
) -> Model:
    """The full model; `incumbent` (a feasible plan) sets the horizon and the first hint."""
    cp = cp_model()
    model = cp.CpModel()
    horizon = default_horizon(instance, incumbent, weights)
    bounds = routing_bounds(instance)
    published_map = {(a.job, a.op): a for a in published or ()}
    frozen_keys = frozenset(frozen)
    result = Model(instance, weights, model, horizon, published=published_map, frozen=frozen_keys)
    machines = instance.machines
    limit = horizon if instance.horizon is None else min(horizon, instance.horizon)
    intervals: dict[int, list[Any]] = {m: [] for m in range(len(machines))}
    demands: list[tuple[Any, int]] = []
    makespan = model.new_int_var(0, limit, "makespan")
    result.makespan = makespan
    factory_of: dict[Key, dict[int, Any]] = {}
    durations: dict[Key, Any] = {}
    load: dict[int, list[Any]] = {m: [] for m in range(len(machines))}
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            key = (j, o)
            fixed = published_map.get(key) if key in frozen_keys else None
            earliest = bounds.head[key] if fixed else max(bounds.head[key], not_before)
            alternatives = operation.alternatives
            if fixed is not None:
                alternatives = tuple(a for a in alternatives if a.machine == fixed.machine) or alternatives
                earliest = fixed.start
            start = model.new_int_var(
                earliest if fixed is None else fixed.start,
                limit if fixed is None else fixed.start,
                f"s{j}_{o}",
            )
            end = model.new_int_var(0, limit, f"e{j}_{o}")
            result.start[key], result.end[key] = start, end
            lengths = sorted({a.duration for a in alternatives})
            size = model.new_int_var_from_domain(cp.Domain.from_values(lengths), f"d{j}_{o}")
            durations[key] = size
            model.add(end == start + size)
            result.presence[key] = {}
            if len(alternatives) == 1:
                a = alternatives[0]
                result.presence[key][a.machine] = 1
                intervals[a.machine].append(model.new_interval_var(start, a.duration, end, f"i{j}_{o}"))
                load[a.machine].append(a.duration)
            else:
                literals = []
                for a in alternatives:
                    literal = model.new_bool_var(f"x{j}_{o}_{a.machine}")
                    literals.append(literal)
                    result.presence[key][a.machine] = literal
                    intervals[a.machine].append(
                        model.new_optional_interval_var(
                            start, a.duration, end, literal, f"i{j}_{o}_{a.machine}"
                        )
                    )
                    load[a.machine].append(a.duration * literal)
                model.add_exactly_one(literals)
            demands.append((model.new_interval_var(start, size, end, f"w{j}_{o}"), 1))
            if fixed is not None and fixed.machine not in result.presence[key]:
                raise ValueError(
                    f"frozen operation {key} sits on machine {fixed.machine}, not eligible for it"
                )
            model.add(makespan >= end)
            if redundant:
                model.add(makespan >= start + bounds.tail[key])
            factory_of[key] = _factories(model, instance, result.presence[key])
    for m, machine in enumerate(machines):
        for s, e in merged_periods(machine.unavailable):
            if s < limit:
                block = model.new_fixed_size_interval_var(s, min(e, limit + 1) - s, f"off{m}_{s}")
                intervals[m].append(block)
                demands.append((block, 1))
        model.add_no_overlap(intervals[m])
        if redundant and load[m]:
            model.add(makespan >= sum(load[m]))
    if redundant and len(machines) > 1:
        model.add_cumulative([iv for iv, _ in demands], [d for _, d in demands], len(machines))
    transport_terms = _precedences(model, instance, result, factory_of)
    if redundant and not published_map and not frozen_keys:
        _break_symmetry(model, instance, result)
    terms = [weights.makespan * makespan]
    if weights.tardiness:
        terms += _tardiness(model, instance, result, weights.tardiness, limit)
    if weights.transport:
        terms += [weights.transport * term for term in transport_terms]
    if weights.stability and published_map:
        terms += _stability(model, result, weights.stability)
    result.lower_bound = makespan_lower_bound(instance, bounds) * weights.makespan
    upper = evaluate(instance, incumbent, weights, published).objective if incumbent else FOREVER
    objective = model.new_int_var(result.lower_bound, max(result.lower_bound, upper), "objective")
    model.add(objective == sum(terms))
    result.objective = objective
    model.minimize(objective)
    result.add_hint(model, incumbent)
    return result


def _factories(model: Any, instance: Instance, presence: Mapping[int, Any]) -> dict[int, Any]:
    """Factory → a literal saying the operation runs there (1 when it can run nowhere else)."""
    grouped: dict[int, list[Any]] = {}
    for m, literal in presence.items():
        grouped.setdefault(instance.machines[m].factory, []).append(literal)
    if len(grouped) == 1:
        return {f: 1 for f in grouped}
    factories = {}
    for f, literals in grouped.items():
        if len(literals) == 1:
            factories[f] = literals[0]
        else:
            factories[f] = model.new_bool_var("")
            model.add(factories[f] == sum(literals))
    return factories


def _precedences(
    model: Any, instance: Instance, built: Model, factory_of: dict[Key, dict[int, Any]]
) -> list[Any]:
    """Precedence arcs with their transport legs; returns the transport cost terms."""
    costs = []
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            for p in operation.predecessors:
                before, after = factory_of[j, p], factory_of[j, o]
                legs = {(f, g): instance.travel_time(f, g) for f in before for g in after}
                shortest = min(legs.values())
                model.add(built.start[j, o] >= built.end[j, p] + shortest)
                for (f, g), travel in legs.items():
                    if travel > shortest:
                        enforce = [x for x in (before[f], after[g]) if not isinstance(x, int)]
                        model.add(built.start[j, o] >= built.end[j, p] + travel).only_enforce_if(enforce)
                prices = {(f, g): instance.travel_cost(f, g) for f in before for g in after}
                cheapest = min(prices.values())
                if max(prices.values()) == 0:
                    continue
                if cheapest == max(prices.values()):
                    costs.append(cheapest)
                    continue
                cost = model.new_int_var(cheapest, max(prices.values()), f"c{j}_{p}_{o}")
                for (f, g), price in prices.items():
                    if price > cheapest:
                        model.add(cost >= price * (before[f] + after[g] - 1))
                costs.append(cost)
    return costs


def _tardiness(model: Any, instance: Instance, built: Model, weight: int, limit: int) -> list[Any]:
    terms = []
    for j, job in enumerate(instance.jobs):
        if job.due is None or not job.operations:
            continue
        late = model.new_int_var(0, max(0, limit - job.due), f"t{j}")
        for o in range(len(job.operations)):
            model.add(late >= built.end[j, o] - job.due)
        terms.append(weight * job.weight * late)
    return terms


def _stability(model: Any, built: Model, weight: int) -> list[Any]:
    terms = []
    for key, old in built.published.items():
        if key not in built.presence or key in built.frozen:
            continue
        literal = built.presence[key].get(old.machine)
        if literal is None:
            terms.append(weight)  # its machine is no longer eligible: it changes whatever the plan
            continue
        same = model.new_bool_var(f"same{key[0]}_{key[1]}")
        if not isinstance(literal, int):
            model.add_implication(same, literal)
        model.add(built.start[key] == old.start).only_enforce_if(same)
        terms.append(weight * (1 - same))
    return terms


def _break_symmetry(model: Any, instance: Instance, built: Model) -> None:
    """For interchangeable machines a < b: an operation on b needs an earlier one (index order) on a."""
    for a, b in _interchangeable(instance):
        keys = sorted(k for k, machines in built.presence.items() if a in machines and b in machines)
        seen: Any = 0  # some operation before this one runs on a
        for key in keys:
            model.add(built.presence[key][b] <= seen)
            after = model.new_bool_var("")
            model.add(after <= seen + built.presence[key][a])
            seen = after


def canonical(instance: Instance, plan: Sequence[Assignment], *, active: bool = True) -> list[Assignment]:
    """The same plan with interchangeable machines relabelled so symmetry breaking accepts it."""
    plan = list(plan)
    if not active:
        return plan
    groups: list[list[int]] = []
    for a, b in _interchangeable(instance):
        if groups and groups[-1][-1] == a:
            groups[-1].append(b)
        else:
            groups.append([a, b])
    rename: dict[int, int] = {}
    for group in groups:
        first = {m: min(((x.job, x.op) for x in plan if x.machine == m), default=(FOREVER, 0)) for m in group}
        for new, old in zip(group, sorted(group, key=lambda m: first[m]), strict=True):
            rename[old] = new
    return [Assignment(x.job, x.op, rename.get(x.machine, x.machine), x.start, x.end) for x in plan]
