"""Monitoring pages for a provincial and a city official; other roles and other provinces are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funeng.apps.monitoring.models import IndicatorValue, MonitoringTarget, TargetStatus
from funeng.apps.monitoring.services import ValueInput, target_confirm, value_report
from funeng.apps.tasks.models import TaskRun
from tests.support.monitoring import monitoring_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields):
    w = monitoring_world(enterprise_fields)
    target = w.target("open_datasets")
    target_confirm(
        actor=w.province,
        target=target,
        baseline_year=2020,
        baseline_value=Decimal(6400),
        target_year=2022,
        target_value=target.target_value,
    )
    value_report(
        actor=w.province, item=ValueInput("open_datasets", "330000", 2021, Decimal(7200), "2021年公报")
    )
    return w


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_dashboard_shows_confirmed_targets_with_status_unit_and_clause(client, world):
    page = _get(client, world.province, reverse("monitoring:home")).content.decode()
    assert "开放数据集总量" in page and "进展有限" in page and "省大数据局" in page
    assert reverse("library:clause", args=["zj-2020-digital-empowerment/二/(五)/20"]) in page
    assert "badge status-limited" in page


def test_a_city_official_sees_the_province_s_targets_as_context(client, world):
    page = _get(client, world.city, reverse("monitoring:home")).content.decode()
    assert "杭州市" in page and "开放数据集总量" in page
    target = world.target("open_datasets")
    client.force_login(world.city)
    response = client.post(reverse("monitoring:target", args=[target.pk]), {"action": "reject", "note": "x"})
    assert response.status_code == 403
    assert MonitoringTarget.objects.get(pk=target.pk).status == TargetStatus.CONFIRMED


@pytest.mark.parametrize(
    "url",
    [
        "/monitoring/?region=330000",
        "/monitoring/indicators/open_datasets/?region=330100",
        "/monitoring/export.xlsx?region=330000",
        "/api/v1/monitoring/progress?region=330000",
    ],
)
def test_an_official_of_another_province_gets_not_found(client, world, url):
    assert _get(client, world.other, url).status_code == 404


@pytest.mark.parametrize(
    "name", ["monitoring:home", "monitoring:targets", "monitoring:report", "monitoring:import"]
)
def test_an_enterprise_user_is_refused(client, world, name):
    assert _get(client, world.alice, reverse(name)).status_code == 403


def test_confirming_through_the_page(client, world):
    target = world.target("online_retail_sales")
    client.force_login(world.province)
    page = client.get(reverse("monitoring:target", args=[target.pk])).content.decode()
    assert "全省网络零售额" in page and "2600000000000" in page.replace(",", "").replace(".000000", "")
    response = client.post(
        reverse("monitoring:target", args=[target.pk]),
        {
            "action": "confirm",
            "baseline_year": "2020",
            "baseline_value": "2.0e12",
            "target_year": "2022",
            "target_value": "2600000000000",
        },
    )
    assert response.status_code == 302
    assert MonitoringTarget.objects.get(pk=target.pk).status == TargetStatus.CONFIRMED


def test_a_bad_confirmation_shows_the_error_and_changes_nothing(client, world):
    target = world.target("online_retail_sales")
    client.force_login(world.province)
    response = client.post(
        reverse("monitoring:target", args=[target.pk]),
        {
            "action": "confirm",
            "baseline_year": "2024",
            "baseline_value": "1",
            "target_year": "2022",
            "target_value": "5",
        },
    )
    assert response.status_code == 200
    assert (
        "基线年份必须早于目标年份" in response.content.decode()
        or "baseline year must be before" in response.content.decode()
    )
    assert MonitoringTarget.objects.get(pk=target.pk).status == TargetStatus.PROPOSED


def test_reporting_a_value_twice_with_one_form_stores_it_once(client, world):
    client.force_login(world.province)
    page = client.get(reverse("monitoring:report")).content.decode()
    token = (
        page.split('name="submit_token" value="')[1].split('"')[0] if 'name="submit_token"' in page else ""
    )
    data = {
        "indicator": "mobile_payment_coverage",
        "region_code": "330000",
        "year": "2021",
        "value": "85.5",
        "source": "人行公报",
    }
    if token:
        data["submit_token"] = token
    first = client.post(reverse("monitoring:report"), data)
    second = client.post(reverse("monitoring:report"), data)
    assert first.status_code == second.status_code == 302
    assert IndicatorValue.objects.filter(indicator_key="mobile_payment_coverage").count() == 1


def test_the_indicator_page_shows_definition_provenance_and_revisions(client, world):
    value_report(
        actor=world.province,
        item=ValueInput("open_datasets", "330000", 2021, Decimal(7300), "2021年公报（修订）"),
    )
    page = _get(
        client, world.province, reverse("monitoring:indicator", args=["open_datasets"]) + "?region=330000"
    ).content.decode()
    assert "2021年公报（修订）" in page and "2021年公报" in page and "superseded" in page


def test_recompute_runs_as_a_background_task(client, world, run_tasks):
    client.force_login(world.province)
    response = client.post(reverse("monitoring:recompute"))
    assert response.status_code == 302
    task = TaskRun.objects.get()
    run_tasks()
    task.refresh_from_db()
    assert task.state == "done", task.error
    assert IndicatorValue.objects.filter(indicator_key="enterprises_registered").exists()


def test_the_pdf_report_and_the_xlsx_export(client, world):
    client.force_login(world.province)
    pdf = client.get(reverse("monitoring:report_pdf") + "?region=330000")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("monitoring:export") + "?region=330000")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_setting_a_target_through_the_page(client, world):
    client.force_login(world.city)
    assert client.get(reverse("monitoring:target_create")).status_code == 200
    response = client.post(
        reverse("monitoring:target_create"),
        {
            "indicator": "open_datasets",
            "region_code": "330100",
            "target_year": "2025",
            "target_value": "900",
            "lead_unit": "市数据资源局",
            "co_units": "市经信局、市统计局",
            "source_text": "杭州市规划",
        },
    )
    assert response.status_code == 302
    target = MonitoringTarget.objects.get(region_code="330100")
    assert target.status == TargetStatus.CONFIRMED and target.co_units == ["市经信局", "市统计局"]
    page = _get(client, world.province, reverse("monitoring:home")).content.decode()
    assert "?region=330100" in page and "杭州市" in page


def test_an_indicator_page_in_english_names_its_unit_and_platform_source(client, world):
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import translation

    with translation.override("zh-hans"):  # the stored source text is Chinese, as in the demo
        call_command("monitoring_recompute", "--no-progress", stdout=StringIO())
    assert IndicatorValue.objects.filter(source="根据平台数据计算").exists()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("monitoring:indicator", args=["enterprises_registered"]) + "?region=330000"
    page = _get(client, world.province, url).content.decode()
    assert "<dd>enterprises</dd>" in page
    assert "Computed from the platform's data" in page and "根据平台数据计算" not in page
