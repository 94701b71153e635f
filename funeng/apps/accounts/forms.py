"""Forms for sign-up, enterprise claims and invitations; they check input early, services check it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from funeng.apps.accounts.const import (
    CLAIM_REASON_MAX,
    LEGAL_REPRESENTATIVE_MAX,
    MISSING_CLAIM_CODE,
    MISSING_DOCUMENT,
    MISSING_LEGAL_REPRESENTATIVE,
    ClaimDecision,
    ClaimProof,
)
from funeng.apps.accounts.services import ClaimRequest
from funeng.apps.accounts.verifiers import claim_verifier
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


# The same messages as the service's own checks (funeng.apps.accounts.services), so a missing
# document reads alike whichever check finds it first.
DOCUMENT_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


class EnterpriseClaimForm(forms.Form):
    """The enterprise as on its business licence, and how the claimant proves they act for it."""

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
        # static/js/fields.js turns the input into a picker searching by code, name or pinyin.
        widget=forms.TextInput(attrs={"data-industry-search": reverse_lazy("enterprises:industry_search")}),
    )
    legal_representative = forms.CharField(
        label=_("Legal representative"),
        max_length=LEGAL_REPRESENTATIVE_MAX,
        required=False,
        help_text=_("As named on the business licence."),
    )
    proof = forms.ChoiceField(
        label=_("How do you prove that you act for the enterprise?"),
        widget=forms.RadioSelect,
        choices=[],
    )
    claim_code = forms.CharField(
        label=_("Claim code"),
        max_length=32,
        required=False,
        help_text=_(
            "16 characters from the letter the promotion centre sent the enterprise, e.g. ABCD-EFGH-JKLM-NPQR."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    licence = forms.FileField(
        label=_("Business licence"),
        required=False,
        help_text=_("A scan or photo of the business licence: PDF, PNG or JPEG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    authorisation = forms.FileField(
        label=_("Authorisation letter"),
        required=False,
        help_text=_(
            "A letter signed by the legal representative and stamped with the company seal, naming you "
            "as the person who administers the enterprise on Funeng: PDF, PNG or JPEG, at most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [
            (ClaimProof.CLAIM_CODE, _("Claim code from the promotion centre (approved at once)")),
            (ClaimProof.DOCUMENTS, _("Business licence and authorisation letter (reviewed by an official)")),
        ]
        verifier = claim_verifier()
        if verifier is not None:
            choices.append((ClaimProof.VERIFIER, verifier.label))
        self.fields["proof"].choices = choices  # type: ignore[attr-defined]
        self.verifier = verifier

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        proof = cleaned.get("proof")
        if proof == ClaimProof.CLAIM_CODE and not cleaned.get("claim_code", "").strip():
            self.add_error("claim_code", MISSING_CLAIM_CODE)
        if proof in (ClaimProof.DOCUMENTS, ClaimProof.VERIFIER) and not cleaned.get("legal_representative"):
            self.add_error("legal_representative", MISSING_LEGAL_REPRESENTATIVE)
        if proof == ClaimProof.DOCUMENTS:
            for field in ("licence", "authorisation"):
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, MISSING_DOCUMENT)
        return cleaned

    def claim_request(self) -> ClaimRequest:
        """The cleaned form as the services take it."""
        data = self.cleaned_data
        return ClaimRequest(
            credit_code=data["credit_code"],
            name=data["name"],
            region_code=data["region_code"],
            industry_code=data["industry_code"],
            legal_representative=data.get("legal_representative", ""),
            proof=data["proof"],
            claim_code=data.get("claim_code", ""),
            licence=data.get("licence") or None,
            authorisation=data.get("authorisation") or None,
        )


class EnterpriseRegistrationForm(EnterpriseClaimForm, NewAccountForm):
    """A new account and its claim in one form."""

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
        "legal_representative",
        "proof",
        "claim_code",
        "licence",
        "authorisation",
        "email",
        "username",
        "password",
        "password_confirm",
    ]


class ClaimDecisionForm(forms.Form):
    # No decision is preselected: approving must be a choice, never what a stray click records.
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("", _("Choose a decision")), *ClaimDecision.choices]
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=CLAIM_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you checked, or what is missing; the claimant reads it."),
        error_messages={"required": _("Give a reason: the claimant reads it and the audit log keeps it.")},
    )


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
