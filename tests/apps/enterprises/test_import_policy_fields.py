"""Import of the fields the policy rules read: ratios as decimals or percentages, yes/no, SRDI level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from funeng.apps.enterprises.columns import COLUMN_BY_KEY, COLUMNS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.policy_record import enterprise_policy_record
from tests.apps.enterprises.test_import_cli import HEADER, assert_reported, run_import, valid_row, write_csv

pytestmark = pytest.mark.django_db

D = Decimal


def header(key: str) -> str:
    return COLUMN_BY_KEY[key].header_zh


def test_it_imports_ratios_flags_counts_and_the_srdi_level(tmp_path):
    row = valid_row(
        main_business_growth_avg_2y="5%",
        net_profit_growth_avg_2y="-0.125",
        revenue_growth_avg_2y="12.5 ％",
        net_profit_2y_cny="-1,200,000.00",
        equity_financing_2y_cny="0",
        rd_expense_2y_cny="2,700,000",
        revenue_prev_cny="30,000,000.00",
        has_rd_institution="是",
        quality_cert="否",
        own_brand="",
        standards_2y="2",
        niche_market_since="2019-06-30",
        niche_market_rank_province="2",
        niche_market_rank_national="",
        clean_record_3y="是",
        no_major_accidents_3y="否",
        srdi_level="省级",
        it_supported_core_processes="3",
    )
    code, out, err = run_import(write_csv(tmp_path / "srdi.csv", [row]))

    assert code == 0, err
    assert out.strip() == "srdi.csv: created 1, warnings 0"
    enterprise = Enterprise.objects.get(credit_code=row["credit_code"])
    assert enterprise.main_business_growth_avg_2y == D("0.05")
    assert enterprise.net_profit_growth_avg_2y == D("-0.125")
    assert enterprise.revenue_growth_avg_2y == D("0.125")
    assert enterprise.net_profit_2y_cny == D("-1200000.00")
    assert enterprise.equity_financing_2y_cny == D("0")
    assert (enterprise.has_rd_institution, enterprise.quality_cert, enterprise.own_brand) == (
        True,
        False,
        None,
    )
    assert (enterprise.standards_2y, enterprise.niche_market_since, enterprise.srdi_level) == (
        2,
        dt.date(2019, 6, 30),
        "provincial",
    )
    assert (enterprise.niche_market_rank_province, enterprise.niche_market_rank_national) == (2, None)
    assert (enterprise.clean_record_3y, enterprise.no_major_accidents_3y) == (True, False)
    assert enterprise.valuation_cny is None
    # 270万 over 3500万 + 3000万: the derived R&D intensity the rules read.
    assert enterprise_policy_record(enterprise)["rd_intensity_2y"] == D("0.041538")


def test_it_reads_an_excel_percent_cell_and_codes_in_english(tmp_path):
    path = tmp_path / "percent.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    row = valid_row(main_business_growth_avg_2y=0.0725, srdi_level="national", own_brand="Y", quality_cert=1)
    sheet.append([row.get(column.key) for column in COLUMNS])
    sheet.cell(row=2, column=HEADER.index(header("main_business_growth_avg_2y")) + 1).number_format = "0.00%"
    workbook.save(path)

    code, _, err = run_import(path)

    assert code == 0, err
    enterprise = Enterprise.objects.get(credit_code=row["credit_code"])
    assert enterprise.main_business_growth_avg_2y == D("0.0725")
    assert (enterprise.srdi_level, enterprise.own_brand, enterprise.quality_cert) == ("national", True, True)


@pytest.mark.parametrize(
    ("key", "value", "issue"),
    [
        ("main_business_growth_avg_2y", "about 5%", "ratio.invalid"),
        ("main_business_growth_avg_2y", "5.12345%", "ratio.precision"),
        ("main_business_growth_avg_2y", "0.1234567", "ratio.precision"),
        ("revenue_growth_avg_2y", "-150%", "ratio.out_of_range"),
        ("net_profit_growth_avg_2y", "20000%", "ratio.out_of_range"),
        ("has_rd_institution", "maybe", "has_rd_institution.invalid"),
        ("srdi_level", "县级", "srdi_level.invalid"),
        ("standards_2y", "-1", "number.negative"),
        ("niche_market_rank_province", "0", "number.too_small"),  # a rank starts at 1
        ("valuation_cny", "-5", "number.negative"),
        ("rd_expense_2y_cny", "3万", "money.wan_unit"),
    ],
)
def test_it_rejects_a_bad_value_naming_file_row_and_column_and_writes_nothing(tmp_path, key, value, issue):
    rows = [valid_row(), valid_row(**{key: value})]
    code, _, err = run_import(write_csv(tmp_path / "bad.csv", rows))

    assert code == 1
    line = assert_reported(err, row=3, column=header(key), key=issue)
    assert line.startswith("error: bad.csv 第 3 行")
    assert Enterprise.objects.count() == 0


def test_it_warns_when_a_plain_number_looks_like_a_percentage(tmp_path):
    row = valid_row(main_business_growth_avg_2y="5")
    code, out, err = run_import(write_csv(tmp_path / "five.csv", [row]))

    assert code == 0, err
    assert out.strip() == "five.csv: created 1, warnings 1"
    line = assert_reported(
        err, row=2, column=header("main_business_growth_avg_2y"), key="ratio.large_plain_number"
    )
    assert "即 500%" in line and "5%" in line
    assert Enterprise.objects.get().main_business_growth_avg_2y == D("5")


def test_it_ignores_the_computed_ratio_columns_of_an_export(tmp_path):
    computed = "资产负债率（系统计算）"
    path = tmp_path / "with_computed.csv"
    write_csv(path, [valid_row()], header=HEADER)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{lines[0]},{computed}\n{lines[1]},0.5\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 0, err
    assert Enterprise.objects.count() == 1
