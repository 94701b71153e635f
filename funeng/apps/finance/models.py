"""Credit evidence of an enterprise's digital footprint: monthly cloud bills and digital investments.

Every record carries its provenance (who vouches for it). Amounts are in yuan (CNY) only: bills in
other currencies are refused on import, never converted.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.fields import acting_user_field
from funeng.apps.core.money import money_model_field
from funeng.apps.finance.const import (
    EVIDENCE_DIR,
    MAX_INVESTMENT_CNY,
    MAX_MONTHLY_CLOUD_BILL_CNY,
    InvestmentCategory,
    Provenance,
    ServiceCategory,
)


class CloudUsageRecord(models.Model):
    """One month of one cloud service category an enterprise bought from one cloud provider."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="cloud_usage",
        verbose_name=_("enterprise"),
    )
    provider_name = models.CharField(_("cloud provider"), max_length=200)
    # Set when a provider registered on the platform reported the bill itself.
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cloud_usage_reported",
        verbose_name=_("reporting provider"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the billed month"))
    service_category = models.CharField(_("service category"), max_length=32, choices=ServiceCategory.choices)
    amount_cny = money_model_field(
        _("amount (CNY)"), max_digits=14, max_value=int(MAX_MONTHLY_CLOUD_BILL_CNY)
    )
    usage_quantity = models.DecimalField(
        _("usage quantity"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    usage_unit = models.CharField(_("usage unit"), max_length=32, blank=True)
    provenance = models.CharField(_("provenance"), max_length=32, choices=Provenance.choices)
    created_by = acting_user_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("cloud bill")
        verbose_name_plural = _("cloud bills")
        ordering = ["-month", "provider_name", "service_category"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "provider_name", "month", "service_category"],
                name="cloud_usage_once_per_month",
            ),
            # month is the first day of its month: checked on the way in (interchange), not here, as a
            # CHECK on the day would need a function SQLite knows only inside Django (backups read without).
            models.CheckConstraint(name="cloud_usage_amount_positive", condition=models.Q(amount_cny__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.provider_name} {self.month:%Y-%m}"


class DigitalInvestment(models.Model):
    """An invoice for smart equipment, a digital-transformation project or software.

    A deal delivered through Funeng's matchmaking records one automatically (`deal`), verified by the platform.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="digital_investments",
        verbose_name=_("enterprise"),
    )
    invoice_number = models.CharField(_("invoice number"), max_length=64)
    amount_cny = money_model_field(_("amount (CNY)"), max_digits=14, max_value=int(MAX_INVESTMENT_CNY))
    invested_on = models.DateField(_("invoice date"))
    supplier = models.CharField(_("supplier"), max_length=200)
    category = models.CharField(_("category"), max_length=40, choices=InvestmentCategory.choices)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=f"{EVIDENCE_DIR}/", max_length=200, blank=True, default=""
    )
    evidence_name = models.CharField(_("original file name"), max_length=200, blank=True)
    evidence_kind = models.CharField(_("file type"), max_length=8, blank=True)
    provenance = models.CharField(_("provenance"), max_length=32, choices=Provenance.choices)
    # Named by string: finance sits below matching in the app layers, which calls into it.
    deal = models.OneToOneField(
        "matching.Deal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digital_investment",
        verbose_name=_("deal"),
    )
    created_by = acting_user_field(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("digital investment")
        verbose_name_plural = _("digital investments")
        ordering = ["-invested_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "supplier", "invoice_number"],
                name="digital_investment_once_per_invoice",
            ),
            models.CheckConstraint(
                name="digital_investment_amount_positive", condition=models.Q(amount_cny__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.invoice_number}"
