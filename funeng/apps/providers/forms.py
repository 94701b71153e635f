"""Forms for provider applications, vetting decisions and profile edits; services check again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from funeng.apps.accounts.forms import CountyRegionField, CreditCodeField, NewAccountForm
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.services import VETTING_REASON_MAX, VettingDecision


class ProviderApplicationForm(NewAccountForm):
    name = forms.CharField(
        label=_("Provider name"), max_length=200, help_text=_("As on the business licence.")
    )
    credit_code = CreditCodeField()
    region_code = CountyRegionField()
    email = forms.EmailField(
        label=_("Contact email"),
        max_length=254,
        help_text=_("The vetting decision and password resets are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["name", "credit_code", "region_code", "email", "username", "password", "password_confirm"]


class VettingForm(forms.Form):
    # No decision is preselected: approving must be a choice, never what a stray click records.
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("", _("Choose a decision"))] + list(VettingDecision.choices)
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=VETTING_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Every decision gives a reason; the provider sees it."),
        error_messages={"required": _("Give a reason: the provider reads it and the audit log keeps it.")},
    )


class ProviderEditForm(forms.Form):
    """The fields a provider's own user may change; anything else in the POST is ignored."""

    name = forms.CharField(label=_("Provider name"), max_length=200)
    email = forms.EmailField(
        label=_("Your contact email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    resubmit = forms.BooleanField(
        label=_("Resubmit the application for vetting"),
        required=False,
        help_text=_("Tick this once you have fixed what the rejection reason names."),
    )


STATE_FILTER_ALL = "all"


class ProviderFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Vetting state"),
        choices=[*VettingState.choices, (STATE_FILTER_ALL, _("All states"))],
        required=False,
    )

    def state_value(self) -> str:
        """The chosen state; applications awaiting a decision when nothing (or nonsense) was chosen."""
        if self.is_valid() and self.cleaned_data.get("state"):
            return str(self.cleaned_data["state"])
        return VettingState.APPLIED
