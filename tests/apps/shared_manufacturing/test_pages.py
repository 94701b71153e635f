"""Shared-manufacturing pages and API: who sees what, forms refuse bad input, a double submit does one thing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from funeng.apps.shared_manufacturing.models import Factory, Order, Plan
from funeng.apps.shared_manufacturing.planning import plan_solve, plan_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world, order):
    return plan_solve(plan=plan_start(order=order, actor=world["enterprise_a"]), actor=None, time_limit=2)


def get(client, user, url, **headers):
    client.force_login(user)
    return client.get(url, **headers)


# Who may open an order and its plan: the customer, factories with a share, the region's officials, operators.
ORDER_MATRIX = [
    ("enterprise_a", 200),
    ("enterprise_a_colleague", 200),
    ("enterprise_b", 404),
    ("official", 200),  # 330100 holds the customer (330106)
    ("official_b", 404),
    ("banker", 404),
    ("provider", 404),
    ("admin", 200),
    ("outsider", 404),
]


@pytest.mark.parametrize(("who", "status"), ORDER_MATRIX)
def test_order_and_plan_pages_by_role(client, world, plan, who, status):
    assert get(client, world[who], f"/manufacturing/orders/{plan.order_id}/").status_code == status
    assert get(client, world[who], f"/manufacturing/plans/{plan.pk}/").status_code == status


def test_a_factory_sees_only_its_own_operations(client, world, plan):
    factory_ids = set(plan.assignments.values_list("factory_id", flat=True))
    for key, factory in (("factory_c_admin", world["fc"]), ("factory_d_admin", world["fd"])):
        response = get(client, world[key], f"/manufacturing/plans/{plan.pk}/")
        if factory.pk not in factory_ids:
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        rows = list(response.context["rows"])
        assert rows and all(row.factory_id == factory.pk for row in rows)
        assert all(share.factory_id == factory.pk for share in response.context["shares"])
        assert not response.context["whole"]
        assert (
            world["a"].name not in response.content.decode()
        )  # the customer's name is not a factory's business


def test_registry_is_public_to_signed_in_users_and_edits_are_the_owners(client, world):
    assert get(client, world["banker"], "/manufacturing/capacity/").status_code == 200
    assert get(client, world["banker"], f"/manufacturing/factories/{world['fc'].pk}/").status_code == 200
    assert (
        get(client, world["factory_d_admin"], f"/manufacturing/factories/{world['fc'].pk}/edit/").status_code
        == 403
    )
    assert (
        get(
            client, world["factory_d_admin"], f"/manufacturing/machines/{world['mc1'].pk}/downtime/"
        ).status_code
        == 403
    )
    assert (
        get(
            client, world["factory_c_admin"], f"/manufacturing/machines/{world['mc1'].pk}/downtime/"
        ).status_code
        == 200
    )
    client.logout()
    assert client.get("/manufacturing/capacity/").status_code == 302


def test_capacity_filter_by_process(client, world):
    response = get(client, world["enterprise_a"], "/manufacturing/capacity/?process=edm")
    names = [row["factory"].name for row in response.context["page"].object_list]
    assert names == ["丁一厂"]


def test_order_form_creates_one_order_on_a_double_submit(client, world):
    client.force_login(world["enterprise_a"])
    assert client.get("/manufacturing/orders/new/").status_code == 200
    today = timezone.localdate()
    data = {
        "product": "模具",
        "quantity": "2",
        "order_date": today.isoformat(),
        "due_date": (today + dt.timedelta(days=9)).isoformat(),
        "op-TOTAL_FORMS": "2",
        "op-INITIAL_FORMS": "0",
        "op-0-code": "OP10",
        "op-0-name": "铣",
        "op-0-process": "cnc_milling",
        "op-0-setup_minutes": "10",
        "op-0-run_minutes_per_unit": "30",
        "op-1-code": "OP20",
        "op-1-name": "检",
        "op-1-process": "inspection",
        "op-1-run_minutes_per_unit": "5",
        "op-1-after": "OP10",
        "submit_token": "a" * 32,
    }
    first = client.post("/manufacturing/orders/new/", data)
    second = client.post("/manufacturing/orders/new/", data)
    assert first.status_code == 302 and second.status_code == 302
    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert first["Location"] == f"/manufacturing/orders/{order.pk}/"


def test_order_form_shows_a_cycle_and_stores_nothing(client, world):
    client.force_login(world["enterprise_a"])
    today = timezone.localdate()
    data = {
        "product": "模具",
        "quantity": "2",
        "order_date": today.isoformat(),
        "due_date": today.isoformat(),
        "op-TOTAL_FORMS": "2",
        "op-INITIAL_FORMS": "0",
        "op-0-code": "A",
        "op-0-name": "一",
        "op-0-process": "cnc_milling",
        "op-0-run_minutes_per_unit": "3",
        "op-0-after": "B",
        "op-1-code": "B",
        "op-1-name": "二",
        "op-1-process": "grinding",
        "op-1-run_minutes_per_unit": "3",
        "op-1-after": "A",
    }
    response = client.post("/manufacturing/orders/new/", data)
    assert response.status_code == 200
    assert "A → B → A" in response.content.decode() or "B → A → B" in response.content.decode()
    assert not Order.objects.exists()


def test_routing_file_with_bad_rows_names_row_and_column(client, world):
    client.force_login(world["enterprise_a"])
    today = timezone.localdate()
    csv_text = "工序号,工序名称,工艺,准备时间（分钟）,单件工时（分钟）,前序工序\nOP10,铣,cnc_milling,10,abc,\nOP20,检,检验检测,5,2,OP99\n"
    upload = io.BytesIO(csv_text.encode("utf-8"))
    upload.name = "routing.csv"
    data = {
        "product": "模具",
        "quantity": "1",
        "order_date": today.isoformat(),
        "due_date": today.isoformat(),
        "op-TOTAL_FORMS": "0",
        "op-INITIAL_FORMS": "0",
        "routing_file": upload,
    }
    response = client.post("/manufacturing/orders/new/", data)
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(2, "单件工时（分钟）")]
    assert not Order.objects.exists()
    upload = io.BytesIO(csv_text.replace("abc", "2").encode("utf-8"))
    upload.name = "routing.csv"
    data["routing_file"] = upload
    response = client.post("/manufacturing/orders/new/", data)
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(3, "前序工序")]
    assert not Order.objects.exists()
    upload = io.BytesIO(csv_text.replace("abc", "2").replace("OP99", "OP10").encode("utf-8"))
    upload.name = "routing.csv"
    data["routing_file"] = upload
    assert client.post("/manufacturing/orders/new/", data).status_code == 302
    assert [op.process for op in Order.objects.get().operations.all()] == ["cnc_milling", "inspection"]


def test_plan_page_renders_the_gantt_and_english(client, world, plan):
    response = get(client, world["enterprise_a"], f"/manufacturing/plans/{plan.pk}/")
    gantt = response.context["gantt"]
    assert len(gantt["items"]) == plan.assignments.count()
    assert 'data-chart="plan-gantt"' in response.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/manufacturing/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


def test_a_solving_plan_polls_and_a_finished_one_refreshes(client, world, order):
    solving = plan_start(order=order, actor=world["enterprise_a"])
    live = get(client, world["enterprise_a"], f"/manufacturing/plans/{solving.pk}/", HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and b"hx-get" in live.content
    plan_solve(plan=solving, actor=None, time_limit=2)
    done = client.get(f"/manufacturing/plans/{solving.pk}/", HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_plan_button_starts_one_plan_and_a_task(client, world, order):
    from funeng.apps.tasks.models import TaskRun

    client.force_login(world["enterprise_a"])
    response = client.post(f"/manufacturing/orders/{order.pk}/plan/")
    again = client.post(f"/manufacturing/orders/{order.pk}/plan/")
    assert response.status_code == 302 and again["Location"] == response["Location"]
    assert Plan.objects.filter(order=order).count() == 1
    assert TaskRun.objects.filter(kind="shared_manufacturing.plan").count() == 1
    client.force_login(world["enterprise_b"])
    assert client.post(f"/manufacturing/orders/{order.pk}/plan/").status_code == 404


def test_api_factory_sees_own_operations_and_customer_all(client, world, plan):
    client.force_login(world["enterprise_a"])
    whole = client.get(f"/api/v1/manufacturing/plans/{plan.pk}").json()
    assert len(whole["operations"]) == plan.assignments.count()
    assert whole["processing_cost"] is not None
    factory_id = plan.assignments.values_list("factory_id", flat=True).first()
    owner = "factory_c_admin" if factory_id == world["fc"].pk else "factory_d_admin"
    client.force_login(world[owner])
    own = client.get(f"/api/v1/manufacturing/plans/{plan.pk}").json()
    factory_name = Factory.objects.get(pk=factory_id).name
    assert own["operations"] and {op["factory"] for op in own["operations"]} == {factory_name}
    assert own["processing_cost"] is None
    client.force_login(world["enterprise_b"])
    assert client.get(f"/api/v1/manufacturing/plans/{plan.pk}").status_code == 404


def test_api_order_with_a_cycle_is_refused_naming_it_in_both_languages(client, world):
    client.force_login(world["enterprise_a"])
    today = timezone.localdate().isoformat()
    body = {
        "product": "件",
        "quantity": 5,
        "order_date": today,
        "due_date": today,
        "operations": [
            {
                "code": "A",
                "name": "一",
                "process": "cnc_milling",
                "run_minutes_per_unit": "1",
                "after": ["B"],
            },
            {"code": "B", "name": "二", "process": "grinding", "run_minutes_per_unit": "1", "after": ["A"]},
        ],
    }
    response = client.post("/api/v1/manufacturing/orders", body, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "operations"
    assert "A → B → A" in errors[0]["message_en"] and "工艺路线存在循环" in errors[0]["message_zh"]
    assert not Order.objects.exists()
    body["operations"][0]["after"] = []
    body["reference"] = "API-1"
    created = client.post("/api/v1/manufacturing/orders", body, content_type="application/json")
    again = client.post("/api/v1/manufacturing/orders", body, content_type="application/json")
    assert created.status_code == 201 and again.json()["id"] == created.json()["id"]
    assert Order.objects.count() == 1


def test_factory_and_machine_forms_save_once_and_show_errors_at_their_fields(client, world):
    client.force_login(world["factory_c_admin"])
    data = {
        "name": "丙二厂",
        "region_code": "330110",
        "shift_start": "08:00",
        "shift_end": "18:00",
        "working_weekdays": ["0", "1", "2"],
        "is_active": "on",
        "submit_token": "b" * 32,
    }
    first = client.post("/manufacturing/factories/new/", data)
    second = client.post("/manufacturing/factories/new/", data)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    created = Factory.objects.get(name="丙二厂")
    assert created.working_weekdays == [0, 1, 2] and created.enterprise == world["c"]
    no_days = client.post(
        f"/manufacturing/factories/{created.pk}/edit/", {**data, "working_weekdays": [], "submit_token": ""}
    )
    assert no_days.status_code == 200 and "working_weekdays" in no_days.context["form"].errors
    bad = client.post(
        f"/manufacturing/factories/{created.pk}/machines/new/",
        {
            "name": "加工中心01",
            "processes": ["cnc_milling"],
            "speed_factor": "1",
            "price_per_hour": "120",
            "offered_share": "50",
        },
    )
    assert bad.status_code == 302 and created.machines.count() == 1
    twin = client.post(
        f"/manufacturing/factories/{created.pk}/machines/new/",
        {
            "name": "加工中心01",
            "processes": ["grinding"],
            "speed_factor": "1",
            "price_per_hour": "120",
            "offered_share": "50",
        },
    )
    assert twin.status_code == 200 and "name" in twin.context["form"].errors
    machine = created.machines.get()
    edited = client.post(
        f"/manufacturing/machines/{machine.pk}/edit/",
        {
            "name": "加工中心01",
            "processes": ["cnc_milling", "grinding"],
            "speed_factor": "1.2",
            "price_per_hour": "150",
            "offered_share": "80",
            "is_active": "on",
        },
    )
    assert edited.status_code == 302
    machine.refresh_from_db()
    assert machine.processes == ["cnc_milling", "grinding"] and machine.offered_share == 80
    client.force_login(world["factory_d_admin"])
    assert client.post(f"/manufacturing/machines/{machine.pk}/edit/", {"name": "x"}).status_code == 403
