"""Task kinds: each app registers the long work it hands to the background worker (in its tasks.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    from funeng.apps.tasks.models import TaskRun
    from funeng.apps.tasks.progress import Progress

Handler = Callable[["TaskRun", "Progress"], dict[str, Any]]


@dataclass(frozen=True)
class TaskKind:
    """A named kind of background work: its title for people and the function that does it.

    The handler gets the run (its params) and a progress reporter, and returns the result as
    JSON-ready data (a "url" key, when present, is where people see the result). It must be safe
    to run again after a crash: it writes its result in one transaction at the end, or in
    idempotent steps.
    """

    name: str
    title: StrOrPromise
    handler: Handler
    # A template that shows the result on the task page (it gets `result`), e.g. an import report.
    result_template: str = ""
    # Who may start it from the task list with no parameters (None: only from its own page).
    launchable_by: Callable[[Any], bool] | None = None


_KINDS: dict[str, TaskKind] = {}


def register(
    name: str,
    title: StrOrPromise,
    *,
    result_template: str = "",
    launchable_by: Callable[[Any], bool] | None = None,
) -> Callable[[Handler], Handler]:
    """Register `handler` as the task kind `name` (module import time, from an app's tasks.py)."""

    def decorate(handler: Handler) -> Handler:
        if name in _KINDS and _KINDS[name].handler is not handler:
            raise ValueError(f"task kind {name!r} is registered twice")
        _KINDS[name] = TaskKind(name, title, handler, result_template, launchable_by)
        return handler

    return decorate


def task_kind(name: str) -> TaskKind:
    """The registered kind; KeyError names the unknown one."""
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f"unknown task kind {name!r}; registered: {', '.join(sorted(_KINDS))}") from None


def launchable_kinds(user: Any) -> list[TaskKind]:
    """The kinds this user may start from the task list, by title."""
    kinds = [kind for kind in _KINDS.values() if kind.launchable_by is not None and kind.launchable_by(user)]
    return sorted(kinds, key=lambda kind: str(kind.title))


def task_kinds() -> dict[str, TaskKind]:
    """Every registered kind by name."""
    return dict(_KINDS)
