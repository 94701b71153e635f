"""Framework lookups for the app: which framework an enterprise gets, and bilingual text by language."""

from __future__ import annotations

from engines.maturity import Framework, shipped_frameworks
from engines.maturity.framework import Text
from funeng.apps.assessment.const import DEFAULT_FAMILY, MANUFACTURING_DIVISIONS
from funeng.apps.enterprises.models import Enterprise


def is_manufacturer(industry_code: str) -> bool:
    """GB/T 4754-2017 section C: divisions 13-43."""
    return industry_code[:2].isdigit() and int(industry_code[:2]) in MANUFACTURING_DIVISIONS


def suggested_framework_id(enterprise: Enterprise) -> str:
    """The MIIT variant for the enterprise's sector: manufacturing, or (productive) services otherwise."""
    variant = "manufacturing" if is_manufacturer(enterprise.industry_code) else "services"
    return f"{DEFAULT_FAMILY}-{variant}"


def framework_choices() -> list[Framework]:
    """Every shipped framework, MIIT first."""
    return sorted(shipped_frameworks().values(), key=lambda f: (f.family != DEFAULT_FAMILY, f.id))


def pick(text: Text | None, language: str) -> str:
    """The Chinese or English side of a framework text."""
    if text is None:
        return ""
    return text.en if language == "en" else text.zh


def framework_name(framework_id: str, language: str) -> str:
    """A framework's name in `language`; the id only for a framework this instance no longer ships."""
    framework = shipped_frameworks().get(framework_id)
    return framework_id if framework is None else pick(framework.name, language)
