"""Demo shared manufacturing: ~40 Zhejiang factories with machines and calendars, up to 20 planned orders.

Everything is invented and deterministic by seed except the plans' times, which start from when
the demo is loaded. The enterprises listed as 共享工厂 get round-the-clock shared factories;
demo_enterprise runs the only factory that prints (so one order always gives it a share, which waits
for its decision) and places two orders itself. Orders are mould making, textiles, printed textiles
and auto parts; each is planned in a short solve.
Most factories accept their shares; one declines (the order is planned again without it) and one
machine breaks down (its plans are planned again, moving as little as possible). Run after the
demo logins and designations exist; it does nothing if a factory exists.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from funeng.apps.core.models import Membership
from funeng.apps.designations.const import DesignationKindChoice, EntryStatus
from funeng.apps.designations.models import DesignationEntry
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_manufacturing.const import DowntimeKind, PlanStatus
from funeng.apps.shared_manufacturing.models import (
    Factory,
    FactoryClosure,
    FactoryShare,
    Machine,
    Order,
    Plan,
)
from funeng.apps.shared_manufacturing.planning import plan_solve, plan_start
from funeng.apps.shared_manufacturing.services import (
    OperationInput,
    downtime_report,
    order_write,
    share_decide,
)

FACTORIES = 40
ORDERS = 20
SOLVE_SECONDS = 0.5

# Factory kinds: the processes their machines run (one to three each) and the GB/T 4754 divisions
# whose enterprises get that kind first.
KINDS = {
    "mould": (["cnc_milling", "edm", "grinding", "heat_treatment", "inspection"], ("34", "35")),
    "textile": (["fabric_cutting", "sewing", "weaving", "dyeing", "packaging"], ("17", "18", "19")),
    "auto_parts": (
        [
            "stamping",
            "welding",
            "cnc_turning",
            "surface_treatment",
            "assembly",
            "injection_moulding",
            "inspection",
        ],
        ("33", "36", "29"),
    ),
}
MACHINE_WORDS = {
    "cnc_milling": "加工中心",
    "edm": "电火花机",
    "grinding": "平面磨床",
    "heat_treatment": "真空热处理炉",
    "inspection": "三坐标测量机",
    "fabric_cutting": "自动裁床",
    "sewing": "缝纫单元",
    "weaving": "喷气织机",
    "dyeing": "染色机",
    "packaging": "包装线",
    "stamping": "冲压机",
    "welding": "焊接机器人",
    "cnc_turning": "数控车床",
    "surface_treatment": "喷涂线",
    "assembly": "装配线",
    "printing": "丝网印花机",
    "injection_moulding": "注塑机",
}

# Routings: (code, name, process, setup minutes, run minutes per unit, lot splitting, after).
ROUTINGS = {
    "mould": (
        "注塑模具",
        (1, 4),
        [
            ("OP10", "模架粗铣", "cnc_milling", 60, "120", False, ()),
            ("OP20", "型腔电火花", "edm", 45, "180", False, ("OP10",)),
            ("OP30", "分型面精磨", "grinding", 30, "90", False, ("OP10",)),
            ("OP40", "真空淬火", "heat_treatment", 30, "150", False, ("OP20", "OP30")),
            ("OP50", "三坐标检测", "inspection", 15, "40", False, ("OP40",)),
        ],
    ),
    "textile": (
        "衬衫",
        (2000, 6000),
        [
            ("OP10", "裁剪", "fabric_cutting", 30, "0.2", True, ()),
            ("OP20", "缝制", "sewing", 20, "0.9", True, ("OP10",)),
            ("OP30", "包装", "packaging", 15, "0.1", True, ("OP20",)),
        ],
    ),
    "auto_parts": (
        "座椅支架总成",
        (400, 1500),
        [
            ("OP10", "支架冲压", "stamping", 40, "0.3", True, ()),
            ("OP20", "轴套车削", "cnc_turning", 30, "0.8", True, ()),
            ("OP30", "机器人焊接", "welding", 30, "0.6", True, ("OP10", "OP20")),
            ("OP40", "喷涂", "surface_treatment", 40, "0.2", True, ("OP30",)),
            ("OP50", "总成装配", "assembly", 20, "0.5", True, ("OP40",)),
            ("OP60", "出厂检验", "inspection", 10, "0.1", True, ("OP50",)),
        ],
    ),
    # Printing is offered by demo_enterprise's factory alone, so this order always gives it a share.
    "printed": (
        "印花T恤",
        (800, 1600),
        [
            ("OP10", "裁剪", "fabric_cutting", 30, "0.2", True, ()),
            ("OP20", "丝网印花", "printing", 20, "0.3", True, ("OP10",)),
            ("OP30", "缝制", "sewing", 20, "0.8", True, ("OP20",)),
            ("OP40", "包装", "packaging", 15, "0.1", True, ("OP30",)),
        ],
    ),
}


@dataclass(frozen=True)
class ManufacturingDemo:
    factories: int
    machines: int
    orders: int
    plans: int
    replans: int

    def summary(self) -> str:
        return (
            f"stored {self.factories} factories with {self.machines} machines, {self.orders} orders "
            f"and {self.plans} plans ({self.replans} after a decline or a breakdown)"
        )


def _kind_of(enterprise: Enterprise, index: int) -> str:
    division = (enterprise.industry_code or "")[:2]
    for kind, (_processes, divisions) in KINDS.items():
        if division in divisions:
            return kind
    return list(KINDS)[index % len(KINDS)]


def _factories(
    rng: random.Random, owners: list[Enterprise], shared_ids: set[int], printer: Enterprise | None
) -> list[Factory]:
    factories = []
    for index, enterprise in enumerate(owners):
        kind = _kind_of(enterprise, index)
        shared = enterprise.pk in shared_ids
        factory = Factory.objects.create(
            enterprise=enterprise,
            name=f"{enterprise.name[:24]}{'共享工厂' if shared else '生产基地'}",
            region_code=enterprise.region_code,
            address="（演示地址）",
            shift_start=dt.time(0, 0) if shared else dt.time(8, 0),
            shift_end=dt.time(23, 59) if shared else rng.choice([dt.time(17, 30), dt.time(20, 0)]),
            working_weekdays=[0, 1, 2, 3, 4, 5, 6]
            if shared
            else rng.choice([[0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5]]),
        )
        processes = KINDS[kind][0]
        count = rng.randint(4, 7) if shared else rng.randint(2, 5)
        for number in range(1, count + 1):
            chosen = rng.sample(processes, k=min(len(processes), rng.choice([1, 1, 2, 3])))
            Machine.objects.create(
                factory=factory,
                name=f"{MACHINE_WORDS[chosen[0]]}{number:02d}",
                processes=chosen,
                speed_factor=Decimal(rng.choice(["0.80", "0.90", "1.00", "1.00", "1.10", "1.25"])),
                price_per_hour=Decimal(rng.randrange(60, 400, 10)),
                offered_share=100 if shared else rng.choice([30, 50, 60, 80, 100]),
            )
        if printer is not None and enterprise.pk == printer.pk:
            Machine.objects.create(
                factory=factory,
                name="丝网印花机01",
                processes=["printing"],
                speed_factor=Decimal("1.00"),
                price_per_hour=Decimal(150),
                offered_share=60,
            )
        if not shared and rng.random() < 0.3:
            start = timezone.localdate() + dt.timedelta(days=rng.randint(5, 20))
            FactoryClosure.objects.create(
                factory=factory,
                first_day=start,
                last_day=start + dt.timedelta(days=1),
                reason="设备年度检修（演示）",
            )
        factories.append(factory)
    return factories


def _order(rng: random.Random, customer: Enterprise, kind: str, today: dt.date, number: int) -> Order:
    product, (low, high), steps = ROUTINGS[kind]
    return order_write(
        actor=_customer_actor(customer),
        customer=customer,
        product=f"{product}（演示{number:02d}）",
        quantity=rng.randint(low, high),
        order_date=today - dt.timedelta(days=rng.randint(0, 3)),
        due_date=today + dt.timedelta(days=rng.randint(10, 30)),
        quality_requirements="按图纸及客户技术协议验收；首件检验合格后批量生产。",
        reference=f"DEMO-{number:03d}",
        operations=[
            OperationInput(
                code=code,
                name=name,
                process=process,
                setup_minutes=setup,
                run_minutes_per_unit=Decimal(run),
                lot_splitting=lots,
                after=after,
            )
            for code, name, process, setup, run, lots, after in steps
        ],
    )


def _customer_actor(customer: Enterprise) -> Any:
    """A member of the customer when there is one (demo_enterprise), else the demo operator (or None)."""
    membership = Membership.objects.filter(enterprise=customer).select_related("user").first()
    if membership is not None:
        return membership.user
    return get_user_model().objects.filter(username="demo_admin").first()


@transaction.atomic
def demo_manufacturing_create(*, seed: int, solve_seconds: float = SOLVE_SECONDS) -> ManufacturingDemo:
    """Create the demo factories, orders and plans (nothing when a factory exists)."""
    if Factory.objects.exists():
        return ManufacturingDemo(0, 0, 0, 0, 0)
    rng = random.Random(seed)
    zhejiang = Enterprise.objects.filter(region_code__startswith="33")
    manufacturers = list(zhejiang.filter(industry_code__gte="1300", industry_code__lt="4400").order_by("id"))
    if not manufacturers:
        return ManufacturingDemo(0, 0, 0, 0, 0)
    shared_ids = set(
        DesignationEntry.objects.filter(
            kind=DesignationKindChoice.SHARED_FACTORY,
            status=EntryStatus.APPROVED,
            region_code__startswith="33",
        ).values_list("enterprise_id", flat=True)
    )
    demo_member = (
        Membership.objects.filter(user__username="demo_enterprise").select_related("enterprise").first()
    )
    demo_enterprise = demo_member.enterprise if demo_member else None
    first = [e for e in Enterprise.objects.filter(pk__in=shared_ids).order_by("id")]
    if demo_enterprise is not None and demo_enterprise.region_code.startswith("33"):
        first.insert(0, demo_enterprise)
    owners = list(
        {e.pk: e for e in [*first, *rng.sample(manufacturers, k=min(len(manufacturers), FACTORIES))]}.values()
    )
    owners = owners[:FACTORIES]
    factories = _factories(rng, owners, shared_ids, demo_enterprise)

    admin = get_user_model().objects.filter(username="demo_admin").first()
    today = timezone.localdate()
    # A small registry (the tests' 300 enterprises) gets fewer orders: planning is the slow part.
    count = min(ORDERS, max(6, Enterprise.objects.count() // 50))
    customers = rng.sample(manufacturers, k=min(len(manufacturers), count))
    kinds = ["mould", "textile", "auto_parts"]
    orders = []
    for number in range(1, count + 1):
        customer = (
            demo_enterprise
            if demo_enterprise is not None and number in (1, 2)
            else customers[(number - 1) % len(customers)]
        )
        kind = "printed" if number == 3 and demo_enterprise is not None else kinds[number % len(kinds)]
        orders.append(_order(rng, customer, kind, today, number))

    plans = []
    for order in orders:
        plan = plan_start(order=order, actor=admin)
        plans.append(plan_solve(plan=plan, actor=admin, time_limit=solve_seconds))
    proposed = [p for p in plans if p.status == PlanStatus.PROPOSED]

    if admin is None:
        # Without DEBUG there is no demo operator to decide or report: the plans stay as proposed.
        return ManufacturingDemo(
            len(factories), Machine.objects.count(), len(orders), Plan.objects.count(), 0
        )
    # Most factories accept; demo_enterprise's own shares wait for its decision.
    own_factory = (
        factories[0]
        if demo_enterprise is not None and factories[0].enterprise_id == demo_enterprise.pk
        else None
    )
    replans = 0
    for index, plan in enumerate(proposed):
        for share in FactoryShare.objects.filter(plan=plan).select_related("factory"):
            if own_factory is not None and share.factory_id == own_factory.pk:
                continue
            if index == 3 and replans == 0:
                # One factory declines its share: the order is planned again without it.
                replan = share_decide(
                    actor=admin, share=share, accept=False, reason="该时段产能已排满（演示）"
                )
                if replan is not None:
                    plan_solve(plan=replan, actor=admin, time_limit=solve_seconds)
                    replans += 1
                break
            if index % 5 != 4:
                share_decide(actor=admin, share=share, accept=True)

    # One machine breaks down: every current plan that uses it is planned again.
    used = (
        Plan.objects.filter(status=PlanStatus.PROPOSED)
        .values_list("assignments__machine_id", flat=True)
        .filter(assignments__machine_id__isnull=False)
        .order_by("assignments__machine_id")
        .first()
    )
    if used is not None:
        machine = Machine.objects.select_related("factory").get(pk=used)
        start = timezone.now() + dt.timedelta(hours=2)
        result = downtime_report(
            actor=admin,
            machine=machine,
            kind=DowntimeKind.BREAKDOWN,
            starts_at=start,
            ends_at=start + dt.timedelta(days=2),
            reason="主轴故障，待维修（演示）",
        )
        for replan in result.replans:
            plan_solve(plan=replan, actor=admin, time_limit=solve_seconds)
            replans += 1
    return ManufacturingDemo(
        factories=len(factories),
        machines=Machine.objects.count(),
        orders=len(orders),
        plans=Plan.objects.count(),
        replans=replans,
    )
