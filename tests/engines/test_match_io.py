"""Interchange readers: solutions and needs JSONL, judgments TSV; errors name file, line, field, reason."""

import json

import pytest

from engines.match import MatchInputError, read_needs, read_qrels, read_solutions
from tests.support.paths import TEST_DATA

DATA = TEST_DATA
SOLUTION = {
    "id": "s1",
    "provider": "杭州云启科技",
    "title": "云启注塑MES",
    "description": "排产、报工",
    "scenarios": ["production"],
    "industries": ["C", "29"],
    "regions": ["浙江省", "江苏", "310000"],
    "price_cny_per_year": 36000,
    "deployment": "SaaS",
    "min_employees": 10,
    "max_employees": 300,
}
NEED = {
    "id": "n1",
    "enterprise": {"industry_code": "2929", "province": "浙江", "employees": 60, "revenue_cny": 30000000},
    "title": "订单做到哪了说不清",
    "description": "排产全靠拍脑袋",
    "budget_cny_per_year": None,
}


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def problem_of(reader, path):
    with pytest.raises(MatchInputError) as caught:
        reader(path)
    return str(caught.value)


def test_it_reads_the_fixture_files():
    solutions = read_solutions(DATA / "match_solutions.jsonl")
    needs = read_needs(DATA / "match_needs.jsonl")
    qrels = read_qrels(
        DATA / "match_qrels.tsv", need_ids={n.id for n in needs}, solution_ids={s.id for s in solutions}
    )
    assert len(solutions) == 32 and len(needs) == 12
    assert qrels["n02"] == {"s06": 3, "s08": 1}


def test_it_turns_provinces_industries_and_deployments_into_canonical_values(tmp_path):
    [solution] = read_solutions(write_jsonl(tmp_path / "s.jsonl", [SOLUTION]))
    assert solution.regions == ("33", "32", "31")
    assert solution.industries == ("C", "29")
    assert solution.deployment == "saas"
    [need] = read_needs(write_jsonl(tmp_path / "n.jsonl", [NEED]))
    assert need.enterprise.province == "33" and need.enterprise.industry_code == "2929"
    assert need.budget_cny_per_year is None


def test_it_accepts_a_county_code_and_a_scenario_given_by_its_chinese_name(tmp_path):
    row = SOLUTION | {"regions": ["330106"], "scenarios": ["生产制造", "quality_control"]}
    [solution] = read_solutions(write_jsonl(tmp_path / "s.jsonl", [row]))
    assert solution.regions == ("33",) and solution.scenarios == ("production", "quality_control")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"regions": ["浙紅"]}, "s.jsonl line 2: regions: unknown province '浙紅'"),
        ({"industries": ["Z"]}, "s.jsonl line 2: industries: unknown industry 'Z'"),
        ({"scenarios": ["hospitality"]}, "s.jsonl line 2: scenarios: unknown scenario 'hospitality'"),
        ({"deployment": "cloud-native"}, "s.jsonl line 2: deployment: unknown deployment 'cloud-native'"),
        ({"price_cny_per_year": -5}, "s.jsonl line 2: price_cny_per_year: must not be negative"),
        ({"price_cny_per_year": "36000"}, "s.jsonl line 2: price_cny_per_year: must be a number or null"),
        ({"min_employees": 500}, "s.jsonl line 2: max_employees: must not be below min_employees"),
        ({"min_employees": 2.5}, "s.jsonl line 2: min_employees: must be a whole number"),
        ({"title": ""}, "s.jsonl line 2: title: is required"),
        ({"regions": "浙江"}, "s.jsonl line 2: regions: must be a list of strings"),
    ],
)
def test_it_names_file_line_field_and_reason_for_a_bad_solution(tmp_path, change, expected):
    path = write_jsonl(tmp_path / "s.jsonl", [SOLUTION | {"id": "s0"}, SOLUTION | change])
    assert problem_of(read_solutions, path).startswith(expected)


def test_it_reports_bad_json_and_duplicate_ids_with_their_lines(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(
        json.dumps(SOLUTION, ensure_ascii=False)
        + "\n{not json\n"
        + json.dumps(SOLUTION, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(MatchInputError) as caught:
        read_solutions(path)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].startswith("s.jsonl line 2: not valid JSON")
    assert problems[1] == "s.jsonl line 3: id: duplicate id 's1' (first on line 1)"
    assert str(caught.value).endswith("(and 1 more problem)")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"enterprise": NEED["enterprise"] | {"industry_code": "9999"}}, "enterprise.industry_code: unknown"),
        ({"enterprise": NEED["enterprise"] | {"province": "火星"}}, "enterprise.province: unknown province"),
        (
            {"enterprise": NEED["enterprise"] | {"employees": -3}},
            "enterprise.employees: must not be negative",
        ),
        ({"enterprise": "杭州"}, "enterprise: must be an object"),
        ({"budget_cny_per_year": "五千"}, "budget_cny_per_year: must be a number or null"),
        ({"id": None}, "id: is required"),
    ],
)
def test_it_names_file_line_field_and_reason_for_a_bad_need(tmp_path, change, expected):
    path = write_jsonl(tmp_path / "n.jsonl", [NEED | change])
    assert problem_of(read_needs, path).startswith(f"n.jsonl line 1: {expected}")


def test_it_reads_judgments_with_an_optional_header(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("need_id\tsolution_id\tgrade\nn1\ts1\t3\nn1\ts2\t0\n", encoding="utf-8")
    assert read_qrels(path) == {"n1": {"s1": 3, "s2": 0}}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("n1\ts1\t4", "q.tsv line 1: grade: must be 0, 1, 2 or 3, got '4'"),
        ("n1\ts1", "q.tsv line 1: expected 3 tab-separated columns"),
        ("n9\ts1\t2", "q.tsv line 1: need_id: unknown need 'n9'"),
        ("n1\ts9\t2", "q.tsv line 1: solution_id: unknown solution 's9'"),
    ],
)
def test_it_names_line_field_and_reason_for_a_bad_judgment(tmp_path, line, expected):
    path = tmp_path / "q.tsv"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(MatchInputError, match="^" + expected.replace("(", r"\(")):
        read_qrels(path, need_ids={"n1"}, solution_ids={"s1"})


def test_it_rejects_a_pair_judged_twice(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("n1\ts1\t3\nn1\ts1\t1\n", encoding="utf-8")
    with pytest.raises(MatchInputError, match="q.tsv line 2: solution_id: pair n1/s1 judged twice"):
        read_qrels(path)


def test_it_says_when_a_file_is_missing(tmp_path):
    with pytest.raises(MatchInputError, match="^nope.jsonl: no such file"):
        read_solutions(tmp_path / "nope.jsonl")
