"""Regional monitoring counts the shared-manufacturing workshops from the capacity registry."""

from __future__ import annotations

import pytest
from django.utils import timezone

from engines.monitoring.compute import explain_value
from engines.monitoring.indicators import indicator
from funeng.apps.monitoring.models import IndicatorValue
from funeng.apps.monitoring.recompute import platform_recompute
from funeng.apps.monitoring.snapshot import platform_snapshot
from tests.apps.shared_manufacturing.conftest import factory, machine

pytestmark = pytest.mark.django_db
KEY = "shared_manufacturing_workshops"


def _stored(region: str, year: int) -> int:
    value = IndicatorValue.objects.get(
        indicator_key=KEY, region_code=region, year=year, dimension="", current=True
    )
    return value.numerator


def test_factories_offering_capacity_count_in_their_own_county(world):
    year = timezone.localdate().year
    # C (registered in Hangzhou 330110) also runs a site in Ningbo 330203 that offers nothing yet,
    # and one there that offers capacity; D's site that stopped does not count.
    idle = factory(world["c"], "丙宁波厂", "330203")
    machine(idle, "冲床", ["stamping"], share=0)
    offered = factory(world["c"], "丙北仑厂", "330206")
    machine(offered, "冲床B", ["stamping"], share=30)
    stopped = factory(world["d"], "丁二厂", "330203", is_active=False)
    machine(stopped, "焊机", ["welding"])

    frame = platform_snapshot()["factories"]
    assert frame.height == 5
    assert frame.filter(frame["offers_capacity"]).height == 3  # 丙一厂, 丁一厂, 丙北仑厂
    assert frame.filter(frame["to_year"].is_not_null()).height == 1

    platform_recompute(actor=None)
    assert _stored("330110", year) == 1  # 丙一厂
    assert _stored("330203", year) == 1  # 丁一厂 (丙宁波厂 offers nothing, 丁二厂 stopped)
    assert _stored("330206", year) == 1  # C's site counts where it is, not in Hangzhou
    assert _stored("330200", year) == 2
    assert _stored("330000", year) == 3
    one = explain_value(indicator(KEY), platform_snapshot(), "330200", year)
    assert one.numerator == 2
    assert "个" in one.explanation_zh and "counted by factory" in one.explanation_en
