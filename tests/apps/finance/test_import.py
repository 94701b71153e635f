"""Cloud bills from a provider's file: all rows or none, every bad cell named by row and column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funeng.apps.audit.models import AuditEvent
from funeng.apps.finance.models import CloudUsageRecord
from tests.apps.finance.conftest import client_for, csv_file, xlsx_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
URL = "/finance/cloud-bills/import/"


def rows_for(enterprise, *months, provider="", category="计算", amount="12800.00"):
    return [
        [enterprise.credit_code, month, provider, category, amount, "人民币", "720", "核时"]
        for month in months
    ]


def post(client, handle):
    return client.post(URL, {"file": handle})


def problems_of(response):
    return [(p.row, p.column, p.message) for p in response.context["problems"]]


def test_it_imports_a_providers_csv_as_provider_reported(world):
    response = post(client_for(world["provider"]), csv_file(rows_for(world["a"], "2026-01", "2026-02")))
    assert response.status_code == 302
    records = CloudUsageRecord.objects.filter(enterprise=world["a"]).order_by("month")
    assert [r.month.isoformat() for r in records] == ["2026-01-01", "2026-02-01"]
    assert {r.provenance for r in records} == {"provider_reported"}
    assert {r.provider_name for r in records} == {world["provider_org"].name}
    assert {r.provider_id for r in records} == {world["provider_org"].pk}
    assert records[0].amount_cny == Decimal("12800.00") and records[0].usage_quantity == Decimal(720)


def test_it_imports_an_operators_xlsx_with_english_headings_as_platform_verified(world):
    header = ["Credit code", "Month", "Cloud provider", "Service category", "Amount (yuan)", "Currency"]
    rows = [
        [world["a"].credit_code, "2026-03", "示例云", "Storage", 860.5, "CNY"],
        [world["b"].credit_code, "2026年4月", "示例云", "industrial_internet", 15000, ""],
    ]
    response = post(client_for(world["admin"]), xlsx_file(rows, header=header))
    assert response.status_code == 302
    stored = {
        (r.enterprise_id, r.service_category, r.amount_cny, r.provenance)
        for r in CloudUsageRecord.objects.all()
    }
    assert stored == {
        (world["a"].pk, "storage", Decimal("860.50"), "platform_verified"),
        (world["b"].pk, "industrial_internet", Decimal("15000.00"), "platform_verified"),
    }


def test_it_writes_one_import_audit_row_per_bill(world):
    post(client_for(world["provider"]), csv_file(rows_for(world["a"], "2026-01", "2026-02")))
    events = AuditEvent.objects.filter(object_type="finance.cloudusagerecord")
    assert events.count() == 2
    assert {e.action for e in events} == {"import"}
    assert {e.enterprise_id for e in events} == {world["a"].pk}
    assert {e.actor_id for e in events} == {world["provider"].pk}


@pytest.mark.parametrize(
    ("cell", "column", "says"),
    [
        ("-120.00", "金额（元）", "大于0"),
        ("0", "金额（元）", "大于0"),
        ("12000000", "金额（元）", "万元"),
        ("1.2万", "金额（元）", "万"),
        ("abc", "金额（元）", "金额"),
    ],
)
def test_it_refuses_negative_zero_and_absurd_amounts_and_writes_nothing(world, cell, column, says):
    rows = rows_for(world["a"], "2026-01") + rows_for(world["a"], "2026-02", amount=cell)
    response = post(client_for(world["provider"]), csv_file(rows))
    assert response.status_code == 400
    [(row, named, message)] = problems_of(response)
    assert (row, named) == (3, column) and says in message
    assert not CloudUsageRecord.objects.exists()


def test_an_absurd_amount_mentions_a_possible_wan_yuan_mix_up_in_english(world):
    rows = rows_for(world["a"], "2026-01", amount="25000000")
    response = post(client_for(world["provider"], "en"), csv_file(rows))
    [(_row, _column, message)] = problems_of(response)
    assert "万元" in message and "10,000,000" in message


def test_it_refuses_a_heading_in_wan_yuan(world):
    header = [*HEADER_WITHOUT_AMOUNT, "金额（万元）"]
    response = post(
        client_for(world["provider"]),
        csv_file([[world["a"].credit_code, "2026-01", "", "计算", "1.2"]], header),
    )
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (1, "金额（万元）") and "元" in message and "10000" in message
    assert not CloudUsageRecord.objects.exists()


HEADER_WITHOUT_AMOUNT = ["统一社会信用代码", "月份", "云服务商", "服务类别"]


def test_it_refuses_another_currency(world):
    rows = rows_for(world["a"], "2026-01")
    rows[0][5] = "USD"
    response = post(client_for(world["provider"]), csv_file(rows))
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (2, "币种") and "USD" in message and "人民币" in message


def test_it_refuses_an_unknown_credit_code(world, credit_code):
    unknown = credit_code("330106")
    rows = rows_for(world["a"], "2026-01") + [[unknown, "2026-01", "", "计算", "100", "", "", ""]]
    response = post(client_for(world["provider"]), csv_file(rows))
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (3, "统一社会信用代码") and unknown in message
    assert not CloudUsageRecord.objects.exists()


def test_it_refuses_a_malformed_credit_code(world):
    rows = [["91330106MA2H7K1N3X", "2026-01", "", "计算", "100", "", "", ""]]
    response = post(client_for(world["provider"]), csv_file(rows))
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (2, "统一社会信用代码") and "营业执照" in message


def test_it_refuses_a_month_twice_in_one_file_naming_both_rows(world):
    rows = rows_for(world["a"], "2026-01", "2026-02", "2026-01")
    response = post(client_for(world["provider"]), csv_file(rows))
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (4, "月份") and "2" in message and "4" in message and "2026-01" in message
    assert not CloudUsageRecord.objects.exists()


def test_importing_the_same_bill_twice_stores_it_once_and_says_it_is_already_imported(world):
    client = client_for(world["provider"])
    assert post(client, csv_file(rows_for(world["a"], "2026-01", "2026-02"))).status_code == 302
    response = post(client, csv_file(rows_for(world["a"], "2026-02", "2026-03")))
    assert response.status_code == 400
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (2, "月份") and "已于 2026-12-01 导入" in message
    assert CloudUsageRecord.objects.count() == 2


def test_a_provider_reports_only_its_own_bills(world):
    rows = rows_for(world["a"], "2026-01", provider="别家云")
    response = post(client_for(world["provider"]), csv_file(rows))
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (2, "云服务商") and "别家云" in message and world["provider_org"].name in message


@pytest.mark.parametrize(
    ("month", "says"), [("2026-13", "YYYY-MM"), ("2027-01", "尚未"), ("1999-12", "2000"), ("", "为空")]
)
def test_it_refuses_a_bad_month(world, month, says):
    response = post(client_for(world["provider"]), csv_file(rows_for(world["a"], month)))
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (2, "月份") and says in message


def test_it_refuses_an_unknown_category_listing_the_allowed_ones(world):
    response = post(client_for(world["provider"]), csv_file(rows_for(world["a"], "2026-01", category="带宽")))
    [(row, column, message)] = problems_of(response)
    assert (row, column) == (2, "服务类别") and "工业互联网平台" in message


def test_it_lists_every_bad_row_of_a_file_at_once(world):
    rows = rows_for(world["a"], "2026-01", amount="-1") + rows_for(world["a"], "2026-02", amount="99999999")
    response = post(client_for(world["provider"]), csv_file(rows))
    assert [(row, column) for row, column, _message in problems_of(response)] == [
        (2, "金额（元）"),
        (3, "金额（元）"),
    ]


def test_the_template_downloads_as_xlsx_with_the_chinese_headings(world):
    from openpyxl import load_workbook

    response = client_for(world["provider"]).get("/finance/cloud-bills/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(__import__("io").BytesIO(response.content))
    assert [c.value for c in book["cloud_bills"][1]] == HEADER_FULL


HEADER_FULL = ["统一社会信用代码", "月份", "云服务商", "服务类别", "金额（元）", "币种", "用量", "用量单位"]
