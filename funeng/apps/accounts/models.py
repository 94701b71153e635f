"""Tenants and roles: who a user acts for (an enterprise, a provider, a bank, a region)."""

from __future__ import annotations

import hashlib
import operator
from datetime import date, datetime
from functools import reduce

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.accounts.const import DataCategory, Role, VettingState
from funeng.apps.enterprises.validators import validate_region_code


class Provider(models.Model):
    """A digital service provider (服务商); it serves only once an official approves it."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region_code = models.CharField(_("region code"), max_length=6, validators=[validate_region_code])
    vetting_state = models.CharField(
        _("vetting state"), max_length=16, choices=VettingState.choices, default=VettingState.APPLIED
    )
    vetting_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return self.name


class FinancialInstitution(models.Model):
    """A bank or other lender that may read enterprise data under consent."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("financial institution")
        verbose_name_plural = _("financial institutions")

    def __str__(self) -> str:
        return self.name


# Each role is bound to exactly its own kind of tenant; officials to a region instead.
TENANT_OF_ROLE = {
    Role.ENTERPRISE: "enterprise",
    Role.PROVIDER: "provider",
    Role.BANK: "institution",
    Role.OFFICIAL: "region_code",
    Role.ADMIN: None,
}


def _bound_only_to(role: str, tenant: str | None) -> models.Q:
    condition = models.Q(role=role)
    for field in ("enterprise", "provider", "institution"):
        condition &= models.Q(**{f"{field}__isnull": field != tenant})
    region_set = ~models.Q(region_code="")
    return condition & (region_set if tenant == "region_code" else ~region_set)


class Membership(models.Model):
    """The one role a user holds and the tenant it is bound to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("enterprise"),
    )
    is_enterprise_admin = models.BooleanField(_("enterprise administrator"), default=False)
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("service provider"),
    )
    institution = models.ForeignKey(
        FinancialInstitution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("financial institution"),
    )
    region_code = models.CharField(
        _("region code"),
        max_length=6,
        blank=True,
        validators=[validate_region_code],
        help_text=_("For officials: the province or prefecture they serve"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_tenant_matches_role",
                condition=reduce(
                    operator.or_, (_bound_only_to(role, field) for role, field in TENANT_OF_ROLE.items())
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self, today: date | None = None) -> ConsentQuerySet:
        """Consents in force: not revoked and valid through `today` (inclusive, Asia/Shanghai date)."""
        return self.filter(revoked_at__isnull=True, valid_until__gte=today or timezone.localdate())


class Consent(models.Model):
    """An enterprise's grant (授权) to a financial institution to read named data until a date."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("enterprise"),
    )
    institution = models.ForeignKey(
        FinancialInstitution,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("financial institution"),
    )
    categories = models.JSONField(_("data categories"), default=list)
    valid_until = models.DateField(_("valid until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.institution}"

    @property
    def category_labels(self) -> list[str]:
        """The shared data categories' translated names, in the order of DataCategory."""
        return [str(label) for value, label in DataCategory.choices if value in self.categories]

    def is_active(self, today: date | None = None) -> bool:
        """In force: not revoked and valid through `today` (inclusive)."""
        return self.revoked_at is None and self.valid_until >= (today or timezone.localdate())


class ConsentRead(models.Model):
    """One read of consented data by the grantee, shown to the enterprise."""

    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="reads", verbose_name=_("consent")
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reader")
    )
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)
    categories = models.JSONField(_("data categories"), default=list)
    channel = models.CharField(_("channel"), max_length=16)  # web | api | export

    class Meta:
        verbose_name = _("consented read")
        verbose_name_plural = _("consented reads")
        ordering = ["-read_at"]

    def __str__(self) -> str:
        return f"{self.reader} read {self.consent} at {self.read_at:%Y-%m-%d %H:%M}"


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
