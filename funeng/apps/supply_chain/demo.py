"""Demo supply-chain finance: a few directory entries, and demo_enterprise's receivables on demo_enterprise_b.

Everything is invented and deterministic by seed, drawn from this module's own generator (so the
rest of the demo region stays as it was). demo_enterprise supplies demo_enterprise_b: one invoice
waits for confirmation, one is confirmed, one is confirmed and offered to demo_bank's institution;
demo_enterprise_b also supplies demo_enterprise, whose confirmation it waits for. Without the demo
logins (DEBUG off) two Zhejiang enterprises of different cities stand in and nothing is offered.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from funeng.apps.audit.services import audit_created
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.supply_chain.const import ListingKind, Party, ReceivableStatus
from funeng.apps.supply_chain.models import FinancingListing, Receivable, ReceivableEvent
from funeng.apps.supply_chain.services import (
    LISTING_AUDITED,
    RECEIVABLE_AUDITED,
    receivable_step_notify,
)

# The demo logins (funeng.apps.demo.users, above this app), looked up by name.
SUPPLIER_USER, ANCHOR_USER, BANK_USER, OFFICIAL_USER = (
    "demo_enterprise",
    "demo_enterprise_b",
    "demo_bank",
    "demo_official",
)
LISTINGS = [
    (
        ListingKind.PROJECT,
        "智能工厂数字化改造项目（演示）",
        "新建数字化车间，购置工业机器人与 MES 系统",
        (3_000_000, 12_000_000),
    ),
    (
        ListingKind.ENTERPRISE,
        "专精特新企业流动资金需求（演示）",
        "原材料采购与订单备货",
        (1_000_000, 5_000_000),
    ),
    (
        ListingKind.PROJECT,
        "工业互联网平台上云项目（演示）",
        "设备联网、数据采集与上云改造",
        (800_000, 4_000_000),
    ),
    (
        ListingKind.ENTERPRISE,
        "产业链龙头企业配套供应商融资（演示）",
        "扩大产能，承接龙头企业订单",
        (2_000_000, 8_000_000),
    ),
]


@dataclass(frozen=True)
class DemoSupplyChain:
    listings: int
    receivables: int

    def summary(self) -> str:
        return f"stored {self.listings} financing directory entries and {self.receivables} receivables"


def _tenant(username: str) -> Enterprise | None:
    return Enterprise.objects.filter(members__user__username=username).first()


def _parties() -> tuple[Enterprise, Enterprise] | None:
    supplier, anchor = _tenant(SUPPLIER_USER), _tenant(ANCHOR_USER)
    if supplier is not None and anchor is not None and supplier.pk != anchor.pk:
        return supplier, anchor
    zhejiang = Enterprise.objects.filter(region_code__startswith="33").order_by("pk")
    first = zhejiang.first()
    if first is None:
        return None
    second = zhejiang.exclude(region_code__startswith=first.region_code[:4]).first()
    return (first, second) if second is not None else None


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low // 100, high // 100)) * 100


def _event(
    receivable: Receivable, status: str, party: str, name: str, at: dt.datetime, note: str = ""
) -> None:
    event = ReceivableEvent.objects.create(
        receivable=receivable, status=status, party=party, party_name=name, occurred_at=at, note=note
    )
    receivable_step_notify(None, receivable, event)  # the demo's inboxes show the steps too


@transaction.atomic
def load_demo_supply_chain(seed: int = 1, *, today: dt.date | None = None) -> DemoSupplyChain:
    """Create the demo's directory entries and receivables once; later calls only count them."""
    if FinancingListing.objects.exists() or Receivable.objects.exists():
        return DemoSupplyChain(FinancingListing.objects.count(), Receivable.objects.count())
    parties = _parties()
    if parties is None:
        return DemoSupplyChain(0, 0)
    supplier, anchor = parties
    rng = random.Random(f"supply-chain-{seed}")
    today = today or timezone.localdate()
    now = timezone.now()
    users = get_user_model().objects
    official = users.filter(username=OFFICIAL_USER).first()

    owners = [
        supplier,
        *Enterprise.objects.filter(region_code__startswith="33").exclude(pk=supplier.pk).order_by("pk")[:3],
    ]
    for enterprise, (kind, title, purpose, (low, high)) in zip(owners, LISTINGS, strict=False):
        listing = FinancingListing.objects.create(
            enterprise=enterprise,
            kind=kind,
            title=title,
            description=f"{enterprise.name}：{purpose}。",
            amount_sought_cny=_amount(rng, low, high),
            purpose=purpose,
            region_code=enterprise.region_code,
            listed_on=today - dt.timedelta(days=rng.randrange(5, 60)),
            valid_until=today + dt.timedelta(days=rng.randrange(90, 300)),
            listed_by=official,
        )
        audit_created(actor=None, obj=listing, fields=LISTING_AUDITED)

    bank_user = users.filter(username=BANK_USER).select_related("membership__institution").first()
    membership = getattr(bank_user, "membership", None) if bank_user is not None else None
    bank: FinancialInstitution | None = getattr(membership, "institution", None)
    plan = [
        (supplier, anchor, ReceivableStatus.SUBMITTED),
        (supplier, anchor, ReceivableStatus.CONFIRMED),
        (supplier, anchor, ReceivableStatus.OFFERED if bank is not None else ReceivableStatus.CONFIRMED),
        (anchor, supplier, ReceivableStatus.SUBMITTED),
    ]
    for number, (seller, buyer, status) in enumerate(plan, start=1):
        issued = today - dt.timedelta(days=rng.randrange(10, 40))
        amount = _amount(rng, 80_000, 900_000)
        at = now - dt.timedelta(days=(today - issued).days - 1)
        receivable = Receivable.objects.create(
            supplier=seller,
            anchor=buyer,
            invoice_number=f"{seller.region_code[:4]}{issued:%y}{rng.randrange(10**7, 10**8)}",
            amount_cny=amount,
            issued_on=issued,
            due_on=issued + dt.timedelta(days=rng.choice([60, 90, 120, 180])),
            submitted_at=at,
            note="演示数据" if number == 1 else "",
        )
        audit_created(actor=None, obj=receivable, fields=RECEIVABLE_AUDITED)
        _event(receivable, ReceivableStatus.SUBMITTED, Party.SUPPLIER, seller.name, at)
        if status in (ReceivableStatus.CONFIRMED, ReceivableStatus.OFFERED):
            at += dt.timedelta(days=2)
            receivable.status = ReceivableStatus.CONFIRMED
            receivable.answered_at = at
            _event(receivable, ReceivableStatus.CONFIRMED, Party.ANCHOR, buyer.name, at)
        if status == ReceivableStatus.OFFERED and bank is not None:
            at += dt.timedelta(days=1)
            receivable.status = ReceivableStatus.OFFERED
            receivable.institution = bank
            receivable.requested_cny = (amount * Decimal("0.8")).quantize(Decimal("0.01"))
            receivable.offered_at = at
            _event(receivable, ReceivableStatus.OFFERED, Party.SUPPLIER, seller.name, at)
        receivable.save()
    return DemoSupplyChain(FinancingListing.objects.count(), Receivable.objects.count())
