"""How the policy engine's audit values read: programmes by name, tracks and notices in words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from funeng.apps.audit.display import register_audit_display
from funeng.apps.policies.const import Track
from funeng.apps.policies.selectors import programme_name


def programme_text(programme_id: Any) -> str | None:
    return programme_name(programme_id) if isinstance(programme_id, str) and programme_id else None


def register() -> None:
    for model in ("policies.policyrun", "policies.reviewdecision", "policies.policynotice"):
        register_audit_display(model, values={"programme": programme_text})
    register_audit_display(
        "policies.policyrun",
        labels={"version": _("rule version"), "track": _("track")},
        choices={"track": [*Track.choices, ("all", _("all tracks"))]},
    )
    register_audit_display("policies.policynotice", choices={"read_at": [("read", _("read"))]})
