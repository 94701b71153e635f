"""Reported values keep provenance and revisions; an import checks every row first and stores all or nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from funeng.apps.audit.models import AuditEvent
from funeng.apps.monitoring.interchange import read_values, values_template
from funeng.apps.monitoring.models import IndicatorValue, Provenance
from funeng.apps.monitoring.services import ValueInput, value_report, values_report_many
from tests.support.monitoring import monitoring_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields):
    return monitoring_world(enterprise_fields)


def test_a_correction_is_a_new_revision_and_the_old_value_stays(world):
    first = value_report(
        actor=world.province,
        item=ValueInput("online_retail_sales", "330000", 2021, Decimal("2.3e12"), "2021年统计公报"),
    )
    assert first is not None and first.revision == 1 and first.provenance == Provenance.REPORTED
    assert (
        value_report(
            actor=world.province,
            item=ValueInput("online_retail_sales", "330000", 2021, Decimal("2.3e12"), "2021年统计公报"),
        )
        is None
    )
    second = value_report(
        actor=world.city, item=ValueInput("online_retail_sales", "330100", 2021, Decimal("1e12"), "杭州公报")
    )
    assert second is not None and second.revision == 1
    fixed = value_report(
        actor=world.province,
        item=ValueInput("online_retail_sales", "330000", 2021, Decimal("2.35e12"), "2021年统计公报（修订）"),
    )
    assert fixed is not None and fixed.revision == 2
    rows = IndicatorValue.objects.filter(indicator_key="online_retail_sales", region_code="330000").order_by(
        "revision"
    )
    assert [(r.value, r.current, r.recorded_by) for r in rows] == [
        (Decimal("2.3e12"), False, world.province),
        (Decimal("2.35e12"), True, world.province),
    ]
    assert AuditEvent.objects.filter(object_type__endswith="indicatorvalue").count() == 3


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (ValueInput("enterprises_on_cloud", "330000", 2021, Decimal(5), "x"), "indicator_key"),
        (ValueInput("no_such_indicator", "330000", 2021, Decimal(5), "x"), None),
        (ValueInput("online_retail_sales", "320000", 2021, Decimal(5), "x"), "region_code"),
        (ValueInput("online_retail_sales", "330000", 2099, Decimal(5), "x"), "year"),
        (ValueInput("online_retail_sales", "330000", 2021, Decimal(-5), "x"), "value"),
        (ValueInput("mobile_payment_coverage", "330000", 2021, Decimal(130), "x"), "value"),
        (ValueInput("online_retail_sales", "330000", 2021, Decimal(5), "  "), "source"),
    ],
)
def test_a_value_that_cannot_be_right_is_refused_with_its_field(world, item, field):
    with pytest.raises(ValidationError) as error:
        value_report(actor=world.province, item=item)
    if field:
        assert field in error.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_a_city_official_reports_only_for_the_city_and_below(world):
    with pytest.raises(ValidationError):
        value_report(
            actor=world.city, item=ValueInput("online_retail_sales", "330000", 2021, Decimal(5), "x")
        )
    assert value_report(
        actor=world.city, item=ValueInput("online_retail_sales", "330106", 2021, Decimal(5), "x")
    )


def _sheet(tmp_path, rows, name="values.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


HEAD = ["指标", "地区代码", "年份", "数值", "来源文件", "备注"]


def test_the_template_lists_the_reportable_indicators_and_imports_back(world, tmp_path):
    book = load_workbook(io.BytesIO(values_template()))
    assert [c.value for c in book["values"][1]] == HEAD
    ids = [row[0].value for row in book["indicators"].iter_rows(min_row=2)]
    assert "online_retail_sales" in ids and "enterprises_on_cloud" not in ids
    path = tmp_path / "template.xlsx"
    path.write_bytes(values_template())
    items, problems = read_values(path, "template.xlsx", world.province)
    assert problems == [] and len(items) == 1


def test_an_import_with_one_bad_row_names_file_row_and_column_and_stores_nothing(world, tmp_path):
    path = _sheet(
        tmp_path,
        [
            HEAD,
            ["online_retail_sales", "330000", 2021, 2.3e12, "公报", ""],
            ["全省网络零售额", "330000", 2022, "很多", "公报", ""],
            ["mobile_payment_coverage", "320000", 2021, 88, "公报", ""],
            ["online_retail_sales", "330000", 2021, 2.4e12, "公报", ""],
        ],
    )
    items, problems = read_values(path, "values.xlsx", world.province)
    found = {(p.row, p.column) for p in problems}
    assert found == {(3, "数值"), (4, "地区代码"), (5, "年份")}
    assert all(p.file == "values.xlsx" and p.message for p in problems)
    assert not IndicatorValue.objects.exists()


def test_a_good_import_stores_every_row_in_one_go_and_again_stores_nothing(world, tmp_path):
    path = _sheet(
        tmp_path,
        [
            ["Indicator", "Region code", "Year", "Value", "Source document"],
            ["online_retail_sales", "330000", 2021, 2.3e12, "公报"],
            ["全省网络零售额", "330000", 2022, 2.6e12, "公报"],  # by its Chinese name
        ],
        name="values-en.xlsx",
    )
    items, problems = read_values(path, "values-en.xlsx", world.province)
    assert problems == []
    assert values_report_many(actor=world.province, items=items) == 2
    assert values_report_many(actor=world.province, items=items) == 0
    assert IndicatorValue.objects.count() == 2


def test_a_file_without_the_required_columns_is_refused_at_the_header(world, tmp_path):
    path = _sheet(tmp_path, [["指标", "数值", "颜色"], ["online_retail_sales", 5, "红"]])
    items, problems = read_values(path, "x.xlsx", world.province)
    assert items == []
    assert {(p.row, p.column) for p in problems} == {
        (1, "颜色"),
        (1, "地区代码"),
        (1, "年份"),
        (1, "来源文件"),
    }


def test_a_source_document_is_kept_by_its_bytes_and_served_to_who_sees_the_value(
    world, client, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.MEDIA_ROOT = str(tmp_path)
    pdf = SimpleUploadedFile("公报.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    row = value_report(
        actor=world.province,
        item=ValueInput("open_datasets", "330000", 2021, Decimal(7200), "2021年公报"),
        source_file=pdf,
    )
    assert row is not None and row.source_file_kind == "pdf" and row.source_file_name == "公报.pdf"
    assert not row.source_file.name.endswith("公报.pdf")  # stored under a name of our own
    url = reverse("monitoring:value_source", args=[row.pk])
    client.force_login(world.city)  # the province's figures are context for its city
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.other)
    assert client.get(url).status_code == 404
    script = SimpleUploadedFile("公报.pdf", b"<script>alert(1)</script>")
    with pytest.raises(ValidationError) as error:
        value_report(
            actor=world.province,
            item=ValueInput("open_datasets", "330000", 2021, Decimal(7300), "2021年公报"),
            source_file=script,
        )
    assert "source_file" in error.value.message_dict
    assert IndicatorValue.objects.filter(indicator_key="open_datasets").count() == 1
