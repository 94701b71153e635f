"""PDF pages as PNG images, rendered on the server, so that a browser shows an uploaded PDF safely.

Browsers refuse to run their PDF viewer inside a sandboxed frame or under a `sandbox` policy, and an
unsandboxed viewer would run an uploaded file's scripts and forms with our origin. A page image
carries none of that. pdfium (Chromium's own PDF engine, through pypdfium2) does the rendering.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium

# pdfium is not thread-safe, and gunicorn's gthread workers serve several requests at once.
_PDFIUM = threading.Lock()
MAX_PAGES = 10  # pages shown in a preview; the rest are in the downloaded file
WIDTH_PX = 1000


class PdfUnreadable(Exception):
    """The file is not a PDF that pdfium can open (damaged, encrypted, or not a PDF at all)."""


@contextmanager
def _opened(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """The document, under the lock; PdfUnreadable when pdfium cannot open it."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            raise PdfUnreadable(str(error)) from None
        try:
            yield document
        finally:
            document.close()


def pdf_page_count(data: bytes) -> int:
    """How many pages the PDF has; PdfUnreadable when it cannot be opened or has none."""
    with _opened(data) as document:
        count = len(document)
    if count < 1:
        raise PdfUnreadable("the document has no pages")
    return count


def pdf_page_png(data: bytes, number: int) -> bytes:
    """Page `number` (from 1) as a PNG WIDTH_PX wide; IndexError when there is no such page."""
    with _opened(data) as document:
        if not 1 <= number <= min(len(document), MAX_PAGES):
            raise IndexError(number)
        page = document[number - 1]
        width, _height = page.get_size()
        image = page.render(scale=WIDTH_PX / width if width > 0 else 1.0).to_pil()
        page.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
