"""Interchange readers: solutions JSONL, needs JSONL and graded judgments TSV (the format of issue 6).

Every file is read whole and checked before anything is returned. Solutions and needs are read by
engines.tabular (one pydantic line model each); every problem is a tabular `Problem` naming file,
line, field and reason, and they are raised together as one `MatchInputError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeAlias, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationInfo, field_validator

from engines.match import fields
from engines.match.model import Enterprise, Need, Solution
from engines.maturity.framework import solution_categories
from engines.tabular import CellInvalid, FileInvalid, Problem, gettext_noop, text_lines, validate_lines
from engines.tabular.cells import CellType

T = TypeVar("T")
MAX_PROBLEMS = 50
GRADES = (0, 1, 2, 3)  # 0 is allowed explicitly; an absent pair also counts as 0


class MatchInputError(ValueError):
    """One or more interchange rows are invalid; str() is the first problem and a count of the rest."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        rest = len(problems) - 1
        more = f" (and {rest} more {'problem' if rest == 1 else 'problems'})" if rest else ""
        super().__init__(f"{problems[0]}{more}")


# ---------------------------------------------------------------- JSON values


@dataclass(frozen=True)
class _Text(CellType):
    """A JSON string (or integer, read as its digits), trimmed; null and blank are "" unless required."""

    required: bool = True

    def convert(self, raw: object) -> str:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise CellInvalid("text.required", gettext_noop("is required and must be a non-empty string"))
            return ""
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise CellInvalid(
                "text.type", gettext_noop("must be a string, got %(type)s"), type=type(raw).__name__
            )
        return str(raw).strip()


@dataclass(frozen=True)
class _Number(CellType):
    """A JSON number from 0 up, or null; whole when integer is set."""

    integer: bool = False

    def convert(self, raw: object) -> float | None:
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise CellInvalid(
                "number.type", gettext_noop("must be a number or null, got %(value)s"), value=repr(raw)
            )
        if raw < 0:
            raise CellInvalid(
                "number.negative", gettext_noop("must not be negative, got %(value)s"), value=repr(raw)
            )
        if self.integer and raw != int(raw):
            raise CellInvalid(
                "number.not_whole", gettext_noop("must be a whole number, got %(value)s"), value=repr(raw)
            )
        return float(raw)


@dataclass(frozen=True)
class _Parsed(CellType):
    """A value parsed by one of fields.py's parsers; as a field, null and "" are None."""

    parser: Callable[[object], str]
    blank_is_none: bool = True

    def convert(self, raw: object) -> str | None:
        return None if self.blank_is_none and raw in (None, "") else self.parser(raw)


def _strings(value: object) -> list[str]:
    """A JSON list of strings (integers read as their digits); null is the empty list."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise CellInvalid("list.type", gettext_noop("must be a list of strings ([] when it does not apply)"))
    return [str(v) for v in value]


def _distinct(values: list[str]) -> list[str]:
    """In the order given, each value once."""
    return list(dict.fromkeys(values))


def _scenario_id(value: object) -> str:
    """A solution-category id, given as the id or as its Chinese name."""
    categories = solution_categories()
    text = str(value)
    ident = text if text in categories else {c.name.zh: c.id for c in categories.values()}.get(text)
    if ident is None:
        raise CellInvalid(
            "scenario.unknown",
            gettext_noop("unknown scenario %(value)s; use an id of the shared taxonomy such as production"),
            value=repr(text),
        )
    return ident


def _object(value: object) -> object:
    if not value:
        return {}
    if not isinstance(value, dict):
        raise CellInvalid(
            "enterprise.type",
            gettext_noop("must be an object with industry_code, province, employees, revenue_cny"),
        )
    return value


# A list field whose items each go through a parser; a bad item is a problem of the field.
Provinces: TypeAlias = Annotated[
    list[Annotated[str, _Parsed(fields.province_key, blank_is_none=False)]],
    BeforeValidator(_strings),
    AfterValidator(_distinct),
]
Industries: TypeAlias = Annotated[
    list[Annotated[str, _Parsed(fields.industry_target, blank_is_none=False)]],
    BeforeValidator(_strings),
    AfterValidator(_distinct),
]
Scenarios: TypeAlias = Annotated[
    list[Annotated[str, _Parsed(_scenario_id, blank_is_none=False)]],
    BeforeValidator(_strings),
    AfterValidator(_distinct),
]
_Required = Field(default=None, validate_default=True)  # a missing key is checked like a null


# ---------------------------------------------------------------- line models
# Fields are declared in the order their problems are reported.


class SolutionLine(BaseModel):
    """One line of a solutions file."""

    regions: Provinces = Field(default_factory=list)
    industries: Industries = Field(default_factory=list)
    deployment: Annotated[str | None, _Parsed(fields.deployment_id)] = None
    min_employees: Annotated[float | None, _Number(integer=True)] = None
    max_employees: Annotated[float | None, _Number(integer=True)] = None
    id: Annotated[str, _Text()] = _Required
    provider: Annotated[str, _Text()] = _Required
    title: Annotated[str, _Text()] = _Required
    description: Annotated[str, _Text(required=False)] = ""
    scenarios: Scenarios = Field(default_factory=list)
    price_cny_per_year: Annotated[float | None, _Number()] = None

    @field_validator("max_employees")
    @classmethod
    def _range(cls, high: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min_employees")
        if low is not None and high is not None and low > high:
            raise CellInvalid(
                "employees.range",
                gettext_noop("must not be below min_employees (%(high)s < %(low)s)"),
                high=f"{high:g}",
                low=f"{low:g}",
            )
        return high

    def solution(self) -> Solution:
        """The engine's solution."""
        return Solution(
            id=self.id,
            provider=self.provider,
            title=self.title,
            description=self.description,
            scenarios=tuple(self.scenarios),
            industries=tuple(self.industries),
            regions=tuple(self.regions),
            price_cny_per_year=self.price_cny_per_year,
            deployment=self.deployment,
            min_employees=None if self.min_employees is None else int(self.min_employees),
            max_employees=None if self.max_employees is None else int(self.max_employees),
        )


@dataclass(frozen=True)
class _CreditCode(CellType):
    """The credit code of a registered enterprise, as the platform exports it; the engine ignores it."""

    def convert(self, raw: object) -> str | None:
        if raw in (None, ""):
            return None
        if not isinstance(raw, str):
            raise CellInvalid("credit_code.type", gettext_noop("must be a string"))
        return raw.strip().upper()


class EnterpriseLine(BaseModel):
    """The enterprise profile of a need line."""

    employees: Annotated[float | None, _Number(integer=True)] = None
    industry_code: Annotated[str | None, _Parsed(fields.industry_code)] = None
    province: Annotated[str | None, _Parsed(fields.province_key)] = None
    revenue_cny: Annotated[float | None, _Number()] = None
    credit_code: Annotated[str | None, _CreditCode()] = None


class NeedLine(BaseModel):
    """One line of a needs file."""

    enterprise: Annotated[EnterpriseLine, BeforeValidator(_object)] = Field(default_factory=EnterpriseLine)
    id: Annotated[str, _Text()] = _Required
    title: Annotated[str, _Text()] = _Required
    description: Annotated[str, _Text(required=False)] = ""
    budget_cny_per_year: Annotated[float | None, _Number()] = None
    scenarios: Scenarios = Field(default_factory=list)
    deployment: Annotated[str | None, _Parsed(fields.deployment_id)] = None

    def need(self) -> Need:
        """The engine's need."""
        profile = self.enterprise
        return Need(
            id=self.id,
            title=self.title,
            description=self.description,
            enterprise=Enterprise(
                industry_code=profile.industry_code,
                province=profile.province,
                employees=None if profile.employees is None else int(profile.employees),
                revenue_cny=profile.revenue_cny,
            ),
            budget_cny_per_year=self.budget_cny_per_year,
            scenarios=tuple(self.scenarios),
            deployment=self.deployment,
        )


# ---------------------------------------------------------------- readers


def _unique(
    rows: list[tuple[int, T]], key: Callable[[T], str], file: str, problems: list[Problem]
) -> list[T]:
    seen: dict[str, int] = {}
    for line, item in rows:
        ident = key(item)
        if ident in seen:
            problems.append(
                Problem(
                    file=file,
                    row=line,
                    code="id.duplicate",
                    message=gettext_noop("duplicate id %(id)s (first on line %(first)s)"),
                    params={"id": repr(ident), "first": seen[ident]},
                    column="id",
                    field="id",
                    value=ident,
                    unit="line",
                )
            )
        else:
            seen[ident] = line
    return [item for _, item in rows]


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise MatchInputError(problems[:MAX_PROBLEMS])


def _file_problem(path: Path, error: FileInvalid) -> MatchInputError:
    return MatchInputError([error.problem(path.name)])


def solution_lines(path: Path | str) -> list[tuple[int, SolutionLine]]:
    """(line number, line) of every solution; raises MatchInputError naming file, line, field and reason."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        rows = list(validate_lines(path, SolutionLine, problems))
    except FileInvalid as error:
        raise _file_problem(path, error) from None
    _unique(rows, lambda s: s.id, path.name, problems)
    _raise(problems)
    return rows


def need_lines(path: Path | str) -> list[tuple[int, NeedLine]]:
    """(line number, line) of every need; raises MatchInputError naming file, line, field and reason."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        rows = list(validate_lines(path, NeedLine, problems))
    except FileInvalid as error:
        raise _file_problem(path, error) from None
    _unique(rows, lambda n: n.id, path.name, problems)
    _raise(problems)
    return rows


def read_solutions(path: Path | str) -> list[Solution]:
    """Solutions from JSONL; raises MatchInputError naming file, line, field and reason."""
    return [line.solution() for _, line in solution_lines(path)]


def read_needs(path: Path | str) -> list[Need]:
    """Needs from JSONL; raises MatchInputError naming file, line, field and reason."""
    return [line.need() for _, line in need_lines(path)]


Qrels = dict[str, dict[str, int]]  # need id → solution id → grade


def read_qrels(
    path: Path | str, *, need_ids: set[str] | None = None, solution_ids: set[str] | None = None
) -> Qrels:
    """Graded judgments `need_id<TAB>solution_id<TAB>grade`; ids are checked when the sets are given."""
    path = Path(path)
    problems: list[Problem] = []
    qrels: Qrels = {}
    seen: dict[tuple[str, str], int] = {}

    def fail(line: int, name: str, code: str, message: str, /, **params: str | int) -> None:
        problems.append(
            Problem(
                file=path.name,
                row=line,
                code=code,
                message=message,
                params=params,
                column=name or None,
                field=name or None,
                unit="line",
            )
        )

    try:
        lines = list(text_lines(path))
    except FileInvalid as error:
        raise _file_problem(path, error) from None
    for number, line in lines:
        if line.startswith("#"):
            continue
        parts = [p.strip() for p in line.rstrip("\r\n").split("\t")]
        if number == 1 and parts[:2] == ["need_id", "solution_id"]:
            continue  # an optional header row
        if len(parts) != 3:
            fail(
                number,
                "",
                "line.columns",
                gettext_noop("expected 3 tab-separated columns need_id, solution_id, grade; got %(count)s"),
                count=len(parts),
            )
            continue
        need, solution, grade_text = parts
        if not need or not solution:
            fail(number, "need_id" if not need else "solution_id", "id.empty", gettext_noop("is empty"))
            continue
        if not grade_text.isdigit() or int(grade_text) not in GRADES:
            fail(
                number,
                "grade",
                "grade.invalid",
                gettext_noop("must be 0, 1, 2 or 3, got %(value)s"),
                value=repr(grade_text),
            )
            continue
        if need_ids is not None and need not in need_ids:
            fail(
                number,
                "need_id",
                "need.unknown",
                gettext_noop("unknown need %(value)s (not in the needs file)"),
                value=repr(need),
            )
            continue
        if solution_ids is not None and solution not in solution_ids:
            fail(
                number,
                "solution_id",
                "solution.unknown",
                gettext_noop("unknown solution %(value)s (not in the solutions file)"),
                value=repr(solution),
            )
            continue
        if (need, solution) in seen:
            fail(
                number,
                "solution_id",
                "pair.duplicate",
                gettext_noop("pair %(need)s/%(solution)s judged twice (first on line %(first)s)"),
                need=need,
                solution=solution,
                first=seen[need, solution],
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
