"""The report PDF (WeasyPrint): downloaded as a file, embeds Noto Sans CJK SC and carries the Chinese text.

The PDF's objects and fonts sit in compressed streams and its text is written as glyph codes, so
the test inflates every stream and reads the text back through the fonts' ToUnicode maps.
"""

from __future__ import annotations

import re
import zlib

import pytest
from django.urls import reverse

from engines.maturity import get_framework
from tests.support.assessment import make_world, started, submitted

pytestmark = pytest.mark.django_db


def inflated_streams(pdf: bytes) -> list[bytes]:
    result = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            result.append(zlib.decompress(raw))
        except zlib.error:
            result.append(raw)
    return result


def to_unicode_maps(streams: list[bytes]) -> list[dict[int, str]]:
    """Each font's glyph code → text map (bfchar and bfrange entries)."""
    maps = []
    for stream in streams:
        if b"begincmap" not in stream:
            continue
        mapping: dict[int, str] = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for low, high, start in re.findall(
                rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
            ):
                first = int(start, 16)
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    mapping[code] = chr(first + offset)
        maps.append(mapping)
    return maps


def page_texts(pdf: bytes) -> list[str]:
    """The text of the content streams decoded with each font's map (one of them is right per run)."""
    streams = inflated_streams(pdf)
    runs = [
        b"".join(re.findall(rb"<([0-9a-fA-F]+)>", array))
        for stream in streams
        if b"BT" in stream
        for array in re.findall(rb"\[(.*?)\]\s*TJ", stream, re.S)
    ]
    texts = []
    for mapping in to_unicode_maps(streams):
        decoded = []
        for run in runs:
            codes = [int(run[i : i + 4], 16) for i in range(0, len(run), 4)]
            decoded.append("".join(mapping.get(code, "\ufffd") for code in codes))
        texts.append("\n".join(decoded))
    return texts


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


def test_the_report_pdf_embeds_a_cjk_font_and_contains_the_enterprise_name(client, world):
    t0 = submitted(world, strength=0.3)
    started(world)  # the T1 draft does not change the T0 report
    client.force_login(world["enterprise_a"])
    response = client.get(reverse("assessment:report_pdf", args=[t0.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="assessment-{t0.pk}-T0.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    streams = inflated_streams(pdf)
    fonts = {name for s in streams for name in re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z0-9-]+)", s)}
    assert any(name.startswith(b"Noto-Sans-CJK-SC") for name in fonts), fonts
    assert any(s.startswith(b"OTTO") for s in streams), "the font program itself is embedded"
    texts = page_texts(pdf)
    assert any(world["a"].name in text for text in texts)
    assert any(t0.result.level_name_zh in text for text in texts), "the level is printed in Chinese"
    # The header names the framework and its version, not its id.
    framework = get_framework(t0.framework_id)
    assert any(framework.name.zh in text and framework.version in text for text in texts)
    assert not any(t0.framework_id in text for text in texts)


def test_the_pdf_is_refused_to_people_who_may_not_see_the_report(client, world):
    t0 = submitted(world)
    for persona, status in [("enterprise_b", 404), ("official_b", 404), ("provider", 404)]:
        client.force_login(world[persona])
        assert client.get(reverse("assessment:report_pdf", args=[t0.pk])).status_code == status
    draft = submitted(world, enterprise="b", framework_id="miit-2024-services")
    client.force_login(world["enterprise_a"])
    assert client.get(reverse("assessment:report_pdf", args=[draft.pk])).status_code == 404
