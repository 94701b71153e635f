"""Library writes: ingest (or re-ingest) a document in one transaction, edit its metadata; all audited.

A re-ingest whose bytes and metadata equal the current version changes nothing (a double submit
stores nothing twice). A re-ingest that changes a clause marks the rule conditions citing it "to
review", with the reason, until someone re-checks the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from engines.library.extract import extract_measures, extract_targets
from engines.library.ingest import ingest
from engines.library.links import citation_change
from engines.library.manifest import METADATA_FIELDS
from engines.library.model import Document, IngestError, Metadata
from engines.library.structure import split_clauses
from engines.rules.loader import load_programmes
from engines.rules.model import walk
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    Actor,
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.core.db import planner_statistics_refresh
from funeng.apps.library.access import can_manage_region
from funeng.apps.library.models import (
    Clause,
    DocumentVersion,
    LinkStatus,
    Measure,
    PolicyDocument,
    RuleLink,
    Target,
)

# The metadata fields are the manifest's: one list of what describes a document.
AUDITED_FIELDS = ("slug", *METADATA_FIELDS, "provisional", "version")


@dataclass(frozen=True)
class IngestOutcome:
    """What an ingest stored: the document, its counts, and whether anything changed."""

    document: PolicyDocument
    clauses: int
    measures: int
    targets: int
    changed: bool
    links_to_review: int


def _may_manage(actor: Actor, region_code: str) -> bool:
    """The system (None: the command line, the demo loader) manages everything; people by region."""
    return actor is None or can_manage_region(actor, region_code)


def _metadata_of(document: PolicyDocument) -> Metadata:
    return Metadata(
        title=document.title,
        doc_number=document.doc_number,
        issuers=tuple(document.issuers),
        issued_on=document.issued_on,
        level=document.level,
        region_code=document.region_code,
        doc_type=document.doc_type,
        validity=document.validity,
    )


def _parse(raw: bytes, slug: str | None, filename: str, metadata: Metadata | None) -> Document:
    try:
        return ingest(raw, doc_id=slug, filename=filename, metadata=metadata)
    except IngestError as exc:
        name = filename or _("the file")
        # The engine's message is an English msgid; the catalog holds its Chinese.
        message = f"{name}: {_(exc.message)}"
        raise ValidationError({"file": ValidationError(message, code="unreadable")}) from exc


def _rule_links(document: PolicyDocument, parsed: Document, before: Document | None) -> list[RuleLink]:
    """Every rule condition citing a clause of this document, checked against the new text."""
    links = []
    for programme in load_programmes().values():
        for node in walk(programme.conditions):
            citation = node.citation
            key = citation.clause_id
            if not key or key.split("/", 1)[0] != document.slug:
                continue
            reason = citation_change(before, parsed, key, citation.quote)
            links.append(
                RuleLink(
                    document=document,
                    clause_key=key,
                    programme_id=programme.id,
                    node_id=node.id,
                    quote=citation.quote,
                    status=LinkStatus.TO_REVIEW if reason else LinkStatus.CURRENT,
                    reason=reason,
                    checked_version=document.version,
                )
            )
    return links


def _as_engine_document(slug: str, version: DocumentVersion | None) -> Document | None:
    """A stored version as the engine reads it (its clauses split again, as they were when stored)."""
    if version is None:
        return None
    return Document(slug, Metadata(), version.text, split_clauses(slug, version.text))


def _store_structure(document: PolicyDocument, parsed: Document) -> tuple[int, int, int]:
    document.clauses.all().delete()
    document.targets.all().delete()
    document.measures.all().delete()
    clauses = [
        Clause(
            document=document,
            key=c.id,
            parent_key=c.parent or "",
            position=i,
            depth=c.depth,
            label=c.label[:40],
            kind=c.kind,
            heading=c.heading[:300],
            text=c.text,
            start=c.start,
            end=c.end,
        )
        for i, c in enumerate(parsed.clauses)
    ]
    Clause.objects.bulk_create(clauses, batch_size=500)
    measures = extract_measures(parsed)
    measure_rows = Measure.objects.bulk_create(
        [
            Measure(
                document=document,
                position=i,
                no=m.no,
                clause_key=m.clause_id,
                title=m.title[:300],
                units=list(m.units),
            )
            for i, m in enumerate(measures)
        ]
    )
    owner = {t: row for m, row in zip(measures, measure_rows, strict=True) for t in m.targets}
    targets = extract_targets(parsed)
    Target.objects.bulk_create(
        [
            Target(
                document=document,
                measure=owner.get(t),
                position=i,
                clause_key=t.clause_id,
                value=t.value,
                unit=t.unit[:16],
                year=t.year,
                op=t.op,
                what=t.what[:200],
                raw=t.raw[:500],
            )
            for i, t in enumerate(targets)
        ],
        batch_size=500,
    )
    return len(clauses), len(measures), len(targets)


def _check_metadata(metadata: Metadata) -> None:
    errors: dict[str, ValidationError] = {}
    if not metadata.title.strip():
        errors["title"] = ValidationError(
            _("No title was found in the text; give the document a title."), code="required"
        )
    if metadata.region_code and not (len(metadata.region_code) == 6 and metadata.region_code.isdigit()):
        errors["region_code"] = ValidationError(
            _("A region code has six digits (GB/T 2260); leave it empty for a national document."),
            code="invalid",
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def document_ingest(
    *,
    actor: Actor,
    raw: bytes,
    slug: str | None = None,
    filename: str = "",
    metadata: Metadata | None = None,
    provisional: frozenset[str] | None = None,
    source: str = "",
    metadata_exact: bool = False,
) -> IngestOutcome:
    """Parse `raw`, store it as a new document or the next version of `slug`; audited.

    `metadata` fields that are set win over what is detected in the text (with `metadata_exact`,
    `metadata` is used as it is); `actor` None is the system (the command line and the demo loader).
    """
    existing = PolicyDocument.objects.select_for_update().filter(slug=slug).first() if slug else None
    given = metadata or (_metadata_of(existing) if existing else None)
    parsed = _parse(raw, slug, filename, given)
    # Curated metadata (the shipped manifest) is taken as it is: detection would, for example, read
    # a cited document's number as this one's.
    # A new version keeps the document's metadata as it stands (officials may have corrected it).
    exact = metadata_exact or (metadata is None and existing is not None)
    meta = given if exact and given is not None else parsed.metadata
    _check_metadata(meta)
    if not (
        _may_manage(actor, meta.region_code)
        and (existing is None or _may_manage(actor, existing.region_code))
    ):
        raise PermissionDenied
    values = {
        "title": meta.title[:300],
        "doc_number": meta.doc_number[:80],
        "issuers": list(meta.issuers),
        "issued_on": meta.issued_on,
        "level": meta.level,
        "region_code": meta.region_code,
        "doc_type": meta.doc_type,
        "validity": meta.validity,
        "provisional": sorted(provisional or frozenset()),
        "source": source[:300],
    }
    if existing is None:
        existing = PolicyDocument.objects.filter(slug=parsed.id).first()
    if existing is not None:
        current = existing.versions.filter(number=existing.version).first()
        unchanged = all(getattr(existing, k) == v for k, v in values.items())
        if current is not None and current.source_hash == parsed.source_hash and unchanged:
            return IngestOutcome(
                existing,
                existing.clauses.count(),
                existing.measures.count(),
                existing.targets.count(),
                changed=False,
                links_to_review=existing.rule_links.filter(status=LinkStatus.TO_REVIEW).count(),
            )
        before_snapshot = snapshot(existing, AUDITED_FIELDS)
        before = _as_engine_document(existing.slug, current)
        for name, value in values.items():
            setattr(existing, name, value)
        existing.version += 1
        existing.full_clean()
        existing.save()
        document = existing
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=document,
            changes=field_diff(before_snapshot, snapshot(document, AUDITED_FIELDS)),
        )
    else:
        before = None
        document = PolicyDocument(slug=parsed.id, version=1, **values)
        document.full_clean()
        document.save()
        audit_created(actor=actor, obj=document, fields=AUDITED_FIELDS)
    DocumentVersion.objects.create(
        document=document,
        number=document.version,
        text=parsed.text,
        source_hash=parsed.source_hash,
        filename=filename[:200],
        notes=list(parsed.notes),
        ingested_by_id=acting_user_id(actor),
    )
    counts = _store_structure(document, parsed)
    document.rule_links.all().delete()
    links = RuleLink.objects.bulk_create(_rule_links(document, parsed, before))
    planner_statistics_refresh(Clause, Target)
    return IngestOutcome(
        document,
        *counts,
        changed=True,
        links_to_review=sum(1 for link in links if link.status != LinkStatus.CURRENT),
    )


@transaction.atomic
def document_metadata_update(*, actor: Actor, document: PolicyDocument, **fields: Any) -> PolicyDocument:
    """Correct a document's metadata (an official's edit clears the provisional mark of what they set)."""
    region = str(fields.get("region_code", document.region_code))
    if not (_may_manage(actor, document.region_code) and _may_manage(actor, region)):
        raise PermissionDenied
    unknown = set(fields) - set(METADATA_FIELDS)
    if unknown:
        raise TypeError(f"not metadata: {sorted(unknown)}")
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    before = snapshot(document, AUDITED_FIELDS)
    values: dict[str, Any] = {k: tuple(v) if k == "issuers" else v for k, v in fields.items()}
    candidate = replace(_metadata_of(document), **values)
    _check_metadata(candidate)
    changed = [name for name, value in fields.items() if getattr(document, name) != value]
    for name in changed:
        setattr(document, name, fields[name])
    if not changed:
        return document
    document.provisional = [f for f in document.provisional if f not in changed]
    document.full_clean()
    document.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=document,
        changes=field_diff(before, snapshot(document, AUDITED_FIELDS)),
    )
    return document


def rule_link_recheck(*, actor: Actor, link: RuleLink) -> RuleLink:
    """Mark a rule link current again after someone re-read the rule against the changed clause."""
    if not _may_manage(actor, link.document.region_code):
        raise PermissionDenied
    with transaction.atomic():
        before = snapshot(link, ("status", "reason"))
        link.status, link.reason = LinkStatus.CURRENT, ""
        link.save(update_fields=["status", "reason"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=link,
            changes=field_diff(before, snapshot(link, ("status", "reason"))),
        )
    return link
