"""Forms for sign-up, invitations and vetting; they check input early, services check it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from funeng.apps.accounts.const import VettingState
from funeng.apps.accounts.services import (
    REASON_REQUIRED,
    VETTING_REASON_MAX,
    VettingDecision,
    county_region_problem,
)
from funeng.apps.enterprises.validators import (
    validate_credit_code,
    validate_industry_code,
    validate_region_code,
)

# Long enough for any passphrase, short enough that hashing it costs nothing unusual.
PASSWORD_MAX_LENGTH = 128


class CreditCodeField(forms.CharField):
    """A 统一社会信用代码, upper-cased before validation: people type it in either case."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Unified social credit code"))
        kwargs.setdefault("help_text", _("The 18 characters on the business licence."))
        super().__init__(max_length=18, validators=[validate_credit_code], **kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()


class CountyRegionField(forms.CharField):
    """The GB/T 2260 county or district of registration: officials see registrants by region prefix."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Region code"))
        kwargs.setdefault(
            "help_text", _("6-digit GB/T 2260 code of the county or district of registration, e.g. 330106.")
        )
        super().__init__(max_length=6, validators=[validate_region_code], **kwargs)

    def run_validators(self, value: Any) -> None:
        super().run_validators(value)
        problem = county_region_problem(value)
        if problem:
            raise ValidationError(problem, code="not_county")


class NewAccountForm(forms.Form):
    """Username and password twice, checked against Django's password validators."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # The email the similarity validator compares against when the form has no email field.
    known_email = ""

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken; choose another."), code="taken")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, again = cleaned.get("password"), cleaned.get("password_confirm")
        if password and again and password != again:
            self.add_error("password_confirm", _("The two passwords differ; type the same password twice."))
        elif password:
            user = get_user_model()(
                username=cleaned.get("username", ""), email=cleaned.get("email", self.known_email)
            )
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class EnterpriseRegistrationForm(NewAccountForm):
    credit_code = CreditCodeField()
    name = forms.CharField(
        label=_("Enterprise name"),
        max_length=200,
        help_text=_("Exactly as on the business licence."),
    )
    region_code = CountyRegionField()
    industry_code = forms.CharField(
        label=_("Industry code"),
        max_length=4,
        validators=[validate_industry_code],
        help_text=_("4-digit GB/T 4754-2017 industry class, e.g. 3484."),
    )
    email = forms.EmailField(
        label=_("Contact email"),
        max_length=254,
        help_text=_("Password resets and platform notices are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = [
        "credit_code",
        "name",
        "region_code",
        "industry_code",
        "email",
        "username",
        "password",
        "password_confirm",
    ]


class ProviderApplicationForm(NewAccountForm):
    name = forms.CharField(
        label=_("Provider name"), max_length=200, help_text=_("As on the business licence.")
    )
    credit_code = CreditCodeField()
    region_code = CountyRegionField()
    email = forms.EmailField(
        label=_("Contact email"),
        max_length=254,
        help_text=_("The vetting decision and password resets are sent here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["name", "credit_code", "region_code", "email", "username", "password", "password_confirm"]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's email"),
        max_length=254,
        help_text=_("The invitation link is sent here and works for 7 days."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class InvitationAcceptForm(NewAccountForm):
    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_email = email


class VettingForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=VettingDecision.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=VETTING_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting or suspending; the provider sees it."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") in REASON_REQUIRED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason: the provider reads it and needs to know what to fix."))
        return cleaned


class ProviderEditForm(forms.Form):
    """The fields a provider's own user may change; anything else in the POST is ignored."""

    name = forms.CharField(label=_("Provider name"), max_length=200)
    email = forms.EmailField(
        label=_("Your contact email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    resubmit = forms.BooleanField(
        label=_("Resubmit the application for vetting"),
        required=False,
        help_text=_("Tick this once you have fixed what the rejection reason names."),
    )


STATE_FILTER_ALL = "all"


class ProviderFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Vetting state"),
        choices=[*VettingState.choices, (STATE_FILTER_ALL, _("All states"))],
        required=False,
    )

    def state_value(self) -> str:
        """The chosen state; applications awaiting a decision when nothing (or nonsense) was chosen."""
        if self.is_valid() and self.cleaned_data.get("state"):
            return str(self.cleaned_data["state"])
        return VettingState.APPLIED
