"""`funeng library_ingest FILE [--id ID] [--json]`: store a policy text (TXT, HTML, DOCX) in the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from funeng.apps.enterprises.management.commands._cli import fail_usage
from funeng.apps.library.content import manifest_entry
from funeng.apps.library.management.commands._library_cli import fail_validation
from funeng.apps.library.services import document_ingest


class Command(BaseCommand):
    help = "Ingest a policy document; re-ingesting the same id stores its next version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="TXT, HTML or DOCX file")
        parser.add_argument(
            "--id", dest="slug", default=None, help="document id (default: from the text's hash)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            fail_usage(f"{path}: {exc.strerror or exc}")
        slug = options["slug"]
        entry = manifest_entry(slug) if slug else None
        try:
            outcome = document_ingest(
                actor=None,
                raw=raw,
                slug=slug,
                filename=path.name,
                metadata=entry.metadata if entry else None,
                provisional=entry.provisional if entry else None,
                source=entry.source if entry else path.name,
                metadata_exact=entry is not None,
            )
        except ValidationError as exc:
            fail_validation(exc)
        document = outcome.document
        payload = {
            "id": document.slug,
            "title": document.title,
            "version": document.version,
            "changed": outcome.changed,
            "clauses": outcome.clauses,
            "measures": outcome.measures,
            "targets": outcome.targets,
            "rule_links_to_review": outcome.links_to_review,
        }
        if options["json"]:
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            state = "stored" if outcome.changed else "unchanged"
            sys.stdout.write(
                f"{document.slug} v{document.version} {state}: {document.title} — {outcome.clauses} clauses, "
                f"{outcome.measures} measures, {outcome.targets} targets\n"
            )
