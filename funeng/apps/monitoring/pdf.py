"""The monthly monitoring report as PDF: WeasyPrint over an HTML template with its own CSS, no network."""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone

from funeng.apps.monitoring.selectors import (
    indicators,
    last_run,
    rollup_by_unit,
    series_many,
    status_counts,
    target_rows,
    targets_for_region,
)

FONT_FAMILY = "Noto Sans CJK SC"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the monitoring report fetches nothing ({url})")


def monthly_report_html(region: str) -> str:
    """The report's HTML: targets with status and explanation, units behind, the platform's figures."""
    rows = target_rows(targets_for_region(region))
    platform = [i for i in indicators().values() if i.source == "platform"]
    values = series_many((i.id, region) for i in platform)
    figures = []
    for item in platform:
        by_year = values[(item.id, region)]
        year = max(by_year) if by_year else None
        figures.append((item, year, by_year.get(year) if year else None))
    return render_to_string(
        "monitoring/report_pdf.html",
        {
            "region": region,
            "rows": rows,
            "counts": status_counts(rows),
            "units": rollup_by_unit(rows),
            "figures": figures,
            "run": last_run(),
            "font_family": FONT_FAMILY,
            "generated_at": timezone.localtime(),
        },
    )


def monthly_report_pdf(region: str) -> bytes:
    """The report as PDF bytes with embedded CJK fonts."""
    from weasyprint import HTML  # imported lazily: it loads pango and fontconfig

    return bytes(HTML(string=monthly_report_html(region), url_fetcher=_no_fetch).write_pdf())
