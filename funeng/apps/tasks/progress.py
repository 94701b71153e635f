"""Progress of long work: the same handler reports to a task page (database) or to a terminal (rich)."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from funeng.apps.tasks.models import TaskRun

# A page polls about once a second; writing more often would only load the database.
WRITE_EVERY_SECONDS = 0.5


class Progress:
    """Reports how far long work is; this base reports nowhere (tests, one-off calls)."""

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Set the count of finished steps (and the total, and an English msgid saying what is done)."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class TaskProgress(Progress):
    """Writes progress to the task's row, at most twice a second, so its page can poll it."""

    def __init__(self, run: TaskRun) -> None:
        self.run = run
        self._written_at = 0.0

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        from funeng.apps.tasks.models import TaskRun

        changed_text = message is not None and message != self.run.message
        self.run.done = max(0, done)
        if total is not None:
            self.run.total = max(0, total)
        if message is not None:
            self.run.message = message[:300]
        now = time.monotonic()
        if not changed_text and now - self._written_at < WRITE_EVERY_SECONDS:
            return
        self._written_at = now
        # An update, not save(): it must not overwrite the state the reaper may have set, and it
        # is its own short transaction unless the handler is inside one (then it commits with it).
        with transaction.atomic():
            TaskRun.objects.filter(pk=self.run.pk).update(
                done=self.run.done, total=self.run.total, message=self.run.message
            )


class ConsoleProgress(Progress):
    """A progress bar on the terminal (rich), for the command-line twins of background tasks."""

    def __init__(self, description: str, *, enabled: bool = True) -> None:
        self.description = description
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> ConsoleProgress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=None)
        return self

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        if self._bar is None:
            return
        fields: dict[str, Any] = {"completed": done}
        if total is not None:
            fields["total"] = total
        if message:
            fields["description"] = f"{self.description}: {message}"
        self._bar.update(self._task, **fields)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
