"""Shared-workforce reads: matches for a demand, an agreement's hours summary, a region's counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import translation

from engines.reference.regions import region_prefix
from engines.workforce import Candidate, Demand, Match, rank, skill_of
from funeng.apps.library.models import Clause
from funeng.apps.shared_workforce.const import (
    HOLDING_STATUSES,
    MATCH_LIMIT,
    SEED_QUOTES,
    AgreementStatus,
    PostStatus,
)
from funeng.apps.shared_workforce.models import Agreement, DemandPost, HoursRecord, SurplusPost, Worker


@dataclass(frozen=True)
class BasisQuote:
    """A policy sentence the pages quote, with the library clause it stands in (None if not loaded)."""

    quote: str
    clause: Clause | None


def basis_quotes() -> list[BasisQuote]:
    """The seeds' sentences on shared employees, each linked to its clause in the policy library."""
    found = []
    for _seed, quote in SEED_QUOTES:
        fragment = quote.split("……")[0]
        clause = (
            Clause.objects.select_related("document").filter(text__contains=fragment).order_by("-pk").first()
        )
        found.append(BasisQuote(quote=quote, clause=clause))
    return found


def skill_name(skill_id: str) -> str:
    """A skill's name in the page's language (the id itself for an unknown skill)."""
    try:
        skill = skill_of(skill_id)
    except KeyError:
        return skill_id
    return skill.zh if (translation.get_language() or "zh").startswith("zh") else skill.en


def skill_choices() -> list[tuple[str, str]]:
    from engines.workforce import skills

    return [(skill.id, skill_name(skill.id)) for skill in skills()]


@dataclass(frozen=True)
class MatchRow:
    post: SurplusPost
    worker: Worker
    match: Match

    @property
    def reasons(self) -> list[str]:
        language = translation.get_language() or "zh"
        return self.match.reasons_zh if language.startswith("zh") else self.match.reasons_en

    @property
    def points(self) -> int:
        return round(self.match.score * 100)


def demand_of(post: DemandPost) -> Demand:
    return Demand(
        skills=tuple(post.skills),
        starts_on=post.starts_on,
        ends_on=post.ends_on,
        region_code=post.region_code,
        hourly_budget=float(post.hourly_budget) if post.hourly_budget is not None else None,
    )


def matches_for_demand(demand: DemandPost, *, limit: int = MATCH_LIMIT) -> list[MatchRow]:
    """Workers offered on other enterprises' open surplus posts, best first, each with the engine's reasons.

    A worker already held for any day of the demand's period (a proposed, confirmed or active
    agreement) is left out, and so is one who has none of the skills asked for.
    """
    posts = (
        SurplusPost.objects.filter(
            status=PostStatus.OPEN, available_from__lte=demand.ends_on, available_to__gte=demand.starts_on
        )
        .exclude(enterprise_id=demand.enterprise_id)
        .select_related("enterprise")
        .prefetch_related("workers")
    )
    busy = set(
        Agreement.objects.filter(
            status__in=HOLDING_STATUSES, starts_on__lte=demand.ends_on, ends_on__gte=demand.starts_on
        ).values_list("worker_id", flat=True)
    )
    wanted = set(demand.skills)
    pairs: dict[str, tuple[SurplusPost, Worker]] = {}
    for post in posts:
        for worker in post.workers.all():
            if worker.pk in busy or not wanted & set(worker.skills):
                continue
            pairs[f"{post.pk}:{worker.pk}"] = (post, worker)
    candidates = [
        Candidate(
            candidate_id=key,
            skills=tuple(worker.skills),
            available_from=post.available_from,
            available_to=post.available_to,
            region_code=post.region_code,
            hourly_cost=float(post.hourly_cost),
        )
        for key, (post, worker) in pairs.items()
    ]
    return [MatchRow(*pairs[m.candidate_id], m) for m in rank(demand_of(demand), candidates, limit=limit)]


@dataclass(frozen=True)
class HoursSummary:
    days: int
    total_hours: Decimal
    hourly_pay: Decimal

    @property
    def amount_due(self) -> Decimal:
        return (self.total_hours * self.hourly_pay).quantize(Decimal("0.01"))


def hours_summary(agreement: Agreement) -> HoursSummary:
    """Days recorded, total hours, and what the borrower owes the lender for them (hours × rate)."""
    totals = agreement.hours.aggregate(days=Count("pk"), total=Sum("hours"))
    return HoursSummary(totals["days"] or 0, totals["total"] or Decimal("0.00"), agreement.hourly_pay)


def _in_region(scope: str) -> Q:
    return Q(region_code__startswith=region_prefix(scope)) if scope else Q()


def region_counts(scope: str, year: int) -> dict[str, int | Decimal]:
    """Aggregates an official may see for their region (GB/T 2260 scope, '' = everywhere): no person, no post."""
    where = _in_region(scope)
    surplus = SurplusPost.objects.filter(where, status=PostStatus.OPEN).aggregate(
        n=Count("pk"), people=Sum("headcount")
    )
    demand = DemandPost.objects.filter(where, status=PostStatus.OPEN).aggregate(
        n=Count("pk"), people=Sum("headcount")
    )
    agreements = Agreement.objects.filter(where)
    hours = HoursRecord.objects.filter(agreement__in=agreements, day__year=year).aggregate(total=Sum("hours"))
    return {
        "surplus_posts": surplus["n"] or 0,
        "surplus_people": surplus["people"] or 0,
        "demand_posts": demand["n"] or 0,
        "demand_people": demand["people"] or 0,
        "active_agreements": agreements.filter(status=AgreementStatus.ACTIVE).count(),
        "agreements_year": agreements.filter(proposed_at__year=year).count(),
        "hours_year": hours["total"] or Decimal("0.00"),
    }


def mask_name(name: str) -> str:
    """张三丰 → 张**: the family name only, so a borrower can tell candidates apart without knowing who they are."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else ""


def mask_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    return (
        f"{''.join(digits[:3])}****{''.join(digits[-4:])}" if len(digits) >= 8 else ("****" if phone else "")
    )


def agreement_days_held(worker: Worker, today: dt.date) -> list[Agreement]:
    """The worker's agreements still holding days from today on (for the lender's worker page)."""
    return list(
        worker.agreements.filter(status__in=HOLDING_STATUSES, ends_on__gte=today)
        .select_related("borrower")
        .order_by("starts_on")
    )
