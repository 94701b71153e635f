"""A run's results as XLSX: one row per enterprise with its outcome and the conditions behind it."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from engines.rules.loader import get_programme
from funeng.apps.core.i18n import is_english, localized
from funeng.apps.core.xlsx import header_row, text_cell
from funeng.apps.policies.const import Track
from funeng.apps.policies.models import PolicyRun
from funeng.apps.policies.selectors import latest_decisions, run_results


def _texts(programme_nodes: Mapping[str, object], ids: list[str]) -> str:
    """The conditions behind a result in the workbook's language (the batch path stores their ids)."""
    separator = "; " if is_english() else "；"
    return separator.join(str(localized(programme_nodes[i]) if i in programme_nodes else i) for i in ids)


def run_workbook(run: PolicyRun, track: str = "") -> bytes:
    """The XLSX bytes; every cell is written as a string or number, never as a formula."""
    programme = get_programme(run.programme_id, run.as_of)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Results"))
    header = [
        _("Unified social credit code"),
        _("Name"),
        _("Region code"),
        _("Industry code"),
        _("Size class"),
        _("Outcome"),
        _("Track"),
        _("Failing conditions"),
        _("Conditions missing data"),
        _("Conditions for review"),
        _("Review decision"),
        _("Amount (CNY)"),
    ]
    sheet.append(header_row(sheet, header))
    results = list(run_results(run, track))
    decisions = latest_decisions(results)
    for result in results:
        enterprise = result.enterprise
        decision = decisions.get(result.pk)
        row = [
            enterprise.credit_code,
            enterprise.name,
            enterprise.region_code,
            enterprise.industry_code,
            enterprise.get_size_class_display(),
            result.get_outcome_display(),
            Track(result.track).label,
            _texts(programme.nodes, result.failing),
            _texts(programme.nodes, result.unknown),
            _texts(programme.nodes, result.review),
            _("%(decision)s: %(reason)s")
            % {"decision": decision.get_decision_display(), "reason": decision.reason}
            if decision
            else "",
            "" if result.benefit_cny is None else f"{result.benefit_cny:.2f}",
        ]
        sheet.append([text_cell(sheet, value) for value in row])
    about = workbook.create_sheet(_("About"))
    for label, value in (
        (_("Programme"), localized(programme, "name")),
        (_("Programme id"), programme.id),
        (_("Rule version"), run.programme_version),
        (_("Evaluated as of"), run.as_of.isoformat()),
        # People read Beijing time everywhere (pages, exports), not the UTC the database keeps.
        (_("Evaluated at"), timezone.localtime(run.created_at).isoformat(timespec="seconds")),
        (_("Region"), run.region_code or _("whole registry")),
        (_("Issuing body"), localized(programme, "issuing_body")),
        (_("Source document"), programme.source_document),
    ):
        about.append([str(label), str(value)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
