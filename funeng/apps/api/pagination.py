"""One page of a list endpoint: items, the total count, and the limit and offset asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from funeng.apps.api.schemas import PageParams


def page_of(
    queryset: QuerySet[Any], page: PageParams, out: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """The response body of a paginated list: `out` turns each object into its schema dict."""
    return {
        "items": [out(item) for item in queryset[page.offset : page.offset + page.limit]],
        "count": queryset.count(),
        "limit": page.limit,
        "offset": page.offset,
    }
