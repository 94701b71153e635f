"""Settings for the test suite: development defaults, a throwaway database unless DATABASE_URL is set."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("DEBUG", "1")
# One log line per request would bury test output.
os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", "funeng-test-key-" + "x" * 32)
# pytest-xdist workers inherit the controller's environment, folders included: each worker makes
# its own, so one worker's uploads or learned model never show up in another worker's tests.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _throwaway(variable: str, make: Callable[[], str]) -> None:
    if _WORKER or variable not in os.environ:
        os.environ[variable] = make()


# Uploaded evidence goes to a throwaway folder, never into the developer's var/media.
_throwaway("MEDIA_ROOT", lambda: tempfile.mkdtemp(prefix=f"funeng-test-media-{_WORKER}"))
# No learned matching model unless a test writes one: ranking uses the hand blend, as a fresh install.
_throwaway(
    "MATCHING_MODEL_PATH",
    lambda: str(Path(tempfile.mkdtemp(prefix=f"funeng-test-models-{_WORKER}")) / "matching_ltr.json"),
)

from funeng.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; production keeps the default
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Production-like by default: no online claim verifier unless a test configures one.
CLAIM_VERIFIER = ""
