"""The registry's side of engines.rules.consistency: a profile's cross-field inconsistencies as Django errors."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from engines.rules.consistency import Inconsistency, profile_inconsistencies
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise


def enterprise_values(enterprise: Enterprise) -> dict[str, object]:
    """The editable fields of an enterprise as the plain mapping the engine reads."""
    return {name: getattr(enterprise, name) for name in EDITABLE_FIELDS}


def inconsistency_error(inconsistency: Inconsistency) -> ValidationError:
    """One inconsistency as a ValidationError in the active language (an English msgid in the API)."""
    return ValidationError(
        gettext(inconsistency.message), code=inconsistency.code, params=dict(inconsistency.params)
    )


def profile_inconsistencies_now(values: Mapping[str, object]) -> list[Inconsistency]:
    """The inconsistencies of a profile as of today in the platform's time zone."""
    return profile_inconsistencies(values, today=timezone.localdate())


def enterprise_check_consistent(enterprise: Enterprise) -> None:
    """Raise a ValidationError naming each field that contradicts another field or the calendar."""
    found = profile_inconsistencies_now(enterprise_values(enterprise))
    if found:
        errors: dict[str, list[ValidationError]] = {}
        for inconsistency in found:
            errors.setdefault(inconsistency.field, []).append(inconsistency_error(inconsistency))
        raise ValidationError(errors)
