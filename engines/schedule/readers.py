"""Readers for the standard benchmark formats: Brandimarte's `.fjs` and JSPLIB's job shop files.

`.fjs`: a header `jobs machines [average machines per operation]`, then one line per job: the
number of operations, then per operation `k` followed by `k` pairs `machine time`, machines
numbered from 1. JSPLIB: `#` comment lines, a header `jobs machines`, then one line per job of
`machines` pairs `machine time`, machines numbered from 0. Blank lines are skipped anywhere.

Both become an `Instance` with 0-based machine indices and chain routings (each operation follows
the one before it); `Instance.first_machine` keeps the file's numbering for printing answers back.
Every problem raises `ScheduleInputError` naming the 1-based line of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from engines.schedule.errors import ScheduleInputError
from engines.schedule.instance import Alternative, Instance, Job, Machine, Operation

FJS = "fjs"
JSPLIB = "jsplib"


def _lines(text: str, *, comments: bool) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, tokens) of every line that holds data."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or (comments and stripped.startswith("#")):
            continue
        yield number, stripped.split()


def _int(token: str, line: int, what: str, what_zh: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise ScheduleInputError(
            line, f"{what} {token!r} is not a whole number", f"{what_zh}“{token}”不是整数"
        ) from None


def _header(rows: Iterator[tuple[int, list[str]]], *, allow_average: bool) -> tuple[int, int, int]:
    """(line, jobs, machines) from the header line."""
    try:
        line, tokens = next(rows)
    except StopIteration:
        raise ScheduleInputError(
            1, "the file holds no header line `jobs machines`", "文件没有表头行（作业数 机器数）"
        ) from None
    allowed = 3 if allow_average else 2
    if len(tokens) < 2 or len(tokens) > allowed:
        shape = "`jobs machines [average]`" if allow_average else "`jobs machines`"
        raise ScheduleInputError(
            line,
            f"the header needs {shape}, found {len(tokens)} numbers",
            f"表头应为 {shape}，实际有 {len(tokens)} 个数",
        )
    jobs = _int(tokens[0], line, "job count", "作业数")
    machines = _int(tokens[1], line, "machine count", "机器数")
    if len(tokens) == 3:
        try:
            float(tokens[2])  # the 1993 nominal average, informative only
        except ValueError:
            raise ScheduleInputError(
                line,
                f"average machines per operation {tokens[2]!r} is not a number",
                f"每道工序平均机器数“{tokens[2]}”不是数字",
            ) from None
    if jobs <= 0 or machines <= 0:
        raise ScheduleInputError(
            line,
            f"the header declares {jobs} jobs and {machines} machines; both must be at least 1",
            f"表头声明 {jobs} 个作业、{machines} 台机器，两者都至少为 1",
        )
    return line, jobs, machines


def _alternative(tokens: list[str], at: int, line: int, machines: int, first: int) -> Alternative:
    machine = _int(tokens[at], line, "machine", "机器编号")
    duration = _int(tokens[at + 1], line, "processing time", "加工时间")
    if not first <= machine < first + machines:
        raise ScheduleInputError(
            line,
            f"machine {machine} is out of range {first}–{first + machines - 1}",
            f"机器编号 {machine} 超出范围 {first}–{first + machines - 1}",
        )
    if duration < 0:
        raise ScheduleInputError(
            line,
            f"processing time {duration} on machine {machine} is negative",
            f"机器 {machine} 上的加工时间 {duration} 为负数",
        )
    return Alternative(machine=machine - first, duration=duration)


def _short(line: int, job: int, needed: str, needed_zh: str) -> ScheduleInputError:
    return ScheduleInputError(
        line,
        f"job {job} ends too early: {needed} is missing",
        f"作业 {job} 的数据不完整：缺少{needed_zh}",
    )


def _fjs_job(tokens: list[str], line: int, job: int, machines: int) -> Job:
    count = _int(tokens[0], line, "operation count", "工序数")
    if count <= 0:
        raise ScheduleInputError(
            line, f"job {job} declares {count} operations", f"作业 {job} 声明了 {count} 道工序"
        )
    at = 1
    operations = []
    for op in range(count):
        if at >= len(tokens):
            raise _short(line, job, f"operation {op + 1} of {count}", f"第 {op + 1}/{count} 道工序")
        k = _int(tokens[at], line, "machine count of an operation", "工序的可选机器数")
        if k <= 0:
            raise ScheduleInputError(
                line,
                f"operation {op + 1} of job {job} lists {k} machines; it needs at least one",
                f"作业 {job} 的第 {op + 1} 道工序列出 {k} 台机器，至少需要一台",
            )
        if at + 1 + 2 * k > len(tokens):
            raise _short(
                line,
                job,
                f"a machine/time pair of operation {op + 1} ({k} declared)",
                f"第 {op + 1} 道工序的机器/时间对（声明了 {k} 对）",
            )
        alternatives = [_alternative(tokens, at + 1 + 2 * i, line, machines, 1) for i in range(k)]
        seen = [a.machine for a in alternatives]
        if len(set(seen)) != len(seen):
            twice = next(m for m in seen if seen.count(m) > 1) + 1
            raise ScheduleInputError(
                line,
                f"operation {op + 1} of job {job} lists machine {twice} twice",
                f"作业 {job} 的第 {op + 1} 道工序两次列出机器 {twice}",
            )
        operations.append(Operation(alternatives=tuple(alternatives), predecessors=(op - 1,) if op else ()))
        at += 1 + 2 * k
    if at != len(tokens):
        raise ScheduleInputError(
            line,
            f"job {job} has {len(tokens) - at} numbers after its {count} operations",
            f"作业 {job} 的 {count} 道工序之后多出 {len(tokens) - at} 个数",
        )
    return Job(operations=tuple(operations), label=str(job))


def _jsplib_job(tokens: list[str], line: int, job: int, machines: int) -> Job:
    if len(tokens) != 2 * machines:
        raise ScheduleInputError(
            line,
            f"job {job} needs {machines} pairs `machine time` ({2 * machines} numbers), found {len(tokens)}",
            f"作业 {job} 需要 {machines} 对“机器 时间”（{2 * machines} 个数），实际 {len(tokens)} 个",
        )
    operations = tuple(
        Operation(
            alternatives=(_alternative(tokens, 2 * op, line, machines, 0),),
            predecessors=(op - 1,) if op else (),
        )
        for op in range(machines)
    )
    return Job(operations=operations, label=str(job))


def _read(text: str, name: str, kind: str) -> Instance:
    rows = _lines(text, comments=kind == JSPLIB)
    header_line, n_jobs, n_machines = _header(rows, allow_average=kind == FJS)
    jobs: list[Job] = []
    last = header_line
    for number, tokens in rows:
        job = len(jobs)
        if job == n_jobs:
            raise ScheduleInputError(
                number,
                f"unexpected data after the {n_jobs} jobs the header declares",
                f"表头声明的 {n_jobs} 个作业之后还有多余数据",
            )
        reader = _fjs_job if kind == FJS else _jsplib_job
        jobs.append(reader(tokens, number, job, n_machines))
        last = number
    if len(jobs) < n_jobs:
        raise ScheduleInputError(
            last + 1,
            f"the file ends after {len(jobs)} of the {n_jobs} jobs the header declares",
            f"文件在第 {len(jobs)} 个作业后结束，表头声明了 {n_jobs} 个",
        )
    first = 1 if kind == FJS else 0
    machines = tuple(Machine(label=str(m + first)) for m in range(n_machines))
    return Instance(jobs=tuple(jobs), machines=machines, name=name, first_machine=first)


def read_fjs(text: str, name: str = "") -> Instance:
    """A flexible job shop from Brandimarte's `.fjs` text (machines 1-based in the file)."""
    return _read(text, name, FJS)


def read_jsplib(text: str, name: str = "") -> Instance:
    """A job shop from JSPLIB text: `#` comments, `jobs machines`, then pairs (machines 0-based)."""
    return _read(text, name, JSPLIB)


def detect_format(text: str, suffix: str = "") -> str:
    """ "fjs" or "jsplib": by the `.fjs` suffix, a `#` comment or a 3-number header, else by which reads.

    A 2-number header followed by job lines of `2 × machines` numbers fits both formats; the text
    is JSPLIB when it reads as JSPLIB (machines 0-based, one pair per machine) and `.fjs` otherwise.
    """
    if suffix.lower() == ".fjs":
        return FJS
    rows = list(_lines(text, comments=False))
    if not rows:
        return FJS
    if rows[0][1][0].startswith("#"):
        return JSPLIB
    if len(rows[0][1]) != 2:
        return FJS
    try:
        read_jsplib(text)
    except ScheduleInputError:
        return FJS
    return JSPLIB


def read_text(text: str, name: str = "", suffix: str = "") -> Instance:
    """An instance from text in either format (detected)."""
    reader = read_fjs if detect_format(text, suffix) == FJS else read_jsplib
    return reader(text, name)


def read_instance(path: str | Path) -> Instance:
    """An instance from a `.fjs` or JSPLIB file (detected), named after the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ScheduleInputError(line, "the file is not UTF-8 text", "文件不是 UTF-8 文本") from None
    return read_text(text, path.stem, path.suffix)
