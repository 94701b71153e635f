"""A recompute stores the engine's figures for every region and year; unchanged figures are not stored twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from engines.monitoring.compute import explain_value
from engines.monitoring.indicators import load_indicators
from funeng.apps.designations.services import designation_decide, designation_nominate
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.monitoring.models import IndicatorValue, MonitoringRun
from funeng.apps.monitoring.recompute import platform_recompute
from funeng.apps.monitoring.snapshot import platform_snapshot
from tests.support.personas import official

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(enterprise_fields, credit_code):
    made = []
    for serial, (region, cloud, founded) in enumerate(
        [
            ("330106", "platform", 2015),
            ("330106", "none", 2021),
            ("330108", "business", 2019),
            ("330203", "infrastructure", 2024),
            ("320102", "", None),
        ]
    ):
        made.append(
            enterprise_create(
                acting_user=None,
                **enterprise_fields(
                    credit_code=credit_code(region, serial + 1),
                    name=f"示例企业{serial}有限公司",
                    region_code=region,
                    cloud_level=cloud,
                    founded_on=dt.date(founded, 3, 1) if founded else None,
                ),
            )
        )
    zj = official("zj", "330000")
    entry = designation_nominate(actor=zj, enterprise=made[0], kind="cloud_benchmark", title="上云标杆")
    designation_decide(actor=zj, entry=entry, approve=True, valid_from=dt.date(2021, 5, 1))
    return made


def _stored(key, region, year):
    return IndicatorValue.objects.get(
        indicator_key=key, region_code=region, year=year, dimension="", current=True
    )


def test_the_stored_figures_are_the_engine_s_one_at_a_time_figures(registry):
    run = platform_recompute(actor=None)
    assert run.enterprises == 5 and run.values_written > 0
    snapshot = platform_snapshot()
    indicators = load_indicators()
    this_year = timezone.localdate().year
    for key in (
        "enterprises_registered",
        "enterprises_on_cloud",
        "cloud_adoption_rate",
        "cloud_benchmark_enterprises",
    ):
        for region in ("330106", "330100", "330000", "320000"):
            for year in (2020, 2022, this_year):
                expected = explain_value(indicators[key], snapshot, region, year)
                stored = _stored(key, region, year)
                assert (stored.numerator, stored.denominator) == (expected.numerator, expected.denominator)
                assert stored.value == (
                    None if expected.value is None else Decimal(str(round(expected.value, 6)))
                )


def test_hand_counted_figures(registry):
    platform_recompute(actor=None)
    this_year = timezone.localdate().year
    # 2020: only the 2015 and 2019 firms (and the undated Nanjing one) exist
    assert _stored("enterprises_registered", "330000", 2020).numerator == 2
    assert _stored("enterprises_registered", "330000", this_year).numerator == 4
    assert _stored("enterprises_on_cloud", "330100", this_year).numerator == 2  # platform + business
    assert _stored("cloud_adoption_rate", "330100", this_year).value == Decimal("66.666667")
    assert _stored("cloud_benchmark_enterprises", "330000", 2020).numerator == 0
    assert _stored("cloud_benchmark_enterprises", "330000", 2021).numerator == 1


def test_a_second_recompute_stores_only_what_changed(registry):
    platform_recompute(actor=None)
    total = IndicatorValue.objects.count()
    assert platform_recompute(actor=None).values_written == 0
    assert IndicatorValue.objects.count() == total
    Enterprise.objects.filter(pk=registry[1].pk).update(cloud_level="infrastructure")
    run = platform_recompute(actor=None)
    assert run.values_written > 0
    year = timezone.localdate().year
    history = IndicatorValue.objects.filter(
        indicator_key="enterprises_on_cloud", region_code="330106", year=year, dimension=""
    ).order_by("revision")
    assert [(v.numerator, v.current) for v in history] == [(1, False), (2, True)]
    assert MonitoringRun.objects.count() == 3
