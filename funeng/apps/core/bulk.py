"""Bulk inserts whose SQL values are prepared before the transaction opens.

Django's bulk_create turns every field value into its database form inside the call, so a large
import spends most of its write transaction in Python; on SQLite that transaction holds the
database's one write lock, and everyone else's writes wait. Here the values are prepared first
(outside any transaction, with the same field methods bulk_create uses), and the transaction only
runs executemany.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models


@dataclass
class PreparedInsert:
    """One INSERT statement and the database-ready values of its rows (in the order of `columns`)."""

    table: str
    columns: tuple[str, ...]
    rows: list[list[Any]]

    def column_index(self, name: str) -> int:
        """Position of a column in each row, to fill a value known only inside the transaction."""
        return self.columns.index(name)

    def execute(self) -> int:
        """Insert every row (call inside the transaction); return how many."""
        if not self.rows:
            return 0
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(self.table),
            ", ".join(quote(c) for c in self.columns),
            ", ".join(["%s"] * len(self.columns)),
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, self.rows)
        return len(self.rows)


def prepare_insert(model: type[models.Model], objects: Sequence[models.Model]) -> PreparedInsert:
    """The rows of `objects` as an INSERT of every concrete field but an auto primary key."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField | models.BigAutoField))
    ]
    rows = [
        [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] for obj in objects
    ]
    return PreparedInsert(model._meta.db_table, tuple(field.column for field in fields), rows)


def ids_by(model: type[models.Model], key: str, values: Iterable[Any], chunk: int = 2000) -> dict[Any, int]:
    """Primary keys of just-inserted rows, found by a unique column (executemany returns no ids)."""
    pending = list(values)
    found: dict[Any, int] = {}
    manager = model._default_manager
    for start in range(0, len(pending), chunk):
        found.update(manager.filter(**{f"{key}__in": pending[start : start + chunk]}).values_list(key, "pk"))
    return found
