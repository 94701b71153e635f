"""Build the demo region once per test session and copy it into each test's database.

Building the demo takes ~10 s; the browser tests need it fresh in each test (they run against a live
server, so the database is flushed between tests, not rolled back). The first test builds it and
keeps a copy of every table; later tests get the copy back in well under a second. The copy is
taken per database backend: SQLite copies the whole database with its backup API, PostgreSQL copies
each table with COPY (foreign keys are deferred in one transaction, then sequences are reset).
Only tests on a transactional database use this: the copy is taken after the build committed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings


@dataclass
class _Copy:
    """One database's demo: a SQLite database in memory, or each table's COPY text for PostgreSQL."""

    sqlite: sqlite3.Connection | None = None
    tables: dict[str, bytes] = field(default_factory=dict)


_COPIES: dict[tuple[Any, ...], _Copy] = {}


def demo_region_copied(*args: str) -> None:
    """The same database `demo_region *args` builds in DEBUG, built at most once per session."""
    key = (connection.vendor, connection.settings_dict["NAME"], args)
    copy = _COPIES.get(key)
    if copy is not None:
        _restore(copy)
        return
    with override_settings(DEBUG=True):  # demo_region creates its logins only in DEBUG
        call_command("demo_region", *args, stdout=StringIO())
    _COPIES[key] = _take()


def _tables() -> list[str]:
    # django_migrations is the same in every test database and is never flushed.
    return [name for name in connection.introspection.table_names() if name != "django_migrations"]


def _take() -> _Copy:
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        target = sqlite3.connect(":memory:", check_same_thread=False)
        raw.backup(target)
        return _Copy(sqlite=target)
    tables = {}
    with raw.cursor() as cursor:
        for table in _tables():
            with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as stream:
                tables[table] = b"".join(bytes(chunk) for chunk in stream)
    return _Copy(tables=tables)


def _restore(copy: _Copy) -> None:
    connection.ensure_connection()
    raw = connection.connection
    if copy.sqlite is not None:
        copy.sqlite.backup(raw)
        return
    names = ", ".join(connection.ops.quote_name(table) for table in copy.tables)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        with raw.cursor() as copy_cursor:
            for table, data in copy.tables.items():
                with copy_cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as stream:
                    stream.write(data)
        for statement in connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        ):
            cursor.execute(statement)
