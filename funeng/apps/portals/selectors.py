"""Read-only figures for the home pages (dashboards), computed in the database with a few GROUP BYs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext

from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from funeng.apps.enterprises.const import SizeClass
from funeng.apps.enterprises.fields import COMPLETENESS_EXEMPT, EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise

TOP_SECTIONS = 8


@dataclass
class Chart:
    """One chart's data for static/js/charts.js (rendered through json_script)."""

    type: str  # bar | hbar | pie
    labels: list[str] = field(default_factory=list)
    values: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"type": self.type, "labels": self.labels, "values": self.values}


@dataclass
class RegistryOverview:
    total: int
    by_size: dict[str, int]
    de_core: int
    size_chart: Chart
    section_chart: Chart
    area_chart: Chart | None


def _size_chart(by_size: dict[str, int]) -> Chart:
    chart = Chart("bar")
    for choice in SizeClass:
        chart.labels.append(str(choice.label))
        chart.values.append(by_size.get(choice.value, 0))
    return chart


def _section_chart(enterprises: QuerySet[Enterprise]) -> Chart:
    """Enterprises per GB/T 4754 section (门类), largest first, the tail folded into 'other'."""
    industries = industry_table()
    counts: dict[str, int] = {}
    rows = enterprises.annotate(division=Substr("industry_code", 1, 2)).values_list("division")
    for division, n in rows.annotate(n=Count("id")).order_by():
        node = industries.by_code.get(division)
        section = node.section if node is not None else ""
        counts[section] = counts.get(section, 0) + n
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    chart = Chart("hbar")
    for section, n in ranked[:TOP_SECTIONS]:
        node = industries.by_code.get(section)
        chart.labels.append(f"{section} {node.name}" if node is not None else "—")
        chart.values.append(n)
    rest = sum(n for _, n in ranked[TOP_SECTIONS:])
    if rest:
        chart.labels.append(gettext("Other sections"))
        chart.values.append(rest)
    return chart


def _area_chart(enterprises: QuerySet[Enterprise], region_code: str | None) -> Chart | None:
    """Enterprises per province (whole country) or per prefecture (one province); None below that."""
    regions = region_table()
    if region_code is None:
        width, suffix = 2, "0000"
    elif region_code.endswith("0000"):
        width, suffix = 4, "00"
    else:
        return None
    rows = enterprises.annotate(area=Substr("region_code", 1, width)).values_list("area")
    counted = sorted(rows.annotate(n=Count("id")).order_by(), key=lambda item: -item[1])
    chart = Chart("hbar")
    for area, n in counted[:12]:
        region = regions.by_code.get(area + suffix)
        chart.labels.append(region.name if region is not None else area + suffix)
        chart.values.append(n)
    return chart


def registry_overview(enterprises: QuerySet[Enterprise], *, region_code: str | None) -> RegistryOverview:
    """Counts by size class, GB/T 4754 section and area for the enterprises a user may see."""
    by_size = dict(enterprises.values_list("size_class").annotate(n=Count("id")).order_by())
    return RegistryOverview(
        total=sum(by_size.values()),
        by_size=by_size,
        de_core=enterprises.filter(de_core=True).count(),
        size_chart=_size_chart(by_size),
        section_chart=_section_chart(enterprises),
        area_chart=_area_chart(enterprises, region_code),
    )


@dataclass
class Completeness:
    filled: int
    total: int
    missing: list[str]  # verbose names

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.total) if self.total else 100

    @property
    def meter_class(self) -> str:
        """A CSS width class in steps of ten (the CSP forbids inline style widths)."""
        return f"w{10 * round(self.percent / 10)}"


def profile_completeness(enterprise: Enterprise) -> Completeness:
    """How many of the editable profile fields are filled, and which are still empty."""
    names = [name for name in EDITABLE_FIELDS if name not in COMPLETENESS_EXEMPT]
    missing = [
        str(getattr(Enterprise._meta.get_field(name), "verbose_name", name))
        for name in names
        if getattr(enterprise, name) in (None, "")
    ]
    return Completeness(len(names) - len(missing), len(names), missing)
