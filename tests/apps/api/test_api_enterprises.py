"""/api/v1/enterprises through HTTP: access (IDOR), pagination, filters, updates, mass assignment, import."""

from __future__ import annotations

import json
import typing

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engines.rules.fields import SRDI_LEVELS
from funeng.apps.api.schemas import CloudLevelIn, SrdiLevelIn
from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.enterprises.const import CloudLevel, SrdiLevel
from funeng.apps.enterprises.exporting import enterprise_template
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from tests.conftest import make_credit_code
from tests.support.api import assert_problem, bearer, field_errors, make_world

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises"


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


def patch(client, url, data, headers):
    return client.patch(url, data=json.dumps(data), content_type="application/json", **headers)


# ---------------------------------------------------------------- reading


def test_it_lists_the_enterprises_an_operator_sees_with_derived_fields_and_names(client, operator, world):
    body = client.get(URL, **bearer(operator)).json()
    assert body["count"] == 2
    assert (body["limit"], body["offset"]) == (50, 0)
    item = next(i for i in body["items"] if i["id"] == world["a"].pk)
    assert item["credit_code"] == world["a"].credit_code
    assert item["industry_name"] == "机械零部件加工"
    assert item["region_name"].startswith("浙江省")
    assert item["size_class"] and item["de_codes"] and item["de_provisional"] is True
    assert set(EDITABLE_FIELDS) <= set(item)


def test_it_sends_money_as_decimal_strings(client, operator, enterprise_fields):
    # 15 significant digits: SQLite's Decimal converter keeps no more (PostgreSQL keeps all 18).
    enterprise = enterprise_create(
        acting_user=None, **enterprise_fields(revenue_cny="1234567890123.45", net_profit_cny="-0.10")
    )
    item = client.get(f"{URL}/{enterprise.pk}", **bearer(operator)).json()
    assert item["revenue_cny"] == "1234567890123.45"
    assert item["net_profit_cny"] == "-0.10"
    assert item["rd_expense_cny"] is None


def test_it_shows_an_enterprise_user_only_its_own_enterprise(client, world):
    body = client.get(URL, **bearer(world["enterprise_a"])).json()
    assert [item["id"] for item in body["items"]] == [world["a"].pk]


def test_it_lists_nothing_to_a_user_without_role(client, outsider, world):
    body = client.get(URL, **bearer(outsider)).json()
    assert body == {"items": [], "count": 0, "limit": 50, "offset": 0}


def test_it_paginates_with_limit_and_offset(client, operator, enterprise_fields):
    for number in range(5):
        enterprise_create(acting_user=None, **enterprise_fields(name=f"企业{number}"))
    headers = bearer(operator)
    first = client.get(URL, {"limit": 2}, **headers).json()
    second = client.get(URL, {"limit": 2, "offset": 2}, **headers).json()
    last = client.get(URL, {"limit": 2, "offset": 4}, **headers).json()
    names = [i["name"] for page in (first, second, last) for i in page["items"]]
    assert names == [f"企业{n}" for n in range(5)]
    assert first["count"] == second["count"] == last["count"] == 5
    assert (second["limit"], second["offset"]) == (2, 2)


@pytest.mark.parametrize("query", [{"limit": 201}, {"limit": 0}, {"offset": -1}, {"limit": "ten"}])
def test_it_refuses_page_parameters_out_of_range(client, operator, query):
    body = assert_problem(client.get(URL, query, **bearer(operator)), 422)
    assert set(field_errors(body)) == set(query)


def test_it_filters_like_the_list_page(client, operator, world):
    headers = bearer(operator)

    def ids(**query):
        return {item["id"] for item in client.get(URL, query, **headers).json()["items"]}

    a, b = world["a"].pk, world["b"].pk
    assert ids(region="330000") == {a}
    assert ids(region="320100") == {b}
    assert ids(industry="I") == {b}
    assert ids(industry="34") == {a}
    assert ids(q="南京乙") == {b}
    assert ids(q=world["a"].credit_code.lower()) == {a}
    assert ids(de_core="true") == {b}
    assert ids(size_class=world["a"].size_class) >= {a}


def test_it_refuses_an_unknown_size_class_filter(client, operator):
    body = assert_problem(client.get(URL, {"size_class": "huge"}, **bearer(operator)), 422)
    assert "size_class" in field_errors(body)


def test_it_lists_without_a_query_per_row(client, operator, enterprise_fields, django_assert_max_num_queries):
    for number in range(30):
        enterprise_create(acting_user=None, **enterprise_fields(name=f"企业{number:02d}"))
    headers = bearer(operator)
    client.get(URL, **headers)  # token last-used write happens once a minute at most
    # token lookup + count + page: independent of the number of rows
    with django_assert_max_num_queries(4):
        assert len(client.get(URL, {"limit": 30}, **headers).json()["items"]) == 30


# ---------------------------------------------------------------- IDOR: not visible → 404


def test_it_answers_404_for_an_enterprise_the_user_may_not_see(client, outsider, world):
    headers = bearer(outsider)
    for enterprise in (world["a"], world["b"]):
        assert_problem(client.get(f"{URL}/{enterprise.pk}", **headers), 404)
        assert_problem(client.get(f"{URL}/by-credit-code/{enterprise.credit_code}", **headers), 404)
        assert_problem(patch(client, f"{URL}/{enterprise.pk}", {"employees": 1}, headers), 404)


def test_it_hides_another_enterprise_from_an_enterprise_user(client, world):
    headers = bearer(world["enterprise_a"])
    b = world["b"]
    assert client.get(f"{URL}/{world['a'].pk}", **headers).status_code == 200
    assert_problem(client.get(f"{URL}/{b.pk}", **headers), 404)
    assert_problem(client.get(f"{URL}/by-credit-code/{b.credit_code}", **headers), 404)
    assert_problem(patch(client, f"{URL}/{b.pk}", {"employees": 1}, headers), 404)
    b.refresh_from_db()
    assert b.employees == 350


def test_it_answers_the_same_404_for_a_missing_and_a_hidden_enterprise(client, world):
    headers = bearer(world["enterprise_a"])
    hidden = client.get(f"{URL}/{world['b'].pk}", **headers)
    missing = client.get(f"{URL}/{world['b'].pk + 1000}", **headers)
    assert hidden.content == missing.content
    hidden = client.get(f"{URL}/by-credit-code/{world['b'].credit_code}", **headers)
    missing = client.get(f"{URL}/by-credit-code/{make_credit_code()}", **headers)
    assert hidden.content == missing.content


def test_it_finds_a_visible_enterprise_by_credit_code_in_any_case(client, operator, world):
    code = world["a"].credit_code
    response = client.get(f"{URL}/by-credit-code/{code.lower()}", **bearer(operator))
    assert response.json()["id"] == world["a"].pk


def test_it_forbids_an_official_to_change_an_enterprise_they_may_see(client, world):
    headers = bearer(world["official_hz"])
    assert client.get(f"{URL}/{world['a'].pk}", **headers).status_code == 200
    assert_problem(patch(client, f"{URL}/{world['a'].pk}", {"employees": 1}, headers), 403)


@pytest.mark.parametrize("bad_id", ["0", "-1", "abc", "1.5", "99999999999999999999999"])
def test_it_refuses_malformed_ids_without_a_server_error(client, operator, bad_id):
    response = client.get(f"{URL}/{bad_id}", **bearer(operator))
    assert response.status_code in (404, 422)
    assert_problem(response, response.status_code)


# ---------------------------------------------------------------- updates


def test_it_updates_editable_fields_recomputes_classes_and_audits(client, operator, world):
    a = world["a"]
    response = patch(
        client,
        f"{URL}/{a.pk}",
        {"employees": 5, "revenue_cny": "1000000.50", "cloud_level": "platform"},
        bearer(operator),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["employees"], body["revenue_cny"], body["cloud_level"]) == (5, "1000000.50", "platform")
    a.refresh_from_db()
    assert a.employees == 5
    assert body["size_class"] == a.size_class
    event = AuditEvent.objects.filter(object_id=str(a.pk), action=AuditAction.UPDATE).get()
    assert event.actor == operator
    assert event.changes["employees"] == [350, 5]


def test_it_lets_an_enterprise_user_update_its_figures(client, world):
    response = patch(client, f"{URL}/{world['a'].pk}", {"rd_staff": 12}, bearer(world["enterprise_a"]))
    assert response.status_code == 200
    assert response.json()["rd_staff"] == 12


def test_it_refuses_derived_fields_as_unknown(client, operator, world):
    a = world["a"]
    for field, value in [("size_class", "large"), ("de_core", True), ("de_codes", []), ("id", 999)]:
        body = assert_problem(patch(client, f"{URL}/{a.pk}", {field: value}, bearer(operator)), 422)
        assert field in field_errors(body)
    before = a.size_class
    a.refresh_from_db()
    assert (a.size_class, a.pk) == (before, world["a"].pk)


@pytest.mark.parametrize("field", ["region_code", "credit_code", "name"])
def test_it_forbids_an_enterprise_user_to_change_its_identity(client, world, field):
    values = {"region_code": "320102", "credit_code": make_credit_code(), "name": "改名"}
    body = assert_problem(
        patch(
            client,
            f"{URL}/{world['a'].pk}",
            {field: values[field], "employees": 9},
            bearer(world["enterprise_a"]),
        ),
        403,
    )
    assert field in body["detail_en"] and field in body["detail_zh"]
    assert list(field_errors(body)) == [field]
    a = world["a"]
    a.refresh_from_db()
    assert (getattr(a, field), a.employees) != (values[field], 9)
    assert not AuditEvent.objects.filter(object_id=str(a.pk), action=AuditAction.UPDATE).exists()


def test_it_asks_access_which_fields_are_writable(client, operator, world, monkeypatch):
    from funeng.apps.enterprises import access

    monkeypatch.setattr(
        access, "enterprise_fields_writable_by", lambda user, enterprise: frozenset({"employees"})
    )
    headers = bearer(operator)
    assert_problem(patch(client, f"{URL}/{world['a'].pk}", {"region_code": "320102"}, headers), 403)
    assert patch(client, f"{URL}/{world['a'].pk}", {"employees": 7}, headers).status_code == 200


def test_it_refuses_an_over_long_name(client, operator, world):
    body = assert_problem(
        patch(client, f"{URL}/{world['a'].pk}", {"name": "厂" * 201}, bearer(operator)), 422
    )
    assert "200" in field_errors(body)["name"]["message_zh"]


def test_it_refuses_a_malformed_credit_code_with_a_field_error(client, operator, world):
    code = world["a"].credit_code
    wrong_check = code[:-1] + ("0" if code[-1] != "0" else "1")
    body = assert_problem(
        patch(client, f"{URL}/{world['a'].pk}", {"credit_code": wrong_check}, bearer(operator)), 422
    )
    error = field_errors(body)["credit_code"]
    assert "统一社会信用代码" in error["message_zh"]
    assert "credit code" in error["message_en"]


def test_it_refuses_a_credit_code_already_in_use(client, operator, world):
    taken = world["b"].credit_code
    body = assert_problem(
        patch(client, f"{URL}/{world['a'].pk}", {"credit_code": taken}, bearer(operator)), 422
    )
    assert "credit_code" in field_errors(body)


@pytest.mark.parametrize(
    "data",
    [
        {"name": None},
        {"name": ""},
        {"region_code": "999999"},
        {"industry_code": "ABCD"},
        {"employees": -1},
        {"employees": 2**31},
        {"revenue_cny": "1.001"},
        {"revenue_cny": "NaN"},
        {"revenue_cny": "1e30"},
        {"net_profit_cny": 12.5, "assets_cny": -1},
        {"founded_on": "2024-13-01"},
        {"cloud_level": "everything"},
        {"name": "a\x00b"},
        {"main_business_growth_avg_2y": "-1.5"},
        {"revenue_growth_avg_2y": "0.1234567"},
        {"net_profit_growth_avg_2y": 101},
        {"srdi_level": None},
        {"srdi_level": "county"},
        {"has_rd_institution": "perhaps"},
        {"valuation_cny": "-1.00"},
        {"standards_2y": -1},
    ],
)
def test_it_refuses_malformed_values_with_422(client, operator, world, data):
    body = assert_problem(patch(client, f"{URL}/{world['a'].pk}", data, bearer(operator)), 422)
    assert set(field_errors(body)) & set(data)


def test_it_returns_html_in_a_name_as_inert_json_data(client, operator, world):
    name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = patch(client, f"{URL}/{world['a'].pk}", {"name": name}, bearer(operator))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["name"] == name


def test_it_refuses_a_body_that_is_not_json(client, operator, world):
    response = client.patch(
        f"{URL}/{world['a'].pk}", data="{name:", content_type="application/json", **bearer(operator)
    )
    assert_problem(response, 400)


def test_it_answers_unknown_urls_and_methods_as_problems(client, operator):
    headers = bearer(operator)
    assert_problem(client.get("/api/v1/nothing-here", **headers), 404)
    assert_problem(client.get("/api/v1/", **headers), 404)
    response = client.delete(URL, **headers)
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_it_keeps_the_cloud_level_choices_in_step_with_the_model():
    assert set(typing.get_args(CloudLevelIn)) == {"", *CloudLevel.values}


def test_it_keeps_the_srdi_levels_in_step_with_the_model_and_the_rules():
    assert typing.get_args(SrdiLevelIn) == ("", *SrdiLevel.values) == ("", *SRDI_LEVELS)


# ---------------------------------------------------------------- the fields the policy rules read


def test_it_updates_the_policy_fields_and_sends_ratios_as_six_place_strings(client, world):
    a = world["a"]
    data = {
        "main_business_growth_avg_2y": "0.05",
        "net_profit_growth_avg_2y": -0.125,
        "revenue_growth_avg_2y": None,
        "revenue_prev_cny": "40000000.00",
        "main_business_revenue_cny": "35000000.00",
        "liabilities_cny": "56000000.00",
        "rd_expense_2y_cny": "2700000.00",
        "rd_staff": 35,
        "net_profit_2y_cny": "-100.50",
        "has_rd_institution": True,
        "quality_cert": False,
        "standards_2y": 1,
        "niche_market_since": "2021-03-01",
        "niche_market_rank_province": 3,
        "clean_record_3y": True,
        "srdi_level": "pool",
        "it_supported_core_processes": 2,
    }
    # A rank starts at 1: 0 is refused and nothing is written.
    refused = patch(
        client, f"{URL}/{a.pk}", data | {"niche_market_rank_province": 0}, bearer(world["enterprise_a"])
    )
    assert refused.status_code == 422 and Enterprise.objects.get(pk=a.pk).niche_market_since is None
    response = patch(client, f"{URL}/{a.pk}", data, bearer(world["enterprise_a"]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["main_business_growth_avg_2y"] == "0.050000"
    assert body["net_profit_growth_avg_2y"] == "-0.125000"
    assert body["revenue_growth_avg_2y"] is None
    assert (body["has_rd_institution"], body["quality_cert"], body["own_brand"]) == (True, False, None)
    assert (body["srdi_level"], body["niche_market_since"], body["net_profit_2y_cny"]) == (
        "pool",
        "2021-03-01",
        "-100.50",
    )
    assert (body["niche_market_rank_province"], body["niche_market_rank_national"]) == (3, None)
    assert (body["clean_record_3y"], body["no_major_accidents_3y"]) == (True, None)
    # Derived from the amounts (revenue 5000万, previous year 4000万, assets 8000万, 350 employees).
    assert body["main_business_share"] == "0.700000"
    assert body["debt_ratio"] == "0.700000"
    assert body["revenue_growth_1y"] == "0.250000"
    assert body["rd_intensity_2y"] == "0.030000"
    assert body["rd_staff_share"] == "0.100000"
    event = AuditEvent.objects.get(object_id=str(a.pk), action=AuditAction.UPDATE)
    assert event.changes["srdi_level"] == ["", "pool"]
    assert event.changes["main_business_growth_avg_2y"] == [None, "0.05"]


def test_it_refuses_to_set_a_derived_ratio_directly(client, operator, world):
    for field in ("debt_ratio", "main_business_share", "rd_intensity_2y"):
        body = assert_problem(patch(client, f"{URL}/{world['a'].pk}", {field: "0.5"}, bearer(operator)), 422)
        assert field in field_errors(body)


# ---------------------------------------------------------------- import


def _csv(*rows: dict[str, str]) -> SimpleUploadedFile:
    header = enterprise_template("csv").decode("utf-8-sig").splitlines()[0]
    columns = header.split(",")
    assert all(set(row) <= set(columns) for row in rows)
    lines = [header] + [",".join(row.get(column, "") for column in columns) for row in rows]
    return SimpleUploadedFile("企业.csv", "\n".join(lines).encode("utf-8"), content_type="text/csv")


def _row(**overrides: str) -> dict[str, str]:
    row = {
        "统一社会信用代码": make_credit_code(),
        "企业名称": "导入测试有限公司",
        "行业代码": "3484",
        "行政区划代码": "330106",
        "从业人员（人）": "120",
    }
    row.update(overrides)
    return row


def test_it_imports_a_valid_file(client, operator):
    response = client.post(f"{URL}/import", {"file": _csv(_row(), _row())}, **bearer(operator))
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["ok"], report["created"], report["rows"]) == (True, 2, 2)
    assert Enterprise.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT, actor=operator).count() == 2


def test_it_writes_nothing_on_a_dry_run(client, operator):
    response = client.post(f"{URL}/import", {"file": _csv(_row()), "dry_run": "true"}, **bearer(operator))
    assert response.json()["dry_run"] is True
    assert Enterprise.objects.count() == 0


def test_it_answers_422_with_the_report_when_a_row_is_wrong(client, operator):
    bad = _row(行政区划代码="999999")
    body = assert_problem(client.post(f"{URL}/import", {"file": _csv(_row(), bad)}, **bearer(operator)), 422)
    report = body["report"]
    assert report["ok"] is False and report["created"] == 0
    assert report["errors"][0]["row"] == 3
    assert report["errors"][0]["key"].startswith("region_code")
    assert Enterprise.objects.count() == 0


def test_it_refuses_a_file_type_it_cannot_read(client, operator):
    upload = SimpleUploadedFile("企业.xls", b"\xd0\xcf\x11\xe0", content_type="application/vnd.ms-excel")
    body = assert_problem(client.post(f"{URL}/import", {"file": upload}, **bearer(operator)), 422)
    assert "file" in field_errors(body)


def test_it_forbids_import_to_anyone_but_administrators(client, outsider, world):
    for user in (outsider, world["enterprise_a"], world["official_hz"]):
        response = client.post(f"{URL}/import", {"file": _csv(_row())}, **bearer(user))
        assert_problem(response, 403)
    assert Enterprise.objects.count() == 2


# Bodies Django's multipart parser cannot read: no boundary, a boundary longer than RFC 2046
# allows, and a part header that never ends.
MALFORMED_UPLOADS = {
    "no boundary": ("multipart/form-data", b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nx'),
    "invalid boundary": ("multipart/form-data; boundary=" + "b" * 300, b"--b\r\n"),
    "unterminated part header": (
        "multipart/form-data; boundary=abc",
        b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.csv"' + b"; x=" + b"y" * 5000,
    ),
}


@pytest.mark.parametrize("malformed", sorted(MALFORMED_UPLOADS))
def test_it_refuses_import_to_anyone_else_before_reading_the_upload(client, outsider, world, malformed):
    content_type, data = MALFORMED_UPLOADS[malformed]
    for user in (outsider, world["enterprise_a"], world["official_hz"]):
        response = client.post(f"{URL}/import", data=data, content_type=content_type, **bearer(user))
        assert_problem(response, 403)
    client.force_login(world["enterprise_a"])
    assert_problem(client.post(f"{URL}/import", data=data, content_type=content_type), 403)


@pytest.mark.parametrize("malformed", sorted(MALFORMED_UPLOADS))
def test_it_answers_400_to_an_upload_it_cannot_read(client, operator, malformed):
    content_type, data = MALFORMED_UPLOADS[malformed]
    response = client.post(f"{URL}/import", data=data, content_type=content_type, **bearer(operator))
    body = assert_problem(response, 400)
    assert "multipart/form-data" in body["detail_en"]
