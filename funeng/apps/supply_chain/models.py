"""The financing directory (融资信息对接目录), receivables (应收账款确权) and each receivable's timeline.

A receivable names its parties as `supplier` and `anchor`, never `enterprise`, and has no region:
its audit rows are therefore scoped to no region and no enterprise (audit.services.event_scope),
so officials never read an invoice in the audit log. The parties read the timeline instead.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.fields import acting_user_field
from funeng.apps.core.money import money_model_field
from funeng.apps.supply_chain.const import (
    MAX_INVOICE,
    MAX_TEXT,
    MAX_TITLE,
    ListingKind,
    ListingStatus,
    Party,
    ReceivableStatus,
)


class FinancingListing(models.Model):
    """An entry of the financing directory: a key enterprise or project seeking finance, listed by an official."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="financing_listings",
        verbose_name=_("enterprise"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ListingKind.choices)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), max_length=MAX_TEXT)
    amount_sought_cny = money_model_field(_("amount sought (yuan)"))
    purpose = models.CharField(_("use of funds"), max_length=MAX_TITLE)
    region_code = models.CharField(_("region"), max_length=6, db_index=True)
    listed_on = models.DateField(_("listed on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.LISTED, db_index=True
    )
    listed_by = acting_user_field(_("listed by"))
    closed_by = acting_user_field(_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("financing directory entry")
        verbose_name_plural = _("financing directory entries")
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("listed_on")), name="supply_listing_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(amount_sought_cny__gt=Decimal(0)), name="supply_listing_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Receivable(models.Model):
    """An invoice the supplier holds on the anchor: confirmed by the anchor, then financed by a bank."""

    supplier = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="receivables_supplied",
        verbose_name=_("supplier"),
    )
    anchor = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="receivables_owed",
        verbose_name=_("anchor enterprise"),
    )
    invoice_number = models.CharField(_("invoice number"), max_length=MAX_INVOICE)
    amount_cny = money_model_field(_("amount (yuan)"))
    issued_on = models.DateField(_("invoice date"))
    due_on = models.DateField(_("due date"))
    note = models.TextField(_("note"), max_length=MAX_TEXT, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReceivableStatus.choices,
        default=ReceivableStatus.SUBMITTED,
        db_index=True,
    )
    submitted_by = acting_user_field(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    answered_by = acting_user_field(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), max_length=MAX_TEXT, blank=True)
    institution = models.ForeignKey(
        "consents.FinancialInstitution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receivables",
        verbose_name=_("bank"),
    )
    requested_cny = money_model_field(_("amount asked (yuan)"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    advance_cny = money_model_field(_("advance (yuan)"), null=True, blank=True)
    annual_rate = models.DecimalField(
        _("annual interest rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    financed_on = models.DateField(_("financed on"), null=True, blank=True)
    decided_by = acting_user_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=MAX_TEXT, blank=True)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settled_by = acting_user_field(_("settled by"))

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # A double submit, or two colleagues entering the same invoice, never makes two receivables.
            models.UniqueConstraint(
                fields=["supplier", "anchor", "invoice_number"], name="supply_receivable_one_per_invoice"
            ),
            models.CheckConstraint(condition=~Q(supplier=F("anchor")), name="supply_receivable_two_parties"),
            models.CheckConstraint(
                condition=Q(due_on__gt=F("issued_on")), name="supply_receivable_due_after"
            ),
            models.CheckConstraint(condition=Q(amount_cny__gt=Decimal(0)), name="supply_receivable_amount"),
            models.CheckConstraint(
                condition=Q(requested_cny__isnull=True) | Q(requested_cny__lte=F("amount_cny")),
                name="supply_receivable_requested_within",
            ),
            models.CheckConstraint(
                condition=Q(advance_cny__isnull=True) | Q(advance_cny__lte=F("amount_cny")),
                name="supply_receivable_advance_within",
            ),
        ]
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        # No invoice number or amount: the text lands in the audit log.
        return f"receivable {self.pk}"


class ReceivableEvent(models.Model):
    """One step of a receivable (submitted, confirmed, offered…): who, for which party, when, with a note."""

    receivable = models.ForeignKey(
        Receivable, on_delete=models.PROTECT, related_name="events", verbose_name=_("receivable")
    )
    status = models.CharField(_("step"), max_length=16, choices=ReceivableStatus.choices)
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    # The party's name at the time: a bank that declined stays named after the next offer.
    party_name = models.CharField(_("on behalf of"), max_length=200, blank=True)
    actor = acting_user_field(_("by"))
    occurred_at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), max_length=MAX_TEXT, blank=True)

    class Meta:
        verbose_name = _("receivable event")
        verbose_name_plural = _("receivable events")
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} {self.occurred_at:%Y-%m-%d %H:%M}"
