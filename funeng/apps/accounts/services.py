"""Account writes: users, enterprise claims and self-registration, claim codes, colleague invitations.

Each service validates everything before it writes, runs in one transaction and writes an audit
row for every object it creates or changes. Callers check access first; services that change
someone else's data check it again, so a forgotten check in a view cannot grant anything.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from funeng.apps.accounts.access import can_submit_claim, claims_visible_to
from funeng.apps.accounts.const import (
    CLAIM_CODE_ALPHABET,
    CLAIM_CODE_LENGTH,
    CLAIM_CODE_LIFETIME,
    CLAIM_DOCUMENT_DIR,
    CLAIM_DOCUMENT_KINDS,
    CLAIM_DOCUMENT_MAX_BYTES,
    CLAIM_REASON_MAX,
    LEGAL_REPRESENTATIVE_MAX,
    MISSING_CLAIM_CODE,
    MISSING_DOCUMENT,
    MISSING_LEGAL_REPRESENTATIVE,
    ClaimDecision,
    ClaimDocumentKind,
    ClaimProof,
    ClaimState,
)
from funeng.apps.accounts.models import (
    ClaimCode,
    ClaimDocument,
    EnterpriseClaim,
    Invitation,
    InvitationState,
    claim_code_hash,
    claim_code_normalized,
    token_hash,
)
from funeng.apps.accounts.verifiers import Verdict, claim_verifier
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.core.uploads import FILE_TYPES, display_name, sniff_kind, upload_kind, upload_sha256
from funeng.apps.core.validators import county_region_problem
from funeng.apps.enterprises.access import can_manage_enterprise_claims
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create

if TYPE_CHECKING:
    # The project keeps Django's default user model (AUTH_USER_MODEL is not swapped).
    from django.contrib.auth.models import User

INVITATION_LIFETIME = dt.timedelta(days=7)
# The claim's own fields in its audit rows; the legal representative's name stays out of the log.
CLAIM_CREATED_FIELDS = (
    "enterprise",
    "credit_code",
    "name",
    "entered_region_code",
    "region_code",
    "industry_code",
    "proof",
    "state",
)
CLAIM_DECISION_FIELDS = ["enterprise", "state", "reason", "decided_by", "decided_at"]

Errors = dict[str, list[Any]]


class InvitationUnusable(Exception):
    """The invitation link cannot be used: unknown, expired, revoked or already used."""

    def __init__(self, state: InvitationState | None) -> None:
        super().__init__(state or "unknown")
        self.state = state


# --- helpers ---------------------------------------------------------------------------------


def add_error(errors: Errors, field: str, message: Any) -> None:
    errors.setdefault(field, []).append(message)


def merge_errors(errors: Errors, exc: ValidationError) -> None:
    """Add a model's ValidationError to `errors` (field → messages)."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, messages in by_field.items():
        errors.setdefault(field, []).extend(messages)


def new_user_errors(*, username: str, email: str, password: str) -> tuple[User, Errors]:
    """An unsaved user with a hashed password, and what is wrong with it (field → messages)."""
    user_model = get_user_model()
    user = user_model(username=username, email=BaseUserManager.normalize_email(email))
    errors: Errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        merge_errors(errors, exc)
    if not user.email:
        add_error(
            errors, "email", _("Enter an email address; password resets and invitations are sent there.")
        )
    # Usernames that differ only in case look the same to people; refuse the look-alike too.
    if (
        username
        and user_model.objects.filter(username__iexact=username).exists()
        and "username" not in errors
    ):
        add_error(errors, "username", _("This username is taken; choose another."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    user.set_password(password)
    return user, errors


def user_create(user: User) -> None:
    """Save a validated new user and audit it as its own act (self-service sign-up)."""
    user.save()
    audit_record(
        actor=user, action=AuditAction.CREATE, obj=user, changes={"username": [None, user.get_username()]}
    )


def membership_create(*, actor: User, user: User, **fields: Any) -> Membership:
    membership = Membership(user=user, **fields)
    membership.full_clean()
    membership.save()
    changes = {
        "role": [None, membership.role],
        **{key: [None, getattr(value, "pk", value)] for key, value in fields.items() if key != "role"},
    }
    audit_record(actor=actor, action=AuditAction.CREATE, obj=membership, changes=changes)
    return membership


def raise_errors(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


# --- enterprise claims and self-registration ---------------------------------------------------

# One message for every code that does not open this enterprise (unknown, for another
# enterprise, used, revoked, expired): a guesser learns nothing about which codes or credit
# codes exist.
WRONG_CLAIM_CODE = _lazy(
    "This claim code does not work with this credit code. Check both against the letter from the "
    "promotion centre; if they match and it still fails, ask the centre for a new code."
)


@dataclass(frozen=True)
class ClaimRequest:
    """What a claimant enters: the enterprise as on its business licence, and the proof of authority."""

    credit_code: str
    name: str
    region_code: str
    industry_code: str
    proof: str
    legal_representative: str = ""
    claim_code: str = ""
    licence: UploadedFile | None = None
    authorisation: UploadedFile | None = None

    def normalized(self) -> ClaimRequest:
        return replace(
            self,
            credit_code=self.credit_code.strip().upper(),
            name=self.name.strip(),
            region_code=self.region_code.strip(),
            industry_code=self.industry_code.strip(),
            legal_representative=self.legal_representative.strip(),
        )


def _claim_document_problem(upload: UploadedFile | None, field: str, errors: Errors) -> None:
    if upload is None:
        add_error(errors, field, MISSING_DOCUMENT)
        return
    try:
        upload_kind(
            upload,
            allowed=CLAIM_DOCUMENT_KINDS,
            max_bytes=CLAIM_DOCUMENT_MAX_BYTES,
            field=field,
            wrong_type=_(
                "%(name)s is not a PDF, PNG or JPEG file. The type is read from the file's contents, "
                "so renaming does not help: scan or save the document as one of these types."
            ),
        )
    except ValidationError as exc:
        merge_errors(errors, exc)


def claim_request_errors(request: ClaimRequest, *, now: dt.datetime) -> Errors:
    """What is wrong with a claim (field → messages); reads only.

    Every check runs whether or not the credit code is in the registry or already claimed, so
    the answer is the same in every case: those facts go to the reviewing official, not to the
    claimant.
    """
    errors: Errors = {}
    candidate = Enterprise(
        credit_code=request.credit_code,
        name=request.name,
        region_code=request.region_code,
        industry_code=request.industry_code,
    )
    try:
        candidate.full_clean(validate_unique=False)
    except ValidationError as exc:
        merge_errors(errors, exc)
    if "region_code" not in errors:
        problem = county_region_problem(request.region_code)
        if problem:
            add_error(errors, "region_code", problem)
    if len(request.legal_representative) > LEGAL_REPRESENTATIVE_MAX:
        add_error(
            errors,
            "legal_representative",
            _("Keep the name to %(max)d characters.") % {"max": LEGAL_REPRESENTATIVE_MAX},
        )
    if request.proof == ClaimProof.CLAIM_CODE:
        if not request.claim_code.strip():
            add_error(errors, "claim_code", MISSING_CLAIM_CODE)
        elif not _live_claim_code(request, now=now).exists():
            add_error(errors, "claim_code", WRONG_CLAIM_CODE)
    elif request.proof == ClaimProof.DOCUMENTS:
        if not request.legal_representative:
            add_error(errors, "legal_representative", MISSING_LEGAL_REPRESENTATIVE)
        _claim_document_problem(request.licence, "licence", errors)
        _claim_document_problem(request.authorisation, "authorisation", errors)
    elif request.proof == ClaimProof.VERIFIER and claim_verifier() is not None:
        if not request.legal_representative:
            add_error(errors, "legal_representative", MISSING_LEGAL_REPRESENTATIVE)
    else:
        add_error(errors, "proof", _("Choose how you prove that you act for the enterprise."))
    return errors


def _live_claim_code(request: ClaimRequest, *, now: dt.datetime) -> QuerySet[ClaimCode]:
    return (
        ClaimCode.objects.live(now)
        .with_code(request.claim_code)
        .filter(enterprise__credit_code=request.credit_code)
    )


def claim_verdict(request: ClaimRequest, *, email: str) -> Verdict | None:
    """Ask the configured online verifier about a claim (None unless the claim chose it).

    Called before the claim's transaction opens: an online check may take seconds, and SQLite
    holds its write lock for the whole of a write transaction.
    """
    verifier = claim_verifier() if request.proof == ClaimProof.VERIFIER else None
    if verifier is None:
        return None
    return verifier.verify(
        credit_code=request.credit_code,
        name=request.name,
        legal_representative=request.legal_representative,
        claimant_email=email,
    )


def _claim_document_store(claim: EnterpriseClaim, kind: str, upload: UploadedFile) -> ClaimDocument:
    file_type = sniff_kind(upload, CLAIM_DOCUMENT_KINDS)
    assert file_type is not None  # checked by claim_request_errors
    document = ClaimDocument(
        claim=claim,
        kind=kind,
        original_name=display_name(upload.name),
        file_type=file_type,
        size=upload.size or 0,
        sha256=upload_sha256(upload),
    )
    # A random name with our own extension: the uploader chooses neither the path nor the type.
    document.file.save(f"{uuid.uuid4().hex}{FILE_TYPES[file_type][1]}", upload, save=False)
    if not document.file.name.startswith(f"{CLAIM_DOCUMENT_DIR}/"):
        raise RuntimeError("claim document stored outside its folder")
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def _claim_approve(
    claim: EnterpriseClaim, *, acting_user: User, reason: str, now: dt.datetime, reference: str = ""
) -> EnterpriseClaim:
    """Make the claimant the enterprise's administrator (creating the enterprise if it is new)."""
    user = claim.user
    if not user.is_active:
        raise ValidationError(_("The claimant's account is deactivated; reject the claim instead."))
    if Membership.objects.filter(user=user).exists():
        raise ValidationError(_("The claimant's account already has a role; reject the claim instead."))
    enterprise = Enterprise.objects.select_for_update().filter(credit_code=claim.credit_code).first()
    if enterprise is None:
        enterprise = enterprise_create(
            acting_user=acting_user,
            credit_code=claim.credit_code,
            name=claim.name,
            region_code=claim.entered_region_code,
            industry_code=claim.industry_code,
        )
    before = snapshot(claim, CLAIM_DECISION_FIELDS)
    claim.enterprise = enterprise
    claim.state = ClaimState.APPROVED
    claim.reason = reason
    claim.verifier_reference = reference
    claim.decided_by_id = acting_user_id(acting_user) if claim.proof == ClaimProof.DOCUMENTS else None
    claim.decided_at = now
    claim.save(update_fields=[*CLAIM_DECISION_FIELDS, "verifier_reference"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=claim,
        changes=field_diff(before, snapshot(claim, CLAIM_DECISION_FIELDS)),
    )
    membership_create(
        actor=acting_user, user=user, role=Role.ENTERPRISE, enterprise=enterprise, is_enterprise_admin=True
    )
    return claim


def _claim_reject(
    claim: EnterpriseClaim, *, acting_user: User, reason: str, now: dt.datetime
) -> EnterpriseClaim:
    before = snapshot(claim, CLAIM_DECISION_FIELDS)
    claim.state = ClaimState.REJECTED
    claim.reason = reason
    claim.decided_by_id = acting_user_id(acting_user) if claim.proof == ClaimProof.DOCUMENTS else None
    claim.decided_at = now
    claim.save(update_fields=CLAIM_DECISION_FIELDS)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=claim,
        changes=field_diff(before, snapshot(claim, CLAIM_DECISION_FIELDS)),
    )
    return claim


def _claim_create(
    *, user: User, request: ClaimRequest, verdict: Verdict | None, now: dt.datetime
) -> EnterpriseClaim:
    """Store a checked claim and settle it at once where its proof allows (a code, the verifier)."""
    code = None
    if request.proof == ClaimProof.CLAIM_CODE:
        # Locked and read again: of two people typing the same code at once, one gets it.
        code = _live_claim_code(request, now=now).select_for_update().first()
        if code is None:
            raise ValidationError({"claim_code": [WRONG_CLAIM_CODE]})
    registered = Enterprise.objects.filter(credit_code=request.credit_code).first()
    claim = EnterpriseClaim(
        user=user,
        enterprise=registered,
        credit_code=request.credit_code,
        name=request.name,
        entered_region_code=request.region_code,
        # The registry's region decides who reviews: a claimant cannot pick their reviewer.
        region_code=registered.region_code if registered is not None else request.region_code,
        industry_code=request.industry_code,
        legal_representative=request.legal_representative,
        proof=request.proof,
    )
    claim.save()
    documents = []
    if request.proof == ClaimProof.DOCUMENTS:
        assert request.licence is not None and request.authorisation is not None
        documents = [
            _claim_document_store(claim, ClaimDocumentKind.LICENCE, request.licence),
            _claim_document_store(claim, ClaimDocumentKind.AUTHORISATION, request.authorisation),
        ]
    changes = field_diff({}, snapshot(claim, CLAIM_CREATED_FIELDS))
    if documents:
        changes["documents"] = [
            None,
            [f"{d.get_kind_display()}: {d.original_name} ({d.file_type}, {d.size} B)" for d in documents],
        ]
    audit_record(actor=user, action=AuditAction.CREATE, obj=claim, changes=changes)
    if code is not None:
        code.used_at = now
        code.used_by_claim = claim
        code.save(update_fields=["used_at", "used_by_claim"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=code,
            changes={"used_at": [None, now.isoformat()], "used_by_claim": [None, claim.pk]},
        )
        return _claim_approve(claim, acting_user=user, reason="", now=now)
    if verdict is not None:
        reason = verdict.reason[:CLAIM_REASON_MAX]
        if verdict.approved:
            return _claim_approve(
                claim, acting_user=user, reason=reason, now=now, reference=verdict.reference
            )
        claim.verifier_reference = verdict.reference[:200]
        claim.save(update_fields=["verifier_reference"])
        return _claim_reject(claim, acting_user=user, reason=reason, now=now)
    return claim


def enterprise_register(
    *,
    claim: ClaimRequest,
    email: str,
    username: str,
    password: str,
    now: dt.datetime | None = None,
) -> tuple[User, EnterpriseClaim]:
    """Sign up, claiming to act for an enterprise; the account gets the enterprise only once the claim is approved.

    A valid claim code or an approving online verifier settle the claim at once; documents wait
    for an official of the enterprise's region. Until then the account has no role and sees
    no enterprise data. The answer never says whether the credit code is in the registry or
    already claimed.

    Not one transaction from the start: the online verifier is asked first, outside any
    transaction (see claim_verdict); everything is written in one transaction after it.
    """
    now = now or timezone.now()
    claim = claim.normalized()
    errors = claim_request_errors(claim, now=now)
    user, user_errors = new_user_errors(username=username, email=email, password=password)
    for field, messages in user_errors.items():
        errors.setdefault(field, []).extend(messages)
    raise_errors(errors)
    verdict = claim_verdict(claim, email=user.email)
    with transaction.atomic():
        user_create(user)
        created = _claim_create(user=user, request=claim, verdict=verdict, now=now)
    return user, created


def enterprise_claim_submit(
    *, user: User, claim: ClaimRequest, now: dt.datetime | None = None
) -> EnterpriseClaim:
    """A signed-in account without a role claims an enterprise (after a rejection, or with a new code).

    Like enterprise_register, the online verifier is asked before the transaction opens.
    """
    now = now or timezone.now()
    if not can_submit_claim(user):
        raise PermissionDenied
    claim = claim.normalized()
    raise_errors(claim_request_errors(claim, now=now))
    verdict = claim_verdict(claim, email=user.email)
    with transaction.atomic():
        # Locked: two claims posted at once from one account must not both be stored.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if not can_submit_claim(user):
            raise ValidationError(_("You already have a claim waiting for review."))
        return _claim_create(user=user, request=claim, verdict=verdict, now=now)


@transaction.atomic
def enterprise_claim_decide(
    *, claim: EnterpriseClaim, decision: str, reason: str, acting_user: User, now: dt.datetime | None = None
) -> EnterpriseClaim:
    """An official approves (the claimant becomes the enterprise's administrator) or rejects a claim; audited."""
    now = now or timezone.now()
    if not claims_visible_to(acting_user).filter(pk=claim.pk).exists():
        raise PermissionDenied
    claim = EnterpriseClaim.objects.select_for_update().select_related("user").get(pk=claim.pk)
    reason = (reason or "").strip()
    errors: Errors = {}
    if claim.state != ClaimState.PENDING:
        add_error(
            errors,
            "decision",
            _("This claim was already decided (%(state)s).") % {"state": claim.get_state_display()},
        )
    if decision not in ClaimDecision.values:
        add_error(errors, "decision", _("Choose approve or reject."))
    if not reason:
        add_error(errors, "reason", _("Give a reason: the claimant reads it and the audit log keeps it."))
    elif len(reason) > CLAIM_REASON_MAX:
        add_error(
            errors,
            "reason",
            _("Keep the reason to %(max)d characters (it has %(length)d).")
            % {"max": CLAIM_REASON_MAX, "length": len(reason)},
        )
    raise_errors(errors)
    if decision == ClaimDecision.APPROVE:
        return _claim_approve(claim, acting_user=acting_user, reason=reason, now=now)
    return _claim_reject(claim, acting_user=acting_user, reason=reason, now=now)


def _new_claim_code() -> str:
    return "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))


def claim_code_display(code: str) -> str:
    """A claim code in groups of four, as printed in the letter."""
    normalized = claim_code_normalized(code)
    return "-".join(normalized[i : i + 4] for i in range(0, len(normalized), 4))


@transaction.atomic
def claim_code_issue(
    *, enterprise: Enterprise, acting_user: User, now: dt.datetime | None = None
) -> tuple[ClaimCode, str]:
    """Issue a one-time claim code for an enterprise, revoking its live one; return it and the code.

    The code itself is returned once, for the letter, and never stored (only its hash).
    """
    if not can_manage_enterprise_claims(acting_user, enterprise):
        raise PermissionDenied
    now = now or timezone.now()
    for earlier in ClaimCode.objects.select_for_update().filter(
        enterprise=enterprise, used_at__isnull=True, revoked_at__isnull=True
    ):
        earlier.revoked_at = now
        earlier.save(update_fields=["revoked_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=earlier,
            changes={"revoked_at": [None, now.isoformat()]},
        )
    code = _new_claim_code()
    issued = ClaimCode.objects.create(
        enterprise=enterprise,
        code_hash=claim_code_hash(code),
        issued_by=acting_user,
        issued_at=now,
        expires_at=now + CLAIM_CODE_LIFETIME,
    )
    audit_created(
        actor=acting_user, obj=issued, fields=["enterprise", "issued_by", "issued_at", "expires_at"]
    )
    return issued, code


# --- colleague invitations -------------------------------------------------------------------


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "days": INVITATION_LIFETIME.days}
    subject = render_to_string("accounts/email/invitation_subject.txt", context)
    body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@transaction.atomic
def invitation_create(
    *,
    enterprise: Enterprise,
    email: str,
    invited_by: User,
    build_link: Callable[[str], str],
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite a colleague by email; return the invitation and its link, which is never stored.

    The email goes out after the commit, so a rolled-back invitation sends nothing.
    """
    now = now or timezone.now()
    email = BaseUserManager.normalize_email(email.strip())
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        enterprise=enterprise,
        email=email,
        token_hash=token_hash(token),
        invited_by=invited_by,
        expires_at=now + INVITATION_LIFETIME,
    )
    errors: Errors = {}
    try:
        invitation.full_clean()
    except ValidationError as exc:
        merge_errors(errors, exc)
    if Membership.objects.filter(enterprise=enterprise, user__email__iexact=email).exists():
        add_error(errors, "email", _("A member of your enterprise already uses this email address."))
    elif Invitation.objects.pending(now).filter(enterprise=enterprise, email__iexact=email).exists():
        add_error(
            errors,
            "email",
            _("This address already has a pending invitation; revoke it first to send a new one."),
        )
    raise_errors(errors)
    invitation.save()
    audit_record(
        actor=invited_by,
        action=AuditAction.CREATE,
        obj=invitation,
        changes={"email": [None, email], "expires_at": [None, invitation.expires_at.isoformat()]},
    )
    link = build_link(token)
    transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return invitation, link


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, acting_user: AbstractBaseUser, now: dt.datetime | None = None
) -> Invitation:
    """Make an unused invitation's link stop working; revoking twice records nothing."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        return invitation
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation has already been accepted; remove the colleague instead."), code="accepted"
        )
    invitation.revoked_at = now or timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=invitation,
        changes={"revoked_at": [None, invitation.revoked_at.isoformat()]},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, now: dt.datetime | None = None) -> User:
    """Create the invited colleague's account as a (non-admin) member of the inviting enterprise."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().with_token(token).select_related("enterprise").first()
    if invitation is None:
        raise InvitationUnusable(None)
    state = invitation.state(now)
    if state != InvitationState.PENDING:
        raise InvitationUnusable(state)
    user, errors = new_user_errors(username=username, email=invitation.email, password=password)
    raise_errors(errors)
    user_create(user)
    membership_create(
        actor=user,
        user=user,
        role=Role.ENTERPRISE,
        enterprise=invitation.enterprise,
        is_enterprise_admin=False,
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=invitation,
        changes={"accepted_at": [None, now.isoformat()], "accepted_by": [None, user.pk]},
    )
    return user


@transaction.atomic
def colleague_remove(*, membership: Membership, acting_user: AbstractBaseUser) -> None:
    """Take a colleague out of the enterprise: the membership goes and the account is deactivated.

    The account existed only for this enterprise; deactivating it also stops its API tokens.
    Administrators are not removed here (an enterprise must keep one): operators change them.
    """
    if membership.user_id == acting_user.pk:
        raise ValidationError(_("You cannot remove yourself."), code="self")
    if membership.is_enterprise_admin:
        raise ValidationError(
            _("Enterprise administrators are changed by the platform operator."), code="admin"
        )
    user = membership.user
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        obj=membership,
        changes={
            "role": [membership.role, None],
            "enterprise": [membership.enterprise_id, None],
            "is_enterprise_admin": [membership.is_enterprise_admin, None],
        },
    )
    membership.delete()
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=acting_user, action=AuditAction.UPDATE, obj=user, changes={"is_active": [True, False]}
        )
