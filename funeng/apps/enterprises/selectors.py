"""Reads of the enterprise registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict

from engines.reference.industry import industry_table
from engines.reference.regions import region_prefix
from funeng.apps.enterprises.const import SizeClass
from funeng.apps.enterprises.models import Enterprise


@dataclass(frozen=True)
class EnterpriseFilter:
    """Filters of the list page: region prefix, industry section/division/class, size class, text."""

    region: str = ""
    industry: str = ""
    size_class: str = ""
    q: str = ""
    de_core: bool = False

    @classmethod
    def from_query(cls, query: QueryDict) -> EnterpriseFilter:
        """Parse the list page's query string; unknown values are dropped, lengths are capped."""
        size_class = query.get("size_class", "")
        return cls(
            region=query.get("region", "")[:6],
            industry=query.get("industry", "")[:4],
            size_class=size_class if size_class in SizeClass.values else "",
            q=query.get("q", "")[:100].strip(),
            de_core=query.get("de_core") == "1",
        )


def enterprise_list(queryset: QuerySet[Enterprise], filters: EnterpriseFilter) -> QuerySet[Enterprise]:
    """Apply list filters to an already access-checked queryset."""
    if filters.region:
        prefix = region_prefix(filters.region)
        queryset = queryset.filter(region_code__startswith=prefix)
    if filters.industry:
        code = filters.industry
        if code.isalpha():
            classes = industry_table().classes_under(code) if code in industry_table().by_code else []
            queryset = queryset.filter(industry_code__in=classes)
        else:
            queryset = queryset.filter(industry_code__startswith=code)
    if filters.size_class:
        queryset = queryset.filter(size_class=filters.size_class)
    if filters.de_core:
        queryset = queryset.filter(de_core=True)
    if filters.q:
        queryset = queryset.filter(name__icontains=filters.q) | queryset.filter(credit_code=filters.q.upper())
    return queryset
