"""The shared-workforce world: A (Hangzhou) lends a welder to B (Nanjing); C is an unrelated enterprise.

Built on the usual cast (tests/support/personas.py): A's worker Wang has a login of his own (a
colleague of A), a second worker of A has none. B has a demand post; A a surplus post listing both.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser

from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.shared_workforce.services import (
    agreement_propose,
    demand_post_create,
    surplus_post_create,
    worker_create,
)
from tests.support.personas import cast, colleague, enterprise_admin

START = dt.date(2026, 3, 2)
END = dt.date(2026, 3, 31)


def make_world(enterprise_fields: Any) -> dict[str, Any]:
    people = cast(enterprise_fields)
    c = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="宁波丙服装有限公司", region_code="330212", industry_code="1811"),
    )
    people["c"] = c
    people["enterprise_c"] = enterprise_admin("ec", c)
    people["worker_user"] = colleague("wang", people["a"])
    people["anonymous"] = AnonymousUser()
    a_admin, b_admin = people["enterprise_a"], people["enterprise_b"]
    wang = worker_create(
        actor=a_admin,
        enterprise=people["a"],
        name="王建国",
        phone="13800001234",
        skills=["welder", "fitter"],
        certificates="焊工特种作业操作证",
        user=people["worker_user"],
    )
    li = worker_create(actor=a_admin, enterprise=people["a"], name="李四", skills=["welder"])
    surplus = surplus_post_create(
        actor=a_admin,
        enterprise=people["a"],
        title="淡季富余焊工",
        skills=["welder"],
        headcount=2,
        available_from=dt.date(2026, 3, 1),
        available_to=dt.date(2026, 5, 31),
        hourly_cost=Decimal("45"),
        workers=[wang, li],
    )
    demand = demand_post_create(
        actor=b_admin,
        enterprise=people["b"],
        title="急需焊工",
        skills=["welder", "electrician"],
        headcount=2,
        starts_on=START,
        ends_on=END,
        place="南京江宁厂区",
        hourly_budget=Decimal("50"),
    )
    people.update(wang=wang, li=li, surplus=surplus, demand=demand)
    return people


def propose(
    people: dict[str, Any], *, worker: Any = None, start: dt.date = START, end: dt.date = END, **more: Any
):
    """B proposes to borrow a worker of A (Wang by default)."""
    fields = {
        "hourly_pay": Decimal("45"),
        "payment_terms": "借入方按记录工时每月向借出方结算。",
        "insurance_terms": "借出方继续缴纳社保，借入方购买意外险。",
    } | more
    return agreement_propose(
        actor=people["enterprise_b"],
        demand=people["demand"],
        surplus=people["surplus"],
        worker=worker or people["wang"],
        starts_on=start,
        ends_on=end,
        **fields,
    )
