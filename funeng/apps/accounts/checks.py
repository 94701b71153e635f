"""System checks of the account settings (run by `funeng check`, the servers and `check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from funeng.apps.accounts.verifiers import STUB_VERIFIER, stub_configured_without_debug


@checks.register(checks.Tags.security)
def claim_verifier_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The claim verifier must be importable, and the approve-everything stub only in DEBUG."""
    path = settings.CLAIM_VERIFIER
    if not path:
        return []
    if stub_configured_without_debug():
        return [
            checks.Error(
                "CLAIM_VERIFIER is the development stub, which approves every enterprise claim, "
                "but DEBUG is off.",
                hint="Unset CLAIM_VERIFIER (claims then need a claim code or reviewed documents) "
                f"or name a real verifier; {STUB_VERIFIER} is for development only.",
                id="funeng.accounts.E001",
            )
        ]
    try:
        import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"CLAIM_VERIFIER={path!r} cannot be imported: {exc}",
                hint="Name a class implementing funeng.apps.accounts.verifiers.ClaimVerifier.",
                id="funeng.accounts.E002",
            )
        ]
    return []
