"""Writes of matchmaking: catalogue, needs, stored rankings, proposals → deals → reviews, complaints,
the interaction log, imports and the learned ranking model; each change audited in its transaction.

ranking.py, learning.py and interchange.py compute and parse; every write they lead to is here.
Messages are English msgids with parameters (gettext_lazy), so the API can render both languages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from engines.match.rank import Ranking
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    acting_user_id,
    audit_created,
    audit_created_many,
    audit_record,
    audit_record_artifact,
    audit_record_many,
    field_diff,
    signed_in_user_id,
    snapshot,
)
from funeng.apps.core.identity import User, is_platform_admin
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.finance.services import digital_investment_record_deal
from funeng.apps.matching.access import (
    can_decide_complaint,
    can_edit_need,
    can_edit_solution,
    enterprise_id_of,
    provider_id_of,
    solutions_matchable,
)
from funeng.apps.matching.const import (
    MATCHES_KEPT,
    MAX_PRICE,
    MAX_TEXT,
    ComplaintStatus,
    DealStatus,
    Deployment,
    MatchEventKind,
    NeedStatus,
    ProposalStatus,
    SolutionStatus,
)
from funeng.apps.matching.learning import MODEL_OBJECT_TYPE, TrainingReport
from funeng.apps.matching.models import Complaint, Deal, Match, MatchEvent, Need, Proposal, Review, Solution
from funeng.apps.matching.ranking import (
    BATCH,
    STORED,
    catalogue,
    need_ranked,
    rank_batch,
    rank_one,
    ranking_model,
)
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from funeng.apps.tasks.progress import Progress

SOLUTION_FIELDS = (
    "external_id",
    "title",
    "description",
    "scenarios",
    "industries",
    "regions",
    "price_cny_per_year",
    "deployment",
    "min_employees",
    "max_employees",
)
NEED_FIELDS = ("title", "description", "scenarios", "budget_cny_per_year")
REASON_MAX = 500


# --- helpers -----------------------------------------------------------------------------------


class MatchingStateConflict(ValidationError):
    """The object's state forbids the action (accepting a decided proposal, closing a closed need…).

    A ValidationError, so pages show it like any refusal; the API answers it with 409, not 422:
    the request was well formed, the object has moved on.
    """


def _fail(field: str, message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _conflict(field: str, message: Any, code: str, **params: Any) -> MatchingStateConflict:
    return MatchingStateConflict({field: ValidationError(message, code=code, params=params or None)})


def money_value(value: object, field: str) -> Decimal | None:
    """An amount in CNY with cents, or None; raises a ValidationError naming the field."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise _fail(field, _("Enter an amount in CNY, such as 36000."), "invalid") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
        raise _fail(field, _("Enter an amount between 0 and %(max)s CNY."), "range", max=MAX_PRICE)
    return amount


def _text(value: str, field: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _fail(field, _("This field is required."), "required")
    if len(text) > limit:
        raise _fail(
            field,
            _("Keep this to %(max)d characters (it has %(length)d)."),
            "max_length",
            max=limit,
            length=len(text),
        )
    return text


def _unique_list(values: Iterable[str] | None) -> list[str]:
    result: list[str] = []
    for value in values or ():
        value = str(value).strip()
        if value and value not in result:
            result.append(value)
    return result


def _save(obj: models.Model, *, update_fields: Sequence[str] | None = None) -> None:
    obj.full_clean()
    obj.save(update_fields=update_fields)


def _event(
    need: Need, solution: Solution, kind: str, user: User | None, *, at: dt.datetime | None = None
) -> None:
    match = Match.objects.filter(need=need, solution=solution).values_list("rank", "score").first()
    MatchEvent.objects.create(
        need=need,
        solution=solution,
        kind=kind,
        position=match[0] if match else None,
        score=match[1] if match else None,
        user_id=acting_user_id(user),
        at=at or timezone.now(),
    )


# --- solutions ---------------------------------------------------------------------------------


def _require_approved(provider: Provider) -> None:
    if provider.vetting_state != VettingState.APPROVED:
        raise _fail(
            "provider",
            _(
                "Your provider is not approved (state: %(state)s); an official of your region must "
                "approve it before you can offer solutions."
            ),
            "not_approved",
            state=provider.get_vetting_state_display(),
        )


def _solution_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SOLUTION_FIELDS)
    if unknown:
        raise TypeError(f"not solution fields: {sorted(unknown)}")
    cleaned = dict(values)
    if "title" in cleaned:
        cleaned["title"] = _text(cleaned["title"], "title", required=True, limit=200)
    if "description" in cleaned:
        cleaned["description"] = _text(cleaned["description"], "description", required=False)
    for name in ("scenarios", "industries", "regions"):
        if name in cleaned:
            cleaned[name] = _unique_list(cleaned[name])
    if "industries" in cleaned:
        cleaned["industries"] = [v.upper() for v in cleaned["industries"]]
    if "price_cny_per_year" in cleaned:
        cleaned["price_cny_per_year"] = money_value(cleaned["price_cny_per_year"], "price_cny_per_year")
    if "deployment" in cleaned:
        cleaned["deployment"] = cleaned["deployment"] or ""
        if cleaned["deployment"] and cleaned["deployment"] not in Deployment.values:
            raise _fail(
                "deployment",
                _("Choose a deployment: %(choices)s."),
                "invalid_choice",
                choices=", ".join(Deployment.values),
            )
    if "external_id" in cleaned:
        cleaned["external_id"] = (cleaned["external_id"] or "").strip()
    return cleaned


@transaction.atomic
def solution_create(*, provider: Provider, acting_user: User, **values: Any) -> Solution:
    """A new draft solution of an approved provider; audited."""
    solution = Solution(provider=provider, status=SolutionStatus.DRAFT)
    if not can_edit_solution(acting_user, solution):
        raise PermissionDenied
    _require_approved(provider)
    for name, value in _solution_values(values).items():
        setattr(solution, name, value)
    _save(solution)
    audit_created(actor=acting_user, obj=solution, fields=("provider", "status", *SOLUTION_FIELDS))
    return solution


@transaction.atomic
def solution_update(*, solution: Solution, acting_user: User, **values: Any) -> Solution:
    """Change a solution's catalogue fields; published ones stay published and are re-ranked."""
    if not can_edit_solution(acting_user, solution):
        raise PermissionDenied
    solution = Solution.objects.select_for_update().select_related("provider").get(pk=solution.pk)
    _require_approved(solution.provider)
    before = snapshot(solution, SOLUTION_FIELDS)
    for name, value in _solution_values(values).items():
        setattr(solution, name, value)
    _save(solution)
    changes = field_diff(before, snapshot(solution, SOLUTION_FIELDS))
    if changes:
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=solution, changes=changes)
    return solution


def _solution_status(solution: Solution, acting_user: User, target: str, allowed: Sequence[str]) -> Solution:
    if not can_edit_solution(acting_user, solution):
        raise PermissionDenied
    solution = Solution.objects.select_for_update().select_related("provider").get(pk=solution.pk)
    if solution.status not in allowed:
        raise _conflict(
            "status",
            _("A solution in state “%(state)s” cannot become “%(target)s”."),
            "transition",
            state=solution.get_status_display(),
            target=SolutionStatus(target).label,
        )
    before = snapshot(solution, ("status",))
    solution.status = target
    fields = ["status", "updated_at"]
    if target == SolutionStatus.PUBLISHED:
        solution.published_at = timezone.now()
        fields.append("published_at")
    solution.save(update_fields=fields)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=solution,
        changes=field_diff(before, snapshot(solution, ("status",))),
    )
    return solution


@transaction.atomic
def solution_publish(*, solution: Solution, acting_user: User) -> Solution:
    """Put a draft or withdrawn solution into the catalogue; its provider must be approved."""
    _require_approved(solution.provider)
    return _solution_status(
        solution, acting_user, SolutionStatus.PUBLISHED, (SolutionStatus.DRAFT, SolutionStatus.WITHDRAWN)
    )


@transaction.atomic
def solution_withdraw(*, solution: Solution, acting_user: User) -> Solution:
    """Take a published solution out of the catalogue.

    Allowed whatever the provider's vetting state: taking an offer down never needs approval.
    Running proposals and deals keep the solution they name.
    """
    return _solution_status(solution, acting_user, SolutionStatus.WITHDRAWN, (SolutionStatus.PUBLISHED,))


# --- needs -------------------------------------------------------------------------------------


def need_profile(enterprise: Enterprise) -> dict[str, Any]:
    """The enterprise's profile as copied onto a need when it is posted."""
    return {
        "industry_code": enterprise.industry_code or "",
        "region_code": enterprise.region_code or "",
        "employees": enterprise.employees,
        "revenue_cny": enterprise.revenue_cny,
    }


def need_create(
    *,
    enterprise: Enterprise,
    acting_user: User,
    title: str,
    description: str = "",
    scenarios: Iterable[str] = (),
    budget_cny_per_year: object = None,
    rank: bool = True,
) -> Need:
    """Post a need for the enterprise (its profile copied) and audit it; the catalogue is ranked for it after the commit."""
    if rank:
        from funeng.apps.matching.ranking import catalogue

        # Building the catalogue index takes seconds (word segmentation, BM25) the first time in a
        # process and after the catalogue changes. Inside the write transaction that time would hold
        # SQLite's write lock and other writers would fail with "database is locked"; here it only reads.
        catalogue()
    need = _need_insert(
        enterprise=enterprise,
        acting_user=acting_user,
        title=title,
        description=description,
        scenarios=scenarios,
        budget_cny_per_year=budget_cny_per_year,
    )
    if rank:
        # Ranking is CPU work: outside the transaction, so SQLite's write lock is not held meanwhile.
        # Robust: should it fail, the need stays posted and its page offers to rank it again.
        transaction.on_commit(lambda: need_matches_refresh(need=need), robust=True)
    return need


@transaction.atomic
def _need_insert(
    *,
    enterprise: Enterprise,
    acting_user: User,
    title: str,
    description: str,
    scenarios: Iterable[str],
    budget_cny_per_year: object,
) -> Need:
    if not (is_platform_admin(acting_user) or enterprise_id_of(acting_user) == enterprise.pk):
        raise PermissionDenied
    need = Need(
        enterprise=enterprise,
        title=_text(title, "title", required=True, limit=200),
        description=_text(description, "description", required=False),
        scenarios=_unique_list(scenarios),
        budget_cny_per_year=money_value(budget_cny_per_year, "budget_cny_per_year"),
        created_by_id=acting_user_id(acting_user),
        **need_profile(enterprise),
    )
    _save(need)
    audit_created(actor=acting_user, obj=need, fields=("enterprise", "status", *NEED_FIELDS))
    return need


def need_rank(*, need: Need, acting_user: User) -> Need:
    """Rank the catalogue for an open need again (the refresh button of its page); its users or operators only.

    Not one transaction: the engine runs first, then needs_matches_store writes in a short one.
    """
    if not can_edit_need(acting_user, need):
        raise PermissionDenied
    if need.status != NeedStatus.OPEN:
        raise _conflict(
            "status",
            _("Only an open need is ranked; this one is %(state)s."),
            "not_open",
            state=need.get_status_display(),
        )
    need_matches_refresh(need=need)
    return need


# --- stored rankings ---------------------------------------------------------------------------


@transaction.atomic
def needs_matches_store(*, needs: Sequence[Need], rankings: Sequence[Ranking | None], key: str) -> None:
    """Replace the stored matches of these needs with their new rankings (None: nothing was published).

    Not audited: matches are derived from audited data (the need, the catalogue) and recomputed at
    will; `key` records which catalogue and model they were computed for.
    """
    now = timezone.now()
    rows = [
        row
        for need, ranking in zip(needs, rankings, strict=True)
        for row in need_ranked(need, ranking, key, now)
    ]
    Match.objects.filter(need__in=[n.pk for n in needs]).delete()
    Match.objects.bulk_create(rows, batch_size=2000)
    Need.objects.bulk_update(needs, STORED, batch_size=BATCH)


def need_matches_refresh(*, need: Need, k: int = MATCHES_KEPT) -> Ranking | None:
    """Rank the catalogue for one need (engine one path) and store its top k; None when nothing is published.

    The engine runs before the write transaction opens: ranking is CPU work, and SQLite holds its
    write lock for the whole transaction.
    """
    current = catalogue()
    ranking = rank_one(current, need, k=k)
    needs_matches_store(needs=[need], rankings=[ranking], key=current.key)
    return ranking


def needs_rank_all(
    *, needs: Iterable[Need] | None = None, k: int = MATCHES_KEPT, progress: Progress | None = None
) -> int:
    """Re-rank many needs (default: all open ones) with the engine's batch path; returns how many."""
    progress = progress or Progress()
    current = catalogue()
    if current.index is None:
        return 0
    selected = (
        list(needs) if needs is not None else list(Need.objects.filter(status=NeedStatus.OPEN).order_by("pk"))
    )
    for start in range(0, len(selected), BATCH):
        part = selected[start : start + BATCH]
        needs_matches_store(needs=part, rankings=rank_batch(current, part, k=k), key=current.key)
        progress.update(start + len(part), len(selected), gettext_noop("Ranking the open needs"))
    return len(selected)


@transaction.atomic
def need_close(*, need: Need, acting_user: User) -> Need:
    """Close an open or matched need; proposals still waiting are declined."""
    if not can_edit_need(acting_user, need):
        raise PermissionDenied
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status == NeedStatus.CLOSED:
        raise _conflict("status", _("This need is already closed; nothing changed."), "closed")
    before = snapshot(need, ("status",))
    need.status = NeedStatus.CLOSED
    need.closed_at = timezone.now()
    need.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=need,
        changes=field_diff(before, snapshot(need, ("status",))),
    )
    _decline_waiting(need, acting_user, keep=None)
    return need


def _decline_waiting(need: Need, acting_user: User, *, keep: Proposal | None) -> None:
    waiting = Proposal.objects.select_for_update().filter(
        need=need, status__in=(ProposalStatus.REQUESTED, ProposalStatus.SUBMITTED)
    )
    if keep is not None:
        waiting = waiting.exclude(pk=keep.pk)
    now = timezone.now()
    for other in waiting:
        before = other.status
        other.status = ProposalStatus.DECLINED
        other.decided_at = now
        other.save(update_fields=["status", "decided_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=other,
            changes={"status": [before, ProposalStatus.DECLINED.value]},
        )


# --- proposals ---------------------------------------------------------------------------------


def _require_open(need: Need) -> None:
    if need.status != NeedStatus.OPEN:
        raise _conflict(
            "need",
            _("This need is %(state)s; proposals can be asked for and answered only while it is open."),
            "not_open",
            state=need.get_status_display(),
        )


@transaction.atomic
def proposal_request(*, need: Need, solution: Solution, acting_user: User, note: str = "") -> Proposal:
    """The enterprise asks the provider of a solution for a proposal on its open need."""
    if need.enterprise_id is None or enterprise_id_of(acting_user) != need.enterprise_id:
        raise PermissionDenied
    need = Need.objects.select_for_update().get(pk=need.pk)
    _require_open(need)
    if not solutions_matchable().filter(pk=solution.pk).exists():
        raise _fail(
            "solution",
            _("This solution is no longer offered (withdrawn, or its provider is not approved)."),
            "not_offered",
        )
    if Proposal.objects.filter(need=need, solution=solution).exists():
        raise _conflict("solution", _("You already asked for a proposal on this solution."), "duplicate")
    assert need.enterprise_id is not None
    proposal = Proposal(
        need=need,
        solution=solution,
        enterprise_id=need.enterprise_id,
        provider_id=solution.provider_id,
        request_note=_text(note, "note", required=False, limit=2000),
        requested_by_id=signed_in_user_id(acting_user),
    )
    _save(proposal)
    audit_created(
        actor=acting_user, obj=proposal, fields=("need", "solution", "provider", "status", "request_note")
    )
    _event(need, solution, MatchEventKind.PROPOSAL_REQUESTED, acting_user)
    return proposal


PROPOSAL_TERMS = ("price_cny", "delivery_plan", "delivery_weeks", "status")


@transaction.atomic
def proposal_submit(
    *,
    proposal: Proposal,
    acting_user: User,
    price_cny: object,
    delivery_plan: str,
    delivery_weeks: int | None = None,
) -> Proposal:
    """The provider answers a request with a price and a delivery plan (and may revise it while open)."""
    if provider_id_of(acting_user) != proposal.provider_id:
        raise PermissionDenied
    proposal = Proposal.objects.select_for_update().select_related("need").get(pk=proposal.pk)
    _require_open(proposal.need)
    if proposal.status not in (ProposalStatus.REQUESTED, ProposalStatus.SUBMITTED):
        raise _conflict(
            "status",
            _("This proposal is %(state)s and can no longer be changed."),
            "transition",
            state=proposal.get_status_display(),
        )
    price = money_value(price_cny, "price_cny")
    if price is None:
        raise _fail("price_cny", _("Give the price of your proposal in CNY."), "required")
    before = snapshot(proposal, PROPOSAL_TERMS)
    proposal.price_cny = price
    proposal.delivery_plan = _text(delivery_plan, "delivery_plan", required=True)
    proposal.delivery_weeks = delivery_weeks
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_by_id = acting_user_id(acting_user)
    proposal.submitted_at = timezone.now()
    _save(proposal)
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=proposal,
        changes=field_diff(before, snapshot(proposal, PROPOSAL_TERMS)),
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, acting_user: User) -> Proposal:
    """The provider declines to answer, or takes back a submitted proposal."""
    if provider_id_of(acting_user) != proposal.provider_id:
        raise PermissionDenied
    return _proposal_end(proposal, acting_user, ProposalStatus.WITHDRAWN)


@transaction.atomic
def proposal_decline(*, proposal: Proposal, acting_user: User) -> Proposal:
    """The enterprise turns a proposal down."""
    if enterprise_id_of(acting_user) != proposal.enterprise_id:
        raise PermissionDenied
    return _proposal_end(proposal, acting_user, ProposalStatus.DECLINED)


def _proposal_end(proposal: Proposal, acting_user: User, target: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in (ProposalStatus.REQUESTED, ProposalStatus.SUBMITTED):
        raise _conflict(
            "status",
            _("This proposal is %(state)s and can no longer be changed."),
            "transition",
            state=proposal.get_status_display(),
        )
    before = proposal.status
    proposal.status = target
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=acting_user, action=AuditAction.UPDATE, obj=proposal, changes={"status": [before, target]}
    )
    return proposal


def deal_scenarios(need: Need, solution: Solution) -> list[str]:
    """The scenarios a deal delivers: the solution's that the need asked for, else all the solution's."""
    asked = [s for s in solution.scenarios if s in need.scenarios]
    return asked or list(solution.scenarios)


@transaction.atomic
def proposal_accept(*, proposal: Proposal, acting_user: User) -> Deal:
    """The enterprise accepts a submitted proposal: a deal is made, the other proposals are declined,
    and the need is marked matched."""
    if enterprise_id_of(acting_user) != proposal.enterprise_id:
        raise PermissionDenied
    need = Need.objects.select_for_update().get(pk=proposal.need_id)
    _require_open(need)
    proposal = Proposal.objects.select_for_update().select_related("solution").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise _conflict(
            "status",
            _("Only a submitted proposal can be accepted; this one is %(state)s."),
            "transition",
            state=proposal.get_status_display(),
        )
    assert proposal.price_cny is not None
    now = timezone.now()
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_at = now
    proposal.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=proposal,
        changes={"status": [ProposalStatus.SUBMITTED.value, ProposalStatus.ACCEPTED.value]},
    )
    deal = Deal(
        proposal=proposal,
        need=need,
        enterprise_id=proposal.enterprise_id,
        provider_id=proposal.provider_id,
        solution=proposal.solution,
        amount_cny=proposal.price_cny,
        scenarios=deal_scenarios(need, proposal.solution),
        created_at=now,
    )
    _save(deal)
    audit_created(
        actor=acting_user,
        obj=deal,
        fields=("proposal", "provider", "solution", "amount_cny", "status", "scenarios"),
    )
    _decline_waiting(need, acting_user, keep=proposal)
    need.status = NeedStatus.MATCHED
    need.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=need,
        changes={"status": [NeedStatus.OPEN.value, NeedStatus.MATCHED.value]},
    )
    _event(need, proposal.solution, MatchEventKind.DEAL, acting_user, at=now)
    return deal


# --- deals, reviews, complaints ----------------------------------------------------------------


def _require_active(deal: Deal) -> None:
    if deal.status != DealStatus.ACTIVE:
        raise _conflict(
            "status",
            _("This deal is already %(state)s; nothing changed."),
            "transition",
            state=deal.get_status_display(),
        )


@transaction.atomic
def deal_deliver(*, deal: Deal, acting_user: User) -> Deal:
    """The enterprise confirms it received what the deal promised (counts towards completion)."""
    if enterprise_id_of(acting_user) != deal.enterprise_id:
        raise PermissionDenied
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _require_active(deal)
    deal.status = DealStatus.DELIVERED
    deal.delivered_at = timezone.now()
    deal.save(update_fields=["status", "delivered_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=deal,
        changes={"status": [DealStatus.ACTIVE.value, DealStatus.DELIVERED.value]},
    )
    # A deal completed through Funeng counts as platform-verified digital investment (云量贷 evidence).
    digital_investment_record_deal(deal=deal, acting_user=acting_user)
    return deal


@transaction.atomic
def deal_cancel(*, deal: Deal, acting_user: User, reason: str) -> Deal:
    """Either party ends a deal before delivery; the reason is kept and audited."""
    if (
        enterprise_id_of(acting_user) != deal.enterprise_id
        and provider_id_of(acting_user) != deal.provider_id
    ):
        raise PermissionDenied
    reason = _text(reason, "reason", required=True, limit=REASON_MAX)
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _require_active(deal)
    deal.status = DealStatus.CANCELLED
    deal.cancelled_at = timezone.now()
    deal.cancel_reason = reason
    deal.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=deal,
        changes={
            "status": [DealStatus.ACTIVE.value, DealStatus.CANCELLED.value],
            "cancel_reason": [None, reason],
        },
    )
    return deal


@transaction.atomic
def review_create(*, deal: Deal, acting_user: User, rating: int, text: str = "") -> Review:
    """The enterprise rates a delivered deal, once."""
    if enterprise_id_of(acting_user) != deal.enterprise_id:
        raise PermissionDenied
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.status != DealStatus.DELIVERED:
        raise _conflict("deal", _("Review a deal after you have marked it received."), "not_delivered")
    if Review.objects.filter(deal=deal).exists():
        raise _conflict(
            "deal", _("This deal already has your review; reviews cannot be changed."), "duplicate"
        )
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise _fail("rating", _("Give a rating from 1 to 5 stars."), "range")
    review = Review(
        deal=deal,
        enterprise_id=deal.enterprise_id,
        provider_id=deal.provider_id,
        rating=rating,
        text=_text(text, "text", required=False),
        created_by_id=signed_in_user_id(acting_user),
    )
    _save(review)
    audit_created(actor=acting_user, obj=review, fields=("deal", "provider", "rating", "text"))
    return review


@transaction.atomic
def complaint_create(*, deal: Deal, acting_user: User, text: str) -> Complaint:
    """The enterprise complains about a deal; officials of its region decide."""
    if enterprise_id_of(acting_user) != deal.enterprise_id:
        raise PermissionDenied
    if Complaint.objects.filter(deal=deal, status=ComplaintStatus.OPEN).exists():
        raise _conflict(
            "deal",
            _("A complaint about this deal is already open; wait for the official's decision."),
            "duplicate",
        )
    complaint = Complaint(
        deal=deal,
        enterprise_id=deal.enterprise_id,
        provider_id=deal.provider_id,
        text=_text(text, "text", required=True),
        created_by_id=signed_in_user_id(acting_user),
    )
    _save(complaint)
    audit_created(actor=acting_user, obj=complaint, fields=("deal", "provider", "status", "text"))
    return complaint


@transaction.atomic
def complaint_decide(*, complaint: Complaint, acting_user: User, decision: str, reason: str) -> Complaint:
    """An official resolves a complaint, or upholds it (counts against the provider's trust score)."""
    if not can_decide_complaint(acting_user, complaint):
        raise PermissionDenied
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.OPEN:
        raise _conflict(
            "status",
            _("This complaint was already decided (%(state)s)."),
            "transition",
            state=complaint.get_status_display(),
        )
    if decision not in (ComplaintStatus.RESOLVED, ComplaintStatus.UPHELD):
        raise _fail("decision", _("Choose resolved or upheld."), "invalid_choice")
    before = snapshot(complaint, ("status", "resolution"))
    complaint.status = decision
    complaint.resolution = _text(reason, "reason", required=True, limit=1000)
    complaint.decided_by_id = acting_user_id(acting_user)
    complaint.decided_at = timezone.now()
    complaint.save(update_fields=["status", "resolution", "decided_by", "decided_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=complaint,
        changes=field_diff(before, snapshot(complaint, ("status", "resolution"))),
    )
    return complaint


@transaction.atomic
def match_events_log(*, need: Need, kind: str, solution_ids: Sequence[int], acting_user: User) -> int:
    """Log what the enterprise saw (impressions) or opened (a click) in its need's ranking; returns the rows written.

    The need page's beacon calls this in a POST of its own, so viewing a page never writes. Only
    solutions in the stored ranking are logged, each with its position and score there.
    """
    if kind not in (MatchEventKind.IMPRESSION, MatchEventKind.CLICK):
        raise ValueError(f"only impressions and clicks are logged here, not {kind!r}")
    if need.enterprise_id is None or enterprise_id_of(acting_user) != need.enterprise_id:
        raise PermissionDenied
    wanted = list(dict.fromkeys(solution_ids))[: 1 if kind == MatchEventKind.CLICK else MATCHES_KEPT]
    ranked = {
        solution_id: (rank, score)
        for solution_id, rank, score in Match.objects.filter(need=need, solution_id__in=wanted).values_list(
            "solution_id", "rank", "score"
        )
    }
    now = timezone.now()
    events = [
        MatchEvent(
            need=need,
            solution_id=solution_id,
            kind=kind,
            position=ranked[solution_id][0],
            score=ranked[solution_id][1],
            user_id=acting_user_id(acting_user),
            at=now,
        )
        for solution_id in wanted
        if solution_id in ranked
    ]
    MatchEvent.objects.bulk_create(events)
    return len(events)


# --- the learned ranking model -------------------------------------------------------------------


@transaction.atomic
def ranking_model_save(*, report: TrainingReport, path: Path, acting_user: User | None) -> None:
    """Write the model file and its audit row; the row is written first, so a failed write leaves neither."""
    previous = ranking_model(path)
    model = report.model
    changes: dict[str, Any] = {
        "ranker": [previous.name if previous else "blend", model.name],
        "path": str(path),
        "events": report.use.events,
        "needs": model.metadata.get("needs"),
        "pairs": model.metadata.get("pairs"),
        "ndcg@10 logged hold-out": [round(report.held_blend, 4), round(report.held_learned, 4)],
    }
    if report.labelled is not None:
        changes["ndcg@10 labelled set"] = [
            round(report.labelled.blend.ndcg10, 4),
            round(report.labelled.learned.ndcg10, 4),
        ]
    audit_record_artifact(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type=MODEL_OBJECT_TYPE,
        object_id=model.name,
        object_repr=f"matching ranking model {path.name} ({model.metadata.get('trained_at')})",
        changes=changes,
    )
    model.save(path)


# --- imports (interchange.py checks every line first; these write what it accepted) -------------


@transaction.atomic
def solutions_import_save(
    *,
    created: Sequence[Solution],
    changed: Sequence[Solution],
    new_providers: Sequence[Provider],
    acting_user: User | None,
) -> None:
    """Store checked solutions of an import (and the providers it creates), one audit row per object."""
    before = {
        s.pk: snapshot(s, SOLUTION_FIELDS) for s in Solution.objects.filter(pk__in=[s.pk for s in changed])
    }
    if new_providers:
        Provider.objects.bulk_create(list(new_providers))
        audit_created_many(
            actor=acting_user,
            action=AuditAction.IMPORT,
            objects=new_providers,
            fields=("name", "vetting_state"),
        )
    Solution.objects.bulk_create(created, batch_size=1000)
    if changed:
        Solution.objects.bulk_update(changed, [*SOLUTION_FIELDS, "provider"], batch_size=1000)
    audit_created_many(
        actor=acting_user,
        action=AuditAction.IMPORT,
        objects=created,
        fields=("provider", "status", *SOLUTION_FIELDS),
    )
    audit_record_many(
        actor=acting_user,
        action=AuditAction.IMPORT,
        objects=[(s, field_diff(before[s.pk], snapshot(s, SOLUTION_FIELDS))) for s in changed],
    )
    # bulk_update skips auto_now: touch updated_at so the ranking index is rebuilt.
    if changed:
        Solution.objects.filter(pk__in=[s.pk for s in changed]).update(updated_at=timezone.now())


@transaction.atomic
def needs_import_save(
    *, created: Sequence[Need], changed: Sequence[Need], fields: Sequence[str], acting_user: User | None
) -> None:
    """Store checked needs of an import, one audit row per object (ranking them is the caller's, after the commit)."""
    before = {n.pk: snapshot(n, fields) for n in Need.objects.filter(pk__in=[n.pk for n in changed])}
    Need.objects.bulk_create(created, batch_size=1000)
    if changed:
        Need.objects.bulk_update(changed, ["enterprise", *fields], batch_size=1000)
    audit_created_many(
        actor=acting_user,
        action=AuditAction.IMPORT,
        objects=created,
        fields=("enterprise", "status", *fields),
    )
    audit_record_many(
        actor=acting_user,
        action=AuditAction.IMPORT,
        objects=[(n, field_diff(before[n.pk], snapshot(n, fields))) for n in changed],
    )
