"""The job registry: job kinds register themselves; `kind` or `kind:argument` names one job.

A kind without argument is one job (`classify`); a kind with arguments is a family
(`assessment:<framework>`, `policy:<programme>`), whose members its `arguments` function lists.
Jobs that depend on a date (policies in force) take it from JobOptions, never from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from engines.batch.job import BatchJob


class UnknownJobError(KeyError):
    """No registered job has that name; the message lists the ones that exist."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, slots=True)
class JobOptions:
    """What a job may depend on besides its input: the evaluation date of date-dependent rules."""

    as_of: dt.date


@dataclass(frozen=True, slots=True)
class JobKind:
    """A family of jobs: `build(argument, options)` makes one; `arguments()` lists the valid arguments."""

    name: str
    summary: str
    build: Callable[[str | None, JobOptions], BatchJob]
    arguments: Callable[[], tuple[str, ...]] | None = None  # None: the kind is a single job


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> JobKind:
    """Add a kind of job; registering a name twice is an error (two definitions of one batch)."""
    if ":" in kind.name or not kind.name:
        raise ValueError(f"job kind {kind.name!r}: a name is a non-empty word without ':'")
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ValueError(f"job kind {kind.name!r} is already registered")
    _KINDS[kind.name] = kind
    return kind


def job_kinds() -> dict[str, JobKind]:
    """Registered kinds by name, in registration order."""
    return dict(_KINDS)


def job_names() -> list[str]:
    """Every concrete job name: `classify`, `assessment:dma`, `policy:srdi-zhejiang`, …"""
    names: list[str] = []
    for kind in _KINDS.values():
        if kind.arguments is None:
            names.append(kind.name)
        else:
            names.extend(f"{kind.name}:{argument}" for argument in kind.arguments())
    return names


def get_job(name: str, *, as_of: dt.date) -> BatchJob:
    """The job called `name`; UnknownJobError (one line, listing what exists) otherwise."""
    kind_name, colon, argument = name.partition(":")
    kind = _KINDS.get(kind_name)
    if kind is None:
        raise UnknownJobError(f"unknown job {name!r}; jobs are: {', '.join(job_names())}")
    if kind.arguments is None:
        if colon:
            raise UnknownJobError(f"job {kind_name} takes no argument; use --job {kind_name}")
        return kind.build(None, JobOptions(as_of))
    known = kind.arguments()
    if argument not in known:
        raise UnknownJobError(
            f"unknown {kind_name} {argument!r}; use --job {kind_name}:<one of {', '.join(known)}>"
        )
    return kind.build(argument, JobOptions(as_of))
