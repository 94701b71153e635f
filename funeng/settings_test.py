"""Settings for the test suite: development defaults, a throwaway database unless DATABASE_URL is set."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "1")
# One log line per request would bury test output.
os.environ.setdefault("REQUEST_LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", "funeng-test-key-" + "x" * 32)
# Uploaded evidence goes to a throwaway folder, never into the developer's var/media.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="funeng-test-media-"))
# No learned matching model unless a test writes one: ranking uses the hand blend, as a fresh install.
os.environ.setdefault(
    "MATCHING_MODEL_PATH", str(Path(tempfile.mkdtemp(prefix="funeng-test-models-")) / "matching_ltr.json")
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
