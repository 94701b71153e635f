"""Evidence files shown in the browser: a preview page with a sandboxed frame or image, served through access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funeng.apps.assessment.models import Evidence
from funeng.apps.assessment.services import assessment_answer_save, evidence_attach
from tests.apps.assessment.test_assessment_access import MATRIX
from tests.apps.assessment.test_assessment_access import world as world  # noqa: F401  (the fixture)
from tests.support.assessment import PDF_BYTES, PNG_BYTES, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _attach(world, name: str, content: bytes) -> Evidence:
    draft = world["draft"]
    assessment_answer_save(
        assessment=draft, question_id="network", value="office", acting_user=world["enterprise_a"]
    )
    return evidence_attach(
        assessment=draft,
        question_id="network",
        upload=upload(name, content),
        acting_user=world["enterprise_a"],
    )


@pytest.mark.parametrize(("persona", "expected"), [(p, e[2]) for p, e in MATRIX.items()])
def test_the_preview_and_the_inline_file_follow_the_download_access(client, world, persona, expected):
    client.force_login(world[persona])
    evidence = world["evidence"]
    assert client.get(reverse("assessment:evidence_preview", args=[evidence.pk])).status_code == expected
    assert client.get(reverse("assessment:evidence_inline", args=[evidence.pk])).status_code == expected


def test_another_tenant_cannot_preview_and_anonymous_visitors_are_sent_to_log_in(client, world):
    evidence = world["evidence"]
    client.force_login(world["enterprise_b"])
    assert client.get(reverse("assessment:evidence_inline", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("assessment:evidence_preview", args=[evidence.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("assessment:evidence_inline", args=[evidence.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_pdf_is_served_inline_in_a_sandbox_with_its_own_type_and_no_sniffing(client, world):
    client.force_login(world["enterprise_a"])
    response = client.get(reverse("assessment:evidence_inline", args=[world["evidence"].pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cache-Control"] == "private, no-store"


def _pdf(pages: int) -> bytes:
    """A real PDF of `pages` pages (WeasyPrint), each saying its number."""
    from weasyprint import HTML

    body = "".join(f'<h1 style="page-break-after: always">第 {n} 页</h1>' for n in range(1, pages + 1))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def test_a_pdf_is_shown_as_page_images_because_browsers_show_no_pdf_in_a_sandbox(client, world):
    client.force_login(world["enterprise_a"])
    pdf = _attach(world, "年报.pdf", _pdf(2))
    page = client.get(reverse("assessment:evidence_preview", args=[pdf.pk])).content.decode()
    assert "<iframe" not in page and "共 2 页" in page
    for number in (1, 2):
        assert reverse("assessment:evidence_page", args=[pdf.pk, number]) in page
    assert reverse("assessment:evidence_page", args=[pdf.pk, 3]) not in page
    response = client.get(reverse("assessment:evidence_page", args=[pdf.pk, 2]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(response.content[16:20], "big")  # the PNG header's IHDR width
    assert width == 1000
    assert (
        response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    )
    assert response["Cache-Control"] == "private, no-store"
    assert client.get(reverse("assessment:evidence_page", args=[pdf.pk, 3])).status_code == 404
    assert client.get(reverse("assessment:evidence_page", args=[pdf.pk, 0])).status_code == 404


def test_a_long_pdf_shows_its_first_ten_pages_and_says_so(client, world):
    client.force_login(world["enterprise_a"])
    pdf = _attach(world, "台账.pdf", _pdf(12))
    page = client.get(reverse("assessment:evidence_preview", args=[pdf.pk])).content.decode()
    assert "共 12 页" in page and "此处显示前 10 页" in page
    assert reverse("assessment:evidence_page", args=[pdf.pk, 10]) in page
    assert client.get(reverse("assessment:evidence_page", args=[pdf.pk, 11])).status_code == 404


def test_an_unreadable_pdf_says_so_and_offers_the_download(client, world):
    client.force_login(world["enterprise_a"])
    evidence = world["evidence"]  # a PDF header with no page in it
    response = client.get(reverse("assessment:evidence_preview", args=[evidence.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "无法读取此 PDF 以供预览" in page and reverse("assessment:evidence_file", args=[evidence.pk]) in page
    )
    assert client.get(reverse("assessment:evidence_page", args=[evidence.pk, 1])).status_code == 404


def test_page_images_follow_the_file_access_and_exist_only_for_pdfs(client, world):
    client.force_login(world["enterprise_a"])
    pdf = _attach(world, "年报.pdf", _pdf(1))
    image = _attach(world, "车间.png", PNG_BYTES)
    assert client.get(reverse("assessment:evidence_page", args=[image.pk, 1])).status_code == 404
    client.force_login(world["enterprise_b"])
    assert client.get(reverse("assessment:evidence_page", args=[pdf.pk, 1])).status_code == 404


def test_the_preview_page_shows_an_image_as_an_image(client, world):
    client.force_login(world["enterprise_a"])
    image = _attach(world, "车间.png", PNG_BYTES)
    page = client.get(reverse("assessment:evidence_preview", args=[image.pk])).content.decode()
    assert (
        f'<img class="evidence-preview" src="{reverse("assessment:evidence_inline", args=[image.pk])}"'
        in page
    )
    response = client.get(reverse("assessment:evidence_inline", args=[image.pk]))
    assert response["Content-Type"] == "image/png" and "sandbox" in response["Content-Security-Policy"]


def test_a_workbook_is_never_shown_inline_only_downloaded(client, world):
    client.force_login(world["enterprise_a"])
    workbook = _attach(world, "台账.xlsx", xlsx_bytes())
    response = client.get(reverse("assessment:evidence_inline", args=[workbook.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    page = client.get(reverse("assessment:evidence_preview", args=[workbook.pk])).content.decode()
    assert "<iframe" not in page and '<img class="evidence-preview"' not in page


def test_the_report_links_each_pdf_or_image_to_its_preview(client, world):
    client.force_login(world["enterprise_a"])
    page = client.get(reverse("assessment:report", args=[world["done"].pk])).content.decode()
    assert reverse("assessment:evidence_preview", args=[world["evidence"].pk]) in page
