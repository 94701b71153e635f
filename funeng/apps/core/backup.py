"""Backup archives: one ZIP file with a consistent database copy, the uploaded files and a manifest proving both.

Layout, format version 1:

    manifest.json              format and version, database vendor and version, migration state,
                               rows and checksum of every table, size and SHA-256 of every member
    database/funeng.sqlite3    SQLite: a copy made with the online backup API
    database/funeng.pgdump     PostgreSQL: pg_dump --format=custom
    media/<path>               every file under MEDIA_ROOT (uploaded evidence)

A ZIP because its directory sits at the end: a truncated archive is refused before any of it is
used, members are read in any order (the manifest first), and each carries a CRC besides the
manifest's SHA-256.

Restore checks the whole archive before it touches the database or MEDIA_ROOT: the manifest
(format, vendor, migration state against this code), every member against its size and SHA-256
while extracting to a staging folder, and the dump itself (SQLite: integrity and every table's
rows and checksum; PostgreSQL: pg_restore reads it and it holds every table). Only then does it
restore the database, put the files in place, and compare every restored table with the manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from funeng.apps.core.backup_databases import (
    CHECKSUM_ALGORITHM,
    BackupError,
    Database,
    Progress,
    Snapshot,
    TableState,
    configured_database,
    server_version_number,
    table_differences,
)

__all__ = ["BackupError", "BackupResult", "RestoreResult", "backup_create", "backup_restore"]

FORMAT = "funeng-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_MEMBERS = {"sqlite": "database/funeng.sqlite3", "postgresql": "database/funeng.pgdump"}
MEDIA_PREFIX = "media/"
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1 << 20
# zipfile needs to know in advance that a member may pass 2 GiB; a margin covers files still growing.
ZIP64_FROM = 1 << 30


class _Quiet:
    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        return None


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote."""

    path: Path
    size: int
    vendor: str
    tables: dict[str, TableState]
    media_files: int
    media_bytes: int
    skipped: list[str] = field(default_factory=list)  # entries under MEDIA_ROOT that are not plain files


@dataclass(frozen=True)
class RestoreResult:
    """What a restore (or a check) found and did."""

    vendor: str
    target: str
    created_at: str
    tables: dict[str, TableState]
    media_files: int
    restored: bool
    untouched_tables: list[str] = field(default_factory=list)  # in the target, not in the backup


# --- backup ---------------------------------------------------------------------------------------


def backup_create(
    path: Path,
    *,
    media_root: Path | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> BackupResult:
    """Write a backup archive of the configured database and MEDIA_ROOT to `path`; safe while the server runs.

    The archive appears under its name only when it is complete: it is written beside it first.
    """
    from django.conf import settings

    progress = progress or _Quiet()
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists: choose another name, or pass --force to overwrite it.")
    if path.parent.exists() and not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder: choose another place for the backup.")
    # A backups folder is made on first use, readable by its owner only, like the archives in it.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    database = configured_database()
    partial = path.with_name(f".{path.name}.partial")
    try:
        # Beside the archive: the dump needs that disk's space anyway, and /tmp may be small.
        with tempfile.TemporaryDirectory(prefix=".funeng-backup-", dir=path.parent) as work:
            dump = Path(work) / "dump"
            snapshot = database.snapshot(dump, progress)
            # Files after the database: a file the copied database names was already there.
            skipped: list[str] = []
            files = _media_files(media_root, skipped)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds every secret
            with os.fdopen(fd, "wb") as raw:
                with zipfile.ZipFile(raw, "w", allowZip64=True) as archive:
                    progress.update(0, 1, "adding the database")
                    size, digest = _add_file(
                        archive, dump, DUMP_MEMBERS[database.vendor], compress=database.vendor == "sqlite"
                    )
                    entries: list[dict[str, Any]] = []
                    for number, (relative, file) in enumerate(files):
                        progress.update(number, len(files), "adding uploaded files")
                        try:
                            file_size, file_digest = _add_file(
                                archive, file, MEDIA_PREFIX + relative, compress=False
                            )
                        except FileNotFoundError:  # deleted since it was listed: nothing to keep
                            skipped.append(relative)
                            continue
                        entries.append({"path": relative, "size": file_size, "sha256": file_digest})
                    progress.update(len(files), len(files), "adding uploaded files")
                    manifest = _manifest(database, snapshot, size, digest, entries)
                    archive.writestr(
                        _member_info(MANIFEST), json.dumps(manifest, ensure_ascii=False, indent=1)
                    )
                # The ZIP directory is written when the archive closes; only then is it complete.
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, path)
            _fsync_folder(path.parent)
    except OSError as error:
        raise BackupError(f"Writing {path} failed: {error}.") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        vendor=database.vendor,
        tables=snapshot.tables,
        media_files=len(entries),
        media_bytes=sum(int(e["size"]) for e in entries),
        skipped=skipped,
    )


def _manifest(
    database: Database, snapshot: Snapshot, size: int, digest: str, media: list[dict[str, Any]]
) -> dict[str, Any]:
    latest: dict[str, str] = {}
    for app, name in snapshot.applied_migrations:
        latest[app] = max(latest.get(app, ""), name)  # names start with their 4-digit number
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "funeng_version": _funeng_version(),
        "database": {
            "vendor": database.vendor,
            "server_version": snapshot.server_version,
            "member": DUMP_MEMBERS[database.vendor],
            "size": size,
            "sha256": digest,
        },
        "migrations": dict(sorted(latest.items())),
        "applied_migrations": [list(pair) for pair in snapshot.applied_migrations],
        "checksum_algorithm": CHECKSUM_ALGORITHM,
        "tables": {
            name: {"rows": s.rows, "checksum": s.checksum} for name, s in sorted(snapshot.tables.items())
        },
        "media": media,
    }


def _funeng_version() -> str:
    try:
        return metadata.version("funeng")
    except metadata.PackageNotFoundError:
        return "unknown"


def _media_files(root: Path, skipped: list[str]) -> list[tuple[str, Path]]:
    """Every plain file under MEDIA_ROOT with its POSIX path relative to it, in a stable order."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs.sort()
        for name in [d for d in dirs if (here / d).is_symlink()]:
            skipped.append((here / name).relative_to(root).as_posix())
        for name in sorted(files):
            file = here / name
            relative = file.relative_to(root).as_posix()
            if file.is_symlink() or not file.is_file() or not _safe_relative(relative):
                skipped.append(relative)
                continue
            found.append((relative, file))
    return found


def _member_info(name: str, source: Path | None = None) -> zipfile.ZipInfo:
    stamp = dt.datetime.fromtimestamp(source.stat().st_mtime) if source else dt.datetime.now()
    info = zipfile.ZipInfo(name, date_time=max(stamp, dt.datetime(1980, 1, 1)).timetuple()[:6])
    info.external_attr = 0o600 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _add_file(archive: zipfile.ZipFile, source: Path, member: str, *, compress: bool) -> tuple[int, str]:
    """Stream one file into the archive; its size and SHA-256 as written."""
    info = _member_info(member, source)
    # Uploaded PDFs and images, and pg_dump's custom format, are compressed already.
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as handle:
        big = os.fstat(handle.fileno()).st_size >= ZIP64_FROM
        with archive.open(info, "w", force_zip64=big) as out:
            while chunk := handle.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    return size, digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- restore --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Manifest:
    created_at: str
    funeng_version: str
    vendor: str
    server_version: str
    dump_member: str
    applied: set[tuple[str, str]]
    tables: dict[str, TableState]
    members: dict[str, tuple[int, str]]  # member name → size, sha256 (every member but the manifest)


def backup_restore(
    path: Path,
    *,
    media_root: Path | None = None,
    force: bool = False,
    check_only: bool = False,
    progress: Progress | None = None,
) -> RestoreResult:
    """Restore a backup archive into the configured database and MEDIA_ROOT, after checking all of it.

    An empty target only, unless `force`: then everything is replaced. `check_only` checks the
    archive as a restore would and changes nothing.
    """
    from django.conf import settings

    progress = progress or _Quiet()
    path = Path(path)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    database = configured_database()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise BackupError(
            f"{path} is not a complete Funeng backup (truncated, or not a backup archive); nothing was changed."
        ) from None
    with archive:
        manifest = _read_manifest(archive, path)
        _check_compatible(manifest, database, path)
        _check_members(archive, manifest, path)
        if not force and not check_only:
            _refuse_unless_empty(database, media_root)
        with _staging(media_root) as work:
            dump, staged = work / "dump", work / "media"
            _extract_verified(archive, manifest, dump, staged, path, progress)
            database.check_dump(dump, manifest.tables, progress)
            if check_only:
                return RestoreResult(
                    database.vendor,
                    database.describe(),
                    manifest.created_at,
                    manifest.tables,
                    len(manifest.members) - 1,
                    restored=False,
                )
            database.refuse_if_in_use()
            database.load(dump, progress)
            _media_replace(media_root, staged, work, progress)
    found = database.table_states(progress)
    problems = table_differences(manifest.tables, found, extra_allowed=True)
    if problems:
        raise BackupError(
            f"The database was restored but does not match the backup ({problems[0]}"
            f"{'' if len(problems) == 1 else f'; {len(problems) - 1} more'}): restore again, and keep the archive."
        )
    return RestoreResult(
        database.vendor,
        database.describe(),
        manifest.created_at,
        {name: found[name] for name in manifest.tables},
        len(manifest.members) - 1,
        restored=True,
        untouched_tables=sorted(set(found) - set(manifest.tables)),
    )


def _damaged(path: Path, detail: str) -> BackupError:
    return BackupError(f"{path} is damaged ({detail}); nothing was changed.")


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> _Manifest:
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        raise BackupError(
            f"{path} has no {MANIFEST}: it is not a Funeng backup; nothing was changed."
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise _damaged(path, f"{MANIFEST}: {error}") from None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(
                f"{path} is not a Funeng backup (its {MANIFEST} says otherwise); nothing was changed."
            )
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise BackupError(
                f"{path} has archive format {version!r}, this Funeng reads format {FORMAT_VERSION}: "
                f"restore it with the Funeng version that made it ({data.get('funeng_version', 'unknown')})."
            )
        db = data["database"]
        members = {str(db["member"]): (int(db["size"]), str(db["sha256"]))}
        for entry in data["media"]:
            relative = str(entry["path"])
            if not _safe_relative(relative):
                raise ValueError(f"unsafe file path {relative!r}")
            members[MEDIA_PREFIX + relative] = (int(entry["size"]), str(entry["sha256"]))
        if len(members) != 1 + len(data["media"]):
            raise ValueError("a member is listed twice")
        return _Manifest(
            created_at=str(data["created_at"]),
            funeng_version=str(data.get("funeng_version", "unknown")),
            vendor=str(db["vendor"]),
            server_version=str(db["server_version"]),
            dump_member=str(db["member"]),
            applied={(str(app), str(name)) for app, name in data["applied_migrations"]},
            tables={
                str(name): TableState(int(s["rows"]), str(s["checksum"]))
                for name, s in data["tables"].items()
            },
            members=members,
        )
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{MANIFEST} of {path} is malformed ({error}); nothing was changed.") from None


def _safe_relative(name: str) -> bool:
    """A relative POSIX path that stays inside the folder it is extracted to."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return all(part not in ("", ".", "..") for part in parts) and "/".join(parts) == name


def _check_compatible(manifest: _Manifest, database: Database, path: Path) -> None:
    """Same vendor, a server that can take the dump, and the migration state this code expects."""
    if manifest.vendor != database.vendor:
        have = VENDOR_NAMES.get(manifest.vendor, manifest.vendor)
        want = VENDOR_NAMES[database.vendor]
        raise BackupError(
            f"{path} holds a {have} database but DATABASE_URL points to {want}: restoring across "
            f"databases is not supported; restore it into a {have} database. Nothing was changed."
        )
    if database.vendor == "postgresql":
        try:
            source_major = int(manifest.server_version) // 10000
        except ValueError:
            raise BackupError(
                f"{MANIFEST} of {path} is malformed (server version); nothing was changed."
            ) from None
        target_major = server_version_number() // 10000
        if source_major > target_major:
            raise BackupError(
                f"{path} comes from PostgreSQL {source_major} but this server runs {target_major}: "
                f"restore it into PostgreSQL {source_major} or newer. Nothing was changed."
            )
    missing, unknown = _migration_gaps(manifest.applied)
    if unknown:
        raise BackupError(
            f"{path} was made by a newer Funeng ({manifest.funeng_version}): its database has migrations this "
            f"code does not know ({_list(unknown)}). Install that version and restore again. Nothing was changed."
        )
    if missing:
        raise BackupError(
            f"{path} holds an older database schema: migrations {_list(missing)} are not applied in it. "
            f"Restore it with the Funeng version that made it ({manifest.funeng_version}), then upgrade and "
            "run `funeng migrate`. Nothing was changed."
        )


def _migration_gaps(applied: set[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Migrations this code has that the backup lacks, and those the backup has that this code lacks."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    missing = []
    for key in loader.graph.nodes:
        replaces = {tuple(r) for r in getattr(loader.graph.nodes[key], "replaces", [])}
        # A squashed migration counts as applied when everything it replaces is.
        if key not in applied and not (replaces and replaces <= applied):
            missing.append(key)
    unknown = sorted(applied - set(loader.disk_migrations))
    return sorted(missing), unknown


def _list(keys: list[tuple[str, str]]) -> str:
    shown = ", ".join(f"{app}.{name}" for app, name in keys[:3])
    return shown + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")


def _check_members(archive: zipfile.ZipFile, manifest: _Manifest, path: Path) -> None:
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise _damaged(path, "a member appears twice")
    expected = {MANIFEST, *manifest.members}
    if set(names) != expected:
        absent = sorted(expected - set(names))
        if absent:
            raise _damaged(path, f"{len(absent)} member(s) of the manifest are missing, e.g. {absent[0]}")
        raise _damaged(
            path, f"it holds files its manifest does not list, e.g. {sorted(set(names) - expected)[0]}"
        )


def _refuse_unless_empty(database: Database, media_root: Path) -> None:
    tables = database.tables_with_rows()
    files = sum(len(found) for _, _, found in os.walk(media_root)) if media_root.is_dir() else 0
    if not tables and not files:
        return
    held = []
    if tables:
        more = f" and {len(tables) - 3} more" if len(tables) > 3 else ""
        held.append(f"rows in {', '.join(tables[:3])}{more}")
    if files:
        held.append(f"{files} file(s) in {media_root}")
    raise BackupError(
        f"The target is not empty ({'; '.join(held)}): restore into an empty database, "
        "or pass --force to replace everything."
    )


@contextmanager
def _staging(media_root: Path) -> Iterator[Path]:
    """A work folder beside MEDIA_ROOT (same disk: files move in by renaming), removed afterwards."""
    parent = media_root.parent
    where = parent if parent.is_dir() and os.access(parent, os.W_OK) else None
    work = Path(tempfile.mkdtemp(prefix=".funeng-restore-", dir=where))
    keep = False
    try:
        yield work
    except _KeepWork:
        keep = True
        raise
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


class _KeepWork(BackupError):
    """A failure after which the work folder holds files the operator needs."""


def _extract_verified(
    archive: zipfile.ZipFile, manifest: _Manifest, dump: Path, staged: Path, path: Path, progress: Progress
) -> None:
    """Extract every member to the staging folder, proving each against its size and SHA-256."""
    total = sum(size for size, _ in manifest.members.values())
    done = 0
    staged.mkdir()
    for member, (size, expected) in sorted(manifest.members.items()):
        target = dump if member == manifest.dump_member else staged / member[len(MEDIA_PREFIX) :]
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        written = 0
        try:
            with archive.open(member) as source, target.open("xb") as out:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > size:
                        break
                    digest.update(chunk)
                    out.write(chunk)
                    done += len(chunk)
                    progress.update(done, total, "checking the archive")
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise _damaged(path, f"{member}: {error}") from None
        if written != size or digest.hexdigest() != expected:
            raise _damaged(path, f"{member} does not match its checksum in the manifest")


def _media_replace(media_root: Path, staged: Path, work: Path, progress: Progress) -> None:
    """Move what MEDIA_ROOT holds aside and the archive's files in; renames on one disk, so quick."""
    progress.update(0, 1, "putting uploaded files in place")
    replaced = work / "replaced"
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        replaced.mkdir()
        for entry in sorted(media_root.iterdir()):
            shutil.move(str(entry), str(replaced / entry.name))
        for entry in sorted(staged.iterdir()):
            shutil.move(str(entry), str(media_root / entry.name))
    except OSError as error:
        raise _KeepWork(
            f"The database was restored, but the uploaded files could not be put in place ({error}): "
            f"the backup's files are in {staged}, the previous ones in {replaced}; move them into "
            f"{media_root} by hand."
        ) from None
