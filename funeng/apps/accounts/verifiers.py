"""Online checks that a claimant acts for an enterprise, for production behind one interface.

A real check (the 电子营业执照 mini-program's authorisation, or a 法人实名 identity check through a
licensed provider) lives outside this code base: implement `ClaimVerifier` and name the class
in the CLAIM_VERIFIER setting. Without one, the option is not offered and claims need a claim
code or documents an official reviews. The stub here approves everything and exists only so the
flow can be tried in development; a system check (funeng.apps.accounts.checks) refuses it with
DEBUG off, and `claim_verifier()` ignores it then as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

STUB_VERIFIER = "funeng.apps.accounts.verifiers.DevelopmentStubVerifier"


@dataclass(frozen=True)
class Verdict:
    """A verifier's answer: whether the person may act for the enterprise, why, and its own reference."""

    approved: bool
    reason: str
    reference: str = ""


class ClaimVerifier(Protocol):
    """Checks that the person registering acts for the enterprise with this credit code and name."""

    # Shown to claimants as the name of the option (translated label).
    label: str | Promise

    def verify(
        self, *, credit_code: str, name: str, legal_representative: str, claimant_email: str
    ) -> Verdict:
        """Ask the authority; never raise for a refusal (return approved=False with the reason)."""
        ...


class DevelopmentStubVerifier:
    """Approves every claim without checking anything: for trying the flow in development only."""

    label = _("Test verifier (development only)")

    def verify(
        self, *, credit_code: str, name: str, legal_representative: str, claimant_email: str
    ) -> Verdict:
        return Verdict(
            approved=True,
            # Stored as the claim's reason and shown to reviewers in either language.
            reason="测试用核验（仅开发环境），未做任何核验 / Test verifier (development only): nothing was checked.",
            reference="stub",
        )


def stub_configured_without_debug() -> bool:
    """The approve-everything stub is configured while DEBUG is off (a production misconfiguration)."""
    return settings.CLAIM_VERIFIER == STUB_VERIFIER and not settings.DEBUG


def claim_verifier() -> ClaimVerifier | None:
    """The configured verifier, or None when none is configured (or the stub is, with DEBUG off)."""
    path = settings.CLAIM_VERIFIER
    if not path or stub_configured_without_debug():
        return None
    verifier: ClaimVerifier = import_string(path)()
    return verifier
