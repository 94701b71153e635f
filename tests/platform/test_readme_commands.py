"""Every `funeng` command of the README's command-line section works from a fresh shell as written.

A fresh shell has no DEBUG and no SECRET_KEY. The README's commands run after `make demo`, which
leaves its database and uploads in the checkout's var/; so as not to touch a developer's var/, the
test builds a small demo elsewhere and names it with DATABASE_URL and MEDIA_ROOT — the only two
variables it sets. Commands run in a scratch folder holding the files they read (docs/examples,
the matching data sets), so the files they write land there. The Spark line is left out: it needs
Java and a minute of start-up, and tests/platform/test_batch_run.py runs the same command.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

import pytest

from tests.support.paths import ROOT

pytestmark = pytest.mark.slow


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(".venv/bin/funeng classify_size") :]
    block = block[: block.index("```")]
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.strip() for line in joined.splitlines() if line.startswith(".venv/bin/funeng")]


def test_the_readme_lists_the_commands_this_test_runs():
    commands = _readme_commands()
    assert len(commands) >= 15 and any("--engine spark" in c for c in commands)


def test_every_readme_command_works_from_a_fresh_shell(tmp_path):
    work = tmp_path / "funeng"
    (work / ".venv").mkdir(parents=True)
    (work / ".venv" / "bin").symlink_to(ROOT / ".venv" / "bin")
    for folder in ("docs", "benchmarks/data/matching", "benchmarks/data/credit"):
        shutil.copytree(ROOT / folder, work / folder)
    # The database `make demo` leaves in var/ of a checkout: here a small demo, migrated fresh.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    demo = {
        "DATABASE_URL": f"sqlite:///{work / 'var' / 'funeng.sqlite3'}",
        "MEDIA_ROOT": str(work / "var" / "media"),
    }
    setup = env | demo | {"DEBUG": "1"}
    (work / "var").mkdir()
    for args in (["migrate", "-v", "0"], ["demo_region", "--enterprises", "200", "--seed", "1"]):
        subprocess.run(
            [str(work / ".venv/bin/funeng"), *args], cwd=work, env=setup, check=True, capture_output=True
        )
    env |= demo
    failures = []
    for command in _readme_commands():
        if "--engine spark" in command:
            continue
        done = subprocess.run(
            shlex.split(command), cwd=work, env=env, capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            failures.append(f"{command}\n  exit {done.returncode}: {done.stderr.strip()[-400:]}")
    assert failures == []
