"""Profile values that contradict each other are refused at every door: the form, the API and the import.

One validator (engines.rules.consistency) decides; each door shows its answer its own way.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from engines.rules.consistency import profile_inconsistencies
from engines.tabular import RowContext
from funeng.apps.audit.models import AuditEvent
from funeng.apps.enterprises.importing import enterprises_import
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.rows import EnterpriseRow
from tests.apps.enterprises.test_import_cli import counts, valid_row, write_csv
from tests.conftest import make_credit_code
from tests.support.api import assert_problem, bearer, field_errors, make_world

TODAY = dt.date(2026, 12, 1)


def codes(values: dict[str, Any], today: dt.date | None = TODAY) -> list[tuple[str, str]]:
    return [(found.field, found.code) for found in profile_inconsistencies(values, today=today)]


# ---------------------------------------------------------------- the validator


def test_it_accepts_a_consistent_profile_and_unknown_values():
    assert (
        codes(
            {
                "founded_on": dt.date(2012, 3, 15),
                "employees": 43,
                "rd_staff": 43,
                "revenue_cny": Decimal("100"),
                "main_business_revenue_cny": Decimal("100"),
                "niche_market_since": dt.date(2012, 3, 15),
            }
        )
        == []
    )
    assert (
        codes({"employees": None, "rd_staff": 500, "revenue_cny": None, "main_business_revenue_cny": 9}) == []
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"founded_on": dt.date(2099, 1, 1)}, [("founded_on", "founded_on.future")]),
        ({"founded_on": dt.date(1900, 1, 1)}, [("founded_on", "founded_on.too_early")]),
        ({"rd_staff": 500, "employees": 43}, [("rd_staff", "rd_staff.above_employees")]),
        (
            {"main_business_revenue_cny": Decimal("2000000.01"), "revenue_cny": Decimal("2000000")},
            [("main_business_revenue_cny", "main_business_revenue_cny.above_revenue")],
        ),
        (
            {"main_product_revenue_cny": Decimal("2000000.01"), "revenue_cny": Decimal("2000000")},
            [("main_product_revenue_cny", "main_product_revenue_cny.above_revenue")],
        ),
        (
            {"niche_market_since": dt.date(2012, 3, 14), "founded_on": dt.date(2012, 3, 15)},
            [("niche_market_since", "niche_market_since.before_founding")],
        ),
        (
            {"niche_market_since": dt.date(2099, 1, 1)},
            [("niche_market_since", "niche_market_since.in_future")],
        ),
    ],
)
def test_it_names_the_field_that_contradicts_another_or_the_calendar(values, expected):
    assert codes(values) == expected


def test_it_leaves_out_the_calendar_checks_without_a_today():
    assert codes({"founded_on": dt.date(2099, 1, 1), "rd_staff": 5, "employees": 4}, today=None) == [
        ("rd_staff", "rd_staff.above_employees")
    ]


def test_it_explains_with_the_values_in_the_message():
    (found,) = profile_inconsistencies({"rd_staff": 500, "employees": 43}, today=TODAY)
    assert found.message % found.params == (
        "R&D staff (500) cannot be more than the employees (43): R&D staff are counted among the employees"
    )


# ---------------------------------------------------------------- the form


pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


def _form_data(response: Any) -> dict[str, Any]:
    form = response.context["form"]
    return {name: "" if (value := form[name].value()) is None else value for name in form.fields}


def test_the_profile_form_refuses_implausible_values_at_their_fields_and_saves_nothing(client, world):
    client.force_login(world["enterprise_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/enterprises/{world['a'].pk}/edit/"
    data = _form_data(client.get(url))
    data.update(
        founded_on="2099-01-01",
        employees="43",
        rd_staff="500",
        revenue_cny="1000000",
        main_business_revenue_cny="2000000",
    )
    events = AuditEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"founded_on", "rd_staff", "main_business_revenue_cny"}
    assert "R&D staff (500) cannot be more than the employees (43)" in errors["rd_staff"][0]
    assert "The founding date 2099-01-01 is after today" in errors["founded_on"][0]
    stored = Enterprise.objects.get(pk=world["a"].pk)
    assert (stored.rd_staff, stored.founded_on, stored.main_business_revenue_cny) == (None, None, None)
    assert AuditEvent.objects.count() == events


def test_the_profile_form_explains_in_chinese_by_default(client, world):
    client.force_login(world["enterprise_a"])
    url = f"/enterprises/{world['a'].pk}/edit/"
    data = _form_data(client.get(url)) | {"employees": "43", "rd_staff": "500"}
    response = client.post(url, data)
    assert "研发人员（500 人）不能多于从业人员（43 人）" in response.context["form"].errors["rd_staff"][0]


# ---------------------------------------------------------------- the API


def test_the_api_refuses_an_inconsistent_patch_with_422_naming_the_field(client, world):
    response = client.patch(
        f"/api/v1/enterprises/{world['a'].pk}",
        data=json.dumps({"employees": 43, "rd_staff": 500}),
        content_type="application/json",
        **bearer(world["enterprise_a"]),
    )
    body = assert_problem(response, 422)
    errors = field_errors(body)
    assert set(errors) == {"rd_staff"}
    assert errors["rd_staff"]["message_en"].startswith(
        "R&D staff (500) cannot be more than the employees (43)"
    )
    assert errors["rd_staff"]["message_zh"].startswith("研发人员（500 人）不能多于从业人员（43 人）")
    assert Enterprise.objects.get(pk=world["a"].pk).rd_staff is None


def test_the_api_compares_a_patched_field_with_the_stored_one(client, world):
    # The stored revenue is 50,000,000 (enterprise_fields); only the main business revenue is sent.
    response = client.patch(
        f"/api/v1/enterprises/{world['a'].pk}",
        data=json.dumps({"main_business_revenue_cny": "60000000.00", "founded_on": "1900-01-01"}),
        content_type="application/json",
        **bearer(world["enterprise_a"]),
    )
    errors = field_errors(assert_problem(response, 422))
    assert set(errors) == {"main_business_revenue_cny", "founded_on"}


# ---------------------------------------------------------------- the import


def test_the_import_refuses_the_whole_file_naming_file_row_field_and_reason(tmp_path: Path, operator):
    path = write_csv(
        tmp_path / "企业.csv",
        [
            valid_row(),
            valid_row(credit_code=make_credit_code(), employees="43", rd_staff="500"),
            valid_row(credit_code=make_credit_code(), founded_on="2099-01-01"),
            valid_row(credit_code=make_credit_code(), revenue_cny="100", main_business_revenue_cny="200"),
        ],
    )
    before = counts()
    report = enterprises_import(path=path, acting_user=operator)
    assert not report.ok and report.created == 0
    assert counts() == before
    found = [(issue["file"], issue["row"], issue["field"], issue["key"]) for issue in report.errors]
    assert found == [
        ("企业.csv", 3, "rd_staff", "rd_staff.above_employees"),
        ("企业.csv", 4, "founded_on", "founded_on.future"),
        ("企业.csv", 5, "main_business_revenue_cny", "main_business_revenue_cny.above_revenue"),
    ]
    rd = report.errors[0]
    assert rd["column"] == "研发人员（人）" and rd["cell"] is not None and rd["value"] == "500"
    assert rd["message"] == "研发人员（500 人）不能多于从业人员（43 人）：研发人员包含在从业人员之中"


def test_a_row_model_refuses_contradicting_values_without_raising():
    context = RowContext(today=TODAY)
    EnterpriseRow.model_validate(
        {
            "credit_code": make_credit_code(),
            "name": "某公司",
            "industry_code": "3911",
            "region_code": "330106",
            "employees": "43",
            "rd_staff": "500",
        },
        context=context,
    )
    assert [(field, error.code) for field, error, _ in context.row_errors] == [
        ("rd_staff", "rd_staff.above_employees")
    ]
