"""Forms of the digital-footprint pages: a declared investment, a cloud-bill file."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.money import money_form_field
from funeng.apps.finance.const import MAX_INVESTMENT_CNY, InvestmentCategory

# A cloud bill of 20,000 rows is well under a megabyte of CSV; anything far larger is not a bill.
MAX_BILL_BYTES = 20 * 1024 * 1024


class InvestmentForm(forms.Form):
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=64)
    supplier = forms.CharField(label=_("Supplier"), max_length=200, help_text=_("As named on the invoice"))
    category = forms.ChoiceField(
        label=_("Category"),
        # Deals delivered through Funeng record their projects themselves; the form offers all four.
        choices=InvestmentCategory.choices,
    )
    amount_cny = money_form_field(
        _("Amount (yuan)"), required=True, max_value=int(MAX_INVESTMENT_CNY), help_text=_("In yuan, not 万元")
    )
    invested_on = forms.DateField(
        label=_("Invoice date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    evidence = forms.FileField(
        label=_("Evidence file (PDF, PNG or JPEG)"),
        required=False,
        help_text=_("The invoice, contract or acceptance report"),
    )


class CloudBillImportForm(forms.Form):
    file = forms.FileField(label=_("Cloud bill (.csv or .xlsx)"))
    correct = forms.BooleanField(
        label=_("This file corrects bills already imported"),
        help_text=_(
            "A month already stored is replaced by the file's amount, quantity and unit (each change is "
            "kept in the audit log); other months are added."
        ),
        required=False,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file (the template is an .xlsx file)."))
        if upload.size is not None and upload.size > MAX_BILL_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB: split it into several files."))
        return upload
