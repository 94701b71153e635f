"""Edit an enterprise profile: the form offers only the fields this user may change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from funeng.apps.enterprises.access import access_enterprise_for_user, enterprise_fields_writable_by
from funeng.apps.enterprises.fields import EDITABLE_FIELDS, MONEY_FIELDS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_update


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
                    self.fields[name].help_text = _("In yuan (元), not ten-thousand yuan.")

    return EnterpriseForm


@login_required
def enterprise_edit_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """Show and save the editable profile; errors appear next to their fields and nothing is saved."""
    enterprise = access_enterprise_for_user(request.user, enterprise_id, write=True)
    form_class = enterprise_form_class(enterprise_fields_writable_by(request.user, enterprise))
    form = form_class(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        # The form has already copied the values onto its instance; the service needs the stored
        # state to compute the audit diff, so it gets a fresh copy.
        stored = access_enterprise_for_user(request.user, enterprise_id, write=True)
        try:
            enterprise_update(enterprise=stored, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Profile saved; size and digital-economy classes were recomputed."))
            return redirect("enterprises:detail", enterprise_id)
    return render(request, "enterprises/edit.html", {"enterprise": enterprise, "form": form})
