"""Shared pieces of the library commands: JSON shapes of measures and targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from funeng.apps.enterprises.management.commands._cli import fail_usage
from funeng.apps.library.models import PolicyDocument, Target


def number(value: Decimal) -> int | float:
    """A target value as JSON: 400 rather than 400.0000."""
    return int(value) if value == value.to_integral_value() else float(value)


def target_json(target: Target) -> dict[str, Any]:
    return {
        "value": number(target.value),
        "unit": target.unit,
        "year": target.year,
        "op": target.op,
        "what": target.what,
        "raw": target.raw,
        "clause": target.clause_key,
    }


def document_or_fail(slug: str) -> PolicyDocument:
    document = PolicyDocument.objects.filter(slug=slug).first()
    if document is None:
        fail_usage(f"no document with id {slug!r} in the library (see `funeng library_ingest`)")
    return document


def fail_validation(error: ValidationError) -> None:
    """Exit 2 with every field's message on one line each."""
    parts = (
        [f"{field}: {'; '.join(messages)}" for field, messages in error.message_dict.items()]
        if hasattr(error, "error_dict")
        else list(error.messages)
    )
    fail_usage(" | ".join(parts))
