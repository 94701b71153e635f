"""Load benchmark: gunicorn + PostgreSQL under 10 and 50 concurrent clients, then a soak at 50.

Run: .venv/bin/python benchmarks/load.py [--database-url postgres://…] [--seconds 60] [--soak-seconds 600]

Everything stays on 127.0.0.1. The script migrates the given PostgreSQL database (default: the
local cluster of scripts/start_postgres.sh, database funeng_load), loads the demo region there
once, starts `gunicorn` with production settings (DEBUG=0) and the usual worker flags, logs in as
an official (demo_official) and an enterprise user (demo_enterprise), and drives the pages people
use most: the registry list, the home dashboard, 我的政策, a need with its ranked solutions, and the
API lists (with a token). Each phase runs for a bounded time; every client loops over its URLs.

It prints requests/s, p50/p95/p99 latency and errors per phase, and the resident memory of each
gunicorn worker sampled every 10 s of the soak (first, last, max), so growth is visible.
Targets (issue "Runtime"): p95 < 150 ms at 50 concurrent clients, 0 errors, flat worker memory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUNENG = str(ROOT / ".venv" / "bin" / "funeng")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST, PORT = "127.0.0.1", 8799
PASSWORD = "funeng-demo-2026"


def default_database_url() -> str:
    url = subprocess.run(
        ["bash", str(ROOT / "scripts" / "start_postgres.sh")], capture_output=True, text=True, check=True
    ).stdout.strip()
    return url.rsplit("/", 1)[0] + "/funeng_load"


def ensure_database(url: str) -> None:
    """Create the target database if missing (the CI role may create databases)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    code = f"""
import psycopg
with psycopg.connect({admin!r}, autocommit=True) as db:
    if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", ({name!r},)).fetchone():
        db.execute('CREATE DATABASE "{name}"')
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([FUNENG, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"funeng {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout.strip()


# --- clients --------------------------------------------------------------------------------------


class Session:
    """One keep-alive connection with a cookie jar (enough for Django's session and CSRF cookies)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.served = 0  # responses read on the current connection
        self.reconnects = 0

    def request(self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reused = self.served > 0
        try:
            response, content = self._exchange(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # gunicorn closes a keep-alive connection idle for more than --keep-alive seconds (2 s).
            # Like every HTTP client (RFC 9112 §9.3.1), retry a GET once on a new connection when a
            # reused one turns out closed; a new connection failing is an error of the run.
            if method != "GET" or not reused:
                raise
            self.reconnects += 1
            response, content = self._exchange(method, path, body, headers)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def _exchange(self, method: str, path: str, body: str, headers: dict[str, str]):
        try:
            self.connection.request(method, path, body=body or None, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
            self.served = 0
            raise
        self.served += 1
        if response.will_close:
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
            self.served = 0
        return response, content
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def log_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, "no login form"
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{PORT}/accounts/login/",
            },
        )
        assert status == 302, f"login of {username} answered {status}"


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    by_path: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    reconnects: int = 0  # idle keep-alive connections the server had closed (retried, not errors)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, elapsed: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(elapsed)
            self.by_path.setdefault(path, []).append(elapsed)
            if error:
                self.errors.append(error)


def client_loop(session: Session, urls: list[tuple[str, dict[str, str]]], phase: Phase, stop: float) -> None:
    i = 0
    while time.monotonic() < stop:
        path, headers = urls[i % len(urls)]
        i += 1
        started = time.perf_counter()
        error = None
        try:
            status, _ = session.request("GET", path, headers=headers)
            if status != 200:
                error = f"{status} {path}"
        except Exception as exc:  # a refused or reset connection is an error of the run
            error = f"{type(exc).__name__} {path}"
        phase.record(path, time.perf_counter() - started, error)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def run_phase(
    name: str, clients: int, seconds: float, sessions: list[Session], urls: dict[str, list], master: int
) -> tuple[Phase, dict[int, list[int]]]:
    phase = Phase(name)
    reconnects_before = sum(session.reconnects for session in sessions[:clients])
    stop = time.monotonic() + seconds
    threads = []
    for n in range(clients):
        session = sessions[n]
        persona = "official" if n % 2 == 0 else "enterprise"
        thread = threading.Thread(target=client_loop, args=(session, urls[persona], phase, stop), daemon=True)
        threads.append(thread)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    memory: dict[int, list[int]] = {pid: [] for pid in worker_pids(master)}
    while time.monotonic() < stop:
        for pid in memory:
            memory[pid].append(rss_kib(pid))
        time.sleep(min(10.0, max(0.0, stop - time.monotonic())))
    for thread in threads:
        thread.join()
    for pid in memory:
        memory[pid].append(rss_kib(pid))
    phase.seconds = time.monotonic() - started
    phase.reconnects = sum(session.reconnects for session in sessions[:clients]) - reconnects_before
    return phase, memory


def report(phase: Phase) -> dict[str, object]:
    n = len(phase.latencies)
    return {
        "phase": phase.name,
        "requests": n,
        "rps": round(n / phase.seconds, 1) if phase.seconds else 0.0,
        "p50_ms": round(percentile(phase.latencies, 0.50), 1),
        "p95_ms": round(percentile(phase.latencies, 0.95), 1),
        "p99_ms": round(percentile(phase.latencies, 0.99), 1),
        "mean_ms": round(statistics.fmean(phase.latencies) * 1000, 1) if n else None,
        "errors": len(phase.errors),
        "reconnects": phase.reconnects,
        "first_errors": phase.errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the 10- and 50-client phases")
    parser.add_argument("--soak-seconds", type=float, default=600.0)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--web-threads", type=int, default=8)
    parser.add_argument("--enterprises", type=int, default=5000)
    options = parser.parse_args()
    url = options.database_url or default_database_url()
    if not url.startswith("postgres"):
        sys.exit("the load benchmark runs on PostgreSQL: give --database-url postgres://…")
    ensure_database(url)
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.update(
        {"DATABASE_URL": url, "REQUEST_LOG_LEVEL": "WARNING", "STATIC_ROOT": str(ROOT / "var" / "static")}
    )
    setup = {**base, "DEBUG": "1"}
    run(setup, "migrate", "--noinput", "-v", "0")
    run(setup, "demo_region", "--enterprises", str(options.enterprises), "--seed", "1", "--if-empty")
    run(setup, "collectstatic", "--noinput", "-v", "0")
    token = run(setup, "create_token", "demo_official").splitlines()[-1].strip()
    production = {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        # Plain HTTP on the loopback: no TLS redirect and no secure-only cookies for this run.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    server = subprocess.Popen(
        [
            GUNICORN,
            "funeng.wsgi:application",
            "--worker-class",
            "gthread",
            "--workers",
            str(options.web_workers),
            "--threads",
            str(options.web_threads),
            "--bind",
            f"{HOST}:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=production,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = Session()
                if probe.request("GET", "/accounts/login/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("gunicorn did not answer within 60 s")
            time.sleep(0.5)
        ids = json.loads(
            run(
                setup,
                "shell",
                "-c",
                "import json\n"
                "from funeng.apps.core.models import Membership\n"
                "from funeng.apps.matching.models import Need\n"
                "e = Membership.objects.get(user__username='demo_enterprise').enterprise_id\n"
                "n = Need.objects.filter(enterprise_id=e).order_by('pk').values_list('pk', flat=True).first()\n"
                "print(json.dumps({'enterprise': e, 'need': n}))",
            ).splitlines()[-1]
        )
        api = {"Authorization": f"Bearer {token}"}
        urls = {
            "official": [
                ("/", {}),
                ("/enterprises/", {}),
                ("/enterprises/?size_class=small", {}),
                ("/api/v1/enterprises?limit=50", api),
                ("/matching/gaps/", {}),
                ("/api/v1/policies/runs", api),
            ],
            "enterprise": [
                ("/", {}),
                (f"/policies/enterprises/{ids['enterprise']}/", {}),
                (f"/matching/needs/{ids['need']}/" if ids["need"] else "/matching/needs/", {}),
                (f"/enterprises/{ids['enterprise']}/", {}),
                ("/matching/needs/", {}),
            ],
        }
        most = 50
        sessions = []
        for n in range(most):
            session = Session()
            session.log_in("demo_official" if n % 2 == 0 else "demo_enterprise")
            sessions.append(session)
        master = server.pid
        run_phase("warm-up", 10, 10, sessions, urls, master)
        results = []
        phases: list[Phase] = []
        for name, clients, seconds in [
            ("10 clients", 10, options.seconds),
            ("50 clients", 50, options.seconds),
            ("soak, 50 clients", 50, options.soak_seconds),
        ]:
            phase, memory = run_phase(name, clients, seconds, sessions, urls, master)
            phases.append(phase)
            row = report(phase)
            if name.startswith("soak"):
                row["worker_rss_mib"] = {
                    str(pid): {
                        "first": round(values[0] / 1024, 1),
                        "last": round(values[-1] / 1024, 1),
                        "max": round(max(values) / 1024, 1),
                    }
                    for pid, values in memory.items()
                    if values
                }
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
        print()
        print(f"{'phase':<18}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
        for row in results:
            print(
                f"{row['phase']:<18}{row['rps']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
                f"{row['errors']:>8}"
            )
        fifty_phase = phases[1]
        print(f"\nper page at 50 clients:\n{'page':<44}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
        for path, values in sorted(fifty_phase.by_path.items()):
            print(
                f"{path:<44}{len(values):>9}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
            )
        fifty = results[1]
        print(
            f"target p95 < 150 ms at 50 clients: {'met' if fifty['p95_ms'] < 150 else 'NOT met'} "
            f"({fifty['p95_ms']} ms); errors: {sum(r['errors'] for r in results)}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
