"""Shared pieces of the classification commands: JSON output and exit code 2 for bad codes."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn


def fail_usage(message: str) -> NoReturn:
    """Print a one-line error and exit with code 2 (bad input), as the command-line contract says."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(2)


def emit(payload: dict[str, Any], *, as_json: bool, text: str) -> None:
    """Print JSON (UTF-8, not escaped) or the human-readable text."""
    sys.stdout.write((json.dumps(payload, ensure_ascii=False) if as_json else text) + "\n")
