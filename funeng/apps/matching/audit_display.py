"""How matchmaking's audit values read: scenarios, industries and regions by name."""

from __future__ import annotations

from typing import Any

from funeng.apps.audit.display import register_audit_display
from funeng.apps.core.i18n import active_language
from funeng.apps.enterprises.audit_display import industry_text, region_text
from funeng.apps.matching.selectors import scenario_label


def scenario_text(ident: Any) -> str | None:
    """A solution scenario's name; None for an id the taxonomy no longer has."""
    if not isinstance(ident, str):
        return None
    label = scenario_label(ident, active_language())
    return None if label == "—" else label


def register() -> None:
    for model in ("matching.solution", "matching.need", "matching.deal"):
        register_audit_display(model, values={"scenarios": scenario_text})
    register_audit_display("matching.solution", values={"industries": industry_text, "regions": region_text})
