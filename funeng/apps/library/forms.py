"""Library forms: upload a document, correct its metadata, search with filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from funeng.apps.library.models import DocType, Level, Validity

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SLUG_HELP = _(
    "Letters, digits and hyphens, e.g. zj-2020-digital-empowerment; the same id stores a new version."
)


def _region_code_field(help_text: Any = "") -> forms.RegexField:
    """A GB/T 2260 code, six digits; empty for a national document."""
    return forms.RegexField(
        label=_("Region code"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("A region code has six digits (GB/T 2260).")},
        help_text=help_text,
    )


class IngestForm(forms.Form):
    file = forms.FileField(label=_("Document file (TXT, HTML or DOCX)"))
    slug = forms.SlugField(label=_("Document id"), max_length=80, required=False, help_text=SLUG_HELP)
    region_code = _region_code_field(help_text=_("GB/T 2260, six digits; empty for a national document."))


class MetadataForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    doc_number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    issuers = forms.CharField(
        label=_("Issuing bodies"),
        max_length=500,
        required=False,
        help_text=_("One per line, the lead first."),
    )
    issued_on = forms.DateField(
        label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    region_code = _region_code_field()
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocType.choices)
    validity = forms.ChoiceField(label=_("Validity"), choices=Validity.choices)

    def clean_issued_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("issued_on")
        if value is not None and not dt.date(1949, 10, 1) <= value <= dt.date.today() + dt.timedelta(
            days=366
        ):
            raise forms.ValidationError(
                _("Give the date the document was issued (after 1949, not years ahead).")
            )
        return value

    def clean_issuers(self) -> list[str]:
        raw = self.cleaned_data.get("issuers", "")
        return [line.strip() for line in raw.splitlines() if line.strip()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search clauses"), max_length=200, required=False)
    issuer = forms.CharField(label=_("Issuing body"), max_length=80, required=False)
    level = forms.ChoiceField(
        label=_("Level"), choices=[("", _("any level")), *Level.choices], required=False
    )
    region = forms.RegexField(
        label=_("Region code"),
        regex=r"^\d{2,6}$",
        required=False,
        error_messages={"invalid": _("A region code or its prefix: two to six digits.")},
    )
    year_from = forms.IntegerField(label=_("From year"), min_value=1949, max_value=2100, required=False)
    year_to = forms.IntegerField(label=_("To year"), min_value=1949, max_value=2100, required=False)
    validity = forms.ChoiceField(
        label=_("Validity"), choices=[("", _("any validity")), *Validity.choices], required=False
    )
