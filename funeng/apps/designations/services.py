"""Designation writes: apply, nominate, decide, exit (动态调整), withdraw; each in one transaction, audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    Actor,
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.core.uploads import FILE_TYPES, display_name, upload_kind, upload_sha256
from funeng.apps.designations.access import can_decide, can_nominate_enterprise, member_enterprise_id
from funeng.apps.designations.const import (
    EVIDENCE_DIR,
    EVIDENCE_MAX_BYTES,
    EVIDENCE_MAX_FILES,
    MAX_SUMMARY,
    MAX_TITLE,
    OPEN_STATUSES,
    EntryStatus,
    Route,
)
from funeng.apps.designations.kinds import KINDS_BY_ID
from funeng.apps.designations.models import DesignationEntry, DesignationEvidence
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching.const import SolutionStatus
from funeng.apps.matching.models import Solution

CREATED_FIELDS = ("kind", "enterprise", "region_code", "route", "status", "title", "summary", "applied_by")
DECISION_FIELDS = ("status", "decided_by", "decided_at", "decision_reason", "valid_from")
EXIT_FIELDS = ("status", "exited_at", "exit_reason")


def _checked_fields(kind: str, title: str, summary: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if kind not in KINDS_BY_ID:
        errors["kind"] = _("Choose one of the designation lists.")
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        errors["title"] = _("Give a short title: what the enterprise did, in a line.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Shorten the title to at most %(limit)s characters.") % {"limit": MAX_TITLE}
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = _("Shorten the summary to at most %(limit)s characters.") % {"limit": MAX_SUMMARY}
    if errors:
        raise ValidationError(errors)
    return title, summary


def _checked_solutions(solutions: Iterable[Solution]) -> list[Solution]:
    chosen = list(solutions)
    if any(s.status != SolutionStatus.PUBLISHED for s in chosen):
        raise ValidationError(
            {"solutions": _("Link published solutions only; a draft or withdrawn solution cannot be cited.")}
        )
    return chosen


def _checked_uploads(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    if len(uploads) > EVIDENCE_MAX_FILES:
        raise ValidationError(
            {
                "evidence_files": _("Attach at most %(limit)s files; combine the rest into one PDF.")
                % {"limit": EVIDENCE_MAX_FILES}
            }
        )
    wrong_type = _(
        "%(name)s is not a PDF, PNG, JPEG or Excel (XLSX) file. The type is read from the file's contents, "
        "so renaming does not help: save or export it as one of these types."
    )
    return [
        (
            upload,
            upload_kind(
                upload,
                allowed=FILE_TYPES,
                max_bytes=EVIDENCE_MAX_BYTES,
                field="evidence_files",
                wrong_type=wrong_type,
            ),
        )
        for upload in uploads
    ]


def _open_entry_error(enterprise: Enterprise, kind: str) -> ValidationError:
    return ValidationError(
        {
            "kind": _(
                "%(enterprise)s already has an application or listing for %(kind)s; open that entry instead of "
                "submitting another."
            )
            % {"enterprise": enterprise.name, "kind": KINDS_BY_ID[kind].name}
        }
    )


def _create(
    *,
    actor: Actor,
    enterprise: Enterprise,
    kind: str,
    title: str,
    summary: str,
    route: str,
    solutions: Iterable[Solution],
    evidence_files: Sequence[UploadedFile],
    now: dt.datetime | None,
) -> DesignationEntry:
    title, summary = _checked_fields(kind, title, summary)
    chosen = _checked_solutions(solutions)
    uploads = _checked_uploads(evidence_files)
    if DesignationEntry.objects.filter(enterprise=enterprise, kind=kind, status__in=OPEN_STATUSES).exists():
        raise _open_entry_error(enterprise, kind)
    entry = DesignationEntry(
        kind=kind,
        enterprise=enterprise,
        region_code=enterprise.region_code,
        route=route,
        status=EntryStatus.APPLIED,
        title=title,
        summary=summary,
        applied_by_id=acting_user_id(actor),
        applied_at=now or timezone.now(),
    )
    entry.full_clean(exclude=["enterprise", "applied_by", "decided_by"])
    try:
        # A savepoint: two posts racing past the check above meet the unique constraint here.
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise _open_entry_error(enterprise, kind) from None
    if chosen:
        entry.solutions.set(chosen)
    stored = _store_evidence(entry, uploads, actor)
    changes: dict[str, Any] = {}
    if chosen:
        changes["solutions"] = [None, sorted(s.pk for s in chosen)]
    if stored:
        changes["evidence"] = [None, [f"{e.name} ({e.kind}, {e.size} B)" for e in stored]]
    audit_created(actor=actor, obj=entry, fields=CREATED_FIELDS)
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=entry, changes=changes)
    return entry


def _store_evidence(
    entry: DesignationEntry, uploads: list[tuple[UploadedFile, str]], actor: Actor
) -> list[DesignationEvidence]:
    stored: list[DesignationEvidence] = []
    try:
        for upload, kind in uploads:
            evidence = DesignationEvidence(
                entry=entry,
                name=display_name(upload.name),
                kind=kind,
                size=upload.size or 0,
                sha256=upload_sha256(upload),
                uploaded_by_id=acting_user_id(actor),
            )
            # A random name with our own extension: the uploader chooses neither the path nor the type.
            evidence.file.save(f"{uuid.uuid4().hex}{FILE_TYPES[kind][1]}", upload, save=False)
            if not evidence.file.name.startswith(f"{EVIDENCE_DIR}/"):
                raise RuntimeError("designation evidence stored outside its folder")
            evidence.save()
            stored.append(evidence)
    except Exception:
        for evidence in stored:
            evidence.file.delete(save=False)
        raise
    return stored


@transaction.atomic
def designation_apply(
    *,
    actor: Actor,
    enterprise: Enterprise,
    kind: str,
    title: str,
    summary: str = "",
    solutions: Iterable[Solution] = (),
    evidence_files: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> DesignationEntry:
    """An enterprise member applies for a list; ValidationError if one is already applied for or listed."""
    if actor is None or member_enterprise_id(actor) != enterprise.pk:
        raise PermissionDenied
    return _create(
        actor=actor,
        enterprise=enterprise,
        kind=kind,
        title=title,
        summary=summary,
        route=Route.APPLICATION,
        solutions=solutions,
        evidence_files=evidence_files,
        now=now,
    )


@transaction.atomic
def designation_nominate(
    *,
    actor: Actor,
    enterprise: Enterprise,
    kind: str,
    title: str,
    summary: str = "",
    solutions: Iterable[Solution] = (),
    evidence_files: Sequence[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> DesignationEntry:
    """An official of the enterprise's region (or an operator) nominates it; the entry then awaits a decision."""
    if actor is None or not can_nominate_enterprise(actor, enterprise):
        raise PermissionDenied
    return _create(
        actor=actor,
        enterprise=enterprise,
        kind=kind,
        title=title,
        summary=summary,
        route=Route.NOMINATION,
        solutions=solutions,
        evidence_files=evidence_files,
        now=now,
    )


def _locked(entry: DesignationEntry) -> DesignationEntry:
    return DesignationEntry.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)


@transaction.atomic
def designation_decide(
    *,
    actor: Actor,
    entry: DesignationEntry,
    approve: bool,
    reason: str = "",
    valid_from: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DesignationEntry:
    """Approve (listed from valid_from, default the decision date) or reject (a reason required) an application."""
    if actor is None or not can_decide(actor, entry):
        raise PermissionDenied
    locked = _locked(entry)
    if locked.status != EntryStatus.APPLIED:
        raise ValidationError(
            _("Only an entry waiting for a decision can be decided; this one is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(
            {"reason": _("Say why the application is not approved; the enterprise reads it.")}
        )
    moment = now or timezone.now()
    before = snapshot(locked, DECISION_FIELDS)
    locked.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
    locked.decided_by_id = acting_user_id(actor)
    locked.decided_at = moment
    locked.decision_reason = reason
    locked.valid_from = (valid_from or timezone.localdate(moment)) if approve else None
    locked.save(update_fields=list(DECISION_FIELDS))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, DECISION_FIELDS)),
    )
    return locked


@transaction.atomic
def designation_exit(
    *, actor: Actor, entry: DesignationEntry, reason: str, exited_at: dt.date
) -> DesignationEntry:
    """Take an approved entry off its list from `exited_at` (动态调整); the reason is kept and shown."""
    if actor is None or not can_decide(actor, entry):
        raise PermissionDenied
    locked = _locked(entry)
    if locked.status != EntryStatus.APPROVED:
        raise ValidationError(
            _("Only a listed (approved) entry can exit its list; this one is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the enterprise leaves the list.")
    if exited_at is None:
        errors["exited_at"] = _("Give the date the enterprise leaves the list.")
    elif locked.valid_from is not None and exited_at <= locked.valid_from:
        errors["exited_at"] = _("The exit date must come after the listing date (%(date)s).") % {
            "date": locked.valid_from.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    before = snapshot(locked, EXIT_FIELDS)
    locked.status = EntryStatus.EXITED
    locked.exited_at = exited_at
    locked.exit_reason = reason
    locked.save(update_fields=list(EXIT_FIELDS))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, EXIT_FIELDS)),
    )
    return locked


@transaction.atomic
def designation_withdraw(*, actor: Actor, entry: DesignationEntry) -> DesignationEntry:
    """The enterprise withdraws its application before it is decided."""
    if actor is None or member_enterprise_id(actor) != entry.enterprise_id:
        raise PermissionDenied
    locked = _locked(entry)
    if locked.status != EntryStatus.APPLIED:
        raise ValidationError(
            _("Only an application waiting for a decision can be withdrawn; this one is %(status)s.")
            % {"status": locked.get_status_display()}
        )
    locked.status = EntryStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": [EntryStatus.APPLIED.value, EntryStatus.WITHDRAWN.value]},
    )
    return locked
