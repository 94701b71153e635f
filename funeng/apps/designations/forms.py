"""Designation forms: apply, nominate, decide, exit, and the filters of the list and the case library."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from funeng.apps.designations.const import MAX_SUMMARY, MAX_TITLE, DesignationKindChoice, EntryStatus
from funeng.apps.designations.kinds import CASE_LIBRARY_KINDS, KINDS_BY_ID
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.matching.models import Solution


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each one's type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class SolutionChoiceField(forms.ModelMultipleChoiceField[Solution]):
    def label_from_instance(self, obj: Solution) -> str:
        return f"{obj.title} · {obj.provider.name}"


class EntryForm(forms.Form):
    """What an application and a nomination share."""

    kind = forms.ChoiceField(label=_("Designation"), choices=DesignationKindChoice.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE,
        help_text=_(
            "What the enterprise did, in a line, e.g. 20 injection moulding machines connected to the cloud."
        ),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_SUMMARY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For benchmarks and scenarios this is what other enterprises read in the case library: "
            "the problem, what was done, the results."
        ),
    )
    solutions = SolutionChoiceField(
        label=_("Solutions used"),
        queryset=Solution.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Published solutions from the catalogue; hold Ctrl (⌘) to pick several."),
    )
    evidence_files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, PNG, JPEG or XLSX, up to 5 MB each, at most 10 files."),
    )

    def __init__(self, *args: Any, solutions: QuerySet[Solution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["solutions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = solutions.select_related("provider").order_by("title")


class ApplyForm(EntryForm):
    pass


class NominateForm(EntryForm):
    enterprise = forms.CharField(
        label=_("Enterprise"),
        max_length=200,
        help_text=_("Its unified social credit code, or its exact registered name."),
    )
    field_order = ["enterprise", "kind", "title", "summary", "solutions", "evidence_files"]

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises

    def clean_enterprise(self) -> Enterprise:
        raw = self.cleaned_data["enterprise"].strip()
        found = list(self.enterprises.filter(credit_code=raw.upper())[:1]) or list(
            self.enterprises.filter(name=raw)[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(
                _(
                    "No single enterprise of your region has this credit code or name; check the 18-character code "
                    "on its business licence."
                )
            )
        return found[0]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting; the enterprise reads it."),
    )
    valid_from = forms.DateField(
        label=_("Listed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the date of this decision."),
    )


class ExitForm(forms.Form):
    exited_at = forms.DateField(label=_("Exit date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Reason for exit"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def kind_choices(kinds: tuple[str, ...] | None = None) -> list[tuple[str, Any]]:
    ids = kinds if kinds is not None else tuple(KINDS_BY_ID)
    return [("", _("all lists")), *((kind_id, KINDS_BY_ID[kind_id].name) for kind_id in ids)]


class ListFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Designation"), choices=kind_choices(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("any status")), *EntryStatus.choices], required=False
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search cases"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Designation"), choices=kind_choices(CASE_LIBRARY_KINDS), required=False)
