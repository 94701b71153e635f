"""SQLite under concurrent writers: a real gunicorn server, ten API clients writing for ten seconds, no error.

Two worker processes with eight threads each contend for SQLite's single write lock, as `make serve`
does. Every write must answer 2xx (no "database is locked") and be in the database afterwards.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.support.runtime import funeng_env, ok, run_funeng

WRITERS = 10
SECONDS = 10.0
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ON_POSTGRES, reason="SQLite's write lock; the SQLite leg of the suite runs it"),
]


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(port: int, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        payload = None if body is None else json.dumps(body)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"null")
        except ValueError:
            return response.status, raw[:300]
    finally:
        connection.close()


def _wait_until_serving(port: int, token: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until both workers have answered an API read: Django's start-up is not what the test measures.

    The matching index is left cold on purpose: each worker builds it on its first need, within the
    measured ten seconds, as after a restart under traffic (it once held the write lock meanwhile).
    """
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if _call(port, "GET", "/api/v1/consents", token)[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        pytest.fail("gunicorn did not start:\n" + log.read_text())
    readers = [
        threading.Thread(target=_call, args=(port, "GET", "/api/v1/consents", token)) for _ in range(8)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()


def test_ten_api_writers_for_ten_seconds_never_meet_database_is_locked(sqlite_demo, tmp_path):
    database = tmp_path / "funeng.sqlite3"
    shutil.copyfile(sqlite_demo["demo"], database)
    url, media = f"sqlite:///{database}", tmp_path / "media"
    with closing(sqlite3.connect(database)) as con:
        (enterprise_id,) = con.execute(
            "SELECT m.enterprise_id FROM core_membership m JOIN auth_user u ON u.id = m.user_id "
            "WHERE u.username = 'demo_enterprise'"
        ).fetchone()
        (institution_id,) = con.execute("SELECT min(id) FROM consents_financialinstitution").fetchone()

    port = _free_port()
    log = tmp_path / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(gunicorn), "funeng.wsgi:application", "--worker-class", "gthread", "--workers", "2"]
            + ["--threads", "8", "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
            env=funeng_env(url, media),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        # While gunicorn starts: both are a few seconds of Python start-up.
        token = ok(
            run_funeng("create_token", "demo_enterprise", database_url=url, media_root=media)
        ).stdout.strip()
        warming = time.perf_counter()
        _wait_until_serving(port, token, server, log)
        print(f"\nserver ready in {time.perf_counter() - warming:.1f} s")
        consents: list[int] = []
        revoked: list[int] = []
        needs: list[int] = []
        failures: list[tuple[int, Any]] = []
        lock = threading.Lock()
        valid_until = (dt.date.today() + dt.timedelta(days=90)).isoformat()
        grant = {
            "enterprise_id": enterprise_id,
            "institution_id": institution_id,
            "categories": ["profile"],
            "valid_until": valid_until,
        }

        def write(writer: int) -> None:
            stop = time.monotonic() + SECONDS
            turn = 0
            while time.monotonic() < stop:
                turn += 1
                if turn % 3 == 0:  # a need: ranked against the catalogue at once
                    body = {
                        "title": f"需要生产管理系统 {writer}-{turn}",
                        "description": "车间排产与追溯数字化",
                    }
                    status, answer = _call(port, "POST", "/api/v1/matching/needs", token, body)
                    with lock:
                        (needs.append(answer["id"]) if status == 201 else failures.append((status, answer)))
                    continue
                # Each grant in force at one time differs (an identical consent in force is refused
                # as a double submit): writer + WRITERS * turn is unique across writers, and a
                # writer's own grant is revoked before its next; a slow writer no longer meets a
                # fast one's end date.
                days = 1 + (writer + WRITERS * turn) % 360
                body = grant | {"valid_until": (dt.date.today() + dt.timedelta(days=days)).isoformat()}
                status, answer = _call(port, "POST", "/api/v1/consents", token, body)
                with lock:
                    if status != 201:
                        failures.append((status, answer))
                        continue
                    consents.append(answer["id"])
                status, answer = _call(port, "POST", f"/api/v1/consents/{answer['id']}/revoke", token)
                with lock:
                    (revoked.append(answer["id"]) if status == 200 else failures.append((status, answer)))

        started = time.perf_counter()
        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    writes = len(consents) + len(revoked) + len(needs)
    print(
        f"\n{writes} writes in {elapsed:.1f} s ({writes / elapsed:.1f}/s) by {WRITERS} clients, {len(failures)} errors"
    )
    assert failures == [], failures[:5]
    assert "database is locked" not in log.read_text()
    assert writes >= WRITERS and needs and consents
    with closing(sqlite3.connect(database)) as con:
        stored = dict(con.execute("SELECT id, revoked_at IS NOT NULL FROM consents_consent"))
        stored_needs = {row[0] for row in con.execute("SELECT id FROM matching_need")}
        audited = {
            int(row[0])
            for row in con.execute(
                "SELECT object_id FROM audit_auditevent WHERE object_type = 'consents.consent'"
            )
        }
    assert all(stored.get(pk) == 1 for pk in consents) and set(revoked) == set(consents)
    assert set(needs) <= stored_needs
    assert set(consents) <= audited
