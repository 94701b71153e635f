"""Uploaded files: the type comes from the file's own bytes, never from its name or header.

Assessment evidence and the documents of an enterprise claim share these checks; each caller
names the types it accepts, its size limit and the message for a file of another type.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from collections.abc import Collection
from pathlib import PurePath
from typing import IO, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

# Kind → (content type served on download, extension of the stored file).
FILE_TYPES = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}

# Longest file name kept (the original_name columns); a longer one is refused, never cut short.
MAX_NAME_LENGTH = 200

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


def sniff_kind(handle: IO[bytes], allowed: Collection[str]) -> str | None:
    """The file's kind among `allowed` ('pdf', 'png', 'jpeg', 'xlsx') by its bytes, else None; rewinds it."""
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
    elif head.startswith(_ZIP) and "xlsx" in allowed and _is_xlsx(handle):
        kind = "xlsx"
    handle.seek(0)
    return kind if kind in allowed else None


def display_name(name: str | None) -> str:
    """The uploaded file's own name for display only: no folders, no control characters.

    Never shortened: upload_kind refuses a name longer than MAX_NAME_LENGTH, so what is stored is
    the name the person gave the file.
    """
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return cleaned or "file"


def upload_sha256(upload: UploadedFile) -> str:
    """Hex SHA-256 of the uploaded bytes (read in chunks; the file is rewound)."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def upload_kind(
    upload: UploadedFile, *, allowed: Collection[str], max_bytes: int, field: str, wrong_type: str
) -> str:
    """The file's kind, or a ValidationError on `field` naming the file and what to do.

    `wrong_type` is the caller's translated message for a file of another type; it may use
    %(name)s for the file's name.
    """
    name = display_name(upload.name)
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "The file name has %(length)s characters; at most %(limit)s are kept. Rename the file "
                        "to a shorter name and upload it again."
                    ),
                    code="name_too_long",
                    params={"length": len(name), "limit": MAX_NAME_LENGTH},
                )
            }
        )
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(name)s is larger than %(limit)s MB: upload a smaller scan or split the document."),
                    code="too_big",
                    params={"name": name, "limit": max_bytes // (1024 * 1024)},
                )
            }
        )
    if upload.size == 0:
        raise ValidationError(
            {field: ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})}
        )
    kind = sniff_kind(upload, allowed)
    if kind is None:
        raise ValidationError({field: ValidationError(wrong_type, code="bad_type", params={"name": name})})
    return kind


R = TypeVar("R", bound=HttpResponseBase)

# An uploaded file is a document of its own when a browser opens it: no script, no form, no
# navigation of our pages (a sandbox without allow-* flags).
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def stored_file_response(
    stored: FieldFile,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    policy: str = DOWNLOAD_POLICY,
) -> FileResponse:
    """An uploaded file sent back to its reader: never sniffed, never cached, sandboxed; 404 when gone."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    return untrusted_headers(response, policy=policy, frameable=inline)


def untrusted_headers(response: R, *, policy: str, frameable: bool = False) -> R:
    """The headers every response carrying uploaded content gets (a file, or a page image of it)."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = policy
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    if frameable:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response
