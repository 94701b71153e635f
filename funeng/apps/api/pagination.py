"""Pages of the list endpoints: ninja's limit/offset pagination, answering {items, count, limit, offset}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, get_type_hints

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination, paginate

MAX_LIMIT = 200
# Offsets past any real registry size only make the database skip rows; cap them well below int64.
MAX_OFFSET = 100_000_000

OnPage = Callable[[HttpRequest, list[Any]], object]
View = TypeVar("View", bound=Callable[..., Any])


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip")


class Page(LimitOffsetPagination):
    """Limit/offset pages that echo the limit and offset; `on_page` sees the rows sent (to log bank reads)."""

    # Named, so the OpenAPI document lists the parameters as PageParams (ninja types it as its own Input).
    Input = PageParams  # type: ignore[assignment]

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int

    def __init__(self, *, on_page: OnPage | None = None, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
        self.on_page = on_page

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page["items"])
        if self.on_page is not None:
            self.on_page(request, items)
        return {**page, "items": items, "limit": pagination.limit, "offset": pagination.offset}


def paginated(*, on_page: OnPage | None = None) -> Callable[[View], View]:
    """Ninja's `@paginate(Page)`, for a list endpoint that returns its queryset.

    Ninja reads the parameters of the wrapper `paginate` makes with the globals of ninja's module, where
    the names in our postponed (string) annotations mean nothing; so they are resolved here first.
    """

    def decorator(view: View) -> View:
        view.__annotations__ = get_type_hints(view, include_extras=True)
        paginated_view: View = paginate(Page, on_page=on_page)(view)
        return paginated_view

    return decorator
