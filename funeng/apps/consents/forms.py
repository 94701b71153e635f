"""The grant form: which bank, which data categories, until when; business rules live in consent_grant."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import FinancialInstitution

DEFAULT_MONTHS = 6


def _months_ahead(today: dt.date, months: int) -> dt.date:
    month_index = today.month - 1 + months
    year, month = today.year + month_index // 12, month_index % 12 + 1
    # The 31st of a shorter month becomes its last day (28 is always safe, the rest are checked).
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return dt.date(year, month, 28)


class ConsentGrantForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Financial institution"),
        queryset=FinancialInstitution.objects.order_by("name"),
        empty_label=_("Choose a bank"),
        help_text=_("The institution that may read your data."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Data to share"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only the categories you tick are shown to the institution; everything else stays hidden."
        ),
        # The service says what is missing, next to this field, like every other rule.
        required=False,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("Last day the institution may read the data (YYYY-MM-DD), at most one year from today."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = _months_ahead(timezone.localdate(), DEFAULT_MONTHS)
