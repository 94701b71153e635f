"""Ingest reads DOCX and HTML as well as plain text; a ZIP that is not a Word document is refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from engines.library.ingest import ingest
from engines.library.model import IngestError

PARAGRAPHS = [
    "关于印发测试省数字化行动方案的通知",
    "一、主要任务",
    "1.推动企业上云。到2025年，培育100家上云标杆企业。（责任单位：省经信厅、省科技厅）",
]


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{text[:4]}</w:t></w:r><w:r><w:t>{text[4:]}</w:t></w:r></w:p>'
        for text in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def test_a_word_document_reads_as_its_paragraphs_runs_joined():
    doc = ingest(_docx(PARAGRAPHS), doc_id="docx-plan", filename="plan.docx")
    assert doc.metadata.title == PARAGRAPHS[0]
    item = doc.clause("docx-plan/一/1")
    assert item.heading == "推动企业上云" and "100家上云标杆企业" in item.text


def test_html_is_stripped_of_scripts_and_navigation():
    html = (
        "<html><head><script>var x = '一、不是条款';</script></head><body><nav>首页 | 政策</nav>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</body></html>"
    )
    doc = ingest(html.encode(), doc_id="html-plan", filename="plan.html")
    assert "var x" not in doc.text and "首页" not in doc.text
    assert doc.clause("html-plan/一/1").heading == "推动企业上云"


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    with pytest.raises(IngestError, match="not a Word document"):
        ingest(buffer.getvalue(), filename="data.zip")
