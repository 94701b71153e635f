"""The supply-chain finance world: A (Hangzhou) supplies B (Nanjing), which owes A an invoice; C is unrelated.

Built on the usual cast (tests/support/personas.py): the bank (甲银行) and its colleague, another bank,
officials of Hangzhou, Zhejiang and Nanjing, an operator and a user with no role.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser

from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.supply_chain.models import Receivable
from funeng.apps.supply_chain.services import (
    listing_create,
    receivable_confirm,
    receivable_offer,
    receivable_submit,
)
from tests.support.personas import cast, enterprise_admin

ISSUED = dt.date(2026, 10, 15)
DUE = dt.date(2027, 1, 13)


def make_world(enterprise_fields: Any) -> dict[str, Any]:
    people = cast(enterprise_fields)
    c = enterprise_create(
        acting_user=None,
        **enterprise_fields(name="宁波丙服装有限公司", region_code="330212", industry_code="1811"),
    )
    people["c"] = c
    people["enterprise_c"] = enterprise_admin("ec", c)
    people["anonymous"] = AnonymousUser()
    return people


def submit(people: dict[str, Any], **more: Any) -> Receivable:
    """A submits an invoice on B."""
    fields = {
        "invoice_number": "33012345678",
        "amount_cny": Decimal("500000.00"),
        "issued_on": ISSUED,
        "due_on": DUE,
    } | more
    return receivable_submit(actor=people["enterprise_a"], supplier=people["a"], anchor=people["b"], **fields)


def confirmed(people: dict[str, Any], **more: Any) -> Receivable:
    return receivable_confirm(actor=people["enterprise_b"], receivable=submit(people, **more))


def offered(people: dict[str, Any], **more: Any) -> Receivable:
    """Confirmed by B and offered by A to the bank (甲银行), for 400,000 yuan."""
    return receivable_offer(
        actor=people["enterprise_a"],
        receivable=confirmed(people, **more),
        institution=people["bank"],
        requested_cny=Decimal("400000"),
    )


def listed(people: dict[str, Any], **more: Any):
    """The Hangzhou official lists A's digitalisation project."""
    fields = {
        "kind": "project",
        "title": "数字化车间改造项目",
        "description": "新建数字化车间。",
        "amount_sought_cny": Decimal("3000000"),
        "purpose": "设备与软件采购",
        "valid_until": dt.date(2027, 6, 30),
    } | more
    return listing_create(actor=people["official"], enterprise=people["a"], **fields)
