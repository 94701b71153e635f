"""How the enterprise registry's audit values read: reasons, classes, regions and industries by name."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from engines.reference.digital_economy import digital_economy_table
from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from funeng.apps.audit.display import register_audit_display
from funeng.apps.core.i18n import is_english
from funeng.apps.enterprises.const import SizeReason


def region_text(code: Any) -> str | None:
    """A GB/T 2260 code as its names, with the code (a county is shown by its prefecture)."""
    if not isinstance(code, str) or not code:
        return None
    name = region_table().display_name(code)
    return f"{name} {code}" if name else None


def industry_text(code: Any) -> str | None:
    """A GB/T 4754 code with its name."""
    industry = industry_table().by_code.get(code) if isinstance(code, str) else None
    return None if industry is None else f"{code} {industry.name}"


def digital_economy_text(entry: Any) -> str | None:
    """One stored digital-economy class ({"code", "partial"}) as its name."""
    code = entry.get("code") if isinstance(entry, dict) else entry
    subclass = digital_economy_table().subclasses.get(code) if isinstance(code, str) else None
    if subclass is None:
        return None
    name = subclass.name_en if is_english() and subclass.name_en else subclass.name
    text = f"{code} {name}"
    return (
        _("%(class)s (partly)") % {"class": text}
        if isinstance(entry, dict) and entry.get("partial")
        else text
    )


def register() -> None:
    register_audit_display(
        "enterprises.enterprise",
        choices={"size_reason": SizeReason.choices},
        values={"region_code": region_text, "industry_code": industry_text, "de_codes": digital_economy_text},
    )
