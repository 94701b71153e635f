"""Reads of the enterprise registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from engines.reference.industry import industry_table
from engines.reference.regions import region_prefix
from funeng.apps.enterprises.models import Enterprise


@dataclass(frozen=True)
class EnterpriseFilter:
    """Filters of the list page: region prefix, industry section/division/class, size class, text."""

    region: str = ""
    industry: str = ""
    size_class: str = ""
    q: str = ""


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
    if filters.q:
        queryset = queryset.filter(name__icontains=filters.q) | queryset.filter(credit_code=filters.q.upper())
    return queryset
