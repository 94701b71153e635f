"""The skills taxonomy (skills.yaml): ids with Chinese and English names and GB/T 4754 division hints."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SKILLS_FILE = Path(__file__).resolve().parent / "skills.yaml"
_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_DIVISION = re.compile(r"^\d{2}$")


class SkillsError(ValueError):
    """skills.yaml is malformed; the message names the entry."""


@dataclass(frozen=True)
class Skill:
    id: str
    zh: str
    en: str
    divisions: tuple[str, ...] = ()


def parse_skills(data: object) -> tuple[str, tuple[Skill, ...]]:
    """The version and the skills of a loaded skills.yaml, checked."""
    if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
        raise SkillsError("skills.yaml needs a `skills` list")
    found: list[Skill] = []
    seen: set[str] = set()
    for number, row in enumerate(data["skills"], start=1):
        if not isinstance(row, dict):
            raise SkillsError(f"skill {number}: expected a mapping")
        skill_id, zh, en = row.get("id"), row.get("zh"), row.get("en")
        if not isinstance(skill_id, str) or not _ID.match(skill_id):
            raise SkillsError(f"skill {number}: id must be lower-case letters, digits and _")
        if skill_id in seen:
            raise SkillsError(f"skill {number}: id {skill_id} appears twice")
        if not (isinstance(zh, str) and zh and isinstance(en, str) and en):
            raise SkillsError(f"skill {skill_id}: both zh and en names are required")
        divisions = tuple(str(d) for d in row.get("divisions") or ())
        if not all(_DIVISION.match(d) for d in divisions):
            raise SkillsError(f"skill {skill_id}: divisions are two-digit GB/T 4754 codes")
        seen.add(skill_id)
        found.append(Skill(skill_id, zh, en, divisions))
    return str(data.get("version", "")), tuple(found)


@cache
def _loaded() -> tuple[str, tuple[Skill, ...]]:
    return parse_skills(yaml.safe_load(SKILLS_FILE.read_text(encoding="utf-8")))


def skills() -> tuple[Skill, ...]:
    """Every skill, in the file's order."""
    return _loaded()[1]


def skills_version() -> str:
    return _loaded()[0]


@cache
def _by_id() -> dict[str, Skill]:
    return {skill.id: skill for skill in skills()}


def skill_ids() -> tuple[str, ...]:
    return tuple(_by_id())


def skill_of(skill_id: str) -> Skill:
    """The skill with this id; KeyError for an unknown id."""
    return _by_id()[skill_id]
