"""Forms of the policy pages: start a run, notify, decide a review case."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from funeng.apps.policies.const import Decision, Track
from funeng.apps.policies.services import MIN_REASON_LENGTH


class RunForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    as_of = forms.DateField(
        label=_("Evaluate as of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The rule version and thresholds in force on this date are used."),
    )

    def __init__(
        self, *args: object, programmes: list[tuple[str, str]], today: dt.date, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["programme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = programmes
        self.fields["as_of"].initial = today


class NotifyForm(forms.Form):
    tracks = forms.MultipleChoiceField(
        label=_("Notify"),
        choices=[
            (t.value, t.label) for t in (Track.ELIGIBLE, Track.REVIEW, Track.ALTERNATIVE, Track.MISSING)
        ],
        widget=forms.CheckboxSelectMultiple,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        min_length=MIN_REASON_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the enterprise and kept in the audit log."),
    )
