"""Forms for sign-up and invitations; they check input early, services check it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.validators import (
    county_region_problem,
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
