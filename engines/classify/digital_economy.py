"""Digital-economy classes (NBS 2021) of one GB/T 4754 class; every answer is provisional."""

from __future__ import annotations

from dataclasses import dataclass

from engines.reference.digital_economy import digital_economy_table
from engines.reference.industry import industry_table


@dataclass(frozen=True, slots=True)
class DEMatch:
    """One 小类 that covers the industry class; partial = the official '*' (only part of it counts)."""

    code: str
    name: str
    category: str
    category_name: str
    partial: bool
    provisional: bool
    name_en: str = ""
    category_name_en: str = ""

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "category": self.category,
            "category_name": self.category_name,
            "category_name_en": self.category_name_en,
            "partial": self.partial,
            "provisional": self.provisional,
        }


@dataclass(frozen=True)
class DEClassification:
    """All DE classes of an industry class; `core` when any is in 01-04."""

    industry_code: str
    classes: tuple[DEMatch, ...]

    @property
    def core(self) -> bool:
        """True when the industry belongs (wholly or partly) to the digital-economy core (01-04)."""
        return any(match.category in ("01", "02", "03", "04") for match in self.classes)

    @property
    def provisional(self) -> bool:
        """True while any underlying mapping row is unverified (always, for now)."""
        return any(match.provisional for match in self.classes) or not self.classes

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "industry_code": self.industry_code,
            "classes": [m.as_dict() for m in self.classes],
            "core": self.core,
            "provisional": self.provisional,
        }


def digital_economy_class(industry_code: str) -> DEClassification:
    """Look up the DE 小类 a GB/T 4754 class corresponds to (none for most classes)."""
    industry_table().get_class(industry_code)
    table = digital_economy_table()
    matches = tuple(
        DEMatch(
            sub.code,
            sub.name,
            sub.category,
            table.categories[sub.category].name,
            partial,
            sub.provisional,
            sub.name_en,
            table.categories[sub.category].name_en,
        )
        for sub, partial in table.by_industry_class.get(industry_code, ())
    )
    return DEClassification(industry_code, tuple(sorted(matches, key=lambda m: m.code)))
