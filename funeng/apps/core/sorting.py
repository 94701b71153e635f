"""Sorting of list pages by a whitelisted GET parameter: ?sort=employees or ?sort=-employees.

Only keys a view lists are honoured (anything else falls back to the default order), so a query
string can never order by a field the page does not show, such as a withheld figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import F, OrderBy

SORT_PARAM = "sort"


@dataclass(frozen=True)
class Sort:
    """The order a list page was asked for: a whitelisted key and its direction ("" = the default)."""

    key: str = ""
    descending: bool = False

    @property
    def param(self) -> str:
        """The value of ?sort= that asks for this order."""
        return f"-{self.key}" if self.descending and self.key else self.key

    def order_by(self, columns: Mapping[str, Sequence[str]], tie_breaker: str = "pk") -> list[OrderBy]:
        """Order expressions for a queryset: the key's columns, unknown values last, then a tie-breaker."""
        expressions = [
            F(column).desc(nulls_last=True) if self.descending else F(column).asc(nulls_last=True)
            for column in columns.get(self.key, ())
        ]
        return [*expressions, F(tie_breaker).asc()]


def sort_from_query(query: Mapping[str, str], allowed: Mapping[str, Sequence[str]]) -> Sort:
    """The Sort of a query string; a key outside `allowed` is ignored."""
    raw = str(query.get(SORT_PARAM, "") or "")
    descending = raw.startswith("-")
    key = raw.removeprefix("-")
    return Sort(key, descending) if key in allowed else Sort()
