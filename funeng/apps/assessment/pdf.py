"""The report as a PDF: WeasyPrint renders an HTML template with Noto Sans CJK SC (Debian fonts-noto-cjk).

WeasyPrint runs no JavaScript, so the radar is drawn as inline SVG here instead of with ECharts.
Nothing is fetched over the network: the template carries its own CSS and the SVG, and the URL
fetcher refuses every URL.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from funeng.apps.assessment.presentation import radar_svg_points
from funeng.apps.assessment.selectors import Report

FONT_FAMILY = "Noto Sans CJK SC"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the report PDF fetches nothing ({url})")


def report_pdf_bytes(request: HttpRequest | None, report: Report) -> bytes:
    """Render the report page's content as a PDF with embedded CJK fonts."""
    from weasyprint import HTML  # imported lazily: it loads pango and fontconfig

    html = report_pdf_html(request, report)
    return bytes(HTML(string=html, url_fetcher=_no_fetch).write_pdf())


def report_pdf_html(request: HttpRequest | None, report: Report) -> str:
    """The HTML WeasyPrint turns into the report PDF: its own CSS, the radar as inline SVG."""
    radar = report.radar
    svg = (
        radar_svg_points(radar["series"][0]["values"], radar["max"], labels=radar["labels"])
        if radar["labels"]
        else None
    )
    previous_svg = (
        radar_svg_points(radar["series"][1]["values"], radar["max"])
        if radar["labels"] and len(radar["series"]) > 1
        else None
    )
    return render_to_string(
        "assessment/report_pdf.html",
        {
            "report": report,
            "assessment": report.assessment,
            "enterprise": report.assessment.enterprise,
            "svg": svg,
            "previous_svg": previous_svg,
            "font_family": FONT_FAMILY,
            "generated_at": timezone.localtime(),
        },
        request=request,
    )
