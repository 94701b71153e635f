"""Forms of the matchmaking pages; business rules live in services.py, these only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from engines.match import fields as match_fields
from funeng.apps.core.money import money_form_field
from funeng.apps.matching.const import MAX_PRICE, MAX_TEXT, ComplaintStatus, Deployment
from funeng.apps.matching.selectors import scenario_choices


def _scenario_field(label: Any, help_text: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


def province_choices(language: str = "zh-hans") -> list[tuple[str, str]]:
    """(6-digit code, name in the language) of the provinces, in code order."""
    english = language.startswith("en")
    return [
        (f"{prefix}0000", match_fields.province_label_en(prefix) if english else full)
        for prefix, (full, _short) in sorted(match_fields.province_names().items())
    ]


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the form fields it names (others above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class NeedForm(forms.Form):
    title = forms.CharField(
        label=_("What is the problem, in one line?"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Orders from several platforms get double-booked")}
        ),
    )
    description = forms.CharField(
        label=_("Describe it in your own words"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "How you work today, what goes wrong, what you would like instead. Plain words are fine."
        ),
    )
    scenarios = _scenario_field(
        _("Scenarios (optional)"),
        _("Tick what fits; the suggestions below the text show what we read from your words."),
    )
    budget_cny_per_year = money_form_field(
        _("Budget (CNY a year, optional)"),
        required=False,
        max_value=MAX_PRICE,
        help_text=_("Offers far above the budget are shown lower, not hidden."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].choices = scenario_choices(translation.get_language() or "zh-hans")  # type: ignore[attr-defined]


class SolutionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6})
    )
    scenarios = _scenario_field(_("Scenarios"), _("What the solution does, in the shared taxonomy."))
    industries = forms.CharField(
        label=_("Target industries"),
        required=False,
        help_text=_(
            "GB/T 4754 section letters or 2-digit divisions, separated by commas (C, 13); empty = any industry."
        ),
    )
    regions = forms.MultipleChoiceField(
        label=_("Provinces served"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None selected = nationwide."),
    )
    price_cny_per_year = money_form_field(
        _("Price (CNY a year)"),
        required=False,
        max_value=MAX_PRICE,
        help_text=_("Empty = price on request."),
    )
    deployment = forms.ChoiceField(
        label=_("Deployment"), required=False, choices=[("", "—"), *Deployment.choices]
    )
    min_employees = forms.IntegerField(label=_("Fewest employees"), required=False, min_value=0)
    max_employees = forms.IntegerField(label=_("Most employees"), required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].choices = scenario_choices(translation.get_language() or "zh-hans")  # type: ignore[attr-defined]
        self.fields["regions"].choices = province_choices(translation.get_language() or "zh-hans")  # type: ignore[attr-defined]

    def clean_industries(self) -> list[str]:
        raw = self.cleaned_data.get("industries") or ""
        codes = [
            part.strip().upper()
            for part in raw.replace("，", ",").replace("、", ",").split(",")
            if part.strip()
        ]
        for code in codes:
            try:
                match_fields.industry_target(code)
            except ValueError:
                raise ValidationError(
                    _("%(value)s is not a GB/T 4754 section letter or 2-digit division."),
                    code="invalid",
                    params={"value": code},
                ) from None
        return codes

    @staticmethod
    def initial_from(solution: Any) -> dict[str, Any]:
        """The form's initial values for an existing solution."""
        return {
            "title": solution.title,
            "description": solution.description,
            "scenarios": solution.scenarios,
            "industries": ", ".join(solution.industries),
            "regions": solution.regions,
            "price_cny_per_year": solution.price_cny_per_year,
            "deployment": solution.deployment,
            "min_employees": solution.min_employees,
            "max_employees": solution.max_employees,
        }


class ProposalRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the provider (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProposalSubmitForm(forms.Form):
    price_cny = money_form_field(
        _("Price (CNY)"),
        required=True,
        max_value=MAX_PRICE,
        help_text=_("The total you offer for this need."),
    )
    delivery_weeks = forms.IntegerField(
        label=_("Delivery time (weeks)"), required=False, min_value=1, max_value=260
    )
    delivery_plan = forms.CharField(
        label=_("Delivery plan"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Steps, what the enterprise must provide, training and support."),
    )


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("What went wrong?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("An official of your region reads it and decides; the provider sees it too."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ComplaintStatus.RESOLVED, _("Resolved")),
            (ComplaintStatus.UPHELD, _("Upheld: the provider was at fault")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DirectoryFilterForm(forms.Form):
    """The provider directory's filters (a GET form); anything invalid is simply not applied."""

    scenario = forms.ChoiceField(label=_("Scenario"), required=False)
    region = forms.ChoiceField(label=_("Province served"), required=False)
    q = forms.CharField(label=_("Name or solution"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = translation.get_language() or "zh-hans"
        self.fields["scenario"].choices = [("", _("All scenarios")), *scenario_choices(language)]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("All provinces")), *province_choices(language)]  # type: ignore[attr-defined]

    def value(self, name: str) -> str:
        """The cleaned filter, '' when absent or invalid (the other filters still apply)."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return str(self.cleaned_data.get(name) or "").strip()
