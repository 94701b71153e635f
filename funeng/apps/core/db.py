"""Database helpers for bookkeeping writes that must never fail the request that makes them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.db.models import Model

logger = logging.getLogger("funeng.db")

# A bookkeeping write (when a token was last used) waits this long for the write lock. The
# request's own work waits the full busy timeout; a note that can be written next time cannot.
BOOKKEEPING_LOCK_WAIT_SECONDS = 2.0


@contextmanager
def bookkeeping_write(what: str, *, wait_seconds: float = BOOKKEEPING_LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Run the block in its own short transaction; a busy database skips it with a log line, not an error.

    Inside an outer transaction the block is a savepoint, so giving up leaves the outer one usable.
    """
    wait_ms = max(1, int(wait_seconds * 1000))
    outermost = not connection.in_atomic_block
    try:
        # On SQLite the wait happens at BEGIN IMMEDIATE, so the shorter timeout is set before it.
        with _sqlite_busy_timeout(wait_ms), transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Ends with this transaction; inside an outer one it would outlive the block.
                    cursor.execute(f"SET LOCAL lock_timeout = {wait_ms}")
            yield
    except OperationalError as error:
        logger.warning("skipped %s: the database is busy (%s)", what, error)


@contextmanager
def _sqlite_busy_timeout(milliseconds: int) -> Iterator[None]:
    """On SQLite, lower the connection's busy timeout for the block, then put the configured one back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        configured = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {configured}")


def planner_statistics_refresh(*models: type[Model]) -> None:
    """After a bulk write, let PostgreSQL's planner see the new rows (ANALYZE of each model's table).

    Until autovacuum gets to it, a table filled in one go still looks empty to the planner, which
    then picks nested loops that take minutes on thousands of rows (seen on the region dashboard's
    query right after the demo was loaded in one transaction). ANALYZE inside a transaction counts
    that transaction's own new rows. SQLite plans without table statistics unless asked: nothing to do.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
