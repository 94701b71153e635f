"""The database side of backups: SQLite and PostgreSQL copies, restores, emptiness and table checksums.

A table's checksum is a SHA-256 over its column names and then every row, ordered by primary key,
each row as canonical JSON. It is computed through the same kind of connection on both sides (a
plain sqlite3 connection for SQLite, Django's psycopg connection for PostgreSQL), so a restored
table agrees with its backup exactly; the two vendors do not agree with each other, and restoring
across vendors is refused before anything is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from funeng.config import SQLITE_BUSY_TIMEOUT_SECONDS

# Filled by `funeng migrate` itself, so a freshly migrated database still counts as empty.
FILLED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission"})
CHECKSUM_ALGORITHM = "sha256 over column names and canonical JSON rows ordered by primary key (v1)"
FETCH_ROWS = 2000


class BackupError(Exception):
    """An expected fault (missing file, damaged archive, refused target): one line for the operator."""


class Progress(Protocol):
    """Where long work reports how far it is (funeng.apps.tasks.progress fits; core sits below tasks)."""

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None: ...


@dataclass(frozen=True)
class TableState:
    """Row count and content checksum of one table."""

    rows: int
    checksum: str


@dataclass(frozen=True)
class Snapshot:
    """What a backup recorded about its database, all read from one consistent snapshot."""

    tables: dict[str, TableState]
    applied_migrations: list[tuple[str, str]]
    server_version: str


@dataclass(frozen=True)
class _Table:
    name: str
    columns: list[str]
    order_by: list[str]  # SQL expressions, already quoted


def _quote(name: str) -> str:
    """A double-quoted identifier; both SQLite and PostgreSQL accept it."""
    return '"' + name.replace('"', '""') + '"'


def _encode_value(value: object) -> object:
    """JSON for what json cannot write itself; the type name keeps equal-looking values apart."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return {type(value).__name__: value.isoformat()}
    return {type(value).__name__: str(value)}


def _checksum_rows(columns: list[str], batches: Iterable[list[Any]]) -> TableState:
    """Row count and digest of rows arriving in order; the same rows in the same order give the same digest."""
    digest = hashlib.sha256()
    digest.update(json.dumps(columns, ensure_ascii=False).encode("utf-8"))
    rows = 0
    dumps = json.JSONEncoder(
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_encode_value
    ).encode
    for batch in batches:
        for row in batch:
            digest.update(b"\n")
            digest.update(dumps(list(row)).encode("utf-8", "surrogatepass"))
        rows += len(batch)
    return TableState(rows, digest.hexdigest())


def _batches(cursor: Any) -> Iterator[list[Any]]:
    while True:
        batch = cursor.fetchmany(FETCH_ROWS)
        if not batch:
            return
        yield batch


def _select(table: _Table) -> str:
    columns = ", ".join(_quote(c) for c in table.columns)
    return f"SELECT {columns} FROM {_quote(table.name)} ORDER BY {', '.join(table.order_by)}"


def _report_tables(progress: Progress, tables: list[_Table], message: str) -> Iterator[_Table]:
    for number, table in enumerate(tables):
        progress.update(number, len(tables), message)
        yield table
    progress.update(len(tables), len(tables), message)


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_connect(path: Path) -> sqlite3.Connection:
    # Autocommit (isolation_level=None): transactions are begun explicitly where they matter.
    return sqlite3.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS, isolation_level=None)


def _sqlite_tables(con: sqlite3.Connection) -> list[_Table]:
    names = [
        row[0]
        for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    tables = []
    for name in names:
        info = con.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
        columns = [row[1] for row in info]
        keys = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        tables.append(_Table(name, columns, [_quote(c) for c in (keys or columns)]))
    return tables


def sqlite_table_states(
    con: sqlite3.Connection, progress: Progress, message: str = "checking tables"
) -> dict[str, TableState]:
    """Rows and checksum of every table of a SQLite database, read in one transaction."""
    con.execute("BEGIN")
    try:
        tables = _sqlite_tables(con)
        states = {}
        for table in _report_tables(progress, tables, message):
            states[table.name] = _checksum_rows(table.columns, _batches(con.execute(_select(table))))
        return states
    finally:
        con.execute("COMMIT")


def sqlite_file_table_states(path: Path) -> dict[str, TableState]:
    """Rows and checksum of every table of a SQLite file (what a backup of it would record)."""

    class _Silent:
        def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
            return None

    with closing(_sqlite_connect(path)) as con:
        return sqlite_table_states(con, _Silent())


def _sqlite_applied(con: sqlite3.Connection) -> list[tuple[str, str]]:
    exists = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'")
    if exists.fetchone() is None:
        return []
    return sorted((app, name) for app, name in con.execute("SELECT app, name FROM django_migrations"))


class SQLiteDatabase:
    """The configured SQLite file: copied with the online backup API, restored through it too.

    Restoring goes through the backup API into the configured file (not a file swap): the new
    content arrives in one write transaction, so a crash leaves the old database or the new one,
    the -wal and -shm files stay consistent with the file, and its owner and mode are kept.
    """

    vendor = "sqlite"

    def __init__(self, settings_dict: dict[str, Any]) -> None:
        self.path = Path(str(settings_dict["NAME"]))

    def describe(self) -> str:
        return f"SQLite database {self.path}"

    def snapshot(self, dump: Path, progress: Progress) -> Snapshot:
        """Copy the live database into `dump` and read its tables and migrations from the copy."""
        if not self.path.is_file():
            raise BackupError(
                f"The database file {self.path} does not exist: nothing to back up (check DATABASE_URL)."
            )
        progress.update(0, 1, "copying the database")
        try:
            with closing(_sqlite_connect(self.path)) as source, closing(_sqlite_connect(dump)) as copy:
                # One step: one read transaction, so the copy is consistent; in WAL mode the server
                # and the worker keep writing meanwhile. Several steps would restart on every write.
                source.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file in the archive
                version = str(copy.execute("SELECT sqlite_version()").fetchone()[0])
                tables = sqlite_table_states(copy, progress)
                applied = _sqlite_applied(copy)
        except sqlite3.Error as error:
            raise BackupError(f"Cannot copy the SQLite database {self.path}: {error}.") from None
        return Snapshot(tables, applied, version)

    def tables_with_rows(self) -> list[str]:
        """Tables holding rows, beyond what `migrate` writes itself."""
        if not self.path.exists():
            return []
        try:
            with closing(_sqlite_connect(self.path)) as con:
                return [
                    table.name
                    for table in _sqlite_tables(con)
                    if table.name not in FILLED_BY_MIGRATE
                    and con.execute(f"SELECT 1 FROM {_quote(table.name)} LIMIT 1").fetchone() is not None
                ]
        except sqlite3.Error as error:
            raise BackupError(f"Cannot read the target database {self.path}: {error}.") from None

    def check_dump(self, dump: Path, expected: dict[str, TableState], progress: Progress) -> None:
        """Prove the extracted copy is a sound database holding exactly the tables of the manifest."""
        try:
            with closing(_sqlite_connect(dump)) as con:
                verdict = con.execute("PRAGMA quick_check").fetchone()[0]
                if verdict != "ok":
                    raise BackupError(
                        f"The database in the backup is damaged ({verdict}); nothing was changed."
                    )
                found = sqlite_table_states(con, progress, "checking the database copy")
        except sqlite3.Error as error:
            raise BackupError(
                f"The database in the backup cannot be read ({error}); nothing was changed."
            ) from None
        problems = table_differences(expected, found)
        if problems:
            raise BackupError(
                f"The database in the backup does not match its manifest ({problems[0]}"
                f"{'' if len(problems) == 1 else f'; {len(problems) - 1} more'}); nothing was changed."
            )

    def refuse_if_in_use(self) -> None:
        """Nothing to ask: SQLite does not list its connections (the busy timeout covers a short write)."""

    def load(self, dump: Path, progress: Progress) -> None:
        """Copy the checked dump into the configured file in one write transaction."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(_sqlite_connect(dump)) as source, closing(_sqlite_connect(self.path)) as target:
                _match_page_size(source, target)

                def report(_status: int, remaining: int, total: int) -> None:
                    progress.update(total - remaining, total, "restoring the database")

                # Steps only for the progress bar: the target's write transaction spans all of them.
                source.backup(target, pages=4096, progress=report)
        except sqlite3.Error as error:
            raise BackupError(
                f"Restoring into {self.path} failed ({error}); SQLite rolled it back, the database is unchanged."
            ) from None

    def table_states(self, progress: Progress) -> dict[str, TableState]:
        with closing(_sqlite_connect(self.path)) as con:
            return sqlite_table_states(con, progress, "verifying the restored tables")


def _match_page_size(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Give the copy the target's page size: a WAL database cannot take pages of another size."""
    wanted = target.execute("PRAGMA page_size").fetchone()[0]
    mode = target.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "wal" or source.execute("PRAGMA page_size").fetchone()[0] == wanted:
        return
    source.execute("PRAGMA journal_mode = DELETE")
    source.execute(f"PRAGMA page_size = {int(wanted)}")
    source.execute("VACUUM")


# --- PostgreSQL -----------------------------------------------------------------------------------

_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


def _conninfo_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class PostgresDatabase:
    """The configured PostgreSQL database: pg_dump / pg_restore in custom format, of the server's version."""

    vendor = "postgresql"

    def __init__(self, settings_dict: dict[str, Any]) -> None:
        self.settings = settings_dict

    def describe(self) -> str:
        host = self.settings.get("HOST") or "local socket"
        return f"PostgreSQL database {self.settings['NAME']} on {host}"

    # connection and tools

    def _environment(self) -> dict[str, str]:
        """libpq settings for the client tools; the password travels in PGPASSWORD, never in argv."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
            if self.settings.get(key):
                env[variable] = str(self.settings[key])
        if self.settings.get("PASSWORD"):
            env["PGPASSWORD"] = str(self.settings["PASSWORD"])
        for option, variable in _LIBPQ_OPTIONS.items():
            value = (self.settings.get("OPTIONS") or {}).get(option)
            if value not in (None, ""):
                env[variable] = str(value)
        return env

    def _dbname(self) -> str:
        return "--dbname=dbname=" + _conninfo_quote(str(self.settings["NAME"]))

    def _server_major(self) -> int:
        return server_version_number() // 10000

    def _tool(self, name: str, minimum_major: int) -> str:
        """The client tool of the server's major version (Debian keeps one per version), or one on PATH."""
        candidates = [f"/usr/lib/postgresql/{minimum_major}/bin/{name}", shutil.which(name)]
        found = [c for c in candidates if c and os.access(c, os.X_OK)]
        if not found:
            raise BackupError(
                f"{name} was not found: install the PostgreSQL {minimum_major} client tools "
                f"(Debian: apt-get install postgresql-client-{minimum_major})."
            )
        tool = found[0]
        major = _tool_major(tool)
        if major is None or major < minimum_major:
            raise BackupError(
                f"{tool} is version {major or 'unknown'} but PostgreSQL {minimum_major} needs {name} "
                f"{minimum_major} or newer (Debian: apt-get install postgresql-client-{minimum_major})."
            )
        return tool

    def _run(self, command: list[str], what: str) -> str:
        """Run a client tool; its standard output, or a one-line BackupError naming its first error."""
        try:
            result = subprocess.run(command, env=self._environment(), capture_output=True, text=True)
        except OSError as error:
            raise BackupError(f"{what} could not be started: {error}.") from None
        if result.returncode != 0:
            lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
            reason = next((line for line in lines if "error" in line.lower()), lines[0] if lines else "")
            raise BackupError(f"{what} failed: {reason or f'exit code {result.returncode}'}")
        return result.stdout

    @contextmanager
    def _read_snapshot(self) -> Iterator[Any]:
        """A read-only REPEATABLE READ transaction: every query in it sees one moment of the database."""
        from django.db import connection, transaction

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield cursor

    def _tables(self, cursor: Any) -> list[_Table]:
        cursor.execute(
            "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND pg_table_is_visible(c.oid) "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY c.relname"
        )
        tables = []
        for oid, name in cursor.fetchall():
            cursor.execute(
                "SELECT a.attname, a.attcollation <> 0, "
                "  array_position((SELECT i.indkey::int2[] FROM pg_index i "
                "                  WHERE i.indrelid = a.attrelid AND i.indisprimary), a.attnum) "
                "FROM pg_attribute a WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped "
                "ORDER BY a.attnum",
                [oid],
            )
            info = cursor.fetchall()

            def order(column: str, collatable: bool) -> str:
                # Byte order, whatever collation the target database was created with.
                return _quote(column) + (' COLLATE "C"' if collatable else "")

            keys = sorted((position, order(c, coll)) for c, coll, position in info if position is not None)
            order_by = [expr for _, expr in keys] or [order(c, coll) for c, coll, _ in info]
            tables.append(_Table(name, [c for c, _, _ in info], order_by))
        return tables

    def _table_states(self, cursor: Any, progress: Progress, message: str) -> dict[str, TableState]:
        from django.db import connection

        states = {}
        for table in _report_tables(progress, self._tables(cursor), message):
            # A server-side cursor: a large table streams instead of filling the memory.
            with connection.chunked_cursor() as rows:
                rows.execute(_select(table))
                states[table.name] = _checksum_rows(table.columns, _batches(rows))
        return states

    # what backup and restore call

    def snapshot(self, dump: Path, progress: Progress) -> Snapshot:
        """pg_dump the database into `dump` and read tables and migrations from the very same snapshot."""

        major = self._server_major()
        pg_dump = self._tool("pg_dump", major)
        with self._read_snapshot() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            progress.update(0, 1, "dumping the database (pg_dump)")
            self._run(
                [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot_id}", f"--file={dump}"]
                + [self._dbname()],
                "pg_dump",
            )
            tables = self._table_states(cursor, progress, "checking tables")
            cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
            applied: list[tuple[str, str]] = []
            if cursor.fetchone()[0]:
                cursor.execute("SELECT app, name FROM django_migrations")
                applied = sorted((app, name) for app, name in cursor.fetchall())
        return Snapshot(tables, applied, str(server_version_number()))

    def tables_with_rows(self) -> list[str]:
        from django.db import connection

        with connection.cursor() as cursor:
            names = [t.name for t in self._tables(cursor) if t.name not in FILLED_BY_MIGRATE]
            found = []
            for name in names:
                cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(name)})")
                if cursor.fetchone()[0]:
                    found.append(name)
        return found

    def check_dump(self, dump: Path, expected: dict[str, TableState], progress: Progress) -> None:
        """pg_restore can read the dump and it holds the data of every table of the manifest."""
        progress.update(0, 1, "reading the dump's table of contents")
        pg_restore = self._tool("pg_restore", self._server_major())
        listing = self._run(
            [pg_restore, "--list", str(dump)],
            "Reading the database dump of the backup (nothing was changed): pg_restore --list",
        )
        with_data = {
            parts[1]
            for line in listing.splitlines()
            if " TABLE DATA " in line and len(parts := line.split(" TABLE DATA ", 1)[1].split()) >= 2
        }
        missing = sorted(set(expected) - with_data)
        if missing:
            raise BackupError(
                f"The database dump lacks tables of its manifest ({', '.join(missing[:3])}); nothing was changed."
            )

    def refuse_if_in_use(self) -> None:
        """Refuse while other sessions work in the database: pg_restore would wait for their locks.

        The archive sets lock_timeout to 0 for the restore, so a server left running with a
        transaction open would make the restore wait for ever; idle sessions do no harm.
        """
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT state FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'"
            )
            busy = [state for (state,) in cursor.fetchall()]
        if busy:
            raise BackupError(
                f"{len(busy)} other session(s) are working in the database ({', '.join(sorted(set(busy)))}): "
                "stop the server and the worker, then restore again. Nothing was changed."
            )

    def load(self, dump: Path, progress: Progress) -> None:
        """pg_restore in one transaction: on any error the database stays as it was."""
        from django.db import connection

        pg_restore = self._tool("pg_restore", self._server_major())
        # Our own session must not hold anything pg_restore is about to drop.
        connection.close()
        progress.update(0, 1, "restoring the database (pg_restore)")
        self._run(
            [
                pg_restore,
                "--single-transaction",
                "--exit-on-error",
                "--clean",
                "--if-exists",
                # The restoring role owns what it restores: a Funeng database has one application role.
                "--no-owner",
                "--no-privileges",
                "--no-password",
                self._dbname(),
                str(dump),
            ],
            "pg_restore (the database was left as it was)",
        )

    def table_states(self, progress: Progress) -> dict[str, TableState]:
        from django.db import connection

        connection.close()  # a fresh session after pg_restore replaced the tables
        with self._read_snapshot() as cursor:
            return self._table_states(cursor, progress, "verifying the restored tables")


def server_version_number() -> int:
    """PostgreSQL's version of the default connection as a number: 150014 is 15.14."""
    from django.db import connection

    connection.ensure_connection()
    return int(getattr(connection, "pg_version"))  # noqa: B009  (only the PostgreSQL wrapper has it)


def _tool_major(tool: str) -> int | None:
    try:
        output = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return int(found.group(1)) if found else None


def table_differences(
    expected: dict[str, TableState], found: dict[str, TableState], *, extra_allowed: bool = False
) -> list[str]:
    """What differs between two sets of table states, one short phrase per table."""
    problems = []
    for name in sorted(expected):
        if name not in found:
            problems.append(f"table {name} is missing")
        elif found[name].rows != expected[name].rows:
            problems.append(f"table {name} has {found[name].rows} rows instead of {expected[name].rows}")
        elif found[name].checksum != expected[name].checksum:
            problems.append(f"table {name} has other content than the backup")
    if not extra_allowed:
        problems += [f"table {name} is not in the backup" for name in sorted(set(found) - set(expected))]
    return problems


Database = SQLiteDatabase | PostgresDatabase


def configured_database() -> Database:
    """The default database of the settings, as a backup source or restore target."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        return SQLiteDatabase(settings_dict)
    if vendor == "postgresql":
        return PostgresDatabase(settings_dict)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
