"""Orders and routings: every bad routing is refused before anything is written; a resend returns the order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from funeng.apps.shared_manufacturing.models import Operation, Order
from funeng.apps.shared_manufacturing.services import OperationInput, order_create, routing_cycle
from tests.apps.shared_manufacturing.conftest import ROUTING

pytestmark = pytest.mark.django_db


def place(world, **overrides):
    today = timezone.localdate()
    fields = {
        "actor": world["enterprise_a"],
        "customer": world["a"],
        "product": "模具",
        "quantity": 1,
        "order_date": today,
        "due_date": today + dt.timedelta(days=5),
        "operations": ROUTING,
    }
    fields.update(overrides)
    return order_create(**fields)


def test_order_stores_a_dag_routing(world):
    order = place(world)
    inspection = Operation.objects.get(order=order, code="OP40")
    assert sorted(op.code for op in inspection.predecessors.all()) == ["OP20", "OP30"]
    assert order.region_code == world["a"].region_code


def test_cycle_is_refused_and_named(world):
    cyclic = (
        OperationInput("A", "一", "cnc_milling", 0, Decimal(1), after=("C",)),
        OperationInput("B", "二", "grinding", 0, Decimal(1), after=("A",)),
        OperationInput("C", "三", "edm", 0, Decimal(1), after=("B",)),
    )
    assert routing_cycle(cyclic) is not None
    with pytest.raises(ValidationError) as error:
        place(world, operations=cyclic)
    assert "A → B → C → A" in " ".join(error.value.messages)
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("rows", "key"),
    [
        ((OperationInput("A", "一", "teleport", 0, Decimal(1)),), "1.process"),
        ((OperationInput("A", "一", "edm", 0, Decimal(1), after=("Z",)),), "1.after"),
        (
            (
                OperationInput("A", "一", "edm", 0, Decimal(1)),
                OperationInput("A", "二", "edm", 0, Decimal(1)),
            ),
            "2.code",
        ),
        ((OperationInput("A", "一", "edm", 0, Decimal(0)),), "1.run_minutes_per_unit"),
        ((OperationInput("A", "一", "edm", 0, Decimal(1), after=("A",)),), "1.after"),
        ((), "operations"),
    ],
)
def test_bad_routing_rows_name_row_and_field(world, rows, key):
    with pytest.raises(ValidationError) as error:
        place(world, operations=rows)
    assert key in error.value.message_dict
    assert not Order.objects.exists()


def test_due_date_before_order_date_and_zero_quantity(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        place(world, due_date=today - dt.timedelta(days=1), quantity=0)
    assert {"due_date", "quantity"} <= set(error.value.message_dict)
    assert not Order.objects.exists()


def test_resend_with_the_same_reference_returns_the_first_order(world):
    first = place(world, reference="PO-9")
    second = place(world, reference="PO-9")
    assert first.pk == second.pk
    assert Order.objects.count() == 1


def test_an_enterprise_orders_only_for_itself(world):
    with pytest.raises(PermissionDenied):
        place(world, customer=world["b"])
    with pytest.raises(PermissionDenied):
        place(world, actor=world["banker"])
