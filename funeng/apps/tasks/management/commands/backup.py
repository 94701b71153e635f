"""`funeng backup FILE`: the database and the uploaded files in one verified archive, while the server runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from funeng.apps.core.backup import BackupError, backup_create
from funeng.apps.tasks.management.commands.restore import human_size
from funeng.apps.tasks.progress import ConsoleProgress


class Command(BaseCommand):
    help = (
        "Write a backup archive (ZIP) of the configured database and every uploaded file under "
        "MEDIA_ROOT, with a manifest of row counts and checksums. SQLite is copied through its online "
        "backup API and PostgreSQL with pg_dump (custom format, the server's major version), so the "
        "server and the worker may keep running. The archive holds every secret of the database: "
        "it is written readable by its owner only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="the archive to write, e.g. var/backups/funeng-2026-01-31.zip"
        )
        parser.add_argument("--force", action="store_true", help="overwrite FILE when it exists")

    def handle(self, *args: Any, file: Path, force: bool, verbosity: int, **options: Any) -> None:
        try:
            with ConsoleProgress("backup", enabled=verbosity > 0 and self.stdout.isatty()) as progress:
                result = backup_create(file, overwrite=force, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(state.rows for state in result.tables.values())
        self.stdout.write(f"backup written: {result.path} ({human_size(result.size)})")
        self.stdout.write(
            f"  {result.vendor} database: {len(result.tables)} tables, {rows:,} rows "
            "(row count and checksum of each in the manifest)"
        )
        self.stdout.write(f"  uploaded files: {result.media_files} ({human_size(result.media_bytes)})")
        if result.skipped:
            self.stderr.write(
                f"  left out {len(result.skipped)} entries of MEDIA_ROOT that are not plain files "
                f"(links, or removed meanwhile), e.g. {result.skipped[0]}"
            )
        if verbosity > 1:
            for name, state in sorted(result.tables.items()):
                self.stdout.write(f"    {name}: {state.rows:,} rows, {state.checksum[:16]}")
