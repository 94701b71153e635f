"""Shared-workforce forms: workers, surplus and demand posts, a proposal, the worker's answer, hours."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from funeng.apps.shared_workforce.const import (
    DEFAULT_INSURANCE_TERMS,
    DEFAULT_PAYMENT_TERMS,
    MAX_NOTE,
    MAX_TERMS,
    MAX_TITLE,
)
from funeng.apps.shared_workforce.models import Worker
from funeng.apps.shared_workforce.selectors import mask_name, skill_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SkillsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Skills"))
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "choices"}))
        super().__init__(choices=skill_choices, **kwargs)


def rate_field(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, max_digits=8, decimal_places=2)


class WorkerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    skills = SkillsField()
    certificates = forms.CharField(
        label=_("Certificates"),
        max_length=500,
        required=False,
        help_text=_("e.g. special operations certificate (welding), forklift licence"),
    )
    user = forms.ModelChoiceField(
        label=_("The worker's own login"),
        queryset=Worker.objects.none(),
        required=False,
        help_text=_(
            "A colleague's account: the worker signs in with it to confirm or decline agreements. "
            "Invite them under Colleagues first."
        ),
    )

    def __init__(self, *args: Any, colleagues: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = colleagues


class WorkerChoiceField(forms.ModelMultipleChoiceField[Worker]):
    def label_from_instance(self, obj: Worker) -> str:
        return obj.name


class SurplusPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    skills = SkillsField()
    headcount = forms.IntegerField(label=_("Headcount"))
    available_from = forms.DateField(label=_("Available from"), widget=DATE)
    available_to = forms.DateField(label=_("Available until"), widget=DATE)
    hourly_cost = rate_field(_("Hourly cost (yuan)"))
    region_code = forms.CharField(
        label=_("Region"),
        max_length=6,
        required=False,
        help_text=_(
            "The GB/T 2260 code of the county where the workers are based; empty: your enterprise's."
        ),
    )
    workers = WorkerChoiceField(
        label=_("Workers offered"),
        queryset=Worker.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, workers: QuerySet[Worker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["workers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = workers


class DemandPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    skills = SkillsField()
    headcount = forms.IntegerField(label=_("Headcount"))
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    place = forms.CharField(label=_("Place of work"), max_length=200)
    region_code = forms.CharField(
        label=_("Region"),
        max_length=6,
        required=False,
        help_text=_("The GB/T 2260 code of the county where the work is done; empty: your enterprise's."),
    )
    hourly_budget = rate_field(_("Hourly budget (yuan)"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProposeForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    hourly_pay = rate_field(_("Hourly rate the borrower pays the lender (yuan)"))
    place = forms.CharField(label=_("Place of work"), max_length=200)
    payment_terms = forms.CharField(
        label=_("Who pays what"), max_length=MAX_TERMS, widget=forms.Textarea(attrs={"rows": 3})
    )
    insurance_terms = forms.CharField(
        label=_("Insurance"),
        max_length=MAX_TERMS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The suggested wording is a provisional example, not a legal template: change it as agreed."
        ),
    )

    @staticmethod
    def defaults() -> dict[str, Any]:
        return {"payment_terms": str(DEFAULT_PAYMENT_TERMS), "insurance_terms": str(DEFAULT_INSURANCE_TERMS)}


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            ("confirm", _("I agree to work for the borrower on these terms")),
            ("decline", _("I decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (optional)"), max_length=MAX_NOTE, required=False)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_NOTE, required=False)


class HoursForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PostFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("both kinds")), ("surplus", _("Surplus staff")), ("demand", _("Staff wanted"))],
    )
    skill = forms.ChoiceField(label=_("Skill"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["skill"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("any skill")), *skill_choices()]


def masked_worker_label(worker: Worker) -> str:
    return mask_name(worker.name)
