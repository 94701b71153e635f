"""Evidence file checks: the type comes from the file's own bytes (funeng.apps.core.uploads)."""

from __future__ import annotations

from typing import IO

from funeng.apps.assessment.const import EVIDENCE_KINDS
from funeng.apps.core.uploads import display_name
from funeng.apps.core.uploads import sniff_kind as _sniff_kind

__all__ = ["display_name", "sniff_kind"]


def sniff_kind(handle: IO[bytes]) -> str | None:
    """'pdf', 'png', 'jpeg' or 'xlsx' by magic bytes (and ZIP directory), else None; rewinds the file."""
    return _sniff_kind(handle, EVIDENCE_KINDS)
