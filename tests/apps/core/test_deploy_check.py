"""Production settings pass Django's deployment checklist (`check --deploy`) without a warning."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "funeng.settings",
            "DEBUG": "0",
            # 50 random characters, as Django's check (security.W009) asks for.
            "SECRET_KEY": secrets.token_urlsafe(64)[:50],
            "ALLOWED_HOSTS": "funeng.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        }
    )
    env.update(overrides)
    return env


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`funeng check --deploy --fail-level WARNING`, the console script of this environment."""
    script = Path(sys.executable).with_name("funeng")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "funeng.cli"]
    return subprocess.run(
        [*command, "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = run_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_the_check_would_notice_an_insecure_setting(tmp_path):
    # Proves the test above can fail: turning the secure session cookie off must be reported.
    result = run_check(production_env(tmp_path, SESSION_COOKIE_SECURE="0"))
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


def test_the_check_refuses_the_approve_everything_claim_verifier_in_production(tmp_path):
    stub = "funeng.apps.accounts.verifiers.DevelopmentStubVerifier"
    result = run_check(production_env(tmp_path, CLAIM_VERIFIER=stub))
    assert result.returncode != 0
    assert "funeng.accounts.E001" in result.stdout + result.stderr


def test_production_serves_hashed_compressed_static_files_from_collectstatic(tmp_path):
    """whitenoise's compressed manifest storage: hashed names (cached for a year) and gzip copies."""
    env = production_env(tmp_path, STATIC_ROOT=str(tmp_path / "static"))
    script = Path(sys.executable).with_name("funeng")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "funeng.cli"]
    collected = subprocess.run(
        [*command, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/echarts/echarts.min.js"]
    assert hashed != "vendor/echarts/echarts.min.js" and (tmp_path / "static" / (hashed + ".gz")).exists()
    url = subprocess.run(
        [
            *command,
            "shell",
            "-c",
            "from django.templatetags.static import static; print(static('js/funeng.js'))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert url.returncode == 0, url.stderr
    assert url.stdout.strip().splitlines()[-1] == "/static/" + manifest["js/funeng.js"]
