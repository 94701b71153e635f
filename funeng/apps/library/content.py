"""The library's own content: the seed documents listed in engines/library/content/manifest.yaml."""

from __future__ import annotations

from functools import cache

from engines.library.manifest import ManifestEntry, load_manifest
from funeng.apps.audit.services import Actor
from funeng.apps.library.services import IngestOutcome, document_ingest


@cache
def _entries() -> dict[str, ManifestEntry]:
    return {entry.id: entry for entry in load_manifest() if not entry.editorial}


def manifest_entry(slug: str) -> ManifestEntry | None:
    """The manifest's entry for a document id, when the document is part of the library's content."""
    return _entries().get(slug)


def library_load_seeds(*, actor: Actor = None) -> list[IngestOutcome]:
    """Ingest every seed document with its manifest metadata; unchanged ones are left as they are."""
    outcomes = []
    for entry in _entries().values():
        assert entry.text_path is not None
        outcomes.append(
            document_ingest(
                actor=actor,
                raw=entry.text_path.read_bytes(),
                slug=entry.id,
                filename=entry.text_path.name,
                metadata=entry.metadata,
                provisional=entry.provisional,
                source=entry.source,
                metadata_exact=True,
            )
        )
    return outcomes
