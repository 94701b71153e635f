"""Reads of matchmaking: trust inputs, supply/demand gaps, lists for the portals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Sum, Value, When
from django.urls import NoReverseMatch, reverse

from engines.maturity.framework import scenario_taxonomy, solution_categories
from engines.trust import (
    DeliveredDeal,
    RoundResult,
    TrustInputs,
    TrustScore,
    provider_outcomes,
    trust_score,
)
from funeng.apps.core.identity import User
from funeng.apps.matching.access import provider_id_of, solutions_matchable
from funeng.apps.matching.const import GAP_SCENARIO_FIT, GAP_SCORE, ComplaintStatus, DealStatus, NeedStatus
from funeng.apps.matching.models import Complaint, Deal, Match, Need, Review, Solution
from funeng.apps.providers.models import Provider


@cache
def assessment_scenarios_of() -> dict[str, frozenset[str]]:
    """Solution category → the assessment scenarios it serves (from scenarios.yaml `solutions`)."""
    served: dict[str, set[str]] = defaultdict(set)
    for scenario in scenario_taxonomy().values():
        for category in scenario.solutions:
            served[category].add(scenario.id)
    return {category: frozenset(ids) for category, ids in served.items()}


def _rounds_of(enterprise_ids: Iterable[int]) -> list[RoundResult]:
    """Submitted assessment rounds with stored results of these enterprises ([] without the assessment app)."""
    try:
        result_model = apps.get_model("assessment", "AssessmentResult")
    except LookupError:
        return []
    rows = result_model.objects.filter(
        assessment__enterprise_id__in=list(enterprise_ids), assessment__submitted_at__isnull=False
    ).values_list(
        "assessment__enterprise_id",
        "assessment__framework_family",
        "assessment__round_index",
        "assessment__submitted_at",
        "score",
        "max_score",
        "scenarios",
    )
    rounds = []
    for enterprise_id, family, round_index, submitted_at, score, max_score, scenarios in rows:
        levels = {
            ident: int(value.get("level", 0))
            for ident, value in (scenarios or {}).items()
            if isinstance(value, dict) and value.get("answered")
        }
        share = 100.0 * score / max_score if max_score else 0.0
        rounds.append(RoundResult(enterprise_id, family, round_index, submitted_at, share, levels))
    return rounds


def trust_inputs(provider_ids: Iterable[int] | None = None) -> dict[int, TrustInputs]:
    """Track record per provider id, in a fixed number of queries (all providers when ids is None)."""
    providers = Provider.objects.all()
    if provider_ids is not None:
        providers = providers.filter(pk__in=list(provider_ids))
    states = dict(providers.values_list("pk", "vetting_state"))
    ids = list(states)
    reviews = {
        row["provider_id"]: (row["n"], float(row["total"] or 0))
        for row in Review.objects.filter(provider_id__in=ids)
        .values("provider_id")
        .annotate(n=Count("id"), total=Sum("rating"))
    }
    deals: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Deal.objects.filter(provider_id__in=ids).values("provider_id", "status").annotate(n=Count("id"))
    ):
        deals[row["provider_id"]][row["status"]] = row["n"]
    upheld = dict(
        Complaint.objects.filter(provider_id__in=ids, status=ComplaintStatus.UPHELD)
        .values("provider_id")
        .annotate(n=Count("id"))
        .values_list("provider_id", "n")
    )
    delivered_rows = list(
        Deal.objects.filter(
            provider_id__in=ids, status=DealStatus.DELIVERED, delivered_at__isnull=False
        ).values_list("provider_id", "enterprise_id", "created_at", "delivered_at", "scenarios")
    )
    served = assessment_scenarios_of()
    delivered = [
        DeliveredDeal(
            provider_id,
            enterprise_id,
            agreed,
            done,  # type: ignore[arg-type]  # filtered on delivered_at__isnull=False
            frozenset(s for category in (scenarios or []) for s in served.get(category, ())),
        )
        for provider_id, enterprise_id, agreed, done, scenarios in delivered_rows
    ]
    outcomes = (
        provider_outcomes(delivered, _rounds_of({d.enterprise_id for d in delivered})) if delivered else {}
    )
    result = {}
    for pk in ids:
        n_reviews, rating_sum = reviews.get(pk, (0, 0.0))
        counts = deals.get(pk, {})
        clients, outcome_sum, on_scenarios = outcomes.get(pk, (0, 0.0, 0))
        result[pk] = TrustInputs(
            vetting_state=states[pk],
            reviews=n_reviews,
            rating_sum=rating_sum,
            delivered=counts.get(DealStatus.DELIVERED, 0),
            cancelled=counts.get(DealStatus.CANCELLED, 0),
            active=counts.get(DealStatus.ACTIVE, 0),
            complaints_upheld=upheld.get(pk, 0),
            outcome_clients=clients,
            outcome_sum=outcome_sum,
            outcome_scenario_clients=on_scenarios,
        )
    return result


def trust_scores(provider_ids: Iterable[int] | None = None) -> dict[int, TrustScore]:
    """The trusted-provider score per provider id (engines/trust, with the shipped weights)."""
    return {pk: trust_score(inputs) for pk, inputs in trust_inputs(provider_ids).items()}


def provider_trust(provider: Provider) -> TrustScore:
    """One provider's score."""
    return trust_scores([provider.pk])[provider.pk]


@dataclass(frozen=True)
class TrustRow:
    provider: Provider
    trust: TrustScore
    solutions: int


def trust_table(providers: QuerySet[Provider]) -> list[TrustRow]:
    """Providers with their score and published solutions, best first (for officials)."""
    providers = providers.annotate(published=Count("solutions", filter=Q(solutions__status="published")))
    rows = list(providers)
    scores = trust_scores([p.pk for p in rows])
    table = [TrustRow(p, scores[p.pk], getattr(p, "published", 0)) for p in rows]
    table.sort(key=lambda r: (-r.trust.score, r.provider.name))
    return table


# --- supply and demand gaps ------------------------------------------------------------------------


@dataclass(frozen=True)
class GapCell:
    scenario: str
    region: str  # the first `region_digits` digits of the GB/T 2260 code (2 = province, 4 = prefecture)
    open_needs: int
    unmatched: int  # open needs whose best match scores under GAP_SCORE (or that have none)


def _gap_condition(threshold: float) -> Q:
    return (
        Q(best_score__isnull=True) | Q(best_score__lt=threshold) | Q(best_scenario_fit__lt=GAP_SCENARIO_FIT)
    )


def gap_rows(needs: QuerySet[Need], *, threshold: float = GAP_SCORE, region_digits: int = 2) -> list[GapCell]:
    """Open needs and those without a good match, by scenario and region (province by default).

    A need counts under the scenarios its enterprise chose, else under the strongest scenario the
    engine read from its text, else under "unclassified" ("").
    """
    open_needs = needs.filter(status=NeedStatus.OPEN).annotate(
        gap=Case(
            When(_gap_condition(threshold), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    rows = list(open_needs.values_list("scenarios", "detected_scenarios", "region_code", "gap"))
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for scenarios, detected, region, gap in rows:
        for scenario in list(scenarios or []) or list(detected or [])[:1] or [""]:
            cell = cells[scenario, (region or "")[:region_digits]]
            cell[0] += 1
            cell[1] += int(gap)
    result = [GapCell(s, p, n, u) for (s, p), (n, u) in cells.items()]
    result.sort(key=lambda c: (-c.unmatched, -c.open_needs, c.scenario, c.region))
    return result


def unmatched_needs(needs: QuerySet[Need], *, threshold: float = GAP_SCORE) -> QuerySet[Need]:
    """Open needs without a good match: best score under the threshold, off-scenario, or no match at all."""
    return (
        needs.filter(status=NeedStatus.OPEN)
        .filter(_gap_condition(threshold))
        .order_by(F("best_score").asc(nulls_first=True), "-created_at")
    )


def need_matches_shown(need: Need) -> list[Match]:
    """The stored matches of a need, best first: solutions still offered, or already asked for a proposal."""
    return list(
        Match.objects.filter(need=need)
        .filter(Q(solution__in=solutions_matchable()) | Q(solution__proposals__need=need))
        .select_related("solution", "solution__provider")
        .distinct()
        .order_by("rank")
    )


def need_matches_for_user(user: User, need: Need) -> list[Match]:
    """The stored ranking of a need as this user may see it: a provider sees only its own places."""
    matches = need_matches_shown(need)
    provider_id = provider_id_of(user)
    if provider_id is not None:
        # A provider sees its own place in the ranking, not its competitors.
        matches = [m for m in matches if m.solution.provider_id == provider_id]
    return matches


def scenario_label(ident: str, language: str) -> str:
    """The taxonomy name of a solution category in the language ('' → unclassified)."""
    category = solution_categories().get(ident)
    if category is None:
        return "—"
    return category.name.en if language.startswith("en") else category.name.zh


def scenario_choices(language: str) -> list[tuple[str, str]]:
    """(id, name) of every solution category, in taxonomy order."""
    return [
        (c.id, c.name.en if language.startswith("en") else c.name.zh) for c in solution_categories().values()
    ]


def next_round_label(enterprise_id: int) -> str:
    """The assessment round the enterprise takes next: T0 without any, its open draft, else the one after its latest.

    The latest is the most recently started round of any framework family, since that is the one the
    assessment page offers to continue or repeat.
    """
    try:
        assessment_model = apps.get_model("assessment", "Assessment")
    except LookupError:
        return "T0"
    latest = (
        assessment_model.objects.filter(enterprise_id=enterprise_id)
        .order_by("-started_at", "-id")
        .values_list("round_index", "submitted_at")
        .first()
    )
    if latest is None:
        return "T0"
    round_index, submitted_at = latest
    return f"T{round_index if submitted_at is None else round_index + 1}"


def reassessment_url() -> str | None:
    """Where an enterprise starts its next assessment round, if the assessment app offers it."""
    try:
        return reverse("assessment:home")
    except NoReverseMatch:
        return None


def counts_by_status(queryset: QuerySet[Any], field: str = "status") -> dict[str, int]:
    """{status: count} of a queryset."""
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


# A form sent again after going back carries a fresh one-time token when the browser reloaded the
# page; the same text from the same person this soon after is that form again, not a new need.
RESUBMIT_WINDOW = dt.timedelta(minutes=10)


def need_just_posted(
    *, enterprise_id: int, user: User, title: str, description: str, now: dt.datetime
) -> Need | None:
    """The same need the same person posted for the enterprise within RESUBMIT_WINDOW, if any."""
    return (
        Need.objects.filter(
            enterprise_id=enterprise_id,
            created_by_id=user.pk,
            title=title.strip(),
            description=description.strip(),
            created_at__gte=now - RESUBMIT_WINDOW,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def solution_just_created(*, provider_id: int, title: str, now: dt.datetime) -> Solution | None:
    """A draft of the provider with the same title created within RESUBMIT_WINDOW, if any."""
    return (
        Solution.objects.filter(
            provider_id=provider_id,
            title=title.strip(),
            status="draft",
            created_at__gte=now - RESUBMIT_WINDOW,
        )
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class DirectoryEntry:
    """One provider of the directory page: its published solutions, trust score and latest review."""

    provider: Provider
    solutions: list[Solution]
    trust: TrustScore
    latest_review: Review | None


def directory_provider_ids(
    providers: QuerySet[Provider], *, scenario: str = "", province: str = "", text: str = ""
) -> QuerySet[Provider]:
    """The directory's providers narrowed to those with a published solution for the scenario, serving
    the province (a 6-digit province code; nationwide solutions serve every province) and whose name or
    a solution title contains the text; without any filter, every provider given, by name."""
    if scenario or province or text:
        offered = solutions_matchable().filter(provider__in=providers)
        if text:
            offered = offered.filter(Q(title__icontains=text) | Q(provider__name__icontains=text))
        # scenarios and regions are JSON lists; filtered here, as SQLite cannot query inside them
        fitting = {
            provider_id
            for provider_id, scenarios, regions in offered.values_list("provider_id", "scenarios", "regions")
            if (not scenario or scenario in scenarios)
            and (not province or not regions or province in regions)
        }
        if text and not (scenario or province):
            fitting |= set(providers.filter(name__icontains=text).values_list("pk", flat=True))
        providers = providers.filter(pk__in=fitting)
    return providers.order_by("name", "pk")


def directory_entries(providers: Iterable[Provider]) -> list[DirectoryEntry]:
    """The page's providers with their published solutions, trust scores and latest reviews (few queries)."""
    rows = list(providers)
    ids = [p.pk for p in rows]
    solutions: dict[int, list[Solution]] = defaultdict(list)
    for solution in solutions_matchable().filter(provider_id__in=ids).order_by("title", "pk"):
        solutions[solution.provider_id].append(solution)
    latest: dict[int, Review] = {}
    for review in Review.objects.filter(provider_id__in=ids).order_by("-created_at", "-id")[:500]:
        latest.setdefault(review.provider_id, review)
    scores = trust_scores(ids)
    return [DirectoryEntry(p, solutions[p.pk], scores[p.pk], latest.get(p.pk)) for p in rows]
