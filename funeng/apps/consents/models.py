"""Consents (授权): an enterprise lets a financial institution read named data categories until a date."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.consents.const import DataCategory


class FinancialInstitution(models.Model):
    """A bank or other lender that may read enterprise data under consent."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("financial institution")
        verbose_name_plural = _("financial institutions")

    def __str__(self) -> str:
        return self.name


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
