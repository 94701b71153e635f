"""The process taxonomy (processes.yaml): what machines can do and operations need, with zh/en names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from funeng.apps.core.i18n import is_english

PROCESSES_FILE = Path(__file__).with_name("processes.yaml")


@dataclass(frozen=True)
class Process:
    """One kind of manufacturing work and the GB/T 4754 codes where it is typical."""

    id: str
    zh: str
    en: str
    industries: tuple[str, ...]

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.en if is_english() else self.zh


@cache
def processes() -> tuple[Process, ...]:
    """Every process of the taxonomy, in file order."""
    data = yaml.safe_load(PROCESSES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Process(id=row["id"], zh=row["zh"], en=row["en"], industries=tuple(row["industries"]))
        for row in data["processes"]
    )


@cache
def processes_by_id() -> dict[str, Process]:
    """The processes keyed by id."""
    return {process.id: process for process in processes()}


def process_name(process_id: str) -> str:
    """A process's name in the active language (its id when unknown, which validation prevents)."""
    process = processes_by_id().get(process_id)
    return process.name if process else process_id


def process_choices() -> list[tuple[str, str]]:
    """(id, name) pairs for forms, in the active language."""
    return [(process.id, process.name) for process in processes()]
