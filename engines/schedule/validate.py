"""Refuse instances no planner should try: cyclic routings, indices out of range, inverted periods.

What makes an instance merely unschedulable (an operation no machine can do, a calendar with no
working time) is not refused here: the planners answer those with status "infeasible" and a reason.
"""

from __future__ import annotations

from engines.schedule.errors import InstanceError
from engines.schedule.instance import Instance, Job


def topological_order(job: Job, job_index: int = 0) -> list[int]:
    """The job's operations in an order that respects every predecessor; InstanceError on a cycle."""
    count = len(job.operations)
    indegree = [0] * count
    successors: list[list[int]] = [[] for _ in range(count)]
    for op, operation in enumerate(job.operations):
        for pred in set(operation.predecessors):
            if not 0 <= pred < count or pred == op:
                what = "itself" if pred == op else f"operation {pred}, which the job does not have"
                what_zh = "自身" if pred == op else f"不存在的工序 {pred}"
                raise InstanceError(
                    f"Job {_name(job, job_index)}: operation {op} follows {what}.",
                    f"作业 {_name(job, job_index)}：工序 {op} 的前序是{what_zh}。",
                )
            successors[pred].append(op)
            indegree[op] += 1
    ready = [op for op in range(count) if indegree[op] == 0]
    order = []
    while ready:
        op = ready.pop(0)
        order.append(op)
        for succ in successors[op]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                ready.append(succ)
    if len(order) < count:
        cycle = sorted(op for op in range(count) if indegree[op] > 0)
        listed = ", ".join(map(str, cycle))
        raise InstanceError(
            f"Job {_name(job, job_index)}: the routing has a cycle through operations {listed}; "
            "an operation cannot wait for itself. Remove one of the predecessor links.",
            f"作业 {_name(job, job_index)}：工艺路线在工序 {listed} 之间成环，工序不能等待自身完成。请删除其中一条前序关系。",
        )
    return order


def _name(job: Job, index: int) -> str:
    return f"{index} ({job.label})" if job.label and job.label != str(index) else str(index)


def _check_matrix(instance: Instance, matrix: tuple[tuple[int, ...], ...] | None, what: str) -> None:
    if matrix is None:
        return
    size = len(instance.factories)
    if len(matrix) != size or any(len(row) != size for row in matrix):
        raise InstanceError(
            f"The {what} matrix must be {size}×{size}, one row and column per factory.",
            f"运输{'时间' if what == 'transport time' else '费用'}矩阵必须为 {size}×{size}，每个工厂一行一列。",
        )
    if any(value < 0 for row in matrix for value in row):
        raise InstanceError(
            f"The {what} matrix holds a negative value.",
            f"运输{'时间' if what == 'transport time' else '费用'}矩阵含有负数。",
        )


def validate(instance: Instance) -> None:
    """Raise InstanceError on anything that makes the instance meaningless (not merely unschedulable)."""
    if not instance.machines:
        raise InstanceError("The instance has no machines.", "实例中没有机器。")
    for m, machine in enumerate(instance.machines):
        if not 0 <= machine.factory < len(instance.factories):
            raise InstanceError(
                f"Machine {m} belongs to factory {machine.factory}, which does not exist.",
                f"机器 {m} 所属的工厂 {machine.factory} 不存在。",
            )
        for start, end in machine.unavailable:
            if start >= end or start < 0:
                raise InstanceError(
                    f"Machine {m}: the unavailable period [{start}, {end}) is empty or starts before 0.",
                    f"机器 {m}：不可用时段 [{start}, {end}) 为空或早于 0。",
                )
    _check_matrix(instance, instance.transport_time, "transport time")
    _check_matrix(instance, instance.transport_cost, "transport cost")
    for j, job in enumerate(instance.jobs):
        if job.release < 0:
            raise InstanceError(
                f"Job {_name(job, j)} is released at {job.release}, before time 0.",
                f"作业 {_name(job, j)} 的下达时间 {job.release} 早于 0。",
            )
        if job.due is not None and job.due < job.release:
            raise InstanceError(
                f"Job {_name(job, j)} is due at {job.due}, before its release at {job.release}: "
                "correct the due date or the order date.",
                f"作业 {_name(job, j)} 的交期 {job.due} 早于下达时间 {job.release}，请更正交期或下单日期。",
            )
        if job.weight < 0:
            raise InstanceError(
                f"Job {_name(job, j)} has a negative tardiness weight.",
                f"作业 {_name(job, j)} 的拖期权重为负数。",
            )
        for op, operation in enumerate(job.operations):
            for alternative in operation.alternatives:
                if not 0 <= alternative.machine < len(instance.machines):
                    raise InstanceError(
                        f"Job {_name(job, j)}, operation {op}: machine {alternative.machine} does not exist.",
                        f"作业 {_name(job, j)} 工序 {op}：机器 {alternative.machine} 不存在。",
                    )
                if alternative.duration < 0 or alternative.cost < 0:
                    raise InstanceError(
                        f"Job {_name(job, j)}, operation {op}: negative time or cost on machine "
                        f"{alternative.machine}.",
                        f"作业 {_name(job, j)} 工序 {op}：机器 {alternative.machine} 上的时间或费用为负数。",
                    )
            machines = [a.machine for a in operation.alternatives]
            if len(set(machines)) != len(machines):
                raise InstanceError(
                    f"Job {_name(job, j)}, operation {op} lists a machine twice.",
                    f"作业 {_name(job, j)} 工序 {op} 重复列出同一台机器。",
                )
        topological_order(job, j)
