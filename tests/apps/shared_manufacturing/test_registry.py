"""The capacity registry: the process taxonomy's codes, calendars as minutes, and bad input refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from engines.reference.industry import industry_table
from funeng.apps.audit.models import AuditEvent
from funeng.apps.shared_manufacturing.calendar import factory_closed_periods, merged
from funeng.apps.shared_manufacturing.models import Factory, Machine
from funeng.apps.shared_manufacturing.processes import processes
from funeng.apps.shared_manufacturing.services import factory_create, machine_create

pytestmark = pytest.mark.django_db


def test_every_process_links_to_real_gbt4754_codes():
    codes = set(industry_table().by_code)
    assert processes(), "the taxonomy is empty"
    for process in processes():
        assert process.industries, process.id
        missing = [code for code in process.industries if code not in codes]
        assert not missing, f"{process.id}: {missing} not in GB/T 4754-2017"


def test_calendar_closes_nights_rest_days_and_closures():
    zone = timezone.get_current_timezone()
    origin = dt.datetime(2026, 12, 7, 0, 0, tzinfo=zone)  # a Monday
    site = Factory(shift_start=dt.time(8, 0), shift_end=dt.time(17, 0), working_weekdays=[0, 1, 2, 3, 4])
    closed = factory_closed_periods(site, [(dt.date(2026, 12, 9), dt.date(2026, 12, 9))], origin, 7 * 1440)
    day = 1440
    assert closed[0] == (0, 8 * 60)  # Monday before the shift
    # Monday evening to Tuesday morning, then Tuesday evening through the closed Wednesday to Thursday 08:00.
    assert closed[1] == (17 * 60, day + 8 * 60)
    assert closed[2] == (day + 17 * 60, 3 * day + 8 * 60)
    # Friday evening through the weekend to the end of the week.
    assert closed[-1] == (4 * day + 17 * 60, 7 * day)
    working = 7 * day - sum(b - a for a, b in closed)
    assert working == 4 * 9 * 60  # four working days of nine hours (Wednesday closed)


def test_merged_joins_touching_periods_and_clips():
    assert merged([(5, 10), (0, 3), (3, 4), (9, 12)], start=1, end=11) == ((1, 4), (5, 11))


def test_factory_without_working_day_is_refused_and_nothing_written(world):
    before = Factory.objects.count()
    with pytest.raises(ValidationError) as error:
        factory_create(
            actor=world["factory_c_admin"],
            enterprise=world["c"],
            data={
                "name": "无班次厂",
                "region_code": "330110",
                "shift_start": dt.time(8),
                "shift_end": dt.time(18),
                "working_weekdays": [],
            },
        )
    assert "working_weekdays" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        factory_create(
            actor=world["factory_c_admin"],
            enterprise=world["c"],
            data={
                "name": "夜班厂",
                "region_code": "330110",
                "shift_start": dt.time(20),
                "shift_end": dt.time(8),
                "working_weekdays": [0],
            },
        )
    assert "shift_end" in error.value.message_dict
    assert Factory.objects.count() == before


def test_factory_create_is_audited_and_only_for_own_enterprise(world):
    data = {
        "name": "丙二厂",
        "region_code": "330110",
        "shift_start": dt.time(8),
        "shift_end": dt.time(18),
        "working_weekdays": [0, 1],
    }
    with pytest.raises(PermissionDenied):
        factory_create(actor=world["factory_d_admin"], enterprise=world["c"], data=data)
    created = factory_create(actor=world["factory_c_admin"], enterprise=world["c"], data=data)
    assert AuditEvent.objects.filter(
        object_type="shared_manufacturing.factory", object_id=str(created.pk)
    ).exists()
    with pytest.raises(ValidationError):
        factory_create(actor=world["factory_c_admin"], enterprise=world["c"], data=data)  # same name twice


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("processes", ["laser_magic"]),
        ("processes", []),
        ("speed_factor", "0"),
        ("price_per_hour", "-5"),
        ("offered_share", 101),
    ],
)
def test_machine_bad_input_names_the_field(world, field, value):
    data = {
        "name": "新设备",
        "processes": ["cnc_milling"],
        "speed_factor": "1",
        "price_per_hour": "100",
        "offered_share": 50,
    }
    data[field] = value
    count = Machine.objects.count()
    with pytest.raises(ValidationError) as error:
        machine_create(actor=world["factory_c_admin"], factory=world["fc"], data=data)
    assert field in error.value.message_dict
    assert Machine.objects.count() == count


def test_machine_create_rounds_and_keeps_processes(world):
    created = machine_create(
        actor=world["factory_c_admin"],
        factory=world["fc"],
        data={
            "name": "磨床02",
            "processes": ["grinding", "grinding"],
            "speed_factor": "1.105",
            "price_per_hour": "88.5",
        },
    )
    assert created.processes == ["grinding"]
    assert created.speed_factor == Decimal("1.10")  # two decimals, half to even
