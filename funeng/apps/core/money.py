"""Amounts in CNY, one way everywhere: stored with cents, sent by the API as decimal strings, shown in 元/万元.

The API, the `cny` template filter, the model fields and the form fields of every app take them from here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Chinese readers count large amounts in 万 (ten thousand).
WAN = 10_000
# Digits of every stored amount (two of them cents) unless a field narrows it.
MAX_DIGITS = 18

Amount = Decimal | int | float


def money_text(value: Amount | None) -> str | None:
    """An amount as the API sends it: a decimal string with cents, "1234.50"; None when unknown."""
    return None if value is None else f"{value:.2f}"


def money_display(value: Amount | str | None) -> str:
    """An amount for a page in the active language; — when unknown.

    Chinese: 万元 with two decimals from ten thousand up, else 元. English readers count in thousands,
    not 万, so they get the full amount: CNY 45,800.
    """
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value))
    if not (translation.get_language() or "").startswith("zh"):
        whole = amount == amount.to_integral_value()
        return f"CNY {amount:,.0f}" if whole else f"CNY {amount:,.2f}"
    if abs(amount) >= WAN:
        return _("%(amount)s ten-thousand yuan") % {"amount": f"{amount / WAN:,.2f}"}
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


def money_model_field(
    verbose_name: StrOrPromise,
    *,
    max_digits: int = MAX_DIGITS,
    signed: bool = False,
    max_value: int | None = None,
    **options: Any,
) -> models.DecimalField:  # type: ignore[type-arg]
    """A model field for an amount in CNY with cents: never negative unless `signed`, at most `max_value`."""
    validators: list[Any] = [] if signed else [MinValueValidator(0)]
    if max_value is not None:
        validators.append(MaxValueValidator(max_value))
    return models.DecimalField(
        verbose_name, max_digits=max_digits, decimal_places=2, validators=validators, **options
    )


def money_form_field(
    label: StrOrPromise, *, required: bool, max_value: int, help_text: StrOrPromise = ""
) -> forms.DecimalField:
    """A form input for an amount in CNY with cents, 0 … `max_value`."""
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_value=max_value,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "100", "inputmode": "decimal"}),
    )
