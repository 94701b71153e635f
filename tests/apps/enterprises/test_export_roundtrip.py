"""`funeng export_enterprises` and the export page: what export writes, import reads back exactly."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from funeng.apps.enterprises.columns import COLUMNS, DERIVED_COLUMNS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import EDITABLE_FIELDS, enterprise_create
from tests.apps.enterprises.test_import_cli import run_import
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db


def _varied_enterprises() -> None:
    """Enterprises that exercise every way a value can be lost on the way out and back."""
    enterprise_create(
        acting_user=None,
        credit_code=make_credit_code(),
        name="杭州全字段精密机械有限公司",
        industry_code="3484",
        region_code="330106",
        founded_on=dt.date(1998, 1, 2),
        employees=350,
        revenue_cny=Decimal("50000000.01"),
        assets_cny=Decimal("80000000.10"),
        rd_expense_cny=Decimal("1234567.89"),
        invention_patents=0,
        utility_models=12,
        design_patents=3,
        software_copyrights=7,
        cloud_level="infrastructure",
        cloud_spend_cny=Decimal("0.99"),
        revenue_prev_cny=Decimal("12345678901234.56"),  # more digits than Excel keeps
        main_business_revenue_cny=Decimal("49000000.00"),
        net_profit_cny=Decimal("-3500000.75"),
        liabilities_cny=Decimal("0.00"),
        rd_staff=40,
        main_business_growth_avg_2y=Decimal("0.123456"),
        net_profit_growth_avg_2y=Decimal("-1.5"),  # profit turned into a loss
        revenue_growth_avg_2y=Decimal("0"),
        net_profit_2y_cny=Decimal("-2000000.01"),
        equity_financing_2y_cny=Decimal("0.00"),
        valuation_cny=Decimal("300000000.00"),
        rd_expense_2y_cny=Decimal("2400000.99"),
        has_rd_institution=True,
        standards_2y=0,
        quality_cert=False,
        own_brand=True,
        niche_market_since=dt.date(2013, 5, 20),
        srdi_level="municipal",
        it_supported_core_processes=4,
    )
    # Leading zeros in the industry code, a municipality district, nulls everywhere else.
    enterprise_create(
        acting_user=None,
        credit_code=make_credit_code("110105"),
        name="北京稻谷种植合作社",
        industry_code="0111",
        region_code="110105",
    )
    # A name Excel would run as a formula, and a province-level region code.
    enterprise_create(
        acting_user=None,
        credit_code=make_credit_code("330000"),
        name='=HYPERLINK("x")科技',
        industry_code="6513",
        region_code="330000",
        employees=0,
        revenue_cny=Decimal("0"),
        cloud_level="none",
        founded_on=dt.date(2024, 2, 29),
        srdi_level="none",
        has_rd_institution=False,
        revenue_growth_avg_2y=Decimal("100"),  # the upper bound, 10000%
    )


def _editable_rows() -> dict[str, dict[str, object]]:
    return {row["credit_code"]: row for row in Enterprise.objects.values(*EDITABLE_FIELDS)}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_it_round_trips_every_editable_field_exactly(tmp_path, suffix):
    _varied_enterprises()
    before = _editable_rows()
    path = tmp_path / f"registry.{suffix}"
    out = io.StringIO()
    call_command("export_enterprises", str(path), stdout=out)
    assert "3 enterprises exported" in out.getvalue()
    Enterprise.objects.all().delete()

    code, stdout, stderr = run_import(path)

    assert code == 0, stderr
    assert stdout.startswith(f"registry.{suffix}: created 3,")
    assert _editable_rows() == before


def test_it_writes_csv_as_utf8_with_bom_and_chinese_headers_plus_derived_columns(tmp_path):
    _varied_enterprises()
    path = tmp_path / "registry.csv"
    call_command("export_enterprises", str(path), stdout=io.StringIO())

    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [c.header_zh for c in COLUMNS] + [c.header_zh for c in DERIVED_COLUMNS]
    assert "数字经济核心产业（暂定/provisional）" in rows[0]
    farm = next(row for row in rows if row[1] == "北京稻谷种植合作社")
    assert farm[2] == "0111" and farm[5] == "" and farm[-3] in ("小型", "微型", "无法判定")
    formula = next(row for row in rows if "HYPERLINK" in row[1])
    assert formula[1].startswith("'=")  # Excel shows it as text instead of running it


def test_it_writes_xlsx_codes_as_text_and_money_as_numbers(tmp_path):
    _varied_enterprises()
    path = tmp_path / "registry.xlsx"
    call_command("export_enterprises", str(path), stdout=io.StringIO())

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    assert workbook.sheetnames == ["企业", "说明"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    farm = rows["北京稻谷种植合作社"]
    assert farm[header.index("行业代码")] == "0111"
    full = rows["杭州全字段精密机械有限公司"]
    assert full[header.index("营业收入（元）")] == pytest.approx(50000000.01)
    # SQLite keeps 15 significant digits, PostgreSQL all 18: whatever the database holds, the cell holds
    # exactly (as a number when Excel can keep it, else as text).
    stored = Enterprise.objects.get(name="杭州全字段精密机械有限公司").revenue_prev_cny
    assert Decimal(str(full[header.index("上年营业收入（元）")])) == stored
    assert full[header.index("上云层级")] == "基础设施上云"
    # Ratios are numbers shown as percentages; flags and the SRDI level are Chinese words.
    growth = header.index("近2年主营业务收入平均增长率")
    assert full[growth] == pytest.approx(0.123456)
    assert (
        sheet.cell(row=2 + list(rows).index("杭州全字段精密机械有限公司"), column=growth + 1).number_format
        == "0.0000%"
    )
    assert full[header.index("自建或联建研发机构")] == "是" and full[header.index("质量管理体系认证")] == "否"
    assert full[header.index("专精特新认定层级")] == "市级"
    assert full[header.index("主营业务收入占营业收入比重（系统计算）")] == pytest.approx(0.98)
    assert farm[header.index("资产负债率（系统计算）")] is None
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_it_refuses_an_unknown_export_extension(tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("export_enterprises", str(tmp_path / "registry.json"))

    assert exc.value.returncode == 1


def test_it_imports_its_own_templates_headers(tmp_path, client, operator):
    client.force_login(operator)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("enterprises:template", args=[fmt]))
        path = tmp_path / f"template.{fmt}"
        path.write_bytes(response.content)
        code, _, err = run_import(path, "--dry-run")
        assert code == 1
        assert "[file.no_rows]" in err  # headers recognised; only the rows are missing


# ---------------------------------------------------------------- the export page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_what_the_list_page_shows(client, operator, enterprise_fields, fmt):
    enterprise_create(acting_user=None, **enterprise_fields(name="杭州甲"))
    enterprise_create(
        acting_user=None,
        **enterprise_fields(name="北京乙", region_code="110105", credit_code=make_credit_code("110105")),
    )
    client.force_login(operator)

    response = client.get(reverse("enterprises:export", args=[fmt]), {"region": "330000"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        assert "杭州甲" in text and "北京乙" not in text
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
        names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert names == ["杭州甲"]


def test_it_refuses_the_export_to_a_user_without_the_right(client, outsider, enterprise_fields):
    enterprise_create(acting_user=None, **enterprise_fields())
    client.force_login(outsider)

    assert client.get(reverse("enterprises:export", args=["csv"])).status_code == 404
    assert client.get(reverse("enterprises:export", args=["xlsx"])).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("enterprises:export", args=["csv"]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_404s_on_an_unknown_format(client, operator):
    client.force_login(operator)

    assert client.get(reverse("enterprises:export", args=["pdf"])).status_code == 404
    assert client.get(reverse("enterprises:template", args=["pdf"])).status_code == 404


def test_it_lets_any_logged_in_user_download_the_template(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("enterprises:template", args=["xlsx"]))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == [c.header_zh for c in COLUMNS]
    notes = [row[1] for row in workbook["说明"].iter_rows(min_row=2, values_only=True)]
    assert {c.key for c in COLUMNS} <= set(notes)
    csv_body = client.get(reverse("enterprises:template", args=["csv"])).content
    assert csv_body.decode("utf-8-sig").strip() == ",".join(c.header_zh for c in COLUMNS)
