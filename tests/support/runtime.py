"""Run the `funeng` console script in a child process against a database and MEDIA_ROOT of the test's own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT


def funeng_command() -> list[str]:
    """The console script of this environment (or the module, when the script is not installed)."""
    script = Path(sys.executable).with_name("funeng")
    return [str(script)] if script.exists() else [sys.executable, "-m", "funeng.cli"]


def funeng_env(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """The real settings in DEBUG (demo logins), pointed at the given database and MEDIA_ROOT."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "funeng.settings",
            "DEBUG": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "REQUEST_LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def run_funeng(
    *args: str, database_url: str, media_root: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`funeng ARGS…` to completion, output captured."""
    return subprocess.run(
        [*funeng_command(), *args],
        cwd=ROOT,
        env=funeng_env(database_url, media_root),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """The result, after asserting the command succeeded (its output in the failure message)."""
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def refused(result: subprocess.CompletedProcess[str], *phrases: str) -> str:
    """The one-line error of a refused command, after asserting exit code 1 and no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SQLite files made once per session through the CLI: migrated and empty, and a demo region.

    Tests copy them and never change them; MEDIA_ROOT holds the demo's evidence file.
    """
    folder = tmp_path_factory.mktemp("sqlite-demo")
    media = folder / "media"
    template, demo = folder / "template.sqlite3", folder / "demo.sqlite3"
    ok(run_funeng("migrate", "--noinput", "-v", "0", database_url=f"sqlite:///{template}", media_root=media))
    shutil.copyfile(template, demo)
    ok(
        run_funeng(
            "demo_region",
            "--enterprises",
            "300",
            "--seed",
            "1",
            database_url=f"sqlite:///{demo}",
            media_root=media,
        )
    )
    return {"template": template, "demo": demo, "media": media}
