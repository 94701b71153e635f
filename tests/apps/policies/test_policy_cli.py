"""The policy command-line contract: programmes, fields, one enterprise in JSON, a JSONL batch to Parquet."""

import json
import os
import subprocess
import sys

import polars as pl
import pytest
from django.core.management import call_command

from tests.engines.test_rules_evaluate import SHENZHEN

pytestmark = pytest.mark.usefixtures("frozen_today")

ZHEJIANG_GAP = {
    "region_code": "330106",
    "founded_on": "2015-03-01",
    "size_class": "small",
    "revenue_cny": 120_000_000,
    "rd_intensity_2y": 0.024,
}


def _run(capsys, *args):
    call_command(*args)
    return json.loads(capsys.readouterr().out)


def test_it_lists_the_programmes_with_the_fields_they_read(capsys):
    rows = _run(capsys, "policy_programmes", "--json")
    ids = {row["id"] for row in rows}
    assert {
        "srdi-national-little-giant",
        "srdi-beijing-self",
        "srdi-shanghai",
        "srdi-shenzhen",
        "srdi-zhejiang",
        "srdi-tianjin",
        "srdi-shandong",
        "srdi-hebei",
        "srdi-hunan",
        "srdi-jiangsu-little-giant",
        "srdi-sichuan",
        "srdi-chengdu",
        "srdi-chongqing",
        "srdi-fujian",
        "srdi-hubei",
        "srdi-henan",
        "srdi-anhui",
        "srdi-guangzhou",
        "srdi-shanxi",
        "srdi-jilin",
        "zj-cloud-loan-subsidy",
        "zj-smb-service-voucher",
    } == ids
    zhejiang = next(row for row in rows if row["id"] == "srdi-zhejiang")
    assert zhejiang["region_code"] == "330000" and "rd_intensity_2y" in zhejiang["fields"]


def test_it_publishes_the_field_dictionary(capsys):
    rows = {row["name"]: row for row in _run(capsys, "policy_fields", "--json")}
    assert rows["rd_intensity_2y"]["type"] == "ratio" and rows["rd_intensity_2y"]["on_model"] is False
    assert rows["revenue_cny"]["type"] == "money" and rows["revenue_cny"]["on_model"] is True
    assert (rows["srdi_level"]["provenance"], rows["revenue_cny"]["provenance"]) == (
        "official_list",
        "self_declared",
    )
    assert rows["niche_market_rank_province"]["minimum"] == 1 and rows["clean_record_3y"]["type"] == "bool"


def test_it_evaluates_one_enterprise_with_the_gap_in_money(capsys, tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(ZHEJIANG_GAP), encoding="utf-8")
    result = _run(
        capsys,
        "policy_evaluate",
        "--programme",
        "srdi-zhejiang",
        "--input",
        str(path),
        "--json",
        "--as-of",
        "2024-06-30",
    )
    assert result["programme"] == "srdi-zhejiang" and result["version"] == "2021.1"
    assert result["outcome"] == "not_eligible"
    failing = {item["condition"]: item for item in result["failing"]}
    assert failing["zj-class-1-rd"]["value"] == "0.024" and failing["zj-class-1-rd"]["threshold"] == "0.03"
    assert failing["zj-class-1-rd"]["citation"]["quote"]
    messages = [
        step["message"] for gap in result["gaps"] for option in gap["options"] for step in option["steps"]
    ]
    assert "近2年研发经费支出占营业收入比重 2.4% → 需 ≥ 3%（按上年度营业收入约需增加 ¥72 万）" in messages


def test_its_plain_answer_says_subject_to_review_and_why_undetermined(capsys, tmp_path):
    path = tmp_path / "e.json"
    args = ["policy_evaluate", "--programme", "srdi-shenzhen", "--input", str(path), "--as-of", "2024-06-30"]
    meets = SHENZHEN  # meets every measurable requirement; one required qualitative clause
    path.write_text(json.dumps(meets), encoding="utf-8")
    call_command(*args)
    assert capsys.readouterr().out.startswith("eligible (subject to review): 主营业务符合国家产业政策")
    path.write_text(json.dumps(meets | {"rd_intensity_2y": None}), encoding="utf-8")
    call_command(*args)
    assert capsys.readouterr().out.startswith("undetermined (missing_data): ")


def test_it_evaluates_a_jsonl_file_in_batch_in_input_order(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [ZHEJIANG_GAP, {"region_code": "110105"}, ZHEJIANG_GAP | {"rd_intensity_2y": None}]
    source.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    output = tmp_path / "out.parquet"
    call_command(
        "policy_evaluate",
        "--programme",
        "srdi-zhejiang",
        "--input",
        str(source),
        "--output",
        str(output),
        "--as-of",
        "2024-06-30",
    )
    frame = pl.read_parquet(output)
    assert frame["outcome"].to_list() == ["not_eligible", "not_eligible", "undetermined"]
    assert frame["failing"][1].to_list()[0] == "zj-region"
    assert [v.to_list() for v in frame["undetermined_because"]] == [[], [], ["missing_data"]]
    assert "zj-class-1-rd" in frame["gaps"][0].to_list()
    assert set(frame.columns) >= {
        "programme",
        "version",
        "outcome",
        "undetermined_because",
        "failing",
        "unknown",
        "review",
        "gaps",
    }


@pytest.mark.parametrize(
    ("args", "content", "reason"),
    [
        (["--programme", "srdi-atlantis"], {"revenue_cny": 1}, "unknown programme"),
        (["--programme", "srdi-hunan"], {"turnover": 1}, "unknown field 'turnover'"),
        (["--programme", "srdi-hunan"], {"revenue_cny": "lots"}, "revenue_cny: expected a number"),
        (["--programme", "srdi-hunan"], {"own_brand": "yes"}, "own_brand: expected true or false"),
        (
            ["--programme", "srdi-hunan"],
            {"invention_patents": 1.5},
            "invention_patents: expected a whole number",
        ),
        (["--programme", "srdi-tianjin"], {"region_code": "12"}, "region_code: expected 6 digits"),
        (["--programme", "srdi-tianjin"], {"industry_code": "C39"}, "industry_code: expected 4 digits"),
        (["--programme", "srdi-tianjin"], {"size_class": "tiny"}, "size_class: expected one of"),
    ],
)
def test_it_exits_with_code_2_and_one_line_for_bad_input(capsys, tmp_path, args, content, reason):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("policy_evaluate", *args, "--input", str(path), "--json")
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert reason in err and err.count("\n") == 1


def test_it_keeps_the_contract_through_the_console_script(tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"revenue_cny": "x"}), encoding="utf-8")
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "funeng.settings_test"}
    script = [sys.executable, "-m", "funeng.cli"]
    done = subprocess.run(
        [*script, "policy_evaluate", "--programme", "srdi-hunan", "--input", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.startswith("error: ")
    listed = subprocess.run(
        [*script, "policy_programmes", "--json"], capture_output=True, text=True, env=env, check=True
    )
    assert len(json.loads(listed.stdout)) >= 9


# 5,280,000 / (120,000,000 + 100,000,000) = 0.024 exactly: the raw facts behind ZHEJIANG_GAP's ratio.
ZHEJIANG_RAW = {
    "region_code": "330106",
    "founded_on": "2015-03-01",
    "size_class": "small",
    "revenue_cny": 120_000_000,
    "revenue_prev_cny": 100_000_000,
    "rd_expense_2y_cny": 5_280_000,
}


def _evaluate_one(capsys, tmp_path, record):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    args = ("--programme", "srdi-zhejiang", "--input", str(path), "--json", "--as-of", "2024-06-30")
    return _run(capsys, "policy_evaluate", *args)


def test_raw_facts_are_enough_the_ratio_is_derived_as_the_registry_does(capsys, tmp_path):
    from_raw = _evaluate_one(capsys, tmp_path, ZHEJIANG_RAW)
    failing = {item["condition"]: item for item in from_raw["failing"]}
    assert from_raw["outcome"] == "not_eligible"
    assert failing["zj-class-1-rd"]["value"] == "0.024"
    # the same answer as when the ratio itself is given
    given = _evaluate_one(capsys, tmp_path, ZHEJIANG_RAW | {"rd_intensity_2y": 0.024})
    assert given == from_raw
    # a ratio rounded to the places it is written with agrees: 1,000,000 / 3,000,000 is 0.333333…
    thirds = {"liabilities_cny": 1_000_000, "assets_cny": 3_000_000}
    rounded = _evaluate_one(capsys, tmp_path, ZHEJIANG_RAW | thirds | {"debt_ratio": 0.33})
    assert rounded["outcome"] == "not_eligible"


@pytest.mark.parametrize("batch", [False, True])
def test_a_ratio_that_contradicts_its_raw_facts_exits_with_code_2(capsys, tmp_path, batch):
    record = ZHEJIANG_RAW | {"rd_intensity_2y": 0.03}
    if batch:
        path = tmp_path / "in.jsonl"
        path.write_text(json.dumps(ZHEJIANG_RAW) + "\n" + json.dumps(record) + "\n", encoding="utf-8")
        extra = ("--output", str(tmp_path / "out.parquet"))
    else:
        path = tmp_path / "e.json"
        path.write_text(json.dumps(record), encoding="utf-8")
        extra = ()
    with pytest.raises(SystemExit) as exc:
        call_command("policy_evaluate", "--programme", "srdi-zhejiang", "--input", str(path), *extra)
    assert exc.value.code == 2
    error = capsys.readouterr().err
    where = "in.jsonl:2" if batch else "e.json"
    assert error.startswith(f"error: {where}: rd_intensity_2y is given as 0.03 but ")
    assert "rd_expense_2y_cny=5280000" in error and "make it 0.024000" in error
    assert not (tmp_path / "out.parquet").exists()


def test_the_batch_derives_the_same_ratios_as_the_one_path(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [
        ZHEJIANG_RAW,
        ZHEJIANG_RAW | {"rd_intensity_2y": 0.024},
        ZHEJIANG_RAW | {"revenue_prev_cny": None},
    ]
    source.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    output = tmp_path / "out.parquet"
    call_command(
        "policy_evaluate", "--programme", "srdi-zhejiang", "--input", str(source),
        "--output", str(output), "--as-of", "2024-06-30",
    )  # fmt: skip
    frame = pl.read_parquet(output)
    # raw facts alone, or with the ratio they make; with a year's revenue unknown the ratio is unknown
    assert frame["outcome"].to_list() == ["not_eligible", "not_eligible", "undetermined"]
    assert "zj-class-1-rd" in frame["failing"][0].to_list()
    assert frame["failing"][0].to_list() == frame["failing"][1].to_list()
    assert "zj-class-1-rd" in frame["unknown"][2].to_list()
