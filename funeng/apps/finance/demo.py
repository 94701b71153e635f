"""Demo digital footprints: a share of the demo enterprises with 12–24 months of cloud bills and a few investments.

Everything is invented and deterministic by seed, drawn from this module's own generator (so the
rest of the demo region stays as it was). Cloud providers are fictional; demo_provider reports
demo_enterprise's bills from one of them, the rest read as imported by the operator. Enterprises
with a demo login always get a footprint. Deals the demo delivered get their verified investment,
as deal_deliver would have recorded it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_created_many
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.finance.const import EVIDENCE_DIR, InvestmentCategory, Provenance, ServiceCategory
from funeng.apps.finance.models import CloudUsageRecord, DigitalInvestment
from funeng.apps.finance.services import (
    CLOUD_USAGE_AUDITED,
    INVESTMENT_AUDITED,
    DeliveredDeal,
    digital_investment_record_deal,
)
from funeng.apps.providers.models import Provider

SHARE = 0.08  # of the demo enterprises that have a footprint
CLOUDS = ["之江云（演示）", "钱塘智算（演示）", "甬江工业互联网平台（演示）", "瓯江数据云（演示）"]
# demo_provider's organisation and demo_enterprise's login (funeng.apps.demo.users, above this app).
DEMO_PROVIDER_CODE = "91330106MA2H7K1N3G"
DEMO_ENTERPRISE_USER = "demo_enterprise"
# Monthly spend per category, yuan: (low, high) of a typical SME.
SPEND = {
    ServiceCategory.COMPUTE: (1500, 40000),
    ServiceCategory.STORAGE: (200, 6000),
    ServiceCategory.SAAS: (300, 8000),
    ServiceCategory.INDUSTRIAL_INTERNET: (2000, 30000),
    ServiceCategory.OTHER: (100, 3000),
}
SUPPLIERS = [
    "浙江智造装备有限公司（演示）",
    "杭州工控软件有限公司（演示）",
    "宁波机器视觉科技有限公司（演示）",
]
INVESTMENTS = [
    (InvestmentCategory.SMART_EQUIPMENT, "SMT", (80_000, 900_000)),
    (InvestmentCategory.SOFTWARE, "SW", (20_000, 200_000)),
    (InvestmentCategory.DIGITAL_TRANSFORMATION_PROJECT, "DT", (50_000, 600_000)),
]


@dataclass(frozen=True)
class DemoEvidence:
    enterprises: int
    bills: int
    investments: int
    from_deals: int

    def summary(self) -> str:
        return (
            f"stored {self.bills} cloud bills and {self.investments} digital investments for "
            f"{self.enterprises} enterprises ({self.from_deals} from delivered deals)"
        )


def _month_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def _bills(
    enterprise: Enterprise, rng: random.Random, last: dt.date, provider: Provider | None
) -> list[CloudUsageRecord]:
    months = rng.randint(12, 24)
    clouds = rng.sample(CLOUDS, rng.randint(2, 3))
    bills = []
    for index, cloud in enumerate(clouds):
        reported_by = provider if provider is not None and index == 0 else None
        name = reported_by.name if reported_by is not None else cloud
        categories = rng.sample(list(SPEND), rng.randint(1, 2))
        for category in categories:
            low, high = SPEND[category]
            base = rng.uniform(low, high)
            growth = rng.uniform(-0.01, 0.04)
            for back in range(months):
                amount = base * (1 + growth) ** (months - back) * rng.uniform(0.85, 1.15)
                bills.append(
                    CloudUsageRecord(
                        enterprise=enterprise,
                        provider_name=name,
                        provider=reported_by,
                        month=_month_back(last, back),
                        service_category=category,
                        amount_cny=Decimal(f"{amount:.2f}"),
                        usage_quantity=Decimal(round(amount / 18))
                        if category == ServiceCategory.COMPUTE
                        else None,
                        usage_unit="核时" if category == ServiceCategory.COMPUTE else "",
                        provenance=Provenance.PROVIDER_REPORTED
                        if reported_by
                        else Provenance.PLATFORM_VERIFIED,
                    )
                )
    return bills


def _investments(enterprise: Enterprise, rng: random.Random, today: dt.date) -> list[DigitalInvestment]:
    made = []
    for number, (category, prefix, (low, high)) in enumerate(rng.sample(INVESTMENTS, rng.randint(1, 3))):
        made.append(
            DigitalInvestment(
                enterprise=enterprise,
                invoice_number=f"{prefix}{today.year - 1}{rng.randrange(10**7):07d}{number}",
                amount_cny=Decimal(rng.randrange(low, high, 100)),
                invested_on=today - dt.timedelta(days=rng.randint(30, 900)),
                supplier=rng.choice(SUPPLIERS),
                category=category,
                provenance=Provenance.SELF_DECLARED,
            )
        )
    return made


@transaction.atomic
def load_demo_evidence(
    rng_seed: int,
    enterprises: Sequence[Enterprise],
    delivered_deals: Iterable[DeliveredDeal] = (),
    invoice_pdf: bytes | None = None,
) -> DemoEvidence:
    """Footprints for a share of `enterprises` (and every one with a demo login); investments of delivered deals.

    With `invoice_pdf`, the self-declared investments of enterprises with a demo login carry it as
    their evidence file, so an official of the region has something to verify.
    """
    rng = random.Random(f"finance-demo-{rng_seed}")
    today = timezone.localdate()
    last = _month_back(today.replace(day=1), 1)
    with_login = set(
        Membership.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False).values_list(
            "enterprise_id", flat=True
        )
    )
    chosen = [e for e in enterprises if e.pk in with_login or rng.random() < SHARE]
    if CloudUsageRecord.objects.filter(enterprise__in=chosen).exists():
        return DemoEvidence(0, 0, 0, 0)  # loaded before
    provider = Provider.objects.filter(credit_code=DEMO_PROVIDER_CODE).first()
    demo_enterprise = Membership.objects.filter(user__username=DEMO_ENTERPRISE_USER).values_list(
        "enterprise_id", flat=True
    )
    first_login = demo_enterprise.first()
    bills: list[CloudUsageRecord] = []
    investments: list[DigitalInvestment] = []
    for enterprise in chosen:
        reporter = provider if enterprise.pk == first_login else None
        bills += _bills(enterprise, rng, last, reporter)
        investments += _investments(enterprise, rng, today)
    if invoice_pdf is not None:
        stored = default_storage.save(f"{EVIDENCE_DIR}/demo-invoice.pdf", ContentFile(invoice_pdf))
        for investment in investments:
            if investment.enterprise_id in with_login:
                investment.evidence_file.name = stored
                investment.evidence_name = "发票（演示）.pdf"
                investment.evidence_kind = "pdf"
    CloudUsageRecord.objects.bulk_create(bills, batch_size=2000)
    DigitalInvestment.objects.bulk_create(investments, batch_size=2000)
    audit_created_many(actor=None, objects=bills, fields=CLOUD_USAGE_AUDITED, action=AuditAction.IMPORT)
    audit_created_many(actor=None, objects=investments, fields=INVESTMENT_AUDITED)
    from_deals = 0
    for deal in delivered_deals:
        if not DigitalInvestment.objects.filter(deal_id=deal.pk).exists():
            digital_investment_record_deal(deal=deal, acting_user=None)
            from_deals += 1
    return DemoEvidence(len(chosen), len(bills), len(investments), from_deals)
