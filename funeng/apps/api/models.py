"""Personal access tokens: bearer secrets for the REST API, stored only as a SHA-256 hash."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A recognisable prefix lets secret scanners (and people) tell a Funeng token from other secrets.
TOKEN_PREFIX = "fn_"
# Characters of the secret shown in lists so a person can tell tokens apart; never enough to use one.
DISPLAY_LENGTH = len(TOKEN_PREFIX) + 8


def secret_hash(secret: str) -> str:
    """Hex SHA-256 of a token secret.

    A plain fast hash is enough: the secret carries 256 bits of randomness, so it cannot be
    guessed from its hash, unlike a password; a slow hash would only slow every API call.
    """
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class PersonalAccessToken(models.Model):
    """A named API token of one user; the secret is shown once at creation and never stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("token prefix"), max_length=16)
    secret_hash = models.CharField(_("secret hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime) -> bool:
        """Not revoked and not expired at `now`."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at
