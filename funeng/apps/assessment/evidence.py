"""Evidence file checks: the type comes from the file's own bytes, never from its name or header."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import PurePath
from typing import IO

from funeng.apps.assessment.const import EVIDENCE_KINDS

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"


def _is_xlsx(handle: IO[bytes]) -> bool:
    """A ZIP holding a workbook (only its directory is read; nothing is extracted), without macros."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    has_workbook = "[Content_Types].xml" in names and "xl/workbook.xml" in names
    # .xlsm and friends carry VBA projects; a renamed one is still refused
    has_macros = any(name.lower().endswith("vbaproject.bin") for name in names)
    return has_workbook and not has_macros


def sniff_kind(handle: IO[bytes]) -> str | None:
    """'pdf', 'png', 'jpeg' or 'xlsx' by magic bytes (and ZIP directory), else None; rewinds the file."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    kind: str | None = None
    if head.startswith(_PDF):
        kind = "pdf"
    elif head == _PNG:
        kind = "png"
    elif head.startswith(_JPEG):
        kind = "jpeg"
    elif head.startswith(_ZIP) and _is_xlsx(handle):
        kind = "xlsx"
    handle.seek(0)
    return kind if kind in EVIDENCE_KINDS else None


def display_name(name: str | None) -> str:
    """The uploaded file's own name for display only: no folders, no control characters, ≤ 200 chars."""
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (cleaned or "file")[:200]
