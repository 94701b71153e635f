"""A worker killed with kill -9 in the middle of an import leaves nothing half-written (real processes).

The test runs `funeng worker` as a separate process on its own SQLite file, starts a 40,000-row
import through the task queue, kills the worker while the import's write transaction is open,
then checks that no enterprise was written, that a second worker marks the task failed, and that
starting it again imports every row.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.apps.enterprises.test_import_cli import valid_row, write_csv
from tests.support.paths import ROOT

pytestmark = pytest.mark.slow
ROWS = 40_000
FUNENG = [str(Path(sys.executable).with_name("funeng"))]

ENQUEUE = """
from django.contrib.auth.models import User
from funeng.apps.tasks.services import task_enqueue
user = User.objects.create_superuser("op", password="pw-op-123456")
run = task_enqueue(kind="enterprises.import", started_by=user,
                   params={"input": "task-inputs/big.csv", "filename": "big.csv", "dry_run": False})
print(run.pk)
"""
RETRY = """
from funeng.apps.tasks.models import TaskRun
from funeng.apps.tasks.services import task_retry
run = TaskRun.objects.get()
print(task_retry(run=run, acting_user=run.started_by).pk)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "funeng.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'kill.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "TASK_WORKER_STALE_SECONDS": "3",
            "REQUEST_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _funeng(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*FUNENG, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _query(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "kill.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchall()


def _wait(predicate, what: str, seconds: float = 240.0, every: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_while_writing_leaves_nothing_and_the_task_can_run_again(tmp_path):
    env = _env(tmp_path)
    _funeng(env, "migrate", "--noinput", "-v", "0")
    (tmp_path / "media" / "task-inputs").mkdir(parents=True)
    write_csv(tmp_path / "media" / "task-inputs" / "big.csv", [valid_row() for _ in range(ROWS)])
    run_id = _funeng(env, "shell", "-c", ENQUEUE).replace("-", "")

    first = subprocess.Popen([*FUNENG, "worker", "--interval", "0.2"], cwd=ROOT, env=env)
    try:
        _wait(
            lambda: _query(tmp_path, "SELECT 1 FROM tasks_taskrun WHERE message = 'Writing to the registry'"),
            "the import's write transaction",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert _query(tmp_path, "SELECT state FROM tasks_taskrun")[0][0] == "running"
    assert _query(tmp_path, "SELECT COUNT(*) FROM enterprises_enterprise") == [(0,)]
    assert _query(tmp_path, "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'import'") == [(0,)]

    second = subprocess.Popen([*FUNENG, "worker", "--interval", "0.2"], cwd=ROOT, env=env)
    try:
        failed = _wait(
            lambda: _query(tmp_path, "SELECT state, error FROM tasks_taskrun WHERE state = 'failed'"),
            "the reaper to fail the task of the dead worker",
            seconds=60,
            every=0.5,
        )
        assert "worker stopped" in failed[0][1]
        assert (tmp_path / "media" / "task-inputs" / "big.csv").exists()  # kept for the retry
        retry_id = _funeng(env, "shell", "-c", RETRY).replace("-", "")
        assert retry_id != run_id
        _wait(
            lambda: _query(
                tmp_path, f"SELECT 1 FROM tasks_taskrun WHERE id = '{retry_id}' AND state = 'done'"
            ),
            "the retry to finish",
            every=0.5,
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    assert _query(tmp_path, "SELECT COUNT(*) FROM enterprises_enterprise") == [(ROWS,)]
    assert not (tmp_path / "media" / "task-inputs" / "big.csv").exists()
