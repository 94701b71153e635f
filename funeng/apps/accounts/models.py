"""Colleague invitations: an enterprise administrator invites a colleague by email."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
