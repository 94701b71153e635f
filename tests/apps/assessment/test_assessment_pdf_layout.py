"""The report PDF's layout: radar labels that never overlap or leave the picture, rows never split."""

from __future__ import annotations

import re
from itertools import combinations

import pytest
from django.utils import translation

from engines.maturity import shipped_frameworks
from funeng.apps.assessment.pdf import report_pdf_html
from funeng.apps.assessment.presentation import RadarLabel, radar_label_layout, radar_svg_points
from funeng.apps.assessment.selectors import report_of
from tests.support.assessment import make_world, submitted

DMA = "dma"
# Twelve long names, in both languages: a framework with many dimensions.
MANY_ZH = [f"第{i}维度数字化经营战略与组织变革" for i in range(12)]
MANY_EN = [f"Dimension {i}: digital business strategy and organisation" for i in range(12)]


def _overlaps(labels: list[RadarLabel]) -> list[tuple[int, int]]:
    def hit(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    return [(i, j) for (i, a), (j, b) in combinations(enumerate(labels), 2) if hit(a.box, b.box)]


def _view_box(svg: dict) -> tuple[float, float, float, float]:
    left, top, width, height = (float(v) for v in svg["view_box"].split())
    return left, top, left + width, top + height


def _inside(box: tuple[float, ...], frame: tuple[float, ...]) -> bool:
    return frame[0] <= box[0] and frame[1] <= box[1] and box[2] <= frame[2] and box[3] <= frame[3]


def _cases() -> list[list[str]]:
    shipped = [[d.name.zh for d in f.dimensions] for f in shipped_frameworks().values()] + [
        [d.name.en for d in f.dimensions] for f in shipped_frameworks().values()
    ]
    return [*shipped, MANY_ZH, MANY_EN, MANY_ZH[:7], MANY_EN[:9], MANY_ZH[:3]]


@pytest.mark.parametrize("names", _cases(), ids=lambda names: f"{len(names)}-{names[0][:6]}")
def test_no_two_radar_labels_overlap_and_all_stay_in_the_picture(names):
    svg = radar_svg_points([1.0] * len(names), [2.0] * len(names), labels=names)
    labels = svg["labels"]
    assert _overlaps(labels) == []
    frame = _view_box(svg)
    assert all(_inside(label.box, frame) for label in labels)
    # Every word of every name is printed (wrapping loses nothing).
    for name, label in zip(names, labels, strict=True):
        assert "".join(label.lines).replace(" ", "") == name.replace(" ", "")


def test_labels_are_anchored_by_the_side_of_the_chart_they_are_on():
    labels = radar_label_layout(["上", "右", "下", "左"], centre=100, radius=60)
    assert [label.anchor for label in labels] == ["middle", "start", "middle", "end"]
    top, right, bottom, left = (label.box for label in labels)
    assert top[3] <= 100 - 60 and bottom[1] >= 100 + 60  # above and below the chart
    assert right[0] >= 100 + 60 and left[2] <= 100 - 60  # beside it, outside


def test_a_long_label_is_wrapped_into_short_lines():
    (label,) = radar_label_layout(["数字化经营战略与组织变革能力"], centre=100, radius=60)
    assert len(label.lines) > 1 and all(len(line) <= 7 for line in label.lines)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pdf_html_keeps_answer_rows_whole_and_draws_the_laid_out_labels(enterprise_fields, language):
    world = make_world(enterprise_fields)
    assessment = submitted(world, framework_id=DMA)
    with translation.override(language):
        report = report_of(assessment, language, with_answers=True)
        html = report_pdf_html(None, report)
    assert re.search(r"tr \{[^}]*break-inside: avoid;[^}]*page-break-inside: avoid;", html)
    assert report.answers and html.count("<tr>") >= len(report.answers)
    anchors = re.findall(r'<text [^>]*text-anchor="(\w+)"', html)
    assert len(anchors) == len(report.radar["labels"]) == 6
    assert set(anchors) == {"middle", "start", "end"}
    assert re.search(
        r'<svg class="radar" width="[\d.]+" height="[\d.]+" viewBox="-?[\d.]+ -?[\d.]+ [\d.]+ [\d.]+"', html
    )


def test_wrapped_lines_are_balanced_not_left_with_one_character():
    (label,) = radar_label_layout(["数字化经营战略"], centre=100, radius=60)
    assert [len(line) for line in label.lines] == [4, 3]
