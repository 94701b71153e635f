"""Reads of the policy app: programmes in force, one enterprise's evaluations, condition trees, runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from engines.reference.regions import region_contains, region_display_name
from engines.rules.evaluate import SYMBOL, Evaluation, Language, State, evaluate, fmt
from engines.rules.fields import CODE_LABELS, FIELDS, PROVENANCE_LABELS
from engines.rules.loader import load_programme_versions
from engines.rules.model import Group, Leaf, Node, Programme
from funeng.apps.core.i18n import localized
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.policy_record import enterprise_policy_record, inputs_for
from funeng.apps.policies.const import ALMOST_DISTANCE, Track
from funeng.apps.policies.models import PolicyNotice, PolicyResult, PolicyRun, ReviewDecision

NATIONAL = "000000"
TRACK_ORDER = [
    Track.ELIGIBLE,
    Track.REVIEW,
    Track.ALTERNATIVE,
    Track.MISSING,
    Track.ALMOST,
    Track.NOT_ELIGIBLE,
]
# The 快申快享 queue: cases an official decides, the two kinds kept apart.
REVIEW_TRACKS = (Track.REVIEW, Track.ALTERNATIVE)


def programme_applies_to(programme: Programme, region_code: str) -> bool:
    """True when the programme's region covers the code, or the code's region covers the programme."""
    if programme.region_code == NATIONAL or not region_code:
        return True
    return region_contains(programme.region_code, region_code) or region_contains(
        region_code, programme.region_code
    )


def programmes_in_force(as_of: dt.date) -> list[Programme]:
    """The version of each programme in force on the date (programmes not in force are left out)."""
    out = []
    for versions in load_programme_versions().values():
        out += [programme for programme in versions if programme.in_force(as_of)]
    return sorted(out, key=lambda p: (p.region_code != NATIONAL, p.region_code, p.id))


def programme_name(programme_id: str) -> str:
    """A programme's name in the page's language, for pages that only store its id (runs, notices)."""
    versions = load_programme_versions().get(programme_id)
    if not versions:
        return programme_id  # a programme since removed: the id is all that is left
    return str(localized(versions[-1], "name"))


@dataclass(frozen=True)
class NoticeRow:
    """A notice with the programme version it was sent under (None once the programme is removed)."""

    notice: PolicyNotice
    programme: Programme | None

    @property
    def name(self) -> str:
        return str(localized(self.programme, "name")) if self.programme else self.notice.programme_id

    @property
    def clause_id(self) -> str:
        """The policy-library clause the programme as a whole rests on, "" when it cites none there."""
        return self.programme.conditions.citation.clause_id if self.programme else ""

    @property
    def in_force_until(self) -> dt.date | None:
        """The programme's last day in force (its own end date): the deadline a notice can state."""
        return self.programme.effective_to if self.programme else None


def notice_rows(notices: list[PolicyNotice]) -> list[NoticeRow]:
    """Notices with their programme: the version in force when each was sent, else the latest one."""
    versions = load_programme_versions()
    rows = []
    for notice in notices:
        known = versions.get(notice.programme_id, ())
        sent_on = notice.sent_at.date()
        programme = next((p for p in known if p.in_force(sent_on)), known[-1] if known else None)
        rows.append(NoticeRow(notice, programme))
    return rows


def programmes_for_region(region_code: str, as_of: dt.date) -> list[Programme]:
    """Programmes an official of this region would run: national ones and those of the region."""
    return [p for p in programmes_in_force(as_of) if programme_applies_to(p, region_code)]


def track_of(evaluation: Evaluation) -> Track:
    """Eligible / subject to review / on an alternative / data missing / almost / not eligible."""
    if evaluation.outcome == "not_eligible":
        return Track.ALMOST if evaluation.distance <= ALMOST_DISTANCE else Track.NOT_ELIGIBLE
    return track_of_batch(
        evaluation.outcome,
        [item["condition"] for item in evaluation.unknown],
        [item["condition"] for item in evaluation.review],
    )


def track_of_batch(outcome: str, unknown: list[str], review: list[str]) -> Track:
    """The same tracks from stored batch columns (batch results keep no distance, so no 'almost').

    Missing data comes first: once the facts are in, the case may need no reviewer at all.
    """
    if outcome == "eligible":
        return Track.REVIEW if review else Track.ELIGIBLE
    if outcome == "undetermined":
        return Track.MISSING if unknown else Track.ALTERNATIVE
    return Track.NOT_ELIGIBLE


@dataclass(frozen=True)
class ConditionRow:
    """One node of a condition tree, flattened for display (depth gives the indentation)."""

    node: Node
    depth: int
    state: str | None  # pass / fail / unknown, or None when no enterprise is evaluated
    threshold: str
    is_leaf: bool
    kind: str  # all / any / at_least / leaf op
    threshold_en: str = ""

    @property
    def provenance(self) -> str:
        """Where the leaf's facts come from ("" for groups and review clauses): the weakest source wins."""
        names = getattr(self.node, "fields", ())
        if not names:
            return ""
        order = list(PROVENANCE_LABELS)
        return min((FIELDS[name].provenance for name in names if name in FIELDS), key=order.index, default="")

    @property
    def provenance_label(self) -> tuple[str, str]:
        """The provenance as people read it, (Chinese, English)."""
        return PROVENANCE_LABELS.get(self.provenance, ("", ""))

    @property
    def citation(self) -> Any:
        return self.node.citation

    @property
    def reading(self) -> Any:
        return self.node.reading


def _value_label(field_name: str, value: str, language: Language) -> str:
    """A code as people know it: a size class or recognition level by its name, a region by its name."""
    labels = CODE_LABELS.get(field_name, {})
    if value in labels:
        return labels[value][1 if language == "en" else 0]
    if field_name == "region_code":
        code = value.ljust(6, "0")
        return region_display_name(code, language, value) if code != "000000" else value
    return value


def _threshold_text(leaf: Leaf, as_of: dt.date, language: Language = "zh") -> str:
    """The condition's bar as a person reads it: "≥ 3%", "≥ ¥1000 万" / "≥ CNY 10,000,000", "≥ 3 年"."""
    if leaf.op == "years_at_least":
        years = leaf.threshold_on(as_of)
        return f"≥ {years} years" if language == "en" else f"≥ {years} 年"
    if leaf.threshold:
        return f"{SYMBOL.get(leaf.op, leaf.op)} {fmt(leaf.fields[0], leaf.threshold_on(as_of), language)}"
    separator = ", " if language == "en" else "、"
    names = [_value_label(leaf.fields[0], value, language) for value in leaf.values]
    if names and leaf.op in ("in", "=="):
        return f"{SYMBOL[leaf.op]} {separator.join(names)}"
    if names:
        return separator.join(names[:8]) + (" …" if len(names) > 8 else "")
    return ""


def condition_rows(
    programme: Programme, as_of: dt.date, states: dict[str, State] | None = None
) -> list[ConditionRow]:
    """The programme's condition tree, depth first, with the thresholds in force and states if given."""
    rows: list[ConditionRow] = []

    def visit(node: Node, depth: int) -> None:
        state = states[node.id].value if states is not None else None
        if isinstance(node, Group):
            rows.append(ConditionRow(node, depth, state, "", False, node.kind))
            for child in node.children:
                visit(child, depth + 1)
        else:
            rows.append(
                ConditionRow(
                    node,
                    depth,
                    state,
                    _threshold_text(node, as_of),
                    True,
                    node.op,
                    _threshold_text(node, as_of, "en"),
                )
            )

    visit(programme.conditions, 0)
    return rows


@dataclass
class EnterpriseEvaluation:
    """One programme's answer for one enterprise, with its track and display rows."""

    programme: Programme
    evaluation: Evaluation
    track: Track
    applies: bool
    rows: list[ConditionRow] = field(default_factory=list)
    decision: ReviewDecision | None = None

    @property
    def missing_fields(self) -> list[str]:
        return sorted({name for item in self.evaluation.unknown for name in item.get("missing", [])})


def enterprise_evaluations(enterprise: Enterprise, as_of: dt.date) -> list[EnterpriseEvaluation]:
    """Every programme in force, evaluated for one enterprise on the one path (with explanations)."""
    record: dict[str, object] = dict(enterprise_policy_record(enterprise))  # already typed by the dictionary
    decisions: dict[str, ReviewDecision] = {}
    for decision in ReviewDecision.objects.filter(enterprise=enterprise).order_by("decided_at", "id"):
        decisions[decision.programme_id] = decision  # the latest decision wins
    out = []
    for programme in programmes_in_force(as_of):
        evaluation = evaluate(programme, record, as_of)
        out.append(
            EnterpriseEvaluation(
                programme=programme,
                evaluation=evaluation,
                track=track_of(evaluation),
                applies=programme_applies_to(programme, enterprise.region_code),
                rows=condition_rows(programme, as_of, evaluation.states),
                decision=decisions.get(programme.id),
            )
        )
    out.sort(key=lambda e: (not e.applies, TRACK_ORDER.index(e.track), e.programme.id))
    return out


def model_fields_missing(enterprise: Enterprise, evaluations: list[EnterpriseEvaluation]) -> list[str]:
    """The empty profile fields to fill so that programmes of the enterprise's region can be decided.

    A derived fact (e.g. main-business share) is unknown when any input is empty; only the empty
    inputs are asked for, so the inline form never shows, and never blanks, a value already stored.
    """
    names: dict[str, None] = {}
    for item in evaluations:
        if item.applies and item.track == Track.MISSING:
            for name in item.missing_fields:
                for model_field in inputs_for(name):
                    if getattr(enterprise, model_field, None) in (None, ""):
                        names.setdefault(model_field, None)
    return list(names)


def field_label(name: str, language: Language = "zh") -> str:
    """What people call a dictionary field, in Chinese or English (never its code name)."""
    if name not in FIELDS:
        return name
    return FIELDS[name].en if language == "en" else FIELDS[name].zh


def run_results(run: PolicyRun, track: str = "") -> QuerySet[PolicyResult]:
    """A run's stored results, optionally of one track, with the enterprise loaded."""
    results = run.results.select_related("enterprise").order_by("enterprise__name", "id")
    return results.filter(track=track) if track else results


def latest_decisions(results: list[PolicyResult]) -> dict[int, ReviewDecision]:
    """The latest review decision per result id, in one query."""
    out: dict[int, ReviewDecision] = {}
    for decision in ReviewDecision.objects.filter(result__in=results).order_by("decided_at", "id"):
        out[decision.result_id] = decision
    return out
