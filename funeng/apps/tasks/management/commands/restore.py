"""`funeng restore FILE`: check a backup archive completely, then restore the database and uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funeng.apps.core.backup import BackupError, backup_restore
from funeng.apps.tasks.progress import ConsoleProgress


def human_size(size: int) -> str:
    """1,234,567 bytes → '1.2 MB'."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by `funeng backup` into the configured database and MEDIA_ROOT. "
        "Stop the server and the worker first. The whole archive is checked (manifest, the SHA-256 of "
        "every file, the database dump, the migration state of this code) before anything is changed; "
        "afterwards every restored table is compared with the manifest. An empty database only, "
        "unless --force (then everything is replaced)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="an archive written by `funeng backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds data, and the files in MEDIA_ROOT",
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the archive as a restore would; change nothing"
        )

    def handle(
        self, *args: Any, file: Path, force: bool, check: bool, verbosity: int, **options: Any
    ) -> None:
        try:
            with ConsoleProgress("restore", enabled=verbosity > 0 and self.stdout.isatty()) as progress:
                result = backup_restore(file, force=force, check_only=check, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(state.rows for state in result.tables.values())
        if not result.restored:
            self.stdout.write(
                f"{file} is sound (made {result.created_at}): {len(result.tables)} tables, {rows:,} rows, "
                f"{result.media_files} uploaded files; nothing was changed"
            )
            return
        self.stdout.write(f"restored {file} (made {result.created_at}) into the {result.target}")
        self.stdout.write(
            f"  {len(result.tables)} tables, {rows:,} rows: every row count and checksum matches the backup"
        )
        self.stdout.write(f"  uploaded files: {result.media_files}, each matching its SHA-256")
        if result.untouched_tables:
            self.stdout.write(
                f"  left as they were (not in the backup): {', '.join(result.untouched_tables)}"
            )
        if verbosity > 1:
            for name, state in sorted(result.tables.items()):
                self.stdout.write(f"    {name}: {state.rows:,} rows, {state.checksum[:16]} ok")
