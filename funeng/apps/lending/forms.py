"""Forms of the lending pages; the services validate again, so the API gets the same answers."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.money import money_form_field
from funeng.apps.lending.const import (
    MAX_LOAN_CNY,
    MAX_NOTE,
    MAX_TERM_MONTHS,
    Decision,
    LoanKind,
    RepaymentStatus,
)
from funeng.apps.lending.models import LoanProduct, Scorecard


class ApplyForm(forms.Form):
    amount = money_form_field(_("Amount (CNY)"), required=True, max_value=MAX_LOAN_CNY)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=MAX_TERM_MONTHS)
    purpose = forms.CharField(
        label=_("What the loan is for"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, product: LoanProduct, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("From %(low)s to %(high)s yuan.") % {
            "low": f"{product.min_amount_cny:,.0f}",
            "high": f"{product.max_amount_cny:,.0f}",
        }
        term = self.fields["term_months"]
        assert isinstance(term, forms.IntegerField)
        term.max_value = product.term_months
        term.help_text = _("At most %(months)s months.") % {"months": product.term_months}
        term.initial = product.term_months


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    amount = money_form_field(_("Approved amount (CNY)"), required=False, max_value=MAX_LOAN_CNY)
    rate = forms.DecimalField(
        label=_("Annual rate (%)"), required=False, min_value=0, max_value=24, decimal_places=2
    )
    note = forms.CharField(
        label=_("Note to the enterprise"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when you reject or ask for more: the enterprise reads it with the reason codes."
        ),
    )


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=LoanKind.choices)
    annual_rate = forms.DecimalField(label=_("Annual rate (%)"), min_value=0, max_value=24, decimal_places=2)
    min_amount_cny = money_form_field(_("Smallest amount (CNY)"), required=True, max_value=MAX_LOAN_CNY)
    max_amount_cny = money_form_field(_("Largest amount (CNY)"), required=True, max_value=MAX_LOAN_CNY)
    term_months = forms.IntegerField(label=_("Longest term (months)"), min_value=1, max_value=MAX_TERM_MONTHS)
    required_categories = forms.MultipleChoiceField(
        label=_("Data the bank needs"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    eligibility_programme = forms.CharField(
        label=_("Eligibility rules (policy programme id)"), required=False, max_length=64
    )
    subsidy_programme = forms.CharField(
        label=_("Interest subsidy (policy programme id)"), required=False, max_length=64
    )
    scorecard = forms.ModelChoiceField(
        label=_("Scorecard"), queryset=Scorecard.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=_("Open for applications"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        institution: FinancialInstitution,
        instance: LoanProduct | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(instance, name)
                    for name in (
                        "name",
                        "kind",
                        "annual_rate",
                        "min_amount_cny",
                        "max_amount_cny",
                        "term_months",
                        "required_categories",
                        "eligibility_programme",
                        "subsidy_programme",
                        "scorecard",
                        "description",
                        "active",
                    )  # fmt: skip
                },
            )
        super().__init__(*args, **kwargs)
        field = self.fields["scorecard"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Scorecard.objects.filter(institution=institution)


MAX_MODEL_BYTES = 2 * 1024 * 1024  # a scorecard of a few dozen variables is a few hundred kilobytes


class ScorecardUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    model_file = forms.FileField(
        label=_("Model file (JSON)"),
        help_text=_("The file `funeng credit_fit --model` writes; never a pickle."),
    )

    def clean_model_file(self) -> dict[str, Any]:
        upload = self.cleaned_data["model_file"]
        if upload.size > MAX_MODEL_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB; a scorecard model is much smaller."))
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise forms.ValidationError(_("The file is not JSON text.")) from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The file is not a scorecard model."))
        return data


class RepaymentForm(forms.Form):
    month = forms.DateField(label=_("Month"), help_text=_("Any day of the month, e.g. 2026-05-01."))
    interest = money_form_field(_("Interest paid (CNY)"), required=True, max_value=MAX_LOAN_CNY)
    principal = money_form_field(_("Principal paid (CNY)"), required=True, max_value=MAX_LOAN_CNY)
    status = forms.ChoiceField(label=_("Status"), choices=RepaymentStatus.choices)
