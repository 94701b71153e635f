"""Shared-workforce writes: workers, posts, agreements (propose → worker confirms → lender activates → end), hours.

Each runs in one transaction and writes its audit row there. A worker's name and phone never go
into the audit log: officials of the region read it, and personal data is for the parties only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engines.workforce import skill_ids
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    Actor,
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.core.validators import county_region_problem
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.shared_workforce.access import (
    can_activate,
    can_answer,
    can_cancel,
    can_end,
    can_record_hours,
    member_enterprise_id,
)
from funeng.apps.shared_workforce.const import (
    HOLDING_STATUSES,
    MAX_HEADCOUNT,
    MAX_HOURS_PER_DAY,
    MAX_NOTE,
    MAX_PERIOD_DAYS,
    MAX_RATE,
    MAX_TERMS,
    MAX_TITLE,
    AgreementStatus,
    PostStatus,
)
from funeng.apps.shared_workforce.models import Agreement, DemandPost, HoursRecord, SurplusPost, Worker

WORKER_AUDITED = ("enterprise", "skills", "certificates", "user")
SURPLUS_AUDITED = (
    "enterprise", "title", "skills", "headcount", "available_from", "available_to", "region_code",
    "hourly_cost", "status",
)  # fmt: skip
DEMAND_AUDITED = (
    "enterprise", "title", "skills", "headcount", "starts_on", "ends_on", "place", "region_code",
    "hourly_budget", "status",
)  # fmt: skip
AGREEMENT_AUDITED = (
    "lender", "borrower", "worker", "surplus_post", "demand_post", "starts_on", "ends_on", "hourly_pay",
    "payment_terms", "insurance_terms", "place", "region_code", "status",
)  # fmt: skip
STATE_FIELDS = ("status", "worker_answered_at", "activated_by", "activated_at", "closed_at", "closed_reason")
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}$")


def _require_member(actor: Actor, enterprise_id: int) -> None:
    if actor is None or member_enterprise_id(actor) != enterprise_id:
        raise PermissionDenied


def _checked_skills(skills: Iterable[str], errors: dict[str, str], *, required: bool = True) -> list[str]:
    chosen = list(dict.fromkeys(skills))
    known = set(skill_ids())
    if any(skill not in known for skill in chosen):
        errors["skills"] = _("Choose skills from the list.")
    elif required and not chosen:
        errors["skills"] = _("Choose at least one skill.")
    return chosen


def _check_period(
    first: dt.date | None, last: dt.date | None, errors: dict[str, str], names: tuple[str, str]
) -> None:
    if first is None:
        errors[names[0]] = _("Give the first day.")
    if last is None:
        errors[names[1]] = _("Give the last day.")
    if first is None or last is None:
        return
    if last < first:
        errors[names[1]] = _("The last day comes before the first day; swap them.")
    elif (last - first).days + 1 > MAX_PERIOD_DAYS:
        errors[names[1]] = _("A period lasts at most %(days)s days; split a longer one.") % {
            "days": MAX_PERIOD_DAYS
        }


def _check_headcount(headcount: int | None, errors: dict[str, str]) -> None:
    if headcount is None or not 1 <= headcount <= MAX_HEADCOUNT:
        errors["headcount"] = _("The headcount is a whole number from 1 to %(limit)s.") % {
            "limit": MAX_HEADCOUNT
        }


def _checked_rate(value: Any, field: str, errors: dict[str, str], *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            errors[field] = _("Give an amount in yuan per hour, e.g. 45.")
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field] = _("Give an amount in yuan per hour, e.g. 45.")
        return None
    if not Decimal(0) <= amount <= MAX_RATE:
        errors[field] = _("An hourly amount lies between 0 and %(limit)s yuan.") % {"limit": MAX_RATE}
        return None
    return amount


def _checked_text(
    value: str, field: str, limit: int, errors: dict[str, str], *, required: bool = False
) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = _("This field is required.")
    elif len(text) > limit:
        errors[field] = _("Shorten this to at most %(limit)s characters.") % {"limit": limit}
    return text


def _check_region(region_code: str, errors: dict[str, str]) -> None:
    problem = county_region_problem(region_code or "")
    if problem:
        errors["region_code"] = problem


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- workers -------------------------------------------------------------------------------------


@transaction.atomic
def worker_create(
    *,
    actor: Actor,
    enterprise: Enterprise,
    name: str,
    phone: str = "",
    skills: Iterable[str] = (),
    certificates: str = "",
    user: Any = None,
    now: dt.datetime | None = None,
) -> Worker:
    """The employer records a worker it may lend, optionally with the colleague's login they confirm with."""
    _require_member(actor, enterprise.pk)
    errors: dict[str, str] = {}
    name = _checked_text(name, "name", 100, errors, required=True)
    phone = (phone or "").strip()
    if phone and not PHONE.match(phone):
        errors["phone"] = _("Give the phone number in digits, e.g. 13800001234.")
    chosen = _checked_skills(skills, errors)
    certificates = _checked_text(certificates, "certificates", 500, errors)
    if user is not None:
        is_member = Membership.objects.filter(user=user, role=Role.ENTERPRISE, enterprise=enterprise).exists()
        if not is_member:
            errors["user"] = _("The login must belong to a colleague of your enterprise.")
        elif Worker.objects.filter(user=user).exists():
            errors["user"] = _("This login is already linked to a worker.")
    _raise(errors)
    worker = Worker.objects.create(
        enterprise=enterprise,
        name=name,
        phone=phone,
        skills=chosen,
        certificates=certificates,
        user=user,
        created_by_id=acting_user_id(actor),
        created_at=now or timezone.now(),
    )
    audit_created(actor=actor, obj=worker, fields=WORKER_AUDITED)
    return worker


def colleagues_for_worker_login(enterprise: Enterprise) -> Any:
    """The enterprise's members a new worker record may be linked to (not yet linked to one)."""
    return (
        get_user_model()
        .objects.filter(membership__enterprise=enterprise, membership__role=Role.ENTERPRISE)
        .exclude(shared_worker__isnull=False)
        .order_by("username")
    )


# --- posts ---------------------------------------------------------------------------------------


@transaction.atomic
def surplus_post_create(
    *,
    actor: Actor,
    enterprise: Enterprise,
    title: str,
    skills: Iterable[str],
    headcount: int | None,
    available_from: dt.date | None,
    available_to: dt.date | None,
    hourly_cost: Any,
    region_code: str = "",
    note: str = "",
    workers: Iterable[Worker] = (),
    now: dt.datetime | None = None,
) -> SurplusPost:
    """The lender offers staff with these skills between two dates at an hourly cost."""
    _require_member(actor, enterprise.pk)
    errors: dict[str, str] = {}
    title = _checked_text(title, "title", MAX_TITLE, errors, required=True)
    chosen = _checked_skills(skills, errors)
    _check_headcount(headcount, errors)
    _check_period(available_from, available_to, errors, ("available_from", "available_to"))
    cost = _checked_rate(hourly_cost, "hourly_cost", errors)
    region_code = (region_code or enterprise.region_code).strip()
    _check_region(region_code, errors)
    note = _checked_text(note, "note", MAX_NOTE, errors)
    listed = list(workers)
    if any(w.enterprise_id != enterprise.pk for w in listed):
        errors["workers"] = _("List your own enterprise's workers only.")
    _raise(errors)
    assert headcount is not None and available_from and available_to and cost is not None
    post = SurplusPost.objects.create(
        enterprise=enterprise,
        title=title,
        skills=chosen,
        headcount=headcount,
        available_from=available_from,
        available_to=available_to,
        hourly_cost=cost,
        region_code=region_code,
        note=note,
        created_by_id=acting_user_id(actor),
        created_at=now or timezone.now(),
    )
    audit_created(actor=actor, obj=post, fields=SURPLUS_AUDITED)
    if listed:
        post.workers.set(listed)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=post,
            changes={"workers": [None, sorted(w.pk for w in listed)]},
        )
    return post


@transaction.atomic
def demand_post_create(
    *,
    actor: Actor,
    enterprise: Enterprise,
    title: str,
    skills: Iterable[str],
    headcount: int | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    place: str,
    hourly_budget: Any = None,
    region_code: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> DemandPost:
    """The borrower asks for people with these skills for a period at a place."""
    _require_member(actor, enterprise.pk)
    errors: dict[str, str] = {}
    title = _checked_text(title, "title", MAX_TITLE, errors, required=True)
    chosen = _checked_skills(skills, errors)
    _check_headcount(headcount, errors)
    _check_period(starts_on, ends_on, errors, ("starts_on", "ends_on"))
    place = _checked_text(place, "place", 200, errors, required=True)
    budget = _checked_rate(hourly_budget, "hourly_budget", errors, required=False)
    region_code = (region_code or enterprise.region_code).strip()
    _check_region(region_code, errors)
    note = _checked_text(note, "note", MAX_NOTE, errors)
    _raise(errors)
    assert headcount is not None and starts_on and ends_on
    post = DemandPost.objects.create(
        enterprise=enterprise,
        title=title,
        skills=chosen,
        headcount=headcount,
        starts_on=starts_on,
        ends_on=ends_on,
        place=place,
        hourly_budget=budget,
        region_code=region_code,
        note=note,
        created_by_id=acting_user_id(actor),
        created_at=now or timezone.now(),
    )
    audit_created(actor=actor, obj=post, fields=DEMAND_AUDITED)
    return post


@transaction.atomic
def post_close(*, actor: Actor, post: SurplusPost | DemandPost) -> SurplusPost | DemandPost:
    """The owner closes a post: it leaves the marketplace; agreements made from it stay."""
    _require_member(actor, post.enterprise_id)
    locked = type(post).objects.select_for_update().get(pk=post.pk)
    if locked.status != PostStatus.OPEN:
        raise ValidationError(_("This post is already closed."))
    locked.status = PostStatus.CLOSED
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={"status": [PostStatus.OPEN, PostStatus.CLOSED]},
    )
    return locked


# --- agreements ----------------------------------------------------------------------------------


def _overlap_error(other: Agreement) -> ValidationError:
    return ValidationError(
        {
            "starts_on": _(
                "The worker is already held from %(first)s to %(last)s by another agreement (%(status)s); "
                "choose days outside it, or cancel that agreement first."
            )
            % {
                "first": other.starts_on.isoformat(),
                "last": other.ends_on.isoformat(),
                "status": other.get_status_display(),
            }
        }
    )


def _holding_overlap(
    worker: Worker, first: dt.date, last: dt.date, exclude: int | None = None
) -> Agreement | None:
    found = Agreement.objects.filter(
        worker=worker, status__in=HOLDING_STATUSES, starts_on__lte=last, ends_on__gte=first
    )
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.order_by("starts_on").first()


@transaction.atomic
def agreement_propose(
    *,
    actor: Actor,
    demand: DemandPost,
    surplus: SurplusPost,
    worker: Worker,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    hourly_pay: Any,
    payment_terms: str,
    insurance_terms: str,
    place: str = "",
    now: dt.datetime | None = None,
) -> Agreement:
    """The borrower proposes to borrow a worker offered on a surplus post; the worker must confirm it.

    Refused when the worker is already held for any of these days (proposed, confirmed or active).
    """
    _require_member(actor, demand.enterprise_id)
    errors: dict[str, str] = {}
    if demand.status != PostStatus.OPEN:
        errors["demand"] = _("The demand post is closed; open a new one.")
    if surplus.status != PostStatus.OPEN:
        errors["surplus"] = _("The surplus staff post is closed; the lender no longer offers these workers.")
    if surplus.enterprise_id == demand.enterprise_id:
        errors["surplus"] = _("An enterprise cannot borrow its own workers.")
    if not surplus.workers.filter(pk=worker.pk).exists():
        errors["worker"] = _("This worker is not offered on the surplus staff post.")
    _check_period(starts_on, ends_on, errors, ("starts_on", "ends_on"))
    if (
        starts_on
        and ends_on
        and "ends_on" not in errors
        and (starts_on < surplus.available_from or ends_on > surplus.available_to)
    ):
        errors["starts_on"] = _(
            "The lender offers the worker from %(first)s to %(last)s only; choose days inside that period."
        ) % {"first": surplus.available_from.isoformat(), "last": surplus.available_to.isoformat()}
    pay = _checked_rate(hourly_pay, "hourly_pay", errors)
    payment_terms = _checked_text(payment_terms, "payment_terms", MAX_TERMS, errors, required=True)
    insurance_terms = _checked_text(insurance_terms, "insurance_terms", MAX_TERMS, errors, required=True)
    place = _checked_text(place or demand.place, "place", 200, errors, required=True)
    _raise(errors)
    assert pay is not None
    assert starts_on is not None and ends_on is not None
    # Lock the worker: two proposals for the same worker and days are serialized here, and the second sees the first.
    Worker.objects.select_for_update().filter(pk=worker.pk).first()
    other = _holding_overlap(worker, starts_on, ends_on)
    if other is not None:
        raise _overlap_error(other)
    agreement = Agreement(
        lender_id=surplus.enterprise_id,
        borrower_id=demand.enterprise_id,
        worker=worker,
        surplus_post=surplus,
        demand_post=demand,
        starts_on=starts_on,
        ends_on=ends_on,
        hourly_pay=pay,
        payment_terms=payment_terms,
        insurance_terms=insurance_terms,
        place=place,
        region_code=demand.region_code,
        proposed_by_id=acting_user_id(actor),
        proposed_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        # The database's own overlap rule (migration 0002) caught a writer the lock did not.
        raise ValidationError(
            {"starts_on": _("The worker is already held by another agreement for some of these days.")}
        ) from None
    audit_created(actor=actor, obj=agreement, fields=AGREEMENT_AUDITED)
    return agreement


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("worker").get(pk=agreement.pk)


def _state_change(actor: Actor, locked: Agreement, before: dict[str, Any]) -> Agreement:
    locked.save(update_fields=list(STATE_FIELDS))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, STATE_FIELDS)),
    )
    return locked


def _not_in_state(locked: Agreement) -> ValidationError:
    return ValidationError(
        _("This agreement is %(status)s now; reload the page to see what changed.")
        % {"status": locked.get_status_display()}
    )


@transaction.atomic
def agreement_answer(
    *, actor: Actor, agreement: Agreement, confirm: bool, reason: str = "", now: dt.datetime | None = None
) -> Agreement:
    """The worker, signed in as themself, confirms or declines a proposed agreement."""
    locked = _locked(agreement)
    if actor is None or not actor.is_authenticated or locked.worker.user_id != actor.pk:
        raise PermissionDenied
    if not can_answer(actor, locked):
        raise _not_in_state(locked)
    before = snapshot(locked, STATE_FIELDS)
    moment = now or timezone.now()
    locked.worker_answered_at = moment
    if confirm:
        locked.status = AgreementStatus.WORKER_CONFIRMED
    else:
        locked.status = AgreementStatus.DECLINED
        locked.closed_at = moment
        locked.closed_reason = (reason or "").strip()[:MAX_NOTE]
    return _state_change(actor, locked, before)


@transaction.atomic
def agreement_activate(*, actor: Actor, agreement: Agreement, now: dt.datetime | None = None) -> Agreement:
    """The lender, still the worker's employer, puts the worker-confirmed agreement into force."""
    locked = _locked(agreement)
    if actor is None or member_enterprise_id(actor) != locked.lender_id:
        raise PermissionDenied
    if not can_activate(actor, locked):
        raise _not_in_state(locked)
    before = snapshot(locked, STATE_FIELDS)
    locked.status = AgreementStatus.ACTIVE
    locked.activated_by_id = acting_user_id(actor)
    locked.activated_at = now or timezone.now()
    return _state_change(actor, locked, before)


@transaction.atomic
def agreement_close(
    *, actor: Actor, agreement: Agreement, reason: str = "", now: dt.datetime | None = None
) -> Agreement:
    """Either enterprise cancels an agreement before it is active, or ends an active one."""
    locked = _locked(agreement)
    if actor is None or member_enterprise_id(actor) not in (locked.lender_id, locked.borrower_id):
        raise PermissionDenied
    if can_cancel(actor, locked):
        status = AgreementStatus.CANCELLED
    elif can_end(actor, locked):
        status = AgreementStatus.ENDED
    else:
        raise _not_in_state(locked)
    before = snapshot(locked, STATE_FIELDS)
    locked.status = status
    locked.closed_at = now or timezone.now()
    locked.closed_reason = (reason or "").strip()[:MAX_NOTE]
    return _state_change(actor, locked, before)


# --- hours ---------------------------------------------------------------------------------------


@transaction.atomic
def hours_record(
    *,
    actor: Actor,
    agreement: Agreement,
    day: dt.date | None,
    hours: Any,
    note: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> HoursRecord:
    """The borrower records the hours worked on one day of the agreement (one record per day)."""
    if actor is None or member_enterprise_id(actor) != agreement.borrower_id:
        raise PermissionDenied
    if not can_record_hours(actor, agreement):
        raise ValidationError(
            _("Hours are recorded once the agreement is active; this one is %(status)s.")
            % {"status": agreement.get_status_display()}
        )
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    if day is None:
        errors["day"] = _("Give the day worked.")
    elif not agreement.starts_on <= day <= agreement.ends_on:
        errors["day"] = _("The day lies outside the agreement (%(first)s to %(last)s).") % {
            "first": agreement.starts_on.isoformat(),
            "last": agreement.ends_on.isoformat(),
        }
    elif day > today:
        errors["day"] = _("Record hours once they are worked; this day is still ahead.")
    amount: Decimal | None = None
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["hours"] = _("Give the hours as a number, e.g. 8 or 7.5.")
    if amount is not None and not Decimal(0) < amount <= MAX_HOURS_PER_DAY:
        errors["hours"] = _("A day has more than 0 and at most %(limit)s hours.") % {
            "limit": MAX_HOURS_PER_DAY
        }
    note = _checked_text(note, "note", 200, errors)
    if day is not None and "day" not in errors and agreement.hours.filter(day=day).exists():
        errors["day"] = _("Hours for %(day)s are already recorded.") % {"day": day.isoformat()}
    _raise(errors)
    assert day is not None and amount is not None
    record = HoursRecord(
        agreement=agreement,
        day=day,
        hours=amount,
        note=note,
        recorded_by_id=acting_user_id(actor),
        recorded_at=now or timezone.now(),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError({"day": _("Hours for %(day)s are already recorded.") % {"day": day}}) from None
    audit_created(actor=actor, obj=record, fields=("agreement", "day", "hours", "note"))
    return record
