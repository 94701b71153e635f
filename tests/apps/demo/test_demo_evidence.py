"""The demo's sample evidence file is a PDF the preview can show, and it says it is a sample."""

from __future__ import annotations

import io

from PIL import Image

from funeng.apps.core.pdf_pages import pdf_page_count, pdf_page_png
from funeng.apps.demo.assessments import DEMO_PDF


def test_the_demo_evidence_pdf_has_one_page_that_is_not_blank():
    assert pdf_page_count(DEMO_PDF) == 1
    page = Image.open(io.BytesIO(pdf_page_png(DEMO_PDF, 1))).convert("L")
    dark = sum(page.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 0.005 * page.width * page.height  # the border and the words, not an empty page
    assert b"(Sample evidence file) Tj" in DEMO_PDF
