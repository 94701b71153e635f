"""`make serve` as an operator runs it: settings checked first, then gunicorn and the worker, /healthz green.

On the PostgreSQL leg of CI the server runs on a fresh PostgreSQL database of its own, so this is
the issue's "make serve runs gunicorn + worker on PostgreSQL and /healthz is green", end to end.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.paths import ROOT

pytestmark = pytest.mark.slow

SUITE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SUITE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))

REQUIRED = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "sqlite:///unused.sqlite3",
    "ALLOWED_HOSTS": "127.0.0.1",
}


def _base_env(tmp_path: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "PYTHON")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    return env | {"HOME": str(tmp_path)}


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_each_missing_production_setting_is_named_in_one_line(tmp_path, missing):
    env = _base_env(tmp_path) | {k: v for k, v in REQUIRED.items() if k != missing}
    done = subprocess.run(
        ["bash", "scripts/check_production_env.sh"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"make serve: set {missing}"), done.stderr


def test_the_check_passes_when_every_setting_is_there(tmp_path):
    env = _base_env(tmp_path) | REQUIRED
    done = subprocess.run(
        ["bash", "scripts/check_production_env.sh"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fresh_database(tmp_path: Path):
    """A database URL nobody else uses, and a function that drops it afterwards."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'serve.sqlite3'}", lambda: None
    import psycopg

    name = f"funeng_serve_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SUITE_URL, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(SUITE_URL, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return urlsplit(SUITE_URL)._replace(path=f"/{name}").geturl(), drop


def _health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:  # 503 while the worker has not yet beaten
        return error.code, json.loads(error.read())


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_serve_runs_gunicorn_and_the_worker_and_healthz_is_green(tmp_path):
    database_url, drop = _fresh_database(tmp_path)
    port = _free_port()
    env = _base_env(tmp_path) | {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        # A session of its own, so that the interrupt below reaches make, gunicorn and the worker as
        # Ctrl-C in a terminal would reach the whole foreground group.
        server = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        status, body = 0, {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                status, body = _health(port)
            except OSError:  # not listening yet (migrate and collectstatic run first)
                status, body = 0, {}
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, (body, log.read_text(errors="replace"))
        assert body["status"] == "ok"
        assert {name: check["ok"] for name, check in body["checks"].items()} == {
            "database": True,
            "migrations": True,
            "worker": True,
        }
        # Static files come hashed from collectstatic through whitenoise, not from the finders.
        assert any((tmp_path / "static").rglob("funeng.*.js"))
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=60)
        finally:
            deadline = time.monotonic() + 30
            while _group_alive(server.pid) and time.monotonic() < deadline:
                time.sleep(0.5)
            leftover = _group_alive(server.pid)
            if leftover:
                os.killpg(server.pid, signal.SIGKILL)
            drop()
    assert not leftover, "Ctrl-C left gunicorn or the worker running"
