"""Forms of the assessment pages: start a round, upload evidence, review evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funeng.apps.assessment.const import ReviewDecision
from funeng.apps.assessment.frameworks import framework_choices, pick


class StartForm(forms.Form):
    framework_id = forms.ChoiceField(label=_("Framework"))

    def __init__(
        self, *args: Any, language: str = "zh-hans", allowed: set[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (f.id, f"{pick(f.name, language)} ({f.version})")
            for f in framework_choices()
            if allowed is None or f.id in allowed
        ]


class EvidenceForm(forms.Form):
    question = forms.CharField(max_length=64)
    file = forms.FileField(label=_("Evidence file"), allow_empty_file=True)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required when rejecting: tell the enterprise what is missing."),
    )
