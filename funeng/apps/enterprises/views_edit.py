"""Edit an enterprise profile: the form offers only the fields this user may change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engines.rules.fields import RATIO_PLACES
from funeng.apps.consents.categories import CATEGORY_FIELDS
from funeng.apps.consents.const import DataCategory
from funeng.apps.enterprises.access import access_enterprise_for_user, enterprise_fields_writable_by
from funeng.apps.enterprises.consistency import (
    enterprise_values,
    inconsistency_error,
    profile_inconsistencies_now,
)
from funeng.apps.enterprises.const import SrdiLevel
from funeng.apps.enterprises.fields import EDITABLE_FIELDS, MONEY_FIELDS, RATIO_FIELDS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_update

# Percentages keep two places fewer than the ratio they stand for: 12.3456% is 0.123456.
PERCENT_PLACES = RATIO_PLACES - 2


class PercentField(forms.DecimalField):
    """A ratio stored as a decimal (0.05) that people read and type as a percentage (5)."""

    def __init__(self, *, low: Decimal, high: Decimal, **kwargs: Any) -> None:
        for key in ("max_digits", "decimal_places", "min_value", "max_value"):
            kwargs.pop(key, None)
        super().__init__(
            max_digits=RATIO_PLACES + 6,
            decimal_places=PERCENT_PLACES,
            min_value=low * 100,
            max_value=high * 100,
            **kwargs,
        )
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value: Any) -> Any:
        # The stored ratio shown as a percentage; text typed by the user is shown back unchanged.
        if isinstance(value, Decimal):
            return format(value.scaleb(2).normalize(), "f")
        return value

    def clean(self, value: Any) -> Decimal | None:
        percent = super().clean(value)
        return None if percent is None else percent.scaleb(-2)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            changed: bool = self.clean(data) != initial
        except ValidationError:
            return True
        return changed


def _bounds(model_field: Any) -> tuple[Decimal, Decimal]:
    low = next(v.limit_value for v in model_field.validators if v.code == "min_value")
    high = next(v.limit_value for v in model_field.validators if v.code == "max_value")
    return Decimal(low), Decimal(high)


_PERCENT_HELP = gettext_lazy("In per cent: 5 means 5%. Negative for a fall.")
_MONEY_HELP = gettext_lazy("In yuan (元), not ten-thousand yuan.")


def enterprise_form_class(writable: frozenset[str]) -> type[forms.ModelForm]:  # type: ignore[type-arg]
    """A ModelForm over exactly the writable fields, so nothing else can be posted (no mass assignment)."""
    names = [name for name in EDITABLE_FIELDS if name in writable]

    class EnterpriseForm(forms.ModelForm):  # type: ignore[type-arg]
        class Meta:
            model = Enterprise
            fields = names
            widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name in MONEY_FIELDS:
                if name in self.fields:
                    self.fields[name].help_text = _MONEY_HELP
            for name in RATIO_FIELDS:
                if name in self.fields:
                    model_field = Enterprise._meta.get_field(name)
                    assert isinstance(model_field, models.DecimalField)
                    low, high = _bounds(model_field)
                    self.fields[name] = PercentField(
                        low=low,
                        high=high,
                        required=False,
                        label=_("%(label)s (%%)") % {"label": capfirst(model_field.verbose_name)},
                        help_text=_PERCENT_HELP,
                    )
            if "industry_code" in self.fields:
                # static/js/fields.js turns the input into a picker searching this endpoint.
                self.fields["industry_code"].widget.attrs["data-industry-search"] = reverse(
                    "enterprises:industry_search"
                )
            if "srdi_level" in self.fields:
                field = self.fields["srdi_level"]
                assert isinstance(field, forms.TypedChoiceField)
                field.choices = [("", _("Unknown")), *SrdiLevel.choices]

        def clean(self) -> dict[str, Any]:
            """Check the profile as it would be saved (stored values with this form's on top) for consistency.

            The error goes to the field to correct when the form has it, else to the top of the form:
            a colleague who may change only some fields still learns what contradicts what.
            """
            super().clean()
            cleaned = self.cleaned_data
            values = enterprise_values(self.instance) | {
                name: value for name, value in cleaned.items() if name in EDITABLE_FIELDS
            }
            for inconsistency in profile_inconsistencies_now(values):
                if inconsistency.field in self.errors or any(
                    other in self.errors for other in inconsistency.others
                ):
                    continue  # the field itself is wrong: that error says enough
                place = inconsistency.field if inconsistency.field in self.fields else None
                self.add_error(place, inconsistency_error(inconsistency))
            return cleaned

        def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
            """The form's fields grouped by data category (the groups a bank is shown under consent)."""
            groups = []
            for category, label in DataCategory.choices:
                bound = [self[name] for name in CATEGORY_FIELDS[category] if name in self.fields]
                if bound:
                    groups.append((str(label), bound))
            return groups

    return EnterpriseForm


def profile_form_saved(request: HttpRequest, form: forms.ModelForm[Enterprise], enterprise_id: int) -> bool:
    """Save a valid profile form through the audited service; False (errors on the form) otherwise.

    The form has already copied the values onto its instance; the service needs the stored state
    to compute the audit diff, so it gets a fresh copy.
    """
    if not form.is_valid():
        return False
    stored = access_enterprise_for_user(request.user, enterprise_id, write=True)
    try:
        enterprise_update(enterprise=stored, acting_user=request.user, **form.cleaned_data)
    except ValidationError as error:
        # Errors of fields the form does not show go to the top of the form (add_error refuses them).
        by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
        for name, errors in by_field.items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    return True


@login_required
def enterprise_edit_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """Show and save the editable profile; errors appear next to their fields and nothing is saved."""
    enterprise = access_enterprise_for_user(request.user, enterprise_id, write=True)
    form_class = enterprise_form_class(enterprise_fields_writable_by(request.user, enterprise))
    form = form_class(request.POST or None, instance=enterprise)
    if request.method == "POST" and profile_form_saved(request, form, enterprise_id):
        messages.success(request, _("Profile saved; size and digital-economy classes were recomputed."))
        return redirect("enterprises:detail", enterprise_id)
    return render(request, "enterprises/edit.html", {"enterprise": enterprise, "form": form})
