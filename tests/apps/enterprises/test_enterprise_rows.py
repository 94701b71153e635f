"""The enterprise row model: one typed field per column of the import template, checked without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from engines.tabular import RowContext, findings, normalize_header
from funeng.apps.enterprises.columns import COLUMNS, DERIVED_COLUMNS
from funeng.apps.enterprises.rows import ENTERPRISE_IMPORT, EnterpriseRow
from tests.conftest import make_credit_code


def test_it_has_one_field_per_column_in_the_template_order_with_the_same_required_ones():
    assert list(EnterpriseRow.model_fields) == [column.key for column in COLUMNS]
    assert [key for key, info in EnterpriseRow.model_fields.items() if info.is_required()] == [
        column.key for column in COLUMNS if column.required
    ]


def test_it_recognises_every_template_and_export_header():
    names = ENTERPRISE_IMPORT.headings.by_name
    for column in (*COLUMNS, *DERIVED_COLUMNS):
        for header in (column.key, column.header_zh, column.header_en):
            assert names[normalize_header(header)].key == column.key


def test_it_validates_a_row_with_the_registry_rules():
    code = make_credit_code()
    row = EnterpriseRow.model_validate(
        {
            "credit_code": code.lower(),
            "name": "杭州示例计算机有限公司",
            "industry_code": 111,
            "region_code": "330106",
            "founded_on": "2012/3/5",
            "revenue_cny": "1,234.5",
            "cloud_level": "平台系统上云",
        }
    )

    assert (row.credit_code, row.industry_code, row.founded_on) == (code, "0111", dt.date(2012, 3, 5))
    assert (row.revenue_cny, row.cloud_level, row.employees) == (Decimal("1234.50"), "platform", None)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("credit_code", "91330106MA2XXXX", "credit_code.length"),
        ("credit_code", "91330106MA2CDEFGIO", "credit_code.charset"),
        ("industry_code", "9999", "industry_code.unknown"),
        ("industry_code", "C", "industry_code.format"),
        ("region_code", "990000", "region_code.unknown"),
        ("region_code", "33010", "region_code.format"),
    ],
)
def test_it_refuses_codes_that_are_not_in_the_official_tables(field, value, code):
    data = {
        "credit_code": make_credit_code(),
        "name": "某公司",
        "industry_code": "3911",
        "region_code": "330106",
    }
    with pytest.raises(ValidationError) as caught:
        EnterpriseRow.model_validate(data | {field: value})

    assert [(finding.path, finding.code) for finding in findings(caught.value)] == [(field, code)]


def test_it_doubts_amounts_in_wan_and_refuses_founding_dates_in_the_future():
    context = RowContext(today=dt.date(2026, 1, 1))
    EnterpriseRow.model_validate(
        {
            "credit_code": make_credit_code(),
            "name": "某公司",
            "industry_code": "3911",
            "region_code": "330106",
            "employees": "120",
            "revenue_cny": "3500",
            "founded_on": "2027-01-01",
        },
        context=context,
    )

    assert [(field, warning.code) for field, warning, _ in context.row_warnings] == [
        ("revenue_cny", "money.implausible_wan"),
    ]
    # A founding date in the future was only doubted before issue 19, item 13: now it is refused.
    assert [(field, error.code) for field, error, _ in context.row_errors] == [
        ("founded_on", "founded_on.future"),
    ]
