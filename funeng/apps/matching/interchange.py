"""Import and export of solutions and needs in the interchange format of issue 6 (JSONL, one object a line).

Import checks every line first (the engine's readers parse the format with engines.tabular's line
validator; this module adds what needs the database: providers, enterprises, existing ids, model
validation), reports every problem as a tabular `Problem` (file, line, field, reason) and writes nothing
if any line is bad; otherwise everything is written in one transaction, with one audit row per
created or changed object. A line whose id was imported before updates that object.

Providers are named by name. An unknown provider is an error, unless the operator passes
`create_providers`: then it is created in the vetting state *applied*, because an import must not
stand in for an official's vetting decision; its solutions come in as drafts, and the provider
publishes them once approved. Such providers have no credit code in the file, so a placeholder
starting with "IMP" (never a valid code: GB 32100 codes start with a registration-office digit)
is stored until the provider corrects it in its application.

Needs may name their enterprise with an extra `enterprise.credit_code`; without it the need is
kept with the enterprise profile of the line (a need collected offline, 需求征集).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError

from engines.match import io as engine_io
from engines.match import model as engine
from engines.tabular import Problem, gettext_noop
from funeng.apps.core.identity import User
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching import services
from funeng.apps.matching.const import NeedStatus, SolutionStatus
from funeng.apps.matching.models import Need, Solution
from funeng.apps.matching.services import NEED_FIELDS
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider

MAX_REPORTED = 50


class Writable(Protocol):
    def write(self, text: str) -> Any: ...


NEED_PROFILE = ("industry_code", "region_code", "employees", "revenue_cny")


class ImportRejected(Exception):
    """The file has bad lines; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    providers_created: list[str] = field(default_factory=list)
    drafts: int = 0  # solutions kept as drafts because their provider is not approved
    ranked: int = 0


def _problem(file: str, line: int, field: str, code: str, message: str, /, **params: str | int) -> Problem:
    """A problem the database finds in one line of an interchange file."""
    return Problem(
        file=file,
        row=line,
        code=code,
        message=message,
        params=params,
        column=field or None,
        field=field or None,
        unit="line",
    )


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _validation_problems(file: str, line: int, error: ValidationError) -> list[Problem]:
    # Django has already translated these messages; a Problem without parameters shows them as they are.
    if hasattr(error, "error_dict"):
        return [
            _problem(
                file,
                line,
                name,
                f"{name}.invalid",
                " ".join(str(m) for m in ValidationError(errors).messages),
            )
            for name, errors in error.error_dict.items()
        ]
    return [_problem(file, line, "", "invalid", " ".join(error.messages))]


def _existing(model: Any, ids: list[str], prefix: str) -> dict[str, Any]:
    """Objects already known under these interchange ids: their imported id, or the S<pk>/N<pk> of an export."""
    found = {o.external_id: o for o in model.objects.filter(external_id__in=ids)}
    exported = {
        int(i[len(prefix) :]): i
        for i in ids
        if i not in found and i.startswith(prefix) and i[len(prefix) :].isdigit()
    }
    if exported:
        for obj in model.objects.filter(pk__in=list(exported), external_id=""):
            found[exported[obj.pk]] = obj
    return found


def placeholder_credit_code(name: str) -> str:
    """A stand-in credit code for a provider created by import (never a valid GB 32100 code)."""
    return "IMP" + hashlib.sha256(name.encode()).hexdigest()[:15].upper()


# --- solutions -------------------------------------------------------------------------------------


def solutions_import(
    *, path: Path, acting_user: User | None, create_providers: bool = False, dry_run: bool = False
) -> ImportReport:
    """Import a solutions JSONL file: all lines or none."""
    try:
        numbered = engine_io.solution_lines(path)
    except engine_io.MatchInputError as error:
        raise ImportRejected(error.problems) from None
    parsed = [line.solution() for _, line in numbered]
    lines = {line.id: number for number, line in numbered}
    problems: list[Problem] = []

    names = {s.provider for s in parsed}
    by_name: dict[str, list[Provider]] = {}
    for provider in Provider.objects.filter(name__in=names):
        by_name.setdefault(provider.name, []).append(provider)
    new_providers: dict[str, Provider] = {}
    for item in parsed:
        found = by_name.get(item.provider, [])
        if len(found) > 1:
            problems.append(
                _problem(
                    path.name,
                    lines[item.id],
                    "provider",
                    "provider.ambiguous",
                    gettext_noop("%(count)s providers are named %(name)s; rename one so the name is unique"),
                    count=len(found),
                    name=repr(item.provider),
                )
            )
        elif not found and item.provider not in new_providers:
            if not create_providers:
                problems.append(
                    _problem(
                        path.name,
                        lines[item.id],
                        "provider",
                        "provider.unknown",
                        gettext_noop(
                            "unknown provider %(name)s; register it first, or pass --create-providers "
                            "to create it as an application awaiting vetting"
                        ),
                        name=repr(item.provider),
                    )
                )
            else:
                new_providers[item.provider] = Provider(
                    name=item.provider,
                    credit_code=placeholder_credit_code(item.provider),
                    region_code="",
                    vetting_state=VettingState.APPLIED,
                    vetting_reason="",
                )

    existing = _existing(Solution, [s.id for s in parsed], "S")
    taken = set(
        Provider.objects.filter(credit_code__in=[p.credit_code for p in new_providers.values()]).values_list(
            "credit_code", flat=True
        )
    )
    first_line: dict[str, int] = {}
    for item in parsed:
        first_line.setdefault(item.provider, lines[item.id])
    for name, provider in new_providers.items():
        if provider.credit_code in taken:
            problems.append(
                _problem(
                    path.name,
                    first_line[name],
                    "provider",
                    "provider.renamed",
                    gettext_noop(
                        "a provider created by an earlier import as %(name)s was renamed; use its new name"
                    ),
                    name=repr(name),
                )
            )

    rows: list[tuple[int, engine.Solution, Solution, bool]] = []
    for item in parsed:
        line = lines[item.id]
        found = by_name.get(item.provider, [])
        chosen = found[0] if len(found) == 1 else new_providers.get(item.provider)
        if chosen is None:
            continue
        provider = chosen
        solution = existing.get(item.id)
        is_new = solution is None
        if solution is None:
            solution = Solution(external_id=item.id)
        solution.provider = provider
        solution.title = item.title
        solution.description = item.description
        solution.scenarios = list(item.scenarios)
        solution.industries = list(item.industries)
        solution.regions = [f"{prefix}0000" for prefix in item.regions]
        solution.price_cny_per_year = _money(item.price_cny_per_year)
        solution.deployment = item.deployment or ""
        solution.min_employees = item.min_employees
        solution.max_employees = item.max_employees
        if is_new:
            approved = provider.vetting_state == VettingState.APPROVED
            solution.status = SolutionStatus.PUBLISHED if approved else SolutionStatus.DRAFT
        try:
            solution.full_clean(exclude=["provider"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems.extend(_validation_problems(path.name, line, error))
        rows.append((line, item, solution, is_new))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row or 0)[:MAX_REPORTED])

    report = ImportReport()
    if dry_run:
        report.created = sum(1 for *_, new in rows if new)
        report.updated = len(rows) - report.created
        report.providers_created = sorted(new_providers)
        return report
    created = [r[2] for r in rows if r[3]]
    changed = [r[2] for r in rows if not r[3]]
    services.solutions_import_save(
        created=created, changed=changed, new_providers=list(new_providers.values()), acting_user=acting_user
    )
    report.created = len(created)
    report.updated = len(changed)
    report.providers_created = sorted(new_providers)
    report.drafts = sum(1 for s in created if s.status == SolutionStatus.DRAFT)
    return report


# --- needs -----------------------------------------------------------------------------------------


def needs_import(
    *, path: Path, acting_user: User | None, dry_run: bool = False, rank: bool = True
) -> ImportReport:
    """Import a needs JSONL file: all lines or none; imported open needs are ranked (batch path)."""
    try:
        numbered = engine_io.need_lines(path)
    except engine_io.MatchInputError as error:
        raise ImportRejected(error.problems) from None
    parsed = [line.need() for _, line in numbered]
    lines = {line.id: number for number, line in numbered}
    problems: list[Problem] = []
    codes = {
        line.id: line.enterprise.credit_code
        for _, line in numbered
        if line.enterprise.credit_code is not None
    }
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=set(codes.values()))}
    existing = _existing(Need, [n.id for n in parsed], "N")
    rows: list[tuple[Need, bool]] = []
    for item in parsed:
        number = lines[item.id]
        enterprise = None
        if item.id in codes:
            enterprise = enterprises.get(codes[item.id])
            if enterprise is None:
                problems.append(
                    _problem(
                        path.name,
                        number,
                        "enterprise.credit_code",
                        "enterprise.unknown",
                        gettext_noop(
                            "no enterprise with credit code %(credit_code)s in the registry; import it first or "
                            "leave the code out"
                        ),
                        credit_code=codes[item.id],
                    )
                )
                continue
        need = existing.get(item.id)
        is_new = need is None
        if need is None:
            need = Need(external_id=item.id, status=NeedStatus.OPEN)
        elif (
            need.enterprise_id is not None and enterprise is not None and need.enterprise_id != enterprise.pk
        ):
            problems.append(
                _problem(
                    path.name,
                    number,
                    "enterprise.credit_code",
                    "enterprise.changed",
                    gettext_noop("differs from the enterprise of the imported need"),
                )
            )
            continue
        profile = item.enterprise
        need.enterprise = enterprise or need.enterprise
        need.title = item.title
        need.description = item.description
        need.scenarios = list(item.scenarios)
        need.budget_cny_per_year = _money(item.budget_cny_per_year)
        need.industry_code = profile.industry_code or (enterprise.industry_code if enterprise else "") or ""
        region = enterprise.region_code if enterprise else ""
        if profile.province and not region.startswith(profile.province):
            region = f"{profile.province}0000"
        need.region_code = region
        need.employees = (
            profile.employees
            if profile.employees is not None
            else (enterprise.employees if enterprise else None)
        )
        revenue = _money(profile.revenue_cny)
        need.revenue_cny = (
            revenue if revenue is not None else (enterprise.revenue_cny if enterprise else None)
        )
        try:
            need.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems.extend(_validation_problems(path.name, number, error))
        rows.append((need, is_new))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.row or 0)[:MAX_REPORTED])
    report = ImportReport()
    created = [n for n, new in rows if new]
    changed = [n for n, new in rows if not new]
    if dry_run:
        report.created, report.updated = len(created), len(changed)
        return report
    services.needs_import_save(
        created=created, changed=changed, fields=(*NEED_FIELDS, *NEED_PROFILE), acting_user=acting_user
    )
    if rank:
        # After the commit: ranking is CPU work and must not hold SQLite's write lock meanwhile.
        report.ranked = services.needs_rank_all(needs=[n for n, _ in rows if n.status == NeedStatus.OPEN])
    report.created, report.updated = len(created), len(changed)
    return report


# --- export ----------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def solution_line(solution: Solution) -> dict[str, Any]:
    """One solution in the interchange format (regions as 6-digit province codes)."""
    return {
        "id": solution.interchange_id,
        "provider": solution.provider.name,
        "title": solution.title,
        "description": solution.description,
        "scenarios": list(solution.scenarios),
        "industries": list(solution.industries),
        "regions": list(solution.regions),
        "price_cny_per_year": _number(solution.price_cny_per_year),
        "deployment": solution.deployment or None,
        "min_employees": solution.min_employees,
        "max_employees": solution.max_employees,
    }


def need_line(need: Need) -> dict[str, Any]:
    """One need in the interchange format; a registered enterprise's credit code is added."""
    enterprise: dict[str, Any] = {
        "industry_code": need.industry_code or None,
        "province": need.region_code or None,
        "employees": need.employees,
        "revenue_cny": _number(need.revenue_cny),
    }
    if need.enterprise is not None:
        enterprise["credit_code"] = need.enterprise.credit_code
    return {
        "id": need.interchange_id,
        "enterprise": enterprise,
        "title": need.title,
        "description": need.description,
        "scenarios": list(need.scenarios),
        "budget_cny_per_year": _number(need.budget_cny_per_year),
    }


def write_lines(out: Writable, lines: Iterable[dict[str, Any]]) -> int:
    """Write JSON objects one per line (UTF-8 characters, not escapes); returns how many."""
    count = 0
    for line in lines:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    return count


def solutions_export(out: Writable, solutions: Iterable[Solution]) -> int:
    """Write solutions as JSONL."""
    return write_lines(out, (solution_line(s) for s in solutions))


def needs_export(out: Writable, needs: Iterable[Need]) -> int:
    """Write needs as JSONL."""
    return write_lines(out, (need_line(n) for n in needs))
