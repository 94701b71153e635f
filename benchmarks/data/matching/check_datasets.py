"""Validate the labelled matchmaking sets (dev, heldout) and print their counts.

Run: .venv/bin/python benchmarks/data/matching/check_datasets.py [--json] [SET_DIR ...]

Checks, per set: ids unique; every field of the interchange format present and typed; scenario ids
known to engines/maturity/solution_categories.yaml; industries real GB/T 4754-2017 sections,
divisions or (for needs) classes; provinces recognisable (full name, short name or GB/T 2260 code);
every judgment points at existing ids with a grade 1-3; the grading caps of README.md hold (a
solution that does not serve the need's province, or costs more than three times its budget, is
at most grade 1); dev and heldout share no ids and no providers. Exit status 1 lists every problem
as file:line: field: reason.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from engines.reference.errors import UnknownCodeError  # noqa: E402
from engines.reference.industry import industry_table  # noqa: E402
from engines.reference.regions import region_table  # noqa: E402

SETS = ("dev", "heldout")
# Minimum sizes agreed for issue 6 (dev ≥ 160 solutions / 90 needs; heldout ≥ 80 / 45).
MINIMUM = {"dev": (160, 90), "heldout": (80, 45)}
MIN_COLLOQUIAL_SHARE = 0.40
DEPLOYMENTS = ("saas", "private", "hybrid", "hardware_saas")
STYLES = ("colloquial", "technical")
SOLUTION_FIELDS = {
    "id": str,
    "provider": str,
    "title": str,
    "description": str,
    "scenarios": list,
    "industries": list,
    "regions": list,
    "price_cny_per_year": int,
    "deployment": str,
    "min_employees": int,
    "max_employees": int,
}
NEED_FIELDS = {
    "id": str,
    "enterprise": dict,
    "title": str,
    "description": str,
    "budget_cny_per_year": (int, type(None)),
}
ENTERPRISE_FIELDS = {"industry_code": str, "province": str, "employees": int, "revenue_cny": int}
# Budget rule of the grading guide: up to 1.25 × budget fits, up to 3 × is a notable misfit,
# beyond 3 × the solution is at most "related" (grade 1).
BUDGET_FITS = 1.25
BUDGET_FAR = 3.0
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def scenario_ids() -> list[str]:
    """Scenario ids of the shared taxonomy, in file order."""
    path = ROOT / "engines" / "maturity" / "solution_categories.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [c["id"] for c in data["categories"]]


def _province_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for region in region_table().by_code.values():
        if region.level not in ("province", "province_sar_tw"):
            continue
        index[region.code] = region.code
        index[region.name] = region.code
        for suffix in _SUFFIXES:
            if region.name.endswith(suffix) and len(region.name) > len(suffix) + 1:
                index[region.name[: -len(suffix)]] = region.code
                break
    return index


_PROVINCES = _province_index()


def province_code(value: object) -> str | None:
    """The 6-digit province code for a full name, short name or GB/T 2260 code; None if unknown."""
    if not isinstance(value, str):
        return None
    if value in _PROVINCES:
        return _PROVINCES[value]
    try:
        return region_table().resolve(value).province.code
    except UnknownCodeError:
        return None


def industry_covers(industries: list[str], class_code: str) -> bool:
    """True when a solution's industry list ([] = every industry) includes a 4-digit class."""
    if not industries:
        return True
    node = industry_table().get(class_code)
    return node.section in industries or node.division in industries


def serves_province(regions: list[str], province: str) -> bool:
    """True when a solution's regions ([] = nationwide) include the need's province."""
    if not regions:
        return True
    wanted = province_code(province)
    return any(province_code(r) == wanted for r in regions)


def misfits(solution: dict[str, Any], need: dict[str, Any]) -> tuple[list[str], bool]:
    """The notable misfits of a solution for a need, and whether one of them caps the grade at 1."""
    found: list[str] = []
    capped = False
    enterprise = need["enterprise"]
    if not serves_province(solution["regions"], enterprise["province"]):
        found.append("region")
        capped = True
    budget = need["budget_cny_per_year"]
    price = solution["price_cny_per_year"]
    if budget is not None and price > BUDGET_FITS * budget:
        found.append("budget")
        capped = capped or price > BUDGET_FAR * budget
    if not solution["min_employees"] <= enterprise["employees"] <= solution["max_employees"]:
        found.append("size")
    if not industry_covers(solution["industries"], enterprise["industry_code"]):
        found.append("industry")
    return found, capped


def graded(topical: int, solution: dict[str, Any], need: dict[str, Any]) -> int:
    """Final grade: the hand-judged topical grade, minus one per notable misfit, capped, at least 1."""
    found, capped = misfits(solution, need)
    penalties = len([m for m in found if m != "region"])
    grade = max(1, topical - penalties)
    return 1 if capped else grade


@dataclass
class Report:
    """Problems and counts gathered while checking one set."""

    name: str
    problems: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    def problem(self, path: Path, line: int, where: str, reason: str) -> None:
        try:
            shown = str(path.relative_to(ROOT))
        except ValueError:  # a copy elsewhere (tests): show set/file
            shown = f"{path.parent.name}/{path.name}"
        self.problems.append(f"{shown}:{line}: {where}: {reason}")


def _typed(report: Report, path: Path, line: int, row: dict, fields: dict, prefix: str = "") -> bool:
    ok = True
    for name, kind in fields.items():
        if name not in row:
            report.problem(path, line, prefix + name, "missing")
            ok = False
        elif isinstance(row[name], bool) or not isinstance(row[name], kind):
            report.problem(path, line, prefix + name, f"wrong type {type(row[name]).__name__}")
            ok = False
    extra = sorted(set(row) - set(fields))
    if extra:
        report.problem(path, line, prefix + ",".join(extra), "not part of the interchange format")
    return ok


def _read_jsonl(report: Report, path: Path) -> list[tuple[int, dict]]:
    rows: list[tuple[int, dict]] = []
    if not path.exists():
        report.problem(path, 0, "file", "missing")
        return rows
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            report.problem(path, number, "json", str(exc))
            continue
        if not isinstance(value, dict):
            report.problem(path, number, "json", "each line must be one JSON object")
            continue
        rows.append((number, value))
    return rows


def _check_solution(report: Report, path: Path, line: int, row: dict, known: set[str]) -> bool:
    if not _typed(report, path, line, row, SOLUTION_FIELDS):
        return False
    ok = True
    for name in ("id", "provider", "title", "description"):
        if not row[name].strip():
            report.problem(path, line, name, "empty")
            ok = False
    if not row["scenarios"]:
        report.problem(path, line, "scenarios", "at least one scenario id is required")
        ok = False
    for scenario in row["scenarios"]:
        if scenario not in known:
            report.problem(path, line, "scenarios", f"unknown scenario id {scenario!r}")
            ok = False
    table = industry_table()
    for code in row["industries"]:
        node = table.by_code.get(code) if isinstance(code, str) else None
        if node is None or node.level not in ("section", "division"):
            report.problem(path, line, "industries", f"{code!r} is not a GB/T 4754 section or division")
            ok = False
    for region in row["regions"]:
        if province_code(region) is None:
            report.problem(path, line, "regions", f"{region!r} is not a recognisable province")
            ok = False
    if row["price_cny_per_year"] < 0:
        report.problem(path, line, "price_cny_per_year", "must not be negative")
        ok = False
    if row["deployment"] not in DEPLOYMENTS:
        report.problem(path, line, "deployment", f"must be one of {', '.join(DEPLOYMENTS)}")
        ok = False
    if not 1 <= row["min_employees"] <= row["max_employees"]:
        report.problem(path, line, "min_employees", "need 1 <= min_employees <= max_employees")
        ok = False
    return ok


def _check_need(report: Report, path: Path, line: int, row: dict) -> bool:
    if not _typed(report, path, line, row, NEED_FIELDS):
        return False
    if not _typed(report, path, line, row["enterprise"], ENTERPRISE_FIELDS, "enterprise."):
        return False
    ok = True
    enterprise = row["enterprise"]
    try:
        industry_table().get_class(enterprise["industry_code"])
    except UnknownCodeError as exc:
        report.problem(path, line, "enterprise.industry_code", str(exc))
        ok = False
    if province_code(enterprise["province"]) is None:
        report.problem(path, line, "enterprise.province", f"{enterprise['province']!r} is not recognisable")
        ok = False
    if enterprise["employees"] < 1 or enterprise["revenue_cny"] < 0:
        report.problem(path, line, "enterprise", "employees must be >= 1 and revenue_cny >= 0")
        ok = False
    if row["budget_cny_per_year"] is not None and row["budget_cny_per_year"] < 0:
        report.problem(path, line, "budget_cny_per_year", "must be null or >= 0")
        ok = False
    for name in ("id", "title", "description"):
        if not row[name].strip():
            report.problem(path, line, name, "empty")
            ok = False
    return ok


def _unique(report: Report, path: Path, rows: list[tuple[int, dict]]) -> dict[str, dict]:
    by_id: dict[str, dict] = {}
    for line, row in rows:
        key = row.get("id")
        if key in by_id:
            report.problem(path, line, "id", f"duplicate id {key!r}")
        elif isinstance(key, str):
            by_id[key] = row
    return by_id


def check_set(set_dir: Path) -> tuple[Report, dict[str, dict], dict[str, dict]]:
    """Check one set directory; return the report and the valid solutions and needs by id."""
    report = Report(set_dir.name)
    known = set(scenario_ids())
    sol_path, need_path = set_dir / "solutions.jsonl", set_dir / "needs.jsonl"
    qrel_path, style_path = set_dir / "qrels.tsv", set_dir / "need_styles.tsv"

    sol_rows = _read_jsonl(report, sol_path)
    need_rows = _read_jsonl(report, need_path)
    solutions = _unique(
        report, sol_path, [(n, r) for n, r in sol_rows if _check_solution(report, sol_path, n, r, known)]
    )
    needs = _unique(report, need_path, [(n, r) for n, r in need_rows if _check_need(report, need_path, n, r)])
    clash = sorted(set(solutions) & set(needs))
    if clash:
        report.problem(need_path, 0, "id", f"ids used for both a solution and a need: {clash[:5]}")

    grades: Counter[int] = Counter()
    judged: Counter[str] = Counter()
    best: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    if not qrel_path.exists():
        report.problem(qrel_path, 0, "file", "missing")
    else:
        for line, text in enumerate(qrel_path.read_text(encoding="utf-8").splitlines(), start=1):
            if not text.strip():
                continue
            parts = text.split("\t")
            if len(parts) != 3:
                report.problem(qrel_path, line, "row", "need need_id<TAB>solution_id<TAB>grade")
                continue
            need_id, sol_id, grade_text = parts
            if need_id not in needs:
                report.problem(qrel_path, line, "need_id", f"unknown need {need_id!r}")
                continue
            if sol_id not in solutions:
                report.problem(qrel_path, line, "solution_id", f"unknown solution {sol_id!r}")
                continue
            if grade_text not in ("1", "2", "3"):
                report.problem(qrel_path, line, "grade", f"{grade_text!r} is not 1, 2 or 3")
                continue
            if (need_id, sol_id) in seen:
                report.problem(qrel_path, line, "row", f"{need_id} {sol_id} judged twice")
                continue
            seen.add((need_id, sol_id))
            grade = int(grade_text)
            found, capped = misfits(solutions[sol_id], needs[need_id])
            if capped and grade > 1:
                report.problem(qrel_path, line, "grade", f"{grade} above the cap of 1 ({', '.join(found)})")
            grades[grade] += 1
            judged[need_id] += 1
            best[need_id] = max(best.get(need_id, 0), grade)
    for need_id in needs:
        if need_id not in judged:
            report.problem(qrel_path, 0, "need_id", f"{need_id} has no judgment")

    styles: dict[str, str] = {}
    if not style_path.exists():
        report.problem(style_path, 0, "file", "missing")
    else:
        for line, text in enumerate(style_path.read_text(encoding="utf-8").splitlines(), start=1):
            parts = text.split("\t")
            if len(parts) != 2 or parts[0] not in needs or parts[1] not in STYLES:
                report.problem(style_path, line, "row", f"need a known need id<TAB>{'|'.join(STYLES)}")
                continue
            styles[parts[0]] = parts[1]
        for need_id in sorted(set(needs) - set(styles)):
            report.problem(style_path, 0, "need_id", f"{need_id} has no style")

    minimum = MINIMUM.get(set_dir.name)
    if minimum and (len(solutions) < minimum[0] or len(needs) < minimum[1]):
        report.problem(set_dir, 0, "size", f"need at least {minimum[0]} solutions and {minimum[1]} needs")
    colloquial = sum(1 for s in styles.values() if s == "colloquial")
    share = colloquial / len(needs) if needs else 0.0
    if needs and share < MIN_COLLOQUIAL_SHARE:
        report.problem(style_path, 0, "style", f"only {share:.0%} colloquial needs, need 40%")

    scenario_count = Counter(s for sol in solutions.values() for s in sol["scenarios"])
    missing = [s for s in scenario_ids() if s not in scenario_count]
    if missing:
        report.problem(sol_path, 0, "scenarios", f"no solution covers {missing}")
    per_need = sorted(judged.values()) or [0]
    report.counts = {
        "solutions": len(solutions),
        "providers": len({s["provider"] for s in solutions.values()}),
        "regional_solutions": sum(1 for s in solutions.values() if s["regions"]),
        "needs": len(needs),
        "colloquial_needs": colloquial,
        "colloquial_share": round(share, 3),
        "needs_without_budget": sum(1 for n in needs.values() if n["budget_cny_per_year"] is None),
        "need_provinces": len({province_code(n["enterprise"]["province"]) for n in needs.values()}),
        "need_divisions": len({n["enterprise"]["industry_code"][:2] for n in needs.values()}),
        "judgments": sum(grades.values()),
        "grades": {str(g): grades[g] for g in (3, 2, 1)},
        "judged_per_need": {"min": per_need[0], "median": statistics.median(per_need), "max": per_need[-1]},
        "needs_best_grade": {str(g): sum(1 for b in best.values() if b == g) for g in (3, 2, 1)},
        "scenarios_covered": len(scenario_count),
    }
    return report, solutions, needs


def check_all(base: Path = HERE, names: tuple[str, ...] = SETS) -> list[Report]:
    """Check every set and that dev and heldout share neither ids nor providers."""
    reports: list[Report] = []
    loaded: dict[str, tuple[dict[str, dict], dict[str, dict]]] = {}
    for name in names:
        report, solutions, needs = check_set(base / name)
        reports.append(report)
        loaded[name] = (solutions, needs)
    if {"dev", "heldout"} <= set(loaded):
        (dev_s, dev_n), (held_s, held_n) = loaded["dev"], loaded["heldout"]
        shared_ids = (set(dev_s) | set(dev_n)) & (set(held_s) | set(held_n))
        shared_providers = {s["provider"] for s in dev_s.values()} & {s["provider"] for s in held_s.values()}
        held = next(r for r in reports if r.name == "heldout")
        if shared_ids:
            held.problem(base / "heldout", 0, "id", f"ids also used in dev: {sorted(shared_ids)[:5]}")
        if shared_providers:
            held.problem(
                base / "heldout", 0, "provider", f"providers also in dev: {sorted(shared_providers)[:5]}"
            )
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("sets", nargs="*", default=list(SETS), help="set folders under this directory")
    args = parser.parse_args(argv)
    reports = check_all(HERE, tuple(args.sets))
    problems = [p for r in reports for p in r.problems]
    if args.json:
        print(json.dumps({r.name: r.counts for r in reports}, ensure_ascii=False, indent=2))
    else:
        for r in reports:
            c = r.counts
            print(
                f"{r.name}: {c['solutions']} solutions from {c['providers']} providers "
                f"({c['regional_solutions']} regional), {c['needs']} needs "
                f"({c['colloquial_needs']} colloquial = {c['colloquial_share']:.0%}, "
                f"{c['needs_without_budget']} without budget, {c['need_provinces']} provinces, "
                f"{c['need_divisions']} divisions), {c['judgments']} judgments {c['grades']}, "
                f"judged per need {c['judged_per_need']}, best grade per need {c['needs_best_grade']}, "
                f"{c['scenarios_covered']} scenarios covered"
            )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
