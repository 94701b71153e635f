"""The labelled matchmaking sets (benchmarks/data/matching) are valid, complete and graded by the guide."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.paths import ROOT

DATA = ROOT / "benchmarks" / "data" / "matching"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"matching_{name}", DATA / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


check = _module("check_datasets")
build = _module("build")


@pytest.fixture
def copy_of_sets(tmp_path):
    for name in check.SETS:
        shutil.copytree(DATA / name, tmp_path / name)
    return tmp_path


def _problems(base: Path) -> list[str]:
    return [p for r in check.check_all(base) for p in r.problems]


def _rewrite_first_line(path: Path, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = change(lines[0])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_it_accepts_the_shipped_sets_and_meets_the_agreed_sizes():
    reports = {r.name: r for r in check.check_all()}
    assert [p for r in reports.values() for p in r.problems] == []
    for name, (solutions, needs) in check.MINIMUM.items():
        counts = reports[name].counts
        assert counts["solutions"] >= solutions and counts["needs"] >= needs
        assert counts["colloquial_share"] >= 0.40
        assert counts["scenarios_covered"] == len(check.scenario_ids())


def test_it_prints_counts_from_the_command_line():
    result = subprocess.run(
        [sys.executable, str(DATA / "check_datasets.py"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert set(counts) == {"dev", "heldout"}
    assert counts["dev"]["needs"] >= 90


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_it_ships_exactly_what_the_source_and_grading_rules_produce(tmp_path, name):
    build.build(name, tmp_path)
    for file in ("solutions.jsonl", "needs.jsonl", "qrels.tsv", "need_styles.tsv"):
        assert (tmp_path / file).read_bytes() == (DATA / name / file).read_bytes(), file


def test_it_flags_a_judgment_that_points_at_an_unknown_solution(copy_of_sets):
    qrels = copy_of_sets / "dev" / "qrels.tsv"
    _rewrite_first_line(qrels, lambda line: line.split("\t")[0] + "\tds999\t3")
    assert any("qrels.tsv:1: solution_id: unknown solution 'ds999'" in p for p in _problems(copy_of_sets))


def test_it_flags_a_grade_above_the_cap_for_a_region_the_solution_does_not_serve(copy_of_sets):
    # dn026 is a hotel in 浙江; ds023 (蜀栈) serves only 四川/重庆/云南/贵州, so at most grade 1.
    qrels = copy_of_sets / "dev" / "qrels.tsv"
    qrels.write_text(qrels.read_text(encoding="utf-8").replace("dn026\tds023\t1", "dn026\tds023\t3"), "utf-8")
    assert any("grade: 3 above the cap of 1 (region)" in p for p in _problems(copy_of_sets))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("scenarios", ["mes"], "unknown scenario id 'mes'"),
        ("industries", ["3911"], "'3911' is not a GB/T 4754 section or division"),
        ("regions", ["江南"], "'江南' is not a recognisable province"),
        ("deployment", "cloud", "deployment: must be one of"),
    ],
)
def test_it_names_file_line_field_and_reason_for_a_bad_solution(copy_of_sets, field, value, message):
    def change(line: str) -> str:
        row = json.loads(line)
        row[field] = value
        return json.dumps(row, ensure_ascii=False)

    _rewrite_first_line(copy_of_sets / "heldout" / "solutions.jsonl", change)
    problems = _problems(copy_of_sets)
    assert any("heldout/solutions.jsonl:1:" in p and message in p for p in problems), problems


def test_it_rejects_a_need_whose_industry_is_not_a_four_digit_class(copy_of_sets):
    def change(line: str) -> str:
        row = json.loads(line)
        row["enterprise"]["industry_code"] = "61"
        return json.dumps(row, ensure_ascii=False)

    _rewrite_first_line(copy_of_sets / "dev" / "needs.jsonl", change)
    assert any("needs.jsonl:1: enterprise.industry_code" in p for p in _problems(copy_of_sets))


def test_it_rejects_a_provider_shared_between_dev_and_heldout(copy_of_sets):
    def change(line: str) -> str:
        row = json.loads(line)
        row["provider"] = "杭州织云数智科技有限公司"
        return json.dumps(row, ensure_ascii=False)

    _rewrite_first_line(copy_of_sets / "heldout" / "solutions.jsonl", change)
    assert any("providers also in dev" in p for p in _problems(copy_of_sets))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("浙江", "330000"),
        ("浙江省", "330000"),
        ("330000", "330000"),
        ("330106", "330000"),
        ("广西", "450000"),
        ("内蒙古", "150000"),
        ("北京", "110000"),
        ("火星", None),
        ("99", None),
        (None, None),
    ],
)
def test_it_recognises_province_names_short_names_and_codes(value, code):
    assert check.province_code(value) == code


def test_it_grades_down_for_budget_size_and_industry_and_caps_far_over_budget():
    solution = {
        "regions": [],
        "price_cny_per_year": 20000,
        "min_employees": 20,
        "max_employees": 500,
        "industries": ["C"],
    }
    need = {
        "enterprise": {"industry_code": "3443", "province": "江苏", "employees": 80},
        "budget_cny_per_year": 20000,
    }
    assert check.graded(3, solution, need) == 3
    assert check.graded(3, solution, {**need, "budget_cny_per_year": 10000}) == 2
    assert check.graded(3, solution, {**need, "budget_cny_per_year": 5000}) == 1
    small = {**need, "enterprise": {**need["enterprise"], "employees": 5, "industry_code": "6130"}}
    assert check.graded(3, solution, small) == 1
