"""Reads of digital-footprint evidence: the records the credit engine values, and the footprint page's figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from engines.credit.collateral import CollateralLine, CollateralValue, EvidenceRecord, value_one
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.finance.const import EvidenceKind, ServiceCategory
from funeng.apps.finance.models import CloudUsageRecord, DigitalInvestment


def cloud_usage_of(enterprise: Enterprise) -> QuerySet[CloudUsageRecord]:
    return CloudUsageRecord.objects.filter(enterprise=enterprise).order_by(
        "-month", "provider_name", "service_category"
    )


def investments_of(enterprise: Enterprise) -> QuerySet[DigitalInvestment]:
    return (
        DigitalInvestment.objects.filter(enterprise=enterprise)
        .select_related("deal__solution")
        .order_by("-invested_on", "-id")
    )


def _cloud_record(record: CloudUsageRecord) -> EvidenceRecord:
    return EvidenceRecord(
        kind=EvidenceKind.CLOUD_USAGE.value,
        category=record.service_category,
        amount_cny=record.amount_cny,
        on=record.month,
        provenance=record.provenance,
    )


def _investment_record(investment: DigitalInvestment) -> EvidenceRecord:
    return EvidenceRecord(
        kind=EvidenceKind.DIGITAL_INVESTMENT.value,
        category=investment.category,
        amount_cny=investment.amount_cny,
        on=investment.invested_on,
        provenance=investment.provenance,
    )


def evidence_records(enterprise: Enterprise) -> list[EvidenceRecord]:
    """Every cloud bill and digital investment of the enterprise, as the credit engine reads them."""
    return [_cloud_record(r) for r in cloud_usage_of(enterprise)] + [
        _investment_record(i) for i in investments_of(enterprise)
    ]


@dataclass(frozen=True)
class MonthRow:
    """One billed month: the amount per service category and the month's total."""

    month: dt.date
    amounts: list[Decimal | None]  # in ServiceCategory order
    total: Decimal


@dataclass(frozen=True)
class Footprint:
    """What the digital-footprint page shows of one enterprise."""

    bills: list[tuple[CloudUsageRecord, CollateralLine]]
    investments: list[tuple[DigitalInvestment, CollateralLine]]
    months: list[MonthRow]
    categories: list[tuple[str, str]]
    cloud_total: Decimal
    investment_total: Decimal
    deal_total: Decimal
    value: CollateralValue


def footprint_of(enterprise: Enterprise, *, as_of: dt.date) -> Footprint:
    """The enterprise's bills by month and category, its investments, totals and the recognised value."""
    bills = list(cloud_usage_of(enterprise))
    investments = list(investments_of(enterprise))
    value = value_one(
        [_cloud_record(r) for r in bills] + [_investment_record(i) for i in investments], as_of=as_of
    )
    lines = list(value.lines)
    by_month: dict[dt.date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for bill in bills:
        by_month[bill.month][bill.service_category] += bill.amount_cny
    keys = [key for key, _label in ServiceCategory.choices]
    used = [key for key in keys if any(key in amounts for amounts in by_month.values())]
    months = [
        MonthRow(month, [amounts.get(key) for key in used], sum(amounts.values(), Decimal(0)))
        for month, amounts in sorted(by_month.items(), reverse=True)
    ]
    return Footprint(
        bills=list(zip(bills, lines[: len(bills)], strict=True)),
        investments=list(zip(investments, lines[len(bills) :], strict=True)),
        months=months,
        categories=[(key, str(ServiceCategory(key).label)) for key in used],
        cloud_total=sum((b.amount_cny for b in bills), Decimal(0)),
        investment_total=sum((i.amount_cny for i in investments), Decimal(0)),
        deal_total=sum((i.amount_cny for i in investments if i.deal_id is not None), Decimal(0)),
        value=value,
    )


def cloud_usage_reported_by(provider_id: int) -> QuerySet[CloudUsageRecord]:
    """The bills a provider reported, newest first (its import page lists them)."""
    return (
        CloudUsageRecord.objects.filter(provider_id=provider_id)
        .select_related("enterprise")
        .order_by("-created_at", "-month", "id")
    )
