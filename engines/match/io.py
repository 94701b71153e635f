"""Interchange readers: solutions JSONL, needs JSONL and graded judgments TSV (the format of issue 6).

Every file is read whole and checked before anything is returned; problems are collected as
`InputProblem`s naming file, line, field and reason, and raised together as one `MatchInputError`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from engines.match import fields
from engines.match.model import Enterprise, Need, Solution
from engines.maturity.framework import solution_categories

T = TypeVar("T")
MAX_PROBLEMS = 50
GRADES = (0, 1, 2, 3)  # 0 is allowed explicitly; an absent pair also counts as 0


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One bad value: where it is and what is wrong with it."""

    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line else self.file  # line 0: the file as a whole
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class MatchInputError(ValueError):
    """One or more interchange rows are invalid; str() is the first problem and a count of the rest."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems
        rest = len(problems) - 1
        more = f" (and {rest} more {'problem' if rest == 1 else 'problems'})" if rest else ""
        super().__init__(f"{problems[0]}{more}")


class _Row:
    """Field access on one JSON object; each getter records a problem and returns None when bad."""

    def __init__(self, file: str, line: int, data: Mapping[str, Any], problems: list[InputProblem]) -> None:
        self.file = file
        self.line = line
        self.data = data
        self.problems = problems

    def fail(self, name: str, reason: str) -> None:
        self.problems.append(InputProblem(self.file, self.line, name, reason))

    def text(self, name: str, *, required: bool = True, data: Mapping[str, Any] | None = None) -> str:
        value = (self.data if data is None else data).get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "is required and must be a non-empty string")
            return ""
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.fail(name, f"must be a string, got {type(value).__name__}")
            return ""
        return str(value).strip()

    def number(
        self, name: str, *, data: Mapping[str, Any] | None = None, integer: bool = False, label: str = ""
    ) -> float | None:
        value = (self.data if data is None else data).get(name)
        label = label or name
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(label, f"must be a number or null, got {value!r}")
            return None
        if value < 0:
            self.fail(label, f"must not be negative, got {value!r}")
            return None
        if integer and value != int(value):
            self.fail(label, f"must be a whole number, got {value!r}")
            return None
        return float(value)

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.fail(name, "must be a list of strings ([] when it does not apply)")
            return []
        return [str(v) for v in value]

    def parse(self, name: str, value: object, parser: Callable[[object], T]) -> T | None:
        try:
            return parser(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        content = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MatchInputError([InputProblem(path.name, 0, "", "no such file")]) from None
    except UnicodeDecodeError:
        raise MatchInputError([InputProblem(path.name, 0, "", "not UTF-8 text")]) from None
    except OSError as exc:
        raise MatchInputError([InputProblem(path.name, 0, "", f"cannot be read ({exc.strerror})")]) from None
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip():
            yield number, line


def _objects(path: Path, problems: list[InputProblem]) -> Iterator[_Row]:
    for number, line in _lines(path):
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(
                InputProblem(path.name, number, "", f"not valid JSON ({exc.msg}, column {exc.colno})")
            )
            continue
        if not isinstance(data, dict):
            problems.append(InputProblem(path.name, number, "", "expected a JSON object"))
            continue
        yield _Row(path.name, number, data, problems)


def _scenario_ids(row: _Row) -> tuple[str, ...]:
    categories = solution_categories()
    by_name = {c.name.zh: c.id for c in categories.values()}
    result = []
    for value in row.strings("scenarios"):
        ident = value if value in categories else by_name.get(value)
        if ident is None:
            row.fail(
                "scenarios",
                f"unknown scenario {value!r}; use an id of the shared taxonomy such as production",
            )
        elif ident not in result:
            result.append(ident)
    return tuple(result)


def _unique(
    rows: list[tuple[int, T]], key: Callable[[T], str], file: str, problems: list[InputProblem]
) -> list[T]:
    seen: dict[str, int] = {}
    for line, item in rows:
        ident = key(item)
        if ident in seen:
            problems.append(
                InputProblem(file, line, "id", f"duplicate id {ident!r} (first on line {seen[ident]})")
            )
        else:
            seen[ident] = line
    return [item for _, item in rows]


def _raise(problems: list[InputProblem]) -> None:
    if problems:
        raise MatchInputError(problems[:MAX_PROBLEMS])


def read_solutions(path: Path | str) -> list[Solution]:
    """Solutions from JSONL; raises MatchInputError naming file, line, field and reason."""
    path = Path(path)
    problems: list[InputProblem] = []
    rows: list[tuple[int, Solution]] = []
    for row in _objects(path, problems):
        before = len(problems)
        regions = []
        for value in row.strings("regions"):
            key = row.parse("regions", value, fields.province_key)
            if key is not None and key not in regions:
                regions.append(key)
        industries = []
        for value in row.strings("industries"):
            code = row.parse("industries", value, fields.industry_target)
            if code is not None and code not in industries:
                industries.append(code)
        raw_deployment = row.data.get("deployment")
        deployment = (
            None
            if raw_deployment in (None, "")
            else row.parse("deployment", raw_deployment, fields.deployment_id)
        )
        low = row.number("min_employees", integer=True)
        high = row.number("max_employees", integer=True)
        if low is not None and high is not None and low > high:
            row.fail("max_employees", f"must not be below min_employees ({high:g} < {low:g})")
        solution = Solution(
            id=row.text("id"),
            provider=row.text("provider"),
            title=row.text("title"),
            description=row.text("description", required=False),
            scenarios=_scenario_ids(row),
            industries=tuple(industries),
            regions=tuple(regions),
            price_cny_per_year=row.number("price_cny_per_year"),
            deployment=deployment,
            min_employees=None if low is None else int(low),
            max_employees=None if high is None else int(high),
        )
        if len(problems) == before:
            rows.append((row.line, solution))
    solutions = _unique(rows, lambda s: s.id, path.name, problems)
    _raise(problems)
    return solutions


def read_needs(path: Path | str) -> list[Need]:
    """Needs from JSONL; raises MatchInputError naming file, line, field and reason."""
    path = Path(path)
    problems: list[InputProblem] = []
    rows: list[tuple[int, Need]] = []
    for row in _objects(path, problems):
        before = len(problems)
        raw = row.data.get("enterprise") or {}
        if not isinstance(raw, dict):
            row.fail("enterprise", "must be an object with industry_code, province, employees, revenue_cny")
            raw = {}
        industry = raw.get("industry_code")
        province = raw.get("province")
        employees = row.number("employees", data=raw, integer=True, label="enterprise.employees")
        enterprise = Enterprise(
            industry_code=None
            if industry in (None, "")
            else row.parse("enterprise.industry_code", industry, fields.industry_code),
            province=None
            if province in (None, "")
            else row.parse("enterprise.province", province, fields.province_key),
            employees=None if employees is None else int(employees),
            revenue_cny=row.number("revenue_cny", data=raw, label="enterprise.revenue_cny"),
        )
        raw_deployment = row.data.get("deployment")
        need = Need(
            id=row.text("id"),
            title=row.text("title"),
            description=row.text("description", required=False),
            enterprise=enterprise,
            budget_cny_per_year=row.number("budget_cny_per_year"),
            scenarios=_scenario_ids(row),
            deployment=None
            if raw_deployment in (None, "")
            else row.parse("deployment", raw_deployment, fields.deployment_id),
        )
        if len(problems) == before:
            rows.append((row.line, need))
    needs = _unique(rows, lambda n: n.id, path.name, problems)
    _raise(problems)
    return needs


Qrels = dict[str, dict[str, int]]  # need id → solution id → grade


def read_qrels(
    path: Path | str, *, need_ids: set[str] | None = None, solution_ids: set[str] | None = None
) -> Qrels:
    """Graded judgments `need_id<TAB>solution_id<TAB>grade`; ids are checked when the sets are given."""
    path = Path(path)
    problems: list[InputProblem] = []
    qrels: Qrels = {}
    seen: dict[tuple[str, str], int] = {}

    def fail(line: int, name: str, reason: str) -> None:
        problems.append(InputProblem(path.name, line, name, reason))

    for number, line in _lines(path):
        if line.startswith("#"):
            continue
        parts = [p.strip() for p in line.rstrip("\r\n").split("\t")]
        if number == 1 and parts[:2] == ["need_id", "solution_id"]:
            continue  # an optional header row
        if len(parts) != 3:
            fail(
                number, "", f"expected 3 tab-separated columns need_id, solution_id, grade; got {len(parts)}"
            )
            continue
        need, solution, grade_text = parts
        if not need or not solution:
            fail(number, "need_id" if not need else "solution_id", "is empty")
            continue
        if not grade_text.isdigit() or int(grade_text) not in GRADES:
            fail(number, "grade", f"must be 0, 1, 2 or 3, got {grade_text!r}")
            continue
        if need_ids is not None and need not in need_ids:
            fail(number, "need_id", f"unknown need {need!r} (not in the needs file)")
            continue
        if solution_ids is not None and solution not in solution_ids:
            fail(number, "solution_id", f"unknown solution {solution!r} (not in the solutions file)")
            continue
        if (need, solution) in seen:
            fail(
                number,
                "solution_id",
                f"pair {need}/{solution} judged twice (first on line {seen[need, solution]})",
            )
            continue
        seen[need, solution] = number
        qrels.setdefault(need, {})[solution] = int(grade_text)
    _raise(problems)
    return qrels


def read_judged_set(folder: Path | str) -> tuple[list[Solution], list[Need], Qrels]:
    """A labelled set in one folder: solutions.jsonl, needs.jsonl and qrels.tsv (ids checked)."""
    folder = Path(folder)
    solutions = read_solutions(folder / "solutions.jsonl")
    needs = read_needs(folder / "needs.jsonl")
    qrels = read_qrels(
        folder / "qrels.tsv", need_ids={n.id for n in needs}, solution_ids={s.id for s in solutions}
    )
    return solutions, needs, qrels
