"""An independent feasibility checker: does a plan do what the instance says, and nothing it forbids?

It shares no code with the planners: it reads the instance and the assignments only. Two paths:
`check` walks the plan one operation at a time, `check_frame` does the same over a Polars frame of
assignments in whole-column operations; both return the same violations (a property test holds
them to it). What is checked, with each violation's code:

- `unknown`: an assignment names an operation the instance does not have;
- `unassigned` / `duplicate`: every operation is assigned exactly once;
- `ineligible`: the machine is one of the operation's alternatives; `duration`: end − start is that
  alternative's duration;
- `precedence`: an operation starts after each predecessor ends, plus the transport time when the
  two ran in different factories (judged on each operation's first assignment);
- `release`: no operation starts before its job's release; `horizon`: none ends after the horizon;
- `overlap`: one operation per machine at a time (each operation, in order of start, is compared
  with everything that started before it on its machine); `calendar`: no operation overlaps one of
  its machine's unavailable periods. Intervals are half-open; an operation of zero duration
  occupies nothing;
- `makespan`: the plan's makespan equals its latest end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from engines.schedule.instance import Assignment, Instance, Schedule

CODES = (
    "unknown",
    "unassigned",
    "duplicate",
    "ineligible",
    "duration",
    "precedence",
    "release",
    "horizon",
    "overlap",
    "calendar",
    "makespan",
)
_FLOOR = -(2**62)


@dataclass(frozen=True)
class Violation:
    """One broken rule, located at an operation (job and op are None for the plan as a whole)."""

    code: str
    job: int | None
    op: int | None
    message_en: str
    message_zh: str


def _sort_key(v: Violation) -> tuple[int, int, int, str]:
    return (CODES.index(v.code), -1 if v.job is None else v.job, -1 if v.op is None else v.op, v.message_en)


# ------------------------------------------------------------------ messages (shared by both paths)


def _unknown(job: int, op: int) -> Violation:
    return Violation(
        "unknown",
        job,
        op,
        f"The plan assigns job {job}, operation {op}, which the instance does not have.",
        f"计划安排了实例中不存在的作业 {job} 工序 {op}。",
    )


def _unassigned(job: int, op: int) -> Violation:
    return Violation(
        "unassigned",
        job,
        op,
        f"Job {job}, operation {op} is not in the plan.",
        f"作业 {job} 工序 {op} 未被安排。",
    )


def _duplicate(job: int, op: int, times: int) -> Violation:
    return Violation(
        "duplicate",
        job,
        op,
        f"Job {job}, operation {op} is assigned {times} times; it runs exactly once.",
        f"作业 {job} 工序 {op} 被安排了 {times} 次，每道工序只能加工一次。",
    )


def _ineligible(job: int, op: int, machine: int) -> Violation:
    return Violation(
        "ineligible",
        job,
        op,
        f"Job {job}, operation {op} is on machine {machine}, which cannot do it.",
        f"作业 {job} 工序 {op} 被安排在不能加工它的机器 {machine} 上。",
    )


def _duration(job: int, op: int, machine: int, took: int, needs: int) -> Violation:
    return Violation(
        "duration",
        job,
        op,
        f"Job {job}, operation {op} lasts {took} on machine {machine}, which needs {needs}.",
        f"作业 {job} 工序 {op} 在机器 {machine} 上持续 {took}，应为 {needs}。",
    )


def _precedence(job: int, op: int, pred: int, start: int, ready: int, travel: int) -> Violation:
    leg = f" (including transport {travel})" if travel else ""
    leg_zh = f"（含运输 {travel}）" if travel else ""
    return Violation(
        "precedence",
        job,
        op,
        f"Job {job}, operation {op} starts at {start}, before operation {pred} is done and delivered at {ready}{leg}.",
        f"作业 {job} 工序 {op} 在 {start} 开始，早于前序工序 {pred} 完成并送达的时间 {ready}{leg_zh}。",
    )


def _release(job: int, op: int, start: int, release: int) -> Violation:
    return Violation(
        "release",
        job,
        op,
        f"Job {job}, operation {op} starts at {start}, before the job's release at {release}.",
        f"作业 {job} 工序 {op} 在 {start} 开始，早于作业下达时间 {release}。",
    )


def _horizon(job: int, op: int, end: int, horizon: int) -> Violation:
    return Violation(
        "horizon",
        job,
        op,
        f"Job {job}, operation {op} ends at {end}, after the planning horizon {horizon}.",
        f"作业 {job} 工序 {op} 在 {end} 结束，晚于计划期末 {horizon}。",
    )


def _overlap(job: int, op: int, machine: int, start: int, end: int, busy: int) -> Violation:
    return Violation(
        "overlap",
        job,
        op,
        f"Job {job}, operation {op} runs on machine {machine} at [{start}, {end}) while the machine is "
        f"busy with another operation until {busy}.",
        f"作业 {job} 工序 {op} 在机器 {machine} 上于 [{start}, {end}) 加工，而该机器直到 {busy} 都在加工另一道工序。",
    )


def _calendar(job: int, op: int, machine: int, start: int, end: int, off: tuple[int, int]) -> Violation:
    return Violation(
        "calendar",
        job,
        op,
        f"Job {job}, operation {op} runs on machine {machine} at [{start}, {end}), overlapping its "
        f"unavailable period [{off[0]}, {off[1]}).",
        f"作业 {job} 工序 {op} 在机器 {machine} 上于 [{start}, {end}) 加工，与其不可用时段 [{off[0]}, {off[1]}) 重叠。",
    )


def _makespan(stated: int, latest: int) -> Violation:
    return Violation(
        "makespan",
        None,
        None,
        f"The plan states a makespan of {stated}, but its latest operation ends at {latest}.",
        f"计划给出的总完工时间为 {stated}，但最后一道工序在 {latest} 结束。",
    )


# ------------------------------------------------------------------ one operation at a time


def check(instance: Instance, schedule: Schedule) -> list[Violation]:
    """Every rule the plan breaks, walking it operation by operation (empty list: feasible)."""
    return check_assignments(instance, schedule.assignments, schedule.makespan)


def check_assignments(
    instance: Instance, assignments: Sequence[Assignment], makespan: int | None = None
) -> list[Violation]:
    """`check` on bare assignments; the makespan rule applies when `makespan` is given."""
    found: list[Violation] = []
    ops = {(j, o): op for j, job in enumerate(instance.jobs) for o, op in enumerate(job.operations)}
    rows: list[tuple[int, Assignment]] = []
    first: dict[tuple[int, int], Assignment] = {}
    counts: dict[tuple[int, int], int] = {}
    for index, a in enumerate(assignments):
        key = (a.job, a.op)
        if key not in ops:
            found.append(_unknown(a.job, a.op))
            continue
        rows.append((index, a))
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, a)
    for key in ops:
        if key not in counts:
            found.append(_unassigned(*key))
        elif counts[key] > 1:
            found.append(_duplicate(key[0], key[1], counts[key]))
    for _, a in rows:
        operation = ops[a.job, a.op]
        job = instance.jobs[a.job]
        durations = {alt.machine: alt.duration for alt in operation.alternatives}
        if a.machine not in durations:
            found.append(_ineligible(a.job, a.op, a.machine))
        elif a.end - a.start != durations[a.machine]:
            found.append(_duration(a.job, a.op, a.machine, a.end - a.start, durations[a.machine]))
        if a.start < job.release:
            found.append(_release(a.job, a.op, a.start, job.release))
        if instance.horizon is not None and a.end > instance.horizon:
            found.append(_horizon(a.job, a.op, a.end, instance.horizon))
        if 0 <= a.machine < len(instance.machines) and a.end > a.start:
            for period in instance.machines[a.machine].unavailable:
                if a.start < period[1] and period[0] < a.end:
                    found.append(_calendar(a.job, a.op, a.machine, a.start, a.end, period))
    for (j, o), a in first.items():
        for p in sorted(set(ops[j, o].predecessors)):
            before = first.get((j, p))
            if before is None:
                continue
            travel = _travel(instance, before.machine, a.machine)
            if a.start < before.end + travel:
                found.append(_precedence(j, o, p, a.start, before.end + travel, travel))
    by_machine: dict[int, list[tuple[int, Assignment]]] = {}
    for index, a in rows:
        by_machine.setdefault(a.machine, []).append((index, a))
    for machine, placed in by_machine.items():
        busy = _FLOOR
        for _, a in sorted(
            placed, key=lambda item: (item[1].start, item[1].end, item[1].job, item[1].op, item[0])
        ):
            if a.end > a.start:
                if a.start < busy:
                    found.append(_overlap(a.job, a.op, machine, a.start, a.end, busy))
                busy = max(busy, a.end)
    if makespan is not None:
        latest = max((a.end for a in assignments), default=0)
        if makespan != latest:
            found.append(_makespan(makespan, latest))
    return sorted(found, key=_sort_key)


def _travel(instance: Instance, machine_a: int, machine_b: int) -> int:
    count = len(instance.machines)
    if not (0 <= machine_a < count and 0 <= machine_b < count):
        return 0
    return instance.travel_time(instance.machines[machine_a].factory, instance.machines[machine_b].factory)


# ------------------------------------------------------------------ whole columns at once


def assignments_frame(assignments: Iterable[Assignment]) -> pl.DataFrame:
    """A frame with one row per assignment: job, op, machine, start, end (Int64)."""
    rows = list(assignments)
    return pl.DataFrame(
        {
            "job": [a.job for a in rows],
            "op": [a.op for a in rows],
            "machine": [a.machine for a in rows],
            "start": [a.start for a in rows],
            "end": [a.end for a in rows],
        },
        schema={name: pl.Int64 for name in ("job", "op", "machine", "start", "end")},
    )


def _instance_frames(instance: Instance) -> dict[str, pl.DataFrame]:
    i64 = pl.Int64
    ops = [(j, o, job.release) for j, job in enumerate(instance.jobs) for o in range(len(job.operations))]
    alternatives = [
        (j, o, a.machine, a.duration)
        for j, job in enumerate(instance.jobs)
        for o, op in enumerate(job.operations)
        for a in op.alternatives
    ]
    arcs = [
        (j, o, p)
        for j, job in enumerate(instance.jobs)
        for o, op in enumerate(job.operations)
        for p in sorted(set(op.predecessors))
    ]
    periods = [
        (m, index, s, e)
        for m, machine in enumerate(instance.machines)
        for index, (s, e) in enumerate(machine.unavailable)
    ]
    factories = [(m, machine.factory) for m, machine in enumerate(instance.machines)]
    size = len(instance.factories)
    legs = [(f, g, instance.travel_time(f, g)) for f in range(size) for g in range(size)]
    return {
        "ops": pl.DataFrame(ops, schema={"job": i64, "op": i64, "release": i64}, orient="row"),
        "alternatives": pl.DataFrame(
            alternatives, schema={"job": i64, "op": i64, "machine": i64, "needs": i64}, orient="row"
        ),
        "arcs": pl.DataFrame(arcs, schema={"job": i64, "op": i64, "pred": i64}, orient="row"),
        "periods": pl.DataFrame(
            periods, schema={"machine": i64, "period": i64, "off_start": i64, "off_end": i64}, orient="row"
        ),
        "factories": pl.DataFrame(factories, schema={"machine": i64, "factory": i64}, orient="row"),
        "legs": pl.DataFrame(
            legs, schema={"from_factory": i64, "to_factory": i64, "travel": i64}, orient="row"
        ),
    }


def check_frame(instance: Instance, frame: pl.DataFrame, makespan: int | None = None) -> list[Violation]:
    """`check`, vectorised: the same violations for a frame of assignments (see `assignments_frame`)."""
    tables = _instance_frames(instance)
    rows = frame.select("job", "op", "machine", "start", "end").cast(pl.Int64).with_row_index("row")
    found: list[Violation] = []
    known = rows.join(tables["ops"], on=["job", "op"], how="semi")
    found += [
        _unknown(r["job"], r["op"])
        for r in rows.join(tables["ops"], on=["job", "op"], how="anti").iter_rows(named=True)
    ]
    counts = known.group_by("job", "op").len("times")
    coverage = tables["ops"].join(counts, on=["job", "op"], how="left")
    found += [
        _unassigned(r["job"], r["op"])
        for r in coverage.filter(pl.col("times").is_null()).iter_rows(named=True)
    ]
    found += [
        _duplicate(r["job"], r["op"], r["times"])
        for r in coverage.filter(pl.col("times") > 1).iter_rows(named=True)
    ]
    known = known.join(tables["ops"], on=["job", "op"], how="left").join(
        tables["alternatives"], on=["job", "op", "machine"], how="left"
    )
    found += [
        _ineligible(r["job"], r["op"], r["machine"])
        for r in known.filter(pl.col("needs").is_null()).iter_rows(named=True)
    ]
    wrong = known.filter(
        pl.col("needs").is_not_null() & ((pl.col("end") - pl.col("start")) != pl.col("needs"))
    )
    found += [
        _duration(r["job"], r["op"], r["machine"], r["end"] - r["start"], r["needs"])
        for r in wrong.iter_rows(named=True)
    ]
    found += [
        _release(r["job"], r["op"], r["start"], r["release"])
        for r in known.filter(pl.col("start") < pl.col("release")).iter_rows(named=True)
    ]
    if instance.horizon is not None:
        found += [
            _horizon(r["job"], r["op"], r["end"], instance.horizon)
            for r in known.filter(pl.col("end") > instance.horizon).iter_rows(named=True)
        ]
    clashes = (
        known.filter(pl.col("end") > pl.col("start"))
        .join(tables["periods"], on="machine", how="inner")
        .filter((pl.col("start") < pl.col("off_end")) & (pl.col("off_start") < pl.col("end")))
    )
    found += [
        _calendar(r["job"], r["op"], r["machine"], r["start"], r["end"], (r["off_start"], r["off_end"]))
        for r in clashes.iter_rows(named=True)
    ]
    found += _precedence_frame(known, tables)
    found += _overlap_frame(known)
    if makespan is not None:
        latest = int(rows["end"].max()) if rows.height else 0  # type: ignore[arg-type]
        if makespan != latest:
            found.append(_makespan(makespan, latest))
    return sorted(found, key=_sort_key)


def _precedence_frame(known: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> list[Violation]:
    first = (
        known.sort("row")
        .unique(["job", "op"], keep="first", maintain_order=True)
        .join(tables["factories"], on="machine", how="left")
        .select("job", "op", "start", "end", "factory")
    )
    before = first.rename({"op": "pred", "start": "pred_start", "end": "pred_end", "factory": "from_factory"})
    after = first.rename({"factory": "to_factory"})
    joined = (
        tables["arcs"]
        .join(after, on=["job", "op"], how="inner")
        .join(before, on=["job", "pred"], how="inner")
        .join(tables["legs"], on=["from_factory", "to_factory"], how="left")
        .with_columns(pl.col("travel").fill_null(0))
        .with_columns(ready=pl.col("pred_end") + pl.col("travel"))
        .filter(pl.col("start") < pl.col("ready"))
    )
    return [
        _precedence(r["job"], r["op"], r["pred"], r["start"], r["ready"], r["travel"])
        for r in joined.iter_rows(named=True)
    ]


def _overlap_frame(known: pl.DataFrame) -> list[Violation]:
    occupies = pl.col("end") > pl.col("start")
    swept = (
        known.sort("machine", "start", "end", "job", "op", "row")
        .with_columns(held=pl.when(occupies).then(pl.col("end")).otherwise(pl.lit(_FLOOR)))
        .with_columns(busy=pl.col("held").shift(1, fill_value=_FLOOR).cum_max().over("machine"))
        .filter(occupies & (pl.col("start") < pl.col("busy")))
    )
    return [
        _overlap(r["job"], r["op"], r["machine"], r["start"], r["end"], r["busy"])
        for r in swept.iter_rows(named=True)
    ]
