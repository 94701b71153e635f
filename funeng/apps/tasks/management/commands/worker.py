"""`funeng worker`: run background tasks, say every few seconds that this worker is alive, reap the dead."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone

from funeng.apps.tasks.runner import WORKER_ID_ENV
from funeng.apps.tasks.services import STALE_AFTER, task_runs_reap, worker_heartbeat

logger = logging.getLogger("funeng.worker")
HEARTBEAT_SECONDS = 5.0


def _beat(worker_id: str, started_at: Any, stop: threading.Event, stale_after: Any) -> None:
    """The heartbeat thread: its own database connection, a beat and a reap every few seconds."""
    host, pid = socket.gethostname(), os.getpid()
    while not stop.is_set():
        try:
            worker_heartbeat(worker_id=worker_id, pid=pid, host=host, started_at=started_at)
            reaped = task_runs_reap(stale_after=stale_after, alive_worker=worker_id)
            if reaped:
                logger.warning("failed %d task(s) whose worker had stopped", reaped)
        except Exception:  # a locked or restarting database must not kill the heartbeat
            logger.exception("heartbeat failed; trying again")
        finally:
            close_old_connections()
        # Beat several times within the reaper's patience, so a live worker never looks dead.
        stop.wait(min(HEARTBEAT_SECONDS, stale_after.total_seconds() / 4))
    connection.close()


class Command(BaseCommand):
    help = "Run background tasks (imports, region-wide runs, exports) with a heartbeat for /healthz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="exit when no task is waiting (tests, cron)")

    def handle(self, *args: Any, interval: float, batch: bool, **options: Any) -> None:
        from django_tasks_db.management.commands.db_worker import Worker

        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        os.environ[WORKER_ID_ENV] = worker_id
        stale_seconds = float(os.environ.get("TASK_WORKER_STALE_SECONDS", STALE_AFTER.total_seconds()))
        stale_after = dt.timedelta(seconds=stale_seconds)
        started_at = timezone.now()
        worker_heartbeat(
            worker_id=worker_id, pid=os.getpid(), host=socket.gethostname(), started_at=started_at
        )
        task_runs_reap(stale_after=stale_after, alive_worker=worker_id)
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(worker_id, started_at, stop, stale_after), daemon=True)
        beat.start()
        self.stdout.write(f"worker {worker_id} ready (Ctrl-C to stop)")
        try:
            Worker(
                queue_names=["default"],
                interval=interval,
                batch=batch,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        finally:
            stop.set()
            beat.join(timeout=HEARTBEAT_SECONDS + 1)
