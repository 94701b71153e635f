"""Monitoring forms: confirm or reject a target, report a value, import values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class TargetConfirmForm(forms.Form):
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), required=False, min_value=2000, max_value=2100
    )
    baseline_value = forms.DecimalField(
        label=_("Baseline value"), required=False, max_digits=24, decimal_places=6
    )
    target_year = forms.IntegerField(label=_("Target year"), min_value=2000, max_value=2100)
    target_value = forms.DecimalField(label=_("Target value"), max_digits=24, decimal_places=6)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TargetRejectForm(forms.Form):
    note = forms.CharField(label=_("Why is it rejected?"), max_length=500)


class ValueReportForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    region_code = forms.ChoiceField(label=_("Region"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=_("Value"), max_digits=24, decimal_places=6)
    source = forms.CharField(
        label=_("Source document"),
        max_length=300,
        help_text=_("The statistical bulletin, report or letter the value comes from."),
    )
    source_file = forms.FileField(
        label=_("Source file (optional)"),
        required=False,
        help_text=_("PDF, PNG, JPEG or XLSX, at most 10 MB."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(
        self, *args: Any, indicators: list[tuple[str, str]], regions: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]


class ValuesImportForm(forms.Form):
    file = forms.FileField(label=_("Values file (XLSX or CSV, from the template)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class TargetCreateForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    region_code = forms.ChoiceField(label=_("Region"))
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), required=False, min_value=2000, max_value=2100
    )
    baseline_value = forms.DecimalField(
        label=_("Baseline value"), required=False, max_digits=24, decimal_places=6
    )
    target_year = forms.IntegerField(label=_("Target year"), min_value=2000, max_value=2100)
    target_value = forms.DecimalField(label=_("Target value"), max_digits=24, decimal_places=6)
    lead_unit = forms.CharField(label=_("Lead unit"), max_length=100)
    co_units = forms.CharField(
        label=_("Co-responsible units"),
        required=False,
        max_length=300,
        help_text=_("Separate them with 、 or commas."),
    )
    source_text = forms.CharField(
        label=_("Set by"),
        max_length=500,
        help_text=_("The plan or decision that sets the target, e.g. its title and number."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(
        self, *args: Any, indicators: list[tuple[str, str]], regions: list[tuple[str, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators  # type: ignore[attr-defined]
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]
