"""Shared pieces of the assessment commands: JSON output, exit code 2 on bad input, framework lookup."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from engines.maturity import Framework, shipped_frameworks


def fail_usage(message: str) -> NoReturn:
    """Print the error and exit with code 2 (bad input), as the command-line contract says."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(2)


def emit(payload: Any) -> None:
    """Print JSON (UTF-8, not escaped)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")


def framework_or_fail(framework_id: str) -> Framework:
    """The shipped framework with this id, or exit 2 listing the known ids."""
    known = shipped_frameworks()
    if framework_id not in known:
        fail_usage(f"unknown framework {framework_id!r}; known: {', '.join(sorted(known))}")
    return known[framework_id]
