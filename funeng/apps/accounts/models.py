"""Colleague invitations, and claims to act for an enterprise with their documents and claim codes."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.accounts.const import (
    CLAIM_CODE_LENGTH,
    CLAIM_DOCUMENT_DIR,
    CLAIM_REASON_MAX,
    LEGAL_REPRESENTATIVE_MAX,
    ClaimDocumentKind,
    ClaimProof,
    ClaimState,
)
from funeng.apps.core.fields import acting_user_field

# Real tokens are 43 characters; anything much longer is not worth hashing.
_MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    """Hex SHA-256 of an invitation token.

    A fast hash is enough, as for API tokens: the token carries 256 bits of randomness, so it
    cannot be guessed from its hash the way a password could.
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def with_token(self, token: str) -> InvitationQuerySet:
        """The invitation whose link carries this token (found by its hash; empty if none)."""
        if not token or len(token) > _MAX_TOKEN_LENGTH:
            return self.none()
        return self.filter(token_hash=token_hash(token))

    def pending(self, now: datetime | None = None) -> InvitationQuerySet:
        """Invitations that can still be accepted: not used, not revoked, not expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """An enterprise administrator's invitation for a colleague to join the enterprise.

    Only the SHA-256 hash of the token is stored: the link in the email is the only copy, so a
    leaked database does not let anyone join an enterprise.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("enterprise"),
    )
    email = models.EmailField(_("email"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.enterprise.name}"

    def state(self, now: datetime | None = None) -> InvitationState:
        """Where the invitation stands at `now`; a used or revoked one never becomes pending again."""
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationState.EXPIRED
        return InvitationState.PENDING


# --- enterprise claims -------------------------------------------------------------------------


def claim_code_normalized(code: str) -> str:
    """A claim code as typed (any case, with spaces or dashes) in its canonical form."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def claim_code_hash(code: str) -> str:
    """Hex SHA-256 of a normalized claim code; a fast hash suffices for 80 random bits (see const)."""
    return token_hash(claim_code_normalized(code))


class EnterpriseClaim(models.Model):
    """A user's request to act for an enterprise as its administrator, and how it was decided.

    The facts are kept as the claimant entered them, for the reviewing official to compare with
    the registry; `enterprise` is the registry entry with that credit code when there is one
    (an approved claim for an enterprise not in the registry creates it). `region_code` decides
    which officials review the claim: the registry's region when the enterprise is known, else the
    entered one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enterprise_claims",
        verbose_name=_("claimant"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("enterprise"),
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    name = models.CharField(_("enterprise name (as entered)"), max_length=200)
    entered_region_code = models.CharField(_("region code (as entered)"), max_length=6)
    region_code = models.CharField(_("reviewing region"), max_length=6, db_index=True)
    industry_code = models.CharField(_("industry code (as entered)"), max_length=4)
    legal_representative = models.CharField(
        _("legal representative"), max_length=LEGAL_REPRESENTATIVE_MAX, blank=True
    )
    proof = models.CharField(_("proof of authority"), max_length=16, choices=ClaimProof.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ClaimState.choices, default=ClaimState.PENDING, db_index=True
    )
    reason = models.TextField(_("reason"), max_length=CLAIM_REASON_MAX, blank=True)
    verifier_reference = models.CharField(_("verification reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = acting_user_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise claim")
        verbose_name_plural = _("enterprise claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One claim at a time: a second one would race the first for the one membership.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(state="pending"), name="one_pending_claim_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code}) ← {self.user}"


class ClaimDocument(models.Model):
    """A business licence or authorisation letter backing a claim; served only to its reviewers."""

    claim = models.ForeignKey(
        EnterpriseClaim, on_delete=models.CASCADE, related_name="documents", verbose_name=_("claim")
    )
    kind = models.CharField(_("document"), max_length=16, choices=ClaimDocumentKind.choices)
    file = models.FileField(_("file"), upload_to=f"{CLAIM_DOCUMENT_DIR}/", max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ["claim_id", "id"]

    def __str__(self) -> str:
        return self.original_name


class ClaimCodeQuerySet(models.QuerySet["ClaimCode"]):
    def live(self, now: datetime | None = None) -> ClaimCodeQuerySet:
        """Codes that can still be used: not used, not revoked, not expired."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )

    def with_code(self, code: str) -> ClaimCodeQuerySet:
        """The code typed by a claimant (found by its hash; empty if none)."""
        normalized = claim_code_normalized(code)
        if len(normalized) != CLAIM_CODE_LENGTH:
            return self.none()
        return self.filter(code_hash=claim_code_hash(normalized))


class ClaimCode(models.Model):
    """A one-time code that makes whoever registers with it the enterprise's administrator.

    The promotion centre sends it through its own channel (a printed letter, the contact on
    record), so using it proves access to that channel. Only the hash is stored: the letter is
    the only copy. Issuing a new code revokes the live one.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="claim_codes",
        verbose_name=_("enterprise"),
    )
    code_hash = models.CharField(_("code hash"), max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by_claim = models.ForeignKey(
        EnterpriseClaim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("used by claim"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ClaimCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim code")
        verbose_name_plural = _("claim codes")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_live_claim_code_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.issued_at:%Y-%m-%d})"
