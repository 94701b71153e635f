"""`funeng backup` and `funeng restore`: a demo region goes into an archive and comes back table for table.

The database is the suite's vendor: SQLite files by default, PostgreSQL databases created for the
test (and dropped after) when DATABASE_URL is a postgres URL. The commands run as child processes
through the `funeng` console script, which is their interface.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from funeng.apps.core.backup import MANIFEST, BackupError, backup_restore
from funeng.apps.core.backup_databases import PostgresDatabase, sqlite_file_table_states
from tests.support.runtime import ok, refused, run_funeng

# Every test is a database test, so pytest-django keeps them together and the module's world is
# built once (the in-process checks need the connection on PostgreSQL; the CLI uses its own databases).
pytestmark = [pytest.mark.slow, pytest.mark.django_db]
SUITE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SUITE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))
# The demo writes an assessment evidence file, a pending claim's two documents, the evidence of an
# application to a designation list and the sample invoice of demo_enterprise's investments; the
# world adds one file.
EXPECTED_FILES = 6


# --- one backend interface over SQLite files and throwaway PostgreSQL databases --------------------


class SQLiteBackend:
    vendor = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def new(self, name: str) -> str:
        """A database that does not exist yet."""
        return f"sqlite:///{self.folder / f'{name}-{uuid.uuid4().hex[:6]}.sqlite3'}"

    def clone(self, url: str, name: str) -> str:
        copy = self.new(name)
        shutil.copyfile(self._path(url), self._path(copy))
        return copy

    def rows(self, url: str) -> dict[str, list[tuple[Any, ...]]]:
        with closing(sqlite3.connect(self._path(url))) as con:
            names = [
                r[0]
                for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return {
                name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names
            }

    def execute(self, url: str, sql: str) -> None:
        with closing(sqlite3.connect(self._path(url))) as con, con:
            con.execute(sql)

    def close(self) -> None:
        return None

    @staticmethod
    def _path(url: str) -> str:
        return url.removeprefix("sqlite:///")


class PostgresBackend:
    vendor = "postgresql"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.created: list[str] = []

    def connect(self, url: str, **options: Any) -> Any:
        import psycopg

        parts = urlsplit(url)
        return psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname=parts.path.lstrip("/"),
            **options,
        )

    def _url(self, dbname: str) -> str:
        return urlsplit(self.base_url)._replace(path=f"/{dbname}").geturl()

    def new(self, name: str, template: str | None = None) -> str:
        dbname = f"funeng_bk_{name}_{uuid.uuid4().hex[:8]}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.connect(self.base_url, autocommit=True) as con:
            for attempt in range(20):
                try:
                    con.execute(f"CREATE DATABASE {dbname}{clause}")
                    break
                except Exception as error:  # the template may still have the last command's session
                    if "being accessed" not in str(error) or attempt == 19:
                        raise
                    time.sleep(0.5)
        self.created.append(dbname)
        return self._url(dbname)

    def clone(self, url: str, name: str) -> str:
        return self.new(name, template=urlsplit(url).path.lstrip("/"))

    def rows(self, url: str) -> dict[str, list[tuple[Any, ...]]]:
        with self.connect(url) as con:
            names = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
            return {
                name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names
            }

    def execute(self, url: str, sql: str) -> None:
        with self.connect(url, autocommit=True) as con:
            con.execute(sql)

    def close(self) -> None:
        with self.connect(self.base_url, autocommit=True) as con:
            for dbname in self.created:
                con.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


@pytest.fixture(scope="module")
def world(request, tmp_path_factory):
    """A migrated empty database, a demo region cloned from it with evidence files, and its backup."""
    folder = tmp_path_factory.mktemp("backup")
    backend: Any = PostgresBackend(SUITE_URL) if ON_POSTGRES else SQLiteBackend(folder)
    media = folder / "media"
    try:
        if ON_POSTGRES:
            template = backend.new("template")
            ok(run_funeng("migrate", "--noinput", "-v", "0", database_url=template, media_root=media))
            demo = backend.clone(template, "demo")
            ok(
                run_funeng(
                    "demo_region", "--enterprises", "300", "--seed", "1", database_url=demo, media_root=media
                )
            )
        else:  # the session's demo files, shared with other tests
            files = request.getfixturevalue("sqlite_demo")
            template, demo = f"sqlite:///{files['template']}", f"sqlite:///{files['demo']}"
            shutil.copytree(files["media"], media)
        assert (media / "evidence").is_dir()  # the demo's evidence file
        (media / "evidence" / "2026").mkdir()
        (media / "evidence" / "2026" / "年报 扫描件.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(50_000))
        archive = folder / "demo.zip"
        ok(run_funeng("backup", str(archive), database_url=demo, media_root=media))
        yield {"backend": backend, "template": template, "demo": demo, "media": media, "archive": archive}
    finally:
        backend.close()


@pytest.fixture(scope="module")
def victim(world, tmp_path_factory):
    """A database with data and a MEDIA_ROOT with a file, which refused restores must leave as they are."""
    backend = world["backend"]
    target = backend.clone(world["template"], "victim")
    backend.execute(target, "INSERT INTO auth_group (name) VALUES ('keep me')")
    media = tmp_path_factory.mktemp("victim") / "media"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "mine.png").write_bytes(b"\x89PNG\r\n\x1a\n mine")
    return {"url": target, "media": media}


def files_of(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under `root`."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def manifest_of(archive: Path) -> dict[str, Any]:
    with zipfile.ZipFile(archive) as z:
        return json.loads(z.read(MANIFEST))


# --- the round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target_kind", ["migrated", "blank"])
def test_it_restores_a_demo_backup_into_a_fresh_database_with_every_table_and_file_equal(
    world, tmp_path, target_kind
):
    backend = world["backend"]
    target = backend.clone(world["template"], "target") if target_kind == "migrated" else backend.new("blank")
    media = tmp_path / "media"
    result = ok(run_funeng("restore", str(world["archive"]), database_url=target, media_root=media))
    assert "every row count and checksum matches the backup" in result.stdout

    source_rows, target_rows = backend.rows(world["demo"]), backend.rows(target)
    assert sorted(target_rows) == sorted(source_rows)
    different = [name for name in source_rows if source_rows[name] != target_rows[name]]
    assert different == []
    assert sum(len(rows) for rows in target_rows.values()) > 5000
    assert files_of(media) == files_of(world["media"]) and len(files_of(media)) == EXPECTED_FILES

    manifest = manifest_of(world["archive"])
    assert {name: t["rows"] for name, t in manifest["tables"].items()} == {
        name: len(rows) for name, rows in source_rows.items()
    }
    # A backup of the restored database records the same rows and checksums as the original.
    again = tmp_path / "again.zip"
    ok(run_funeng("backup", str(again), database_url=target, media_root=media))
    assert manifest_of(again)["tables"] == manifest["tables"]
    assert manifest_of(again)["media"] == manifest["media"]


def test_it_refuses_a_database_with_data_and_replaces_everything_with_force(world, tmp_path):
    backend = world["backend"]
    target = backend.clone(world["template"], "busy")
    backend.execute(
        target,
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined) VALUES ('!', false, 'someone', '', '', '', false, true, '2026-01-01')",
    )
    media = tmp_path / "media"
    (media / "stray").mkdir(parents=True)
    (media / "stray" / "old.pdf").write_bytes(b"%PDF-1.4 old")
    before = backend.rows(target)

    line = refused(
        run_funeng("restore", str(world["archive"]), database_url=target, media_root=media),
        "The target is not empty",
        "auth_user",
        "--force",
    )
    assert "1 file(s)" in line
    assert backend.rows(target) == before and files_of(media) == {
        "stray/old.pdf": files_of(media)["stray/old.pdf"]
    }

    ok(run_funeng("restore", str(world["archive"]), "--force", database_url=target, media_root=media))
    assert backend.rows(target) == backend.rows(world["demo"])
    assert files_of(media) == files_of(world["media"])


def flip_byte(archive: Path, copy: Path, member: str) -> None:
    """A copy of the archive with one byte in the middle of a member's stored data changed."""
    shutil.copyfile(archive, copy)
    with zipfile.ZipFile(copy) as z:
        info = z.getinfo(member)
    with copy.open("r+b") as handle:
        handle.seek(info.header_offset + 26)
        name_length, extra_length = (
            int.from_bytes(handle.read(2), "little"),
            int.from_bytes(handle.read(2), "little"),
        )
        where = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
        handle.seek(where)
        byte = handle.read(1)[0]
        handle.seek(where)
        handle.write(bytes([byte ^ 0x01]))


@pytest.mark.parametrize(
    "damage", ["truncated", "one byte changed in the dump", "one byte changed in a file"]
)
def test_it_refuses_a_damaged_archive_and_leaves_the_database_and_files_untouched(
    world, victim, tmp_path, damage
):
    backend = world["backend"]
    before_rows, before_files = backend.rows(victim["url"]), files_of(victim["media"])
    assert before_rows["auth_group"] and before_files

    broken = tmp_path / "broken.zip"
    if damage == "truncated":
        data = world["archive"].read_bytes()
        broken.write_bytes(data[: len(data) // 2])
        phrase = "is not a complete Funeng backup"
    else:
        manifest = manifest_of(world["archive"])
        member = manifest["database"]["member"] if "dump" in damage else "media/evidence/2026/年报 扫描件.pdf"
        flip_byte(world["archive"], broken, member)
        phrase = "is damaged"

    refused(
        run_funeng("restore", str(broken), "--force", database_url=victim["url"], media_root=victim["media"]),
        phrase,
        "nothing was changed",
    )
    assert backend.rows(victim["url"]) == before_rows
    assert files_of(victim["media"]) == before_files
    assert not list(victim["media"].parent.glob(".funeng-restore-*"))  # the staging folder is gone


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite does not list its connections")
def test_it_refuses_to_restore_while_another_session_works_in_the_database(world, victim):
    backend = world["backend"]
    before = backend.rows(victim["url"])
    with backend.connect(victim["url"]) as session:  # a server left running, mid-transaction
        session.execute("SELECT count(*) FROM auth_group").fetchone()
        refused(
            run_funeng(
                "restore",
                str(world["archive"]),
                "--force",
                database_url=victim["url"],
                media_root=victim["media"],
            ),
            "other session(s) are working in the database (idle in transaction)",
            "stop the server and the worker",
        )
    assert backend.rows(victim["url"]) == before


def test_a_backup_taken_while_another_process_writes_restores_exactly(world, tmp_path):
    backend = world["backend"]
    source = backend.clone(world["template"], "busy_source")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, backend.vendor, source], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        time.sleep(0.5)
        archive = tmp_path / "busy.zip"
        ok(run_funeng("backup", str(archive), database_url=source, media_root=tmp_path / "none"))
        time.sleep(0.3)
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    probe_rows = manifest_of(archive)["tables"]["probe"]["rows"]
    assert probe_rows > 0
    target = backend.new("from_busy")
    result = ok(run_funeng("restore", str(archive), database_url=target, media_root=tmp_path / "media"))
    assert "every row count and checksum matches the backup" in result.stdout
    assert len(backend.rows(target)["probe"]) == probe_rows < len(backend.rows(source)["probe"])


# Inserts a row per transaction until it is stopped; SQLite through its own connection (WAL).
WRITER = """
import sys, time
vendor, url = sys.argv[1], sys.argv[2]
if vendor == "sqlite":
    import sqlite3
    con = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=20, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT)")
    insert = lambda n: con.execute("INSERT INTO probe (note) VALUES (?)", (f"row {n}",))
else:
    import psycopg
    con = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)
    con.execute("CREATE TABLE probe (id SERIAL PRIMARY KEY, note TEXT)")
    insert = lambda n: con.execute("INSERT INTO probe (note) VALUES (%s)", (f"row {n}",))
for n in range(20):
    insert(n)
print("writing", flush=True)
n = 20
while True:
    insert(n)
    n += 1
    time.sleep(0.002)
"""


# --- what is refused before anything is touched (in this process, with --check semantics) -------------


def rewrite_manifest(archive: Path, copy: Path, change) -> None:
    """A copy of the archive whose manifest went through `change` (every other member as it was)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            target.writestr(info, data)


def _other_vendor(m):
    m["database"]["vendor"] = "postgresql" if m["database"]["vendor"] == "sqlite" else "sqlite"


def _newer_migration(m):
    m["applied_migrations"].append(["matching", "9999_from_the_future"])


def _older_schema(m):
    m["applied_migrations"] = [pair for pair in m["applied_migrations"] if pair[0] != "matching"]


def _media_checksum(m):
    m["media"][0]["sha256"] = "0" * 64


def _format_version(m):
    m["format_version"] = 2


def _unsafe_path(m):
    m["media"][0]["path"] = "../../etc/cron.d/evil"


REFUSALS = {
    "another vendor": (_other_vendor, "restoring across databases is not supported"),
    "a newer schema": (_newer_migration, "made by a newer Funeng"),
    "an older schema": (_older_schema, "run `funeng migrate`"),
    "a file checksum": (_media_checksum, "does not match its checksum in the manifest"),
    "a newer format": (_format_version, "has archive format 2"),
    "a path outside MEDIA_ROOT": (_unsafe_path, "is malformed (unsafe file path"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_it_refuses_an_archive_whose_manifest_does_not_fit(world, tmp_path, case):
    change, phrase = REFUSALS[case]
    changed = tmp_path / "changed.zip"
    rewrite_manifest(world["archive"], changed, change)
    with pytest.raises(BackupError) as refusal:
        backup_restore(changed, media_root=tmp_path / "media", check_only=True)
    message = str(refusal.value)
    assert phrase in message and "\n" not in message
    assert not (tmp_path / "media").exists()


def test_it_checks_a_sound_archive_without_changing_anything(world, tmp_path):
    result = backup_restore(world["archive"], media_root=tmp_path / "media", check_only=True)
    assert result.restored is False and result.media_files == EXPECTED_FILES
    recorded = manifest_of(world["archive"])["tables"]
    assert {name: (s.rows, s.checksum) for name, s in result.tables.items()} == {
        name: (t["rows"], t["checksum"]) for name, t in recorded.items()
    }
    assert not (tmp_path / "media").exists()


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL compares tables with the manifest after pg_restore")
def test_it_refuses_a_sqlite_copy_that_does_not_match_its_table_checksums(world, tmp_path):
    def change(m):
        m["tables"]["enterprises_enterprise"]["checksum"] = "0" * 64

    changed = tmp_path / "changed.zip"
    rewrite_manifest(world["archive"], changed, change)
    with pytest.raises(BackupError, match="enterprises_enterprise has other content"):
        backup_restore(changed, media_root=tmp_path / "media", check_only=True)


# --- the command line's other refusals -------------------------------------------------------------------


def test_backup_refuses_to_overwrite_an_archive_and_restore_a_missing_one(world, tmp_path):
    refused(
        run_funeng("backup", str(world["archive"]), database_url=world["demo"], media_root=world["media"]),
        "already exists",
        "--force",
    )
    refused(
        run_funeng("restore", str(tmp_path / "nowhere.zip"), database_url=world["demo"], media_root=tmp_path),
        "does not exist",
    )


@pytest.mark.skipif(ON_POSTGRES, reason="a SQLite file")
def test_backup_says_so_when_the_sqlite_database_does_not_exist(tmp_path):
    missing = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    refused(
        run_funeng("backup", str(tmp_path / "x.zip"), database_url=missing, media_root=tmp_path),
        "does not exist",
    )
    assert not (tmp_path / "none.sqlite3").exists() and not (tmp_path / "x.zip").exists()


def test_it_names_the_package_to_install_when_pg_dump_is_missing(monkeypatch):
    monkeypatch.setattr("funeng.apps.core.backup_databases.shutil.which", lambda name: None)
    monkeypatch.setattr("funeng.apps.core.backup_databases.os.access", lambda path, mode: False)
    with pytest.raises(BackupError, match=r"pg_dump was not found: install the PostgreSQL 15 client tools"):
        PostgresDatabase({"NAME": "funeng"})._tool("pg_dump", 15)


# --- table checksums ---------------------------------------------------------------------------------------


def _sqlite_file(path: Path, rows: list[tuple[int, Any]]) -> Path:
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v)")
        con.executemany("INSERT INTO t VALUES (?, ?)", rows)
    return path


def test_a_table_checksum_follows_the_rows_not_the_order_they_were_written_in(tmp_path):
    rows = [(1, "甲"), (2, 2.5), (3, None), (4, b"\x00\x01"), (5, 7)]
    forward = sqlite_file_table_states(_sqlite_file(tmp_path / "a.db", rows))
    backward = sqlite_file_table_states(_sqlite_file(tmp_path / "b.db", rows[::-1]))
    assert forward == backward and forward["t"].rows == 5


@pytest.mark.parametrize("changed", [(5, 8), (5, "7"), (5, 7.0), (3, ""), (4, b"\x00\x02")])
def test_a_table_checksum_changes_with_any_value(tmp_path, changed):
    rows = [(1, "甲"), (2, 2.5), (3, None), (4, b"\x00\x01"), (5, 7)]
    other = [changed if row[0] == changed[0] else row for row in rows]
    assert (
        sqlite_file_table_states(_sqlite_file(tmp_path / "a.db", rows))["t"].checksum
        != sqlite_file_table_states(_sqlite_file(tmp_path / "b.db", other))["t"].checksum
    )
