"""`funeng import_enterprises`: all rows or none, with a report naming row, column and key."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl.utils import get_column_letter

from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.enterprises.columns import COLUMN_BY_KEY, COLUMNS
from funeng.apps.enterprises.importing import enterprises_import
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import EDITABLE_FIELDS, enterprise_create
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db

HEADER = [column.header_zh for column in COLUMNS]


def valid_row(**overrides: Any) -> dict[str, Any]:
    """A row for a small (120-person) Hangzhou computer maker; keys are field keys, values as typed in a file."""
    row: dict[str, Any] = {
        "credit_code": make_credit_code(),
        "name": "杭州示例计算机有限公司",
        "industry_code": "3911",
        "region_code": "330106",
        "founded_on": "2012-03-15",
        "employees": "120",
        "revenue_cny": "35,000,000.50",
        "assets_cny": "42000000",
        "cloud_level": "平台系统上云",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path, rows: list[dict[str, Any]], *, encoding: str = "utf-8", header: list[str] | None = None
) -> Path:
    """Write rows under Chinese headers (or the given header cells) in one encoding."""
    keys = [column.key for column in COLUMNS]
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or HEADER)
        for row in rows:
            writer.writerow([row.get(key, "") for key in keys])
    return path


def write_xlsx(path: Path, rows: list[list[Any]], header: list[Any] | None = None) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return workbook


def xlsx_row(**overrides: Any) -> list[Any]:
    row = valid_row(**overrides)
    return [row.get(column.key) for column in COLUMNS]


def run_import(path: Path, *args: str) -> tuple[int, str, str]:
    """Run the command as the shell would: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_enterprises", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + f"CommandError: {exc}\n"
    return 0, out.getvalue(), err.getvalue()


def counts() -> tuple[int, int]:
    """Enterprises and audit rows; starting a background import is itself audited, and is not a write of it."""
    return Enterprise.objects.count(), AuditEvent.objects.exclude(object_type="tasks.taskrun").count()


def assert_reported(stderr: str, *, row: int | None, column: str | None, key: str) -> str:
    """The report line with this key that names this row and column."""
    lines = [
        line
        for line in stderr.splitlines()
        if f"[{key}]" in line
        and (row is None or f"第 {row} 行" in line)
        and (column is None or f"「{column}」" in line)
    ]
    assert lines, f"no line with key {key}, row {row}, column {column} in:\n{stderr}"
    return lines[0]


@pytest.fixture
def unchanged():
    """Assert the registry and the audit log are exactly as they were before the import."""
    before = counts()
    yield
    assert counts() == before


# ---------------------------------------------------------------- success


def test_it_imports_every_row_with_classes_and_one_audit_row_each(tmp_path):
    rows = [valid_row(), valid_row(name="宁波示例软件有限公司", industry_code="6513", region_code="330200")]
    code, out, err = run_import(write_csv(tmp_path / "ok.csv", rows))

    assert code == 0, err
    assert out.strip() == "ok.csv: created 2, warnings 0"
    first = Enterprise.objects.get(credit_code=rows[0]["credit_code"])
    assert first.revenue_cny == Decimal("35000000.50")
    assert first.founded_on == dt.date(2012, 3, 15)
    assert first.cloud_level == "platform"
    assert first.size_class == "small" and first.classified_with
    events = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(first.pk))
    assert events.count() == 1
    assert events.get().changes["revenue_cny"] == [None, "35000000.50"]
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 2


def test_it_writes_nothing_on_a_dry_run_of_a_valid_file(tmp_path, unchanged):
    code, out, _ = run_import(write_csv(tmp_path / "ok.csv", [valid_row()]), "--dry-run")

    assert code == 0
    assert "dry run, rows valid 1, created 0" in out


def test_it_imports_a_gbk_file(tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [valid_row(name="温州瓯海鞋业有限公司")], encoding="gbk")

    code, out, err = run_import(path)

    assert code == 0, err
    assert Enterprise.objects.get().name == "温州瓯海鞋业有限公司"


def test_it_imports_a_utf8_file_with_bom(tmp_path):
    path = write_csv(tmp_path / "bom.csv", [valid_row()], encoding="utf-8-sig")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)

    code, _, err = run_import(path)

    assert code == 0, err
    assert Enterprise.objects.count() == 1


def test_it_matches_headers_by_english_key_in_any_case_and_order(tmp_path):
    row = valid_row()
    path = tmp_path / "en.csv"
    path.write_text(
        " Region_Code ,NAME,credit_code,industry_code,企业划型（系统计算）\n"
        f"{row['region_code']},{row['name']},{row['credit_code'].lower()},{row['industry_code']},中型\n",
        encoding="utf-8",
    )

    code, _, err = run_import(path)

    assert code == 0, err
    assert Enterprise.objects.get().credit_code == row["credit_code"]  # upper-cased


def test_it_flags_amounts_that_look_like_wan_as_warnings_not_errors(tmp_path):
    rows = [valid_row(revenue_cny="3500", assets_cny="4200"), valid_row(employees="50", revenue_cny="40000")]

    code, out, err = run_import(write_csv(tmp_path / "wan.csv", rows))

    assert code == 0
    assert out.strip() == "wan.csv: created 2, warnings 3"
    assert_reported(err, row=2, column="营业收入（元）", key="money.implausible_wan")
    assert_reported(err, row=3, column="营业收入（元）", key="money.low_per_employee")
    line = [line for line in err.splitlines() if "资产总额（元）" in line][0]
    assert "money.implausible_wan" in line and "4200" in line


# ---------------------------------------------------------------- file-level problems


def test_it_rejects_a_file_that_is_neither_utf8_nor_gbk(tmp_path, unchanged):
    path = tmp_path / "latin1.csv"
    row = valid_row()
    path.write_bytes(
        (
            "credit_code,name,industry_code,region_code\n"
            f"{row['credit_code']},Société Générale Café,3911,330106\n"
        ).encode("latin-1")
    )

    code, _, err = run_import(path)

    assert code == 1
    line = assert_reported(err, row=None, column=None, key="file.encoding")
    assert "UTF-8" in line and "GBK" in line


def test_it_rejects_a_shift_jis_file(tmp_path, unchanged):
    path = tmp_path / "sjis.csv"
    path.write_bytes("credit_code,name\nX,ｶﾌｪ,ﾃｽﾄ\n".encode("shift_jis"))

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=None, column=None, key="file.encoding")


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, b"\r\n\r\n", b",,,\n"])
def test_it_rejects_an_empty_file(tmp_path, unchanged, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=None, column=None, key="file.empty")


def test_it_rejects_a_file_with_headers_but_no_rows(tmp_path, unchanged):
    code, _, err = run_import(write_csv(tmp_path / "header.csv", []))

    assert code == 1
    assert_reported(err, row=2, column=None, key="file.no_rows")


def test_it_rejects_a_file_type_it_cannot_read(tmp_path, unchanged):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 legacy excel")

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=None, column=None, key="file.type")


def test_it_rejects_missing_required_columns_naming_each(tmp_path, unchanged):
    header = [h for h in HEADER if h not in ("行业代码", "行政区划代码")]
    path = tmp_path / "missing.csv"
    path.write_text(",".join(header) + "\n" + make_credit_code() + ",某公司\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=1, column="行业代码", key="header.missing_required")
    assert_reported(err, row=1, column="行政区划代码", key="header.missing_required")


def test_it_rejects_unknown_columns_naming_them(tmp_path, unchanged):
    path = write_csv(tmp_path / "extra.csv", [valid_row()], header=[*HEADER, "备注", "Fax"])

    code, _, err = run_import(path)

    assert code == 1
    line = assert_reported(err, row=1, column="备注", key="header.unknown")
    assert f"({get_column_letter(len(HEADER) + 1)}1)" in line
    assert_reported(err, row=1, column="Fax", key="header.unknown")


def test_it_rejects_a_duplicated_column(tmp_path, unchanged):
    path = tmp_path / "dup.csv"
    path.write_text("统一社会信用代码,企业名称,行业代码,行政区划代码,name\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=1, column="企业名称", key="header.duplicate")


def test_it_rejects_a_header_row_it_cannot_recognise_at_all(tmp_path, unchanged):
    path = tmp_path / "garbled.csv"
    path.write_text("ͳһ������ô���,��ҵ����\n1,2\n", encoding="utf-8")

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=1, column=None, key="header.not_found")


def test_it_rejects_a_value_in_a_column_without_header(tmp_path, unchanged):
    path = tmp_path / "spill.csv"
    row = valid_row()
    path.write_text(
        f"统一社会信用代码,企业名称,行业代码,行政区划代码\n{row['credit_code']},某公司,3911,330106,stray\n",
        encoding="utf-8",
    )

    code, _, err = run_import(path)

    assert code == 1
    line = assert_reported(err, row=2, column=None, key="cell.no_header")
    assert "(E2)" in line


# ---------------------------------------------------------------- row-level problems


def test_it_rejects_an_invalid_check_character_and_names_the_right_one(tmp_path, unchanged):
    good = make_credit_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [valid_row(), valid_row(), valid_row(), valid_row(), valid_row(), valid_row(credit_code=wrong)]

    code, out, err = run_import(write_csv(tmp_path / "a.csv", rows))

    assert code == 1
    assert out == ""
    line = assert_reported(err, row=7, column="统一社会信用代码", key="credit_code.check_character")
    assert f"应为 {good[17]}" in line and wrong in line
    assert "errors 1, rows 6; nothing was written" in err


def test_it_reports_the_issue_fields_file_row_column_field_value_key_message(tmp_path):
    good = make_credit_code()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    path = write_csv(tmp_path / "a.csv", [valid_row(credit_code=wrong.lower())])

    report = enterprises_import(path=path, acting_user=None)

    assert not report.ok and report.error_count == 1 and report.created == 0
    assert report.errors[0] == {
        "file": "a.csv",
        "row": 2,
        "column": "统一社会信用代码",
        "field": "credit_code",
        "cell": "A2",
        "value": wrong.lower(),
        "key": "credit_code.check_character",
        "message": f"统一社会信用代码校验位错误：应为 {good[17]}",
    }


@pytest.mark.parametrize(
    ("value", "key"),
    [("91330106MA2XXXX", "credit_code.length"), ("91330106MA2CDEFGIO", "credit_code.charset")],
)
def test_it_rejects_malformed_credit_codes(tmp_path, unchanged, value, key):
    code, _, err = run_import(write_csv(tmp_path / "a.csv", [valid_row(credit_code=value)]))

    assert code == 1
    assert_reported(err, row=2, column="统一社会信用代码", key=key)


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("industry_code", "9999", "industry_code.unknown"),
        ("industry_code", "391", "industry_code.format"),
        ("industry_code", "C", "industry_code.format"),
        ("region_code", "990000", "region_code.unknown"),
        ("region_code", "339900", "region_code.unknown"),
        ("region_code", "33010", "region_code.format"),
        ("cloud_level", "全部上云", "cloud_level.invalid"),
    ],
)
def test_it_rejects_unknown_industry_region_and_choice_codes(tmp_path, unchanged, field, value, key):
    code, _, err = run_import(write_csv(tmp_path / "a.csv", [valid_row(), valid_row(**{field: value})]))

    assert code == 1
    assert_reported(err, row=3, column=COLUMN_BY_KEY[field].header_zh, key=key)


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("employees", "-3", "number.negative"),
        ("employees", "十二", "number.invalid"),
        ("employees", "12.5", "number.not_whole"),
        ("revenue_cny", "-1,000.00", "number.negative"),
        ("revenue_cny", "abc", "number.invalid"),
        ("revenue_cny", "1,00,0", "number.invalid"),
        ("revenue_cny", "350万", "money.wan_unit"),
        ("revenue_cny", "12.345", "money.precision"),
        ("assets_cny", "99999999999999999", "number.too_large"),
        ("founded_on", "2012-02-30", "date.invalid"),
        ("founded_on", "15/03/2012", "date.invalid"),
        ("name", "", "required.missing"),
        ("name", "名" * 201, "name.too_long"),
        ("region_code", "  ", "required.missing"),
    ],
)
def test_it_rejects_bad_values(tmp_path, unchanged, field, value, key):
    code, _, err = run_import(write_csv(tmp_path / "a.csv", [valid_row(**{field: value})]))

    assert code == 1
    assert_reported(err, row=2, column=COLUMN_BY_KEY[field].header_zh, key=key)


def test_it_accepts_negative_net_profit_slashed_dates_and_cloud_codes(tmp_path):
    row = valid_row(net_profit_cny="-1,234.56", founded_on="2012/3/5", cloud_level="Business")

    code, _, err = run_import(write_csv(tmp_path / "a.csv", [row]))

    assert code == 0, err
    enterprise = Enterprise.objects.get()
    assert enterprise.net_profit_cny == Decimal("-1234.56")
    assert enterprise.founded_on == dt.date(2012, 3, 5)
    assert enterprise.cloud_level == "business"


def test_it_rejects_credit_codes_duplicated_inside_the_file(tmp_path, unchanged):
    twin = make_credit_code()
    rows = [valid_row(credit_code=twin), valid_row(), valid_row(credit_code=twin.lower() + " ")]

    code, _, err = run_import(write_csv(tmp_path / "a.csv", rows))

    assert code == 1
    line = assert_reported(err, row=4, column="统一社会信用代码", key="credit_code.duplicate_in_file")
    assert "第 2 行" in line


def test_it_rejects_credit_codes_already_in_the_registry(tmp_path, enterprise_fields):
    existing = enterprise_create(acting_user=None, **enterprise_fields())
    before = counts()
    rows = [valid_row(), valid_row(credit_code=existing.credit_code)]

    code, _, err = run_import(write_csv(tmp_path / "a.csv", rows))

    assert code == 1
    assert_reported(err, row=3, column="统一社会信用代码", key="credit_code.exists")
    assert counts() == before


def test_it_counts_every_error_but_lists_at_most_a_thousand(tmp_path, unchanged):
    rows = [valid_row(industry_code="9999", region_code="990000") for _ in range(600)]
    path = write_csv(tmp_path / "many.csv", rows)

    report = enterprises_import(path=path, acting_user=None)

    assert report.error_count == 1200
    assert len(report.errors) == 1000


# ---------------------------------------------------------------- Excel


def test_it_imports_xlsx_with_numeric_codes_dates_and_money_cells(tmp_path):
    path = tmp_path / "ok.xlsx"
    write_xlsx(
        path,
        [
            xlsx_row(
                industry_code=3911,
                region_code=330106,
                founded_on=dt.datetime(2012, 3, 15),
                employees=120,
                revenue_cny=35000000.5,
                assets_cny=42000000,
            ),
            xlsx_row(industry_code=111, region_code=110105, employees=8.0, revenue_cny=None),
        ],
    )

    code, out, err = run_import(path)

    assert code == 0, err
    first, second = Enterprise.objects.order_by("id")
    assert (first.industry_code, first.region_code, first.founded_on) == (
        "3911",
        "330106",
        dt.date(2012, 3, 15),
    )
    assert first.revenue_cny == Decimal("35000000.50")
    assert second.industry_code == "0111" and second.employees == 8 and second.revenue_cny is None
    assert_reported(err, row=3, column="行业代码", key="industry_code.zero_padded")
    assert out.strip() == "ok.xlsx: created 2, warnings 1"


def test_it_rejects_a_numeric_credit_code_cell_that_lost_precision(tmp_path, unchanged):
    path = tmp_path / "a.xlsx"
    write_xlsx(path, [xlsx_row(credit_code=913301060000000190)])

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=2, column="统一社会信用代码", key="credit_code.numeric_cell")


def test_it_rejects_formulas_naming_row_and_column(tmp_path, unchanged):
    path = tmp_path / "formula.xlsx"
    write_xlsx(path, [xlsx_row(), xlsx_row(revenue_cny="=B2*10000")])

    code, _, err = run_import(path)

    assert code == 1
    line = assert_reported(err, row=3, column="营业收入（元）", key="cell.formula")
    assert "=B2*10000" in line and "数值" in line


def test_it_rejects_merged_header_cells(tmp_path, unchanged):
    header = ["统一社会信用代码", "企业名称", None, "行业代码", "行政区划代码"]
    path = tmp_path / "merged.xlsx"
    workbook = write_xlsx(path, [[make_credit_code(), "某公司", None, "3911", "330106"]], header=header)
    workbook.active.merge_cells("B1:C1")
    workbook.save(path)

    code, _, err = run_import(path)

    assert code == 1
    line = assert_reported(err, row=1, column=None, key="header.empty")
    assert "(C1)" in line and "合并" in line
    assert "B1:C1" in assert_reported(err, row=1, column=None, key="xlsx.merged_cells")


def test_it_rejects_an_empty_header_cell_among_filled_ones_even_without_merge_records(tmp_path, unchanged):
    path = tmp_path / "gap.xlsx"
    write_xlsx(
        path,
        [[make_credit_code(), None, "某公司", "3911", "330106"]],
        header=["统一社会信用代码", None, "企业名称", "行业代码", "行政区划代码"],
    )

    code, _, err = run_import(path)

    assert code == 1
    assert "(B1)" in assert_reported(err, row=1, column=None, key="header.empty")


def test_it_rejects_merged_cells_in_data_rows(tmp_path, unchanged):
    path = tmp_path / "merged_rows.xlsx"
    workbook = write_xlsx(path, [xlsx_row(), xlsx_row(industry_code=None)])
    workbook.active.merge_cells("C2:C3")
    workbook.save(path)

    code, _, err = run_import(path)

    assert code == 1
    assert "C2:C3" in assert_reported(err, row=2, column=None, key="xlsx.merged_cells")
    assert_reported(err, row=3, column="行业代码", key="required.missing")


def test_it_rejects_a_csv_that_is_really_a_workbook(tmp_path, unchanged):
    path = tmp_path / "wrong.xlsx"
    write_xlsx(path, [xlsx_row()])
    renamed = path.rename(tmp_path / "wrong.csv")

    code, _, err = run_import(renamed)

    assert code == 1
    assert_reported(err, row=None, column=None, key="file.type_mismatch")


def test_it_rejects_a_broken_xlsx(tmp_path, unchanged):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=None, column=None, key="file.unreadable")


# ---------------------------------------------------------------- the command itself


def test_it_exits_1_for_a_missing_file(tmp_path):
    code, _, err = run_import(tmp_path / "nope.csv")

    assert code == 1
    assert "no such file" in err


def test_it_records_the_named_user_in_the_audit_log(tmp_path, operator):
    code, _, err = run_import(write_csv(tmp_path / "a.csv", [valid_row()]), "--user", "alice")

    assert code == 0, err
    assert AuditEvent.objects.get(action=AuditAction.IMPORT).actor == operator


def test_it_covers_every_editable_field_in_the_column_spec():
    assert tuple(column.key for column in COLUMNS) == EDITABLE_FIELDS


def test_it_rejects_a_sheet_whose_header_is_not_on_the_first_row(tmp_path, unchanged):
    path = tmp_path / "offset.xlsx"
    write_xlsx(path, [HEADER, xlsx_row()], header=[None])

    code, _, err = run_import(path)

    assert code == 1
    assert_reported(err, row=1, column=None, key="file.no_header")
