"""Supply-chain finance forms: a receivable, each step on it, a directory entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.money import money_form_field
from funeng.apps.supply_chain.const import (
    MAX_AMOUNT,
    MAX_INVOICE,
    MAX_TEXT,
    MAX_TITLE,
    ListingKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _note(label: Any = None, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label or _("Note"),
        max_length=MAX_TEXT,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _amount(label: Any, help_text: Any = "") -> forms.DecimalField:
    return money_form_field(label, required=True, max_value=int(MAX_AMOUNT), help_text=help_text)


class ReceivableForm(forms.Form):
    anchor_credit_code = forms.CharField(
        label=_("Anchor enterprise's credit code"),
        max_length=18,
        help_text=_(
            "The 18-character unified social credit code of your customer, as printed on the invoice."
        ),
    )
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=MAX_INVOICE)
    amount_cny = _amount(_("Amount (yuan)"))
    issued_on = forms.DateField(label=_("Invoice date"), widget=DATE)
    due_on = forms.DateField(label=_("Due date"), widget=DATE)
    note = _note()


class ConfirmForm(forms.Form):
    note = _note()


class ReasonForm(forms.Form):
    reason = _note(_("Reason"), required=True)


class OfferForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Bank"), queryset=FinancialInstitution.objects.order_by("name"), empty_label=None
    )
    requested_cny = _amount(_("Amount asked (yuan)"), _("At most the amount of the receivable."))
    note = _note()


class FinanceForm(forms.Form):
    advance_cny = _amount(_("Advance paid (yuan)"), _("At most the amount of the receivable."))
    annual_rate = forms.DecimalField(
        label=_("Annual interest rate (%)"), min_value=0, max_digits=5, decimal_places=2
    )
    financed_on = forms.DateField(label=_("Paid out on"), widget=DATE)
    note = _note()


class SettleForm(forms.Form):
    settled_on = forms.DateField(label=_("Paid on"), widget=DATE)
    note = _note()


class ListingForm(forms.Form):
    credit_code = forms.CharField(
        label=_("Enterprise's credit code"),
        max_length=18,
        help_text=_("An enterprise of your region, by its unified social credit code."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ListingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    description = _note(_("Description"), required=True)
    amount_sought_cny = _amount(_("Amount sought (yuan)"))
    purpose = forms.CharField(label=_("Use of funds"), max_length=MAX_TITLE)
    valid_until = forms.DateField(label=_("Listed until"), widget=DATE)
