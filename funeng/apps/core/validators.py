"""Validators of official codes (统一社会信用代码, GB/T 4754, GB/T 2260), delegating to the reference tables in engines."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from engines.reference.credit_code import VALUE, check_character, credit_code_problem
from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_table
from engines.reference.regions import region_table


def _credit_code_reason(value: str) -> str:
    """The engine's reason in the user's language (the engine itself speaks English only)."""
    if len(value) != 18:
        return _("it has %(n)s characters, a code has 18") % {"n": len(value)}
    bad = next((char for char in value if char not in VALUE), None)
    if bad is not None:
        return _("it contains %(char)s; only digits and capital letters except I, O, Z, S, V are allowed") % {
            "char": repr(bad)
        }
    return _("the check character is %(given)s but should be %(expected)s") % {
        "given": value[17],
        "expected": check_character(value[:17]),
    }


def validate_credit_code(value: str) -> None:
    """Reject a 统一社会信用代码 whose GB 32100-2015 check character is wrong."""
    if credit_code_problem(value):
        raise ValidationError(
            _("Invalid unified social credit code %(code)s: %(problem)s"),
            code="credit_code",
            params={"code": value, "problem": _credit_code_reason(value)},
        )


def validate_industry_code(value: str) -> None:
    """Accept only a 4-digit GB/T 4754-2017 class."""
    try:
        industry_table().get_class(value)
    except UnknownCodeError:
        raise ValidationError(
            _("%(code)s is not a GB/T 4754-2017 industry class (4 digits, e.g. 3911)"),
            code="industry_code",
            params={"code": value},
        ) from None


def validate_region_code(value: str) -> None:
    """Accept a GB/T 2260 province, prefecture or county code that rolls up to a known prefecture."""
    try:
        region_table().resolve(value)
    except UnknownCodeError as exc:
        raise ValidationError(
            _("%(code)s is not a GB/T 2260 region code: %(reason)s"),
            code="region_code",
            params={"code": value, "reason": exc.reason},
        ) from None


def county_region_problem(code: str) -> str | None:
    """Why `code` is not a county-level GB/T 2260 code, or None when it is one.

    Enterprises and providers register with the market regulator of a county or district, and
    officials' scopes are prefixes of it; a province or city code would hide the registrant
    from the district officials who vet it.
    """
    try:
        level = region_table().resolve(code).level
    except UnknownCodeError as exc:
        return _("%(code)s is not a GB/T 2260 region code: %(reason)s") % {"code": code, "reason": exc.reason}
    if level != "county":
        return _(
            "%(code)s is a province or city code; enter the 6-digit code of the county or district "
            "where the organisation is registered, e.g. 330106."
        ) % {"code": code}
    return None
