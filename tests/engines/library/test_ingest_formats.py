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


# Seed 002's Shanghai criteria as OCR printed them: four lines repeat across a page break.
SHANGHAI_OCR = """(一)基本条件(须同时符合)
1.在本市进行工商注册登记、连续经营三年以上并具有独立法人资格。
2.企业上年度营业收入不少于1000万元。
3.近2年研发经费支出占营业收入的比例不低于3%。
4.符合本市城市战略定位和产业发展政策,优先支持“3+6”重点产业体系。
(二)专项条件
1.专业化。上年度主营业务收入占营业收入达70%以上,在行业细分市场领域内处于全市前三位或全国前十位;近2年营业收入或净利润的平均增长率达到5%以上。

55

3.近2年研发经费支出占营业收入的比例不低于3%。
4.符合本市城市战略定位和产业发展政策,优先支持“3+6”重点产业体系。
(二)专项条件
1.专业化。上年度主营业务收入占营业收入达70%以上,在行业细分市场领域内处于全市前三位或全国前十位;近2年营业收入或净利润的平均增长率达到5%以上。
2.精细化。拥有在有效期内的发明专利1项以上(含1项)或实用新型专利或软件著作权3项以上(含3项)。
"""


def test_a_run_of_lines_printed_twice_is_kept_once_with_a_note():
    doc = ingest(SHANGHAI_OCR, doc_id="sh")
    assert doc.text.count("近2年研发经费支出") == 1 and doc.text.count("(二)专项条件") == 1
    assert "removed 4 repeated paragraphs" in " ".join(doc.notes)
    assert [c.label for c in doc.clauses if c.parent == "sh/(二)"] == ["1.", "2."]


def test_short_numbered_lines_that_recur_alone_are_kept():
    text = "(一)基本条件\n1.符合条件。\n(二)专项条件\n1.专业化。\n(三)其他条件\n1.符合条件。\n"
    assert ingest(text, doc_id="x").text.count("1.符合条件。") == 2
