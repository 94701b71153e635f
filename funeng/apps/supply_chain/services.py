"""Supply-chain finance writes: directory entries, and a receivable's steps.

A receivable goes submitted (supplier) → confirmed or disputed (anchor) → offered (supplier, to a
bank) → financed or declined (the bank; after a decline the supplier may offer it to another bank)
→ settled (the anchor or the bank records the payment). Each step is one function: it locks the
row, checks the actor's party and the state, writes the change, its timeline event and its audit
row in one transaction. A repeated step (a double click, a second tab) finds the state moved on and
is refused; nothing is written twice.

Messages are lazy with their parameters apart, so the API renders each in Chinese and in English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import (
    Actor,
    acting_user_id,
    audit_created,
    audit_record,
    field_diff,
    snapshot,
)
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.core.identity import User
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.notifications.const import Topic
from funeng.apps.notifications.services import notify
from funeng.apps.supply_chain.access import (
    can_answer,
    can_decide,
    can_manage_listing,
    can_offer,
    can_settle,
    member_enterprise_id,
    party_of,
)
from funeng.apps.supply_chain.const import (
    MAX_AMOUNT,
    MAX_INVOICE,
    MAX_LISTING_DAYS,
    MAX_RATE,
    MAX_TERM_DAYS,
    MAX_TEXT,
    MAX_TITLE,
    ListingKind,
    ListingStatus,
    Party,
    ReceivableStatus,
)
from funeng.apps.supply_chain.models import FinancingListing, Receivable, ReceivableEvent

LISTING_AUDITED = (
    "enterprise", "kind", "title", "description", "amount_sought_cny", "purpose", "region_code",
    "listed_on", "valid_until", "status",
)  # fmt: skip
RECEIVABLE_AUDITED = ("supplier", "anchor", "invoice_number", "amount_cny", "issued_on", "due_on", "status")
STATE_FIELDS = (
    "status", "answered_by", "answered_at", "dispute_reason", "institution", "requested_cny", "offered_at",
    "advance_cny", "annual_rate", "financed_on", "decided_by", "decided_at", "decline_reason",
    "settled_on", "settled_by",
)  # fmt: skip

Errors = dict[str, ValidationError]


def _error(errors: Errors, field: str, message: Any, **params: Any) -> None:
    errors.setdefault(field, ValidationError(message, params=params or None))


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(dict(errors))


def _text(value: str, field: str, limit: int, errors: Errors, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        _error(errors, field, _("This field is required."))
    elif len(text) > limit:
        _error(errors, field, _("Shorten this to at most %(limit)s characters."), limit=limit)
    return text


def _amount(
    value: Any, field: str, errors: Errors, *, limit: Decimal = MAX_AMOUNT, limit_message: Any = None
) -> Decimal | None:
    """A positive amount in yuan with at most two decimals, at most `limit`."""
    if value is None or value == "":
        _error(errors, field, _("Give the amount in yuan, e.g. 125000."))
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _error(errors, field, _("Give the amount in yuan, e.g. 125000."))
        return None
    if not amount.is_finite() or amount <= 0:
        _error(errors, field, _("The amount must be more than 0 yuan."))
        return None
    if amount != amount.quantize(Decimal("0.01")):
        _error(errors, field, _("Give the amount in yuan with at most two decimals (fen)."))
        return None
    if amount > limit:
        if limit_message is not None:
            _error(errors, field, limit_message, limit=f"{limit:,.2f}")
        else:
            _error(
                errors,
                field,
                _("The amount is at most %(limit)s yuan; check for an extra zero."),
                limit=f"{limit:,.0f}",
            )
        return None
    return amount


def _rate(value: Any) -> Decimal | None:
    """An annual rate in percent, 0 … MAX_RATE with two decimals; None when it is not one."""
    try:
        rate = Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None
    if rate is None or not rate.is_finite() or not Decimal(0) <= rate <= MAX_RATE:
        return None
    return rate if rate == rate.quantize(Decimal("0.01")) else None


def _date(value: dt.date | None, field: str, errors: Errors) -> dt.date | None:
    if value is None:
        _error(errors, field, _("Give the date."))
    return value


def _not_in_state(locked: Receivable) -> ValidationError:
    return ValidationError(
        _("This receivable is now: %(status)s. Reload the page to see what changed."),
        params={"status": locked.get_status_display()},
    )


# --- the financing directory ---------------------------------------------------------------------


@transaction.atomic
def listing_create(
    *,
    actor: Actor,
    enterprise: Enterprise,
    kind: str,
    title: str,
    description: str,
    amount_sought_cny: Any,
    purpose: str,
    valid_until: dt.date | None,
    today: dt.date | None = None,
) -> FinancingListing:
    """An official of the enterprise's region (or an operator) lists a key enterprise or project in the directory."""
    listing = FinancingListing(enterprise=enterprise, region_code=enterprise.region_code)
    if actor is None or not can_manage_listing(actor, listing):
        raise PermissionDenied
    errors: Errors = {}
    today = today or timezone.localdate()
    if kind not in ListingKind.values:
        _error(errors, "kind", _("Choose a key enterprise or a key project."))
    title = _text(title, "title", MAX_TITLE, errors, required=True)
    description = _text(description, "description", MAX_TEXT, errors, required=True)
    amount = _amount(amount_sought_cny, "amount_sought_cny", errors)
    purpose = _text(purpose, "purpose", MAX_TITLE, errors, required=True)
    if _date(valid_until, "valid_until", errors) is not None:
        assert valid_until is not None
        if valid_until < today:
            _error(errors, "valid_until", _("The entry must be valid at least until today."))
        elif (valid_until - today).days > MAX_LISTING_DAYS:
            _error(
                errors,
                "valid_until",
                _("An entry is listed for at most %(days)s days; list it again when it runs out."),
                days=MAX_LISTING_DAYS,
            )
    _raise(errors)
    assert amount is not None and valid_until is not None
    listing.kind = kind
    listing.title = title
    listing.description = description
    listing.amount_sought_cny = amount
    listing.purpose = purpose
    listing.listed_on = today
    listing.valid_until = valid_until
    listing.listed_by_id = acting_user_id(actor)
    listing.save()
    audit_created(actor=actor, obj=listing, fields=LISTING_AUDITED)
    return listing


def _listing_close(
    actor: Actor, listing: FinancingListing, status: str, now: dt.datetime | None
) -> FinancingListing:
    locked = FinancingListing.objects.select_for_update().get(pk=listing.pk)
    if actor is None or not can_manage_listing(actor, locked):
        raise PermissionDenied
    if locked.status != ListingStatus.LISTED:
        raise ValidationError(
            _("This entry is already %(status)s."), params={"status": locked.get_status_display()}
        )
    before = snapshot(locked, ("status",))
    locked.status = status
    locked.closed_by_id = acting_user_id(actor)
    locked.closed_at = now or timezone.now()
    locked.save(update_fields=["status", "closed_by", "closed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, ("status",))),
    )
    return locked


@transaction.atomic
def listing_withdraw(
    *, actor: Actor, listing: FinancingListing, now: dt.datetime | None = None
) -> FinancingListing:
    """An official of its region or an operator takes an entry out of the directory."""
    return _listing_close(actor, listing, ListingStatus.WITHDRAWN, now)


@transaction.atomic
def listing_mark_financed(
    *, actor: Actor, listing: FinancingListing, now: dt.datetime | None = None
) -> FinancingListing:
    """An official of its region or an operator records that the enterprise or project found its finance."""
    return _listing_close(actor, listing, ListingStatus.FINANCED, now)


# --- receivables ---------------------------------------------------------------------------------


def _party_name(receivable: Receivable, party: str) -> str:
    if party == Party.SUPPLIER:
        return receivable.supplier.name
    if party == Party.ANCHOR:
        return receivable.anchor.name
    if party == Party.BANK and receivable.institution is not None:
        return receivable.institution.name
    return ""


def _event(
    actor: Actor, receivable: Receivable, party: str, note: str = "", now: dt.datetime | None = None
) -> ReceivableEvent:
    event = ReceivableEvent.objects.create(
        receivable=receivable,
        status=receivable.status,
        party=party,
        party_name=_party_name(receivable, party),
        actor_id=acting_user_id(actor),
        occurred_at=now or timezone.now(),
        note=note,
    )
    receivable_step_notify(actor, receivable, event)
    return event


# Who hears of each step, besides the party that took it: the enterprise that has to act next, or
# whose money it is. Banks have no inbox; the offer reaches them through their queue.
STEP_RECIPIENTS = {
    ReceivableStatus.SUBMITTED: (Party.ANCHOR,),
    ReceivableStatus.CONFIRMED: (Party.SUPPLIER,),
    ReceivableStatus.DISPUTED: (Party.SUPPLIER,),
    ReceivableStatus.FINANCED: (Party.SUPPLIER, Party.ANCHOR),
    ReceivableStatus.DECLINED: (Party.SUPPLIER,),
    ReceivableStatus.SETTLED: (Party.SUPPLIER, Party.ANCHOR),
}


def receivable_step_notify(actor: Actor, receivable: Receivable, event: ReceivableEvent) -> None:
    """Tell the other enterprise of the receivable what just happened to it (once per step)."""
    parties = [p for p in STEP_RECIPIENTS.get(ReceivableStatus(event.status), ()) if p != event.party]

    def wording() -> tuple[str, str]:
        status = ReceivableStatus(event.status).label
        title = _("Invoice %(invoice)s of %(supplier)s to %(anchor)s: %(status)s") % {
            "invoice": receivable.invoice_number,
            "supplier": receivable.supplier.name,
            "anchor": receivable.anchor.name,
            "status": status,
        }
        body = _("Amount %(amount)s yuan, due on %(due)s.") % {
            "amount": f"{receivable.amount_cny:,.2f}",
            "due": receivable.due_on.isoformat(),
        }
        if event.note:
            body += " " + _("Note from %(party)s: %(note)s") % {"party": event.party_name, "note": event.note}
        return title, body

    for party in parties:
        notify(
            actor=actor,
            enterprise_id=receivable.supplier_id if party == Party.SUPPLIER else receivable.anchor_id,
            topic=Topic.SUPPLY_CHAIN,
            key=f"supply_chain.receivable:{receivable.pk}:{event.pk}",
            wording=wording,
            link=reverse("supply_chain:receivable", args=[receivable.pk]),
        )


@transaction.atomic
def receivable_submit(
    *,
    actor: Actor,
    supplier: Enterprise,
    anchor: Enterprise | None,
    invoice_number: str,
    amount_cny: Any,
    issued_on: dt.date | None,
    due_on: dt.date | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Receivable:
    """The supplier enters an invoice it holds on the anchor enterprise, for the anchor to confirm."""
    if actor is None or member_enterprise_id(actor) != supplier.pk:
        raise PermissionDenied
    errors: Errors = {}
    if anchor is None:
        _error(
            errors,
            "anchor",
            _("No enterprise in the registry has this credit code; check it on the invoice."),
        )
    elif anchor.pk == supplier.pk:
        _error(errors, "anchor", _("The anchor enterprise is your customer, not your own enterprise."))
    invoice_number = _text(invoice_number, "invoice_number", MAX_INVOICE, errors, required=True)
    amount = _amount(amount_cny, "amount_cny", errors)
    _date(issued_on, "issued_on", errors)
    _date(due_on, "due_on", errors)
    if issued_on is not None and due_on is not None:
        if due_on <= issued_on:
            _error(errors, "due_on", _("The due date comes after the invoice date."))
        elif (due_on - issued_on).days > MAX_TERM_DAYS:
            _error(
                errors,
                "due_on",
                _("A receivable falls due within %(days)s days of the invoice."),
                days=MAX_TERM_DAYS,
            )
    note = _text(note, "note", MAX_TEXT, errors)
    duplicate = _("This invoice is already on the platform for this anchor enterprise.")
    known = anchor is not None and invoice_number and "anchor" not in errors
    if (
        known
        and Receivable.objects.filter(
            supplier=supplier, anchor=anchor, invoice_number=invoice_number
        ).exists()
    ):
        _error(errors, "invoice_number", duplicate)
    _raise(errors)
    assert anchor is not None and amount is not None and issued_on is not None and due_on is not None
    moment = now or timezone.now()
    receivable = Receivable(
        supplier=supplier,
        anchor=anchor,
        invoice_number=invoice_number,
        amount_cny=amount,
        issued_on=issued_on,
        due_on=due_on,
        note=note,
        submitted_by_id=acting_user_id(actor),
        submitted_at=moment,
    )
    try:
        with transaction.atomic():
            receivable.save()
    except IntegrityError:
        # Two simultaneous submits of one invoice: the unique constraint lets one through.
        raise ValidationError({"invoice_number": ValidationError(duplicate)}) from None
    audit_created(actor=actor, obj=receivable, fields=RECEIVABLE_AUDITED)
    _event(actor, receivable, Party.SUPPLIER, note, moment)
    return receivable


def _locked(receivable: Receivable) -> Receivable:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the joins to the parties.
    return (
        Receivable.objects.select_for_update(of=("self",))
        .select_related("supplier", "anchor", "institution")
        .get(pk=receivable.pk)
    )


def _step(
    actor: Actor, locked: Receivable, before: dict[str, Any], party: str, note: str, now: dt.datetime
) -> Receivable:
    locked.save(update_fields=list(STATE_FIELDS))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes=field_diff(before, snapshot(locked, STATE_FIELDS)),
    )
    _event(actor, locked, party, note, now)
    return locked


def _require_party(actor: Actor, locked: Receivable, *parties: str) -> tuple[User, str]:
    """The acting user and the party they act for; PermissionDenied unless it is one of `parties`."""
    if actor is None:
        raise PermissionDenied
    party = party_of(actor, locked)
    if party is None or party not in parties:
        raise PermissionDenied
    return actor, party


@transaction.atomic
def receivable_confirm(
    *, actor: Actor, receivable: Receivable, note: str = "", now: dt.datetime | None = None
) -> Receivable:
    """The anchor confirms it owes the invoice (应收账款确权): amount and due date as entered."""
    locked = _locked(receivable)
    user, party = _require_party(actor, locked, Party.ANCHOR)
    if not can_answer(user, locked):
        raise _not_in_state(locked)
    errors: Errors = {}
    note = _text(note, "note", MAX_TEXT, errors)
    _raise(errors)
    before = snapshot(locked, STATE_FIELDS)
    moment = now or timezone.now()
    locked.status = ReceivableStatus.CONFIRMED
    locked.answered_by_id = acting_user_id(actor)
    locked.answered_at = moment
    return _step(actor, locked, before, party, note, moment)


@transaction.atomic
def receivable_dispute(
    *, actor: Actor, receivable: Receivable, reason: str, now: dt.datetime | None = None
) -> Receivable:
    """The anchor disputes the invoice, saying why (wrong amount, not delivered, already paid…)."""
    locked = _locked(receivable)
    user, party = _require_party(actor, locked, Party.ANCHOR)
    if not can_answer(user, locked):
        raise _not_in_state(locked)
    errors: Errors = {}
    reason = _text(reason, "reason", MAX_TEXT, errors, required=True)
    _raise(errors)
    before = snapshot(locked, STATE_FIELDS)
    moment = now or timezone.now()
    locked.status = ReceivableStatus.DISPUTED
    locked.answered_by_id = acting_user_id(actor)
    locked.answered_at = moment
    locked.dispute_reason = reason
    return _step(actor, locked, before, party, reason, moment)


@transaction.atomic
def receivable_offer(
    *,
    actor: Actor,
    receivable: Receivable,
    institution: FinancialInstitution | None,
    requested_cny: Any,
    note: str = "",
    now: dt.datetime | None = None,
) -> Receivable:
    """The supplier offers a confirmed receivable to a bank, asking for at most its amount."""
    locked = _locked(receivable)
    user, party = _require_party(actor, locked, Party.SUPPLIER)
    if not can_offer(user, locked):
        raise _not_in_state(locked)
    errors: Errors = {}
    if institution is None:
        _error(errors, "institution", _("Choose the bank to offer the receivable to."))
    elif locked.status == ReceivableStatus.DECLINED and institution.pk == locked.institution_id:
        _error(errors, "institution", _("This bank has declined the receivable; choose another bank."))
    requested = _amount(
        requested_cny,
        "requested_cny",
        errors,
        limit=locked.amount_cny,
        limit_message=_("Ask for at most the receivable's amount, %(limit)s yuan."),
    )
    note = _text(note, "note", MAX_TEXT, errors)
    _raise(errors)
    before = snapshot(locked, STATE_FIELDS)
    moment = now or timezone.now()
    locked.status = ReceivableStatus.OFFERED
    locked.institution = institution
    locked.requested_cny = requested
    locked.offered_at = moment
    # A new offer starts a new decision.
    locked.decided_by = None
    locked.decided_at = None
    locked.decline_reason = ""
    return _step(actor, locked, before, party, note, moment)


@transaction.atomic
def receivable_finance(
    *,
    actor: Actor,
    receivable: Receivable,
    advance_cny: Any,
    annual_rate: Any,
    financed_on: dt.date | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Receivable:
    """The bank records that it financed the receivable: the advance, the rate and the day paid out."""
    locked = _locked(receivable)
    user, party = _require_party(actor, locked, Party.BANK)
    if not can_decide(user, locked):
        raise _not_in_state(locked)
    errors: Errors = {}
    advance = _amount(
        advance_cny,
        "advance_cny",
        errors,
        limit=locked.amount_cny,
        limit_message=_("The advance is at most the receivable's amount, %(limit)s yuan."),
    )
    rate = _rate(annual_rate)
    if rate is None:
        _error(
            errors,
            "annual_rate",
            _("Give the annual rate in percent, from 0 to %(limit)s with at most two decimals, e.g. 4.35."),
            limit=MAX_RATE,
        )
    if _date(financed_on, "financed_on", errors) is not None:
        assert financed_on is not None
        if financed_on < locked.issued_on:
            _error(
                errors,
                "financed_on",
                _("The invoice is dated %(day)s; it is financed on or after that day."),
                day=locked.issued_on.isoformat(),
            )
        elif financed_on > locked.due_on:
            _error(
                errors,
                "financed_on",
                _("The receivable falls due on %(day)s; it is financed before then."),
                day=locked.due_on.isoformat(),
            )
    note = _text(note, "note", MAX_TEXT, errors)
    _raise(errors)
    before = snapshot(locked, STATE_FIELDS)
    moment = now or timezone.now()
    locked.status = ReceivableStatus.FINANCED
    locked.advance_cny = advance
    locked.annual_rate = rate
    locked.financed_on = financed_on
    locked.decided_by_id = acting_user_id(actor)
    locked.decided_at = moment
    return _step(actor, locked, before, party, note, moment)


@transaction.atomic
def receivable_decline(
    *, actor: Actor, receivable: Receivable, reason: str, now: dt.datetime | None = None
) -> Receivable:
    """The bank declines to finance the receivable, saying why; the supplier may offer it elsewhere."""
    locked = _locked(receivable)
    user, party = _require_party(actor, locked, Party.BANK)
    if not can_decide(user, locked):
        raise _not_in_state(locked)
    errors: Errors = {}
    reason = _text(reason, "reason", MAX_TEXT, errors, required=True)
    _raise(errors)
    before = snapshot(locked, STATE_FIELDS)
    moment = now or timezone.now()
    locked.status = ReceivableStatus.DECLINED
    locked.decided_by_id = acting_user_id(actor)
    locked.decided_at = moment
    locked.decline_reason = reason
    return _step(actor, locked, before, party, reason, moment)


@transaction.atomic
def receivable_settle(
    *,
    actor: Actor,
    receivable: Receivable,
    settled_on: dt.date | None,
    note: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Receivable:
    """The anchor (or, once financed, the bank) records that the invoice was paid."""
    locked = _locked(receivable)
    user, party = _require_party(actor, locked, Party.ANCHOR, Party.BANK)
    if not can_settle(user, locked):
        raise _not_in_state(locked)
    errors: Errors = {}
    today = today or timezone.localdate()
    if _date(settled_on, "settled_on", errors) is not None:
        assert settled_on is not None
        if settled_on > today:
            _error(errors, "settled_on", _("Record the payment once it is made; this day is still ahead."))
        elif settled_on < locked.issued_on:
            _error(
                errors,
                "settled_on",
                _("The payment cannot come before the invoice date, %(day)s."),
                day=locked.issued_on.isoformat(),
            )
    note = _text(note, "note", MAX_TEXT, errors)
    _raise(errors)
    before = snapshot(locked, STATE_FIELDS)
    moment = now or timezone.now()
    locked.status = ReceivableStatus.SETTLED
    locked.settled_on = settled_on
    locked.settled_by_id = acting_user_id(actor)
    return _step(actor, locked, before, party, note, moment)
