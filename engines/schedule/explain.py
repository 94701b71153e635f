"""What a plan means for the people in it: each factory's share, the transport legs, who is late.

Every item carries an English and a Chinese sentence that name factories, jobs and machines by
their labels. Machine-hours assume the platform's unit, minutes; benchmark instances have none.
"""

from __future__ import annotations

from dataclasses import dataclass

from engines.schedule.instance import Instance, Job, Schedule


@dataclass(frozen=True)
class FactoryShare:
    """How much of the plan one factory carries."""

    factory: int
    label: str
    operations: int
    machine_time: int  # time units (minutes on the platform) of processing
    cost: int  # processing cost of its operations
    text_en: str
    text_zh: str

    @property
    def machine_hours(self) -> float:
        return self.machine_time / 60


@dataclass(frozen=True)
class TransportLeg:
    """A job's work travelling between two factories along one precedence arc."""

    job: int
    from_op: int
    to_op: int
    from_factory: int
    to_factory: int
    time: int
    cost: int
    text_en: str
    text_zh: str


@dataclass(frozen=True)
class JobLateness:
    """When a job finishes against its due date (tardiness 0 when on time or without a due date)."""

    job: int
    completion: int
    due: int | None
    tardiness: int
    text_en: str
    text_zh: str


@dataclass(frozen=True)
class Explanation:
    """The whole account of one plan, with a one-paragraph summary in both languages."""

    shares: tuple[FactoryShare, ...]
    legs: tuple[TransportLeg, ...]
    lateness: tuple[JobLateness, ...]
    summary_en: str
    summary_zh: str


def _factory(instance: Instance, f: int) -> str:
    return instance.factories[f].label or f"factory {f + 1}"


def _factory_zh(instance: Instance, f: int) -> str:
    return instance.factories[f].label or f"工厂 {f + 1}"


def _job(instance: Instance, j: int) -> str:
    return instance.jobs[j].label or f"job {j + 1}"


def _job_zh(instance: Instance, j: int) -> str:
    return instance.jobs[j].label or f"作业 {j + 1}"


def _op(job: Job, o: int) -> str:
    label = job.operations[o].label
    return f"operation {label}" if label else f"operation {o + 1}"


def _op_zh(job: Job, o: int) -> str:
    label = job.operations[o].label
    return f"工序 {label}" if label else f"第 {o + 1} 道工序"


def _shares(instance: Instance, schedule: Schedule) -> list[FactoryShare]:
    count = [0] * len(instance.factories)
    time = [0] * len(instance.factories)
    cost = [0] * len(instance.factories)
    for a in schedule.assignments:
        f = instance.machines[a.machine].factory
        alternative = next(
            x for x in instance.jobs[a.job].operations[a.op].alternatives if x.machine == a.machine
        )
        count[f] += 1
        time[f] += a.end - a.start
        cost[f] += alternative.cost
    total = max(1, sum(count))
    shares = []
    for f in range(len(instance.factories)):
        share = round(100 * count[f] / total)
        hours = time[f] / 60
        shares.append(
            FactoryShare(
                f,
                instance.factories[f].label,
                count[f],
                time[f],
                cost[f],
                f"{_factory(instance, f)}: {count[f]} operations ({share} % of the plan), "
                f"{hours:.1f} machine-hours, processing cost {cost[f]:,}.",
                f"{_factory_zh(instance, f)}：{count[f]} 道工序（占计划的 {share}%），{hours:.1f} 机时，加工费用 {cost[f]:,}。",
            )
        )
    return shares


def _legs(instance: Instance, schedule: Schedule) -> list[TransportLeg]:
    placed = {(a.job, a.op): a for a in schedule.assignments}
    legs = []
    for j, job in enumerate(instance.jobs):
        for o, operation in enumerate(job.operations):
            for p in operation.predecessors:
                if (j, p) not in placed or (j, o) not in placed:
                    continue
                f = instance.machines[placed[j, p].machine].factory
                g = instance.machines[placed[j, o].machine].factory
                if f == g:
                    continue
                time, cost = instance.travel_time(f, g), instance.travel_cost(f, g)
                legs.append(
                    TransportLeg(
                        j,
                        p,
                        o,
                        f,
                        g,
                        time,
                        cost,
                        f"{_job(instance, j)}: after {_op(job, p)} the work travels from "
                        f"{_factory(instance, f)} to {_factory(instance, g)} for {_op(job, o)} "
                        f"({time} min, cost {cost:,}).",
                        f"{_job_zh(instance, j)}：{_op_zh(job, p)}完成后，工件从{_factory_zh(instance, f)}运往"
                        f"{_factory_zh(instance, g)}进行{_op_zh(job, o)}（{time} 分钟，费用 {cost:,}）。",
                    )  # fmt: skip
                )
    return legs


def _lateness(instance: Instance, schedule: Schedule) -> list[JobLateness]:
    completion: dict[int, int] = {}
    for a in schedule.assignments:
        completion[a.job] = max(completion.get(a.job, 0), a.end)
    items = []
    for j, job in enumerate(instance.jobs):
        if j not in completion:
            continue
        done = completion[j]
        if job.due is None:
            en = f"{_job(instance, j)} finishes at {done} (no due date)."
            zh = f"{_job_zh(instance, j)}在 {done} 完工（无交期）。"
            late = 0
        else:
            late = max(0, done - job.due)
            if late:
                en = f"{_job(instance, j)} finishes at {done}, {late} after its due date {job.due}."
                zh = f"{_job_zh(instance, j)}在 {done} 完工，比交期 {job.due} 晚 {late}。"
            else:
                en = f"{_job(instance, j)} finishes at {done}, on time for its due date {job.due}."
                zh = f"{_job_zh(instance, j)}在 {done} 完工，按期（交期 {job.due}）。"
        items.append(JobLateness(j, done, job.due, late, en, zh))
    return items


def explain(instance: Instance, schedule: Schedule) -> Explanation:
    """Each factory's share, every transport leg and every job's lateness, in English and Chinese."""
    shares = _shares(instance, schedule)
    legs = _legs(instance, schedule)
    lateness = _lateness(instance, schedule)
    late = [item for item in lateness if item.tardiness > 0]
    used = sum(1 for share in shares if share.operations)
    moved = sum(leg.cost for leg in legs)
    summary_en = (
        f"{len(schedule.assignments)} operations in {used} of {len(shares)} factories, makespan "
        f"{schedule.makespan}; {len(legs)} transport legs costing {moved:,}; "
        + (f"{len(late)} jobs late." if late else "every job on time.")
    )
    summary_zh = (
        f"{len(schedule.assignments)} 道工序分布在 {len(shares)} 个工厂中的 {used} 个，总完工时间 {schedule.makespan}；"
        f"运输 {len(legs)} 次，费用 {moved:,}；"
        + (f"{len(late)} 个作业延期。" if late else "所有作业按期完成。")
    )
    return Explanation(tuple(shares), tuple(legs), tuple(lateness), summary_en, summary_zh)
