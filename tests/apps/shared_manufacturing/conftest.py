"""The shared-manufacturing world: customer A orders; factories of C (Hangzhou) and D (Ningbo) make it.

B (Nanjing) is an unrelated enterprise; the usual cast (tests/support/personas.py) supplies the
other roles.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.shared_manufacturing.models import Factory, Machine
from funeng.apps.shared_manufacturing.services import OperationInput, order_create
from tests.support.personas import cast, enterprise_admin

ROUTING = (
    OperationInput("OP10", "模架铣削", "cnc_milling", 30, Decimal("60")),
    OperationInput("OP20", "精磨", "grinding", 20, Decimal("30"), after=("OP10",)),
    OperationInput("OP30", "电火花", "edm", 20, Decimal("45"), after=("OP10",)),
    OperationInput("OP40", "检测", "inspection", 10, Decimal("15"), after=("OP20", "OP30")),
)


def factory(enterprise, name, region, **fields):
    return Factory.objects.create(
        enterprise=enterprise,
        name=name,
        region_code=region,
        shift_start=fields.pop("shift_start", dt.time(8, 0)),
        shift_end=fields.pop("shift_end", dt.time(20, 0)),
        working_weekdays=fields.pop("working_weekdays", [0, 1, 2, 3, 4, 5, 6]),
        **fields,
    )


def machine(factory_, name, processes, price="100", speed="1.00", share=100):
    return Machine.objects.create(
        factory=factory_,
        name=name,
        processes=list(processes),
        price_per_hour=Decimal(price),
        speed_factor=Decimal(speed),
        offered_share=share,
    )


@pytest.fixture
def world(enterprise_fields):
    people = cast(enterprise_fields)
    c = enterprise_create(
        acting_user=None, **enterprise_fields(name="杭州丙模具有限公司", region_code="330110")
    )
    d = enterprise_create(
        acting_user=None, **enterprise_fields(name="宁波丁精工有限公司", region_code="330203")
    )
    people.update(
        c=c, d=d, factory_c_admin=enterprise_admin("ec", c), factory_d_admin=enterprise_admin("ed", d)
    )
    fc = factory(c, "丙一厂", "330110")
    fd = factory(d, "丁一厂", "330203")
    people.update(
        fc=fc,
        fd=fd,
        mc1=machine(fc, "加工中心01", ["cnc_milling", "grinding"]),
        mc2=machine(fc, "检测室", ["inspection"], price="80"),
        md1=machine(fd, "加工中心A", ["cnc_milling"], price="90", speed="1.25"),
        md2=machine(fd, "电火花A", ["edm", "grinding"], price="120"),
        md3=machine(fd, "三坐标A", ["inspection"], price="70"),
    )
    return people


@pytest.fixture
def order(world):
    today = timezone.localdate()
    return order_create(
        actor=world["enterprise_a"],
        customer=world["a"],
        product="注塑模具",
        quantity=2,
        order_date=today,
        due_date=today + dt.timedelta(days=10),
        operations=ROUTING,
        reference="PO-001",
    )
