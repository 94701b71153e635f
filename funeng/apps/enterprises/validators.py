"""Model-field validators that delegate to the reference tables in engines."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from engines.reference.credit_code import credit_code_problem
from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_table
from engines.reference.regions import region_table


def validate_credit_code(value: str) -> None:
    """Reject a 统一社会信用代码 whose GB 32100-2015 check character is wrong."""
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(
            _("Invalid unified social credit code %(code)s: %(problem)s"),
            code="credit_code",
            params={"code": value, "problem": problem},
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
