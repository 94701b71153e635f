"""/api/v1/supply-chain: supply-chain finance (供应链金融) — the financing directory and receivables.

A receivable's parties (supplier, anchor, the bank it was offered to) read it and take their steps;
everyone else gets 404. A step the caller's party never takes answers 403; a step the receivable's
state no longer allows, or a field the service refuses, answers 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import StringConstraints

from funeng.apps.api.errors import FORBIDDEN, Problem
from funeng.apps.api.pagination import paginated
from funeng.apps.api.schemas import (
    ID_MAX,
    NO_CONTROL,
    NO_NUL,
    IsoDate,
    Money,
    MoneyText,
    RequestBody,
    problems,
)
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.supply_chain.access import (
    access_listing_for_user,
    access_receivable_for_user,
    can_manage_listings,
    listings_visible_to,
    member_enterprise_id,
    party_of,
    receivables_visible_to,
)
from funeng.apps.supply_chain.const import MAX_RATE, ListingKind, Party
from funeng.apps.supply_chain.models import FinancingListing, Receivable
from funeng.apps.supply_chain.selectors import timeline
from funeng.apps.supply_chain.services import (
    listing_create,
    listing_mark_financed,
    listing_withdraw,
    receivable_confirm,
    receivable_decline,
    receivable_dispute,
    receivable_finance,
    receivable_offer,
    receivable_settle,
    receivable_submit,
)

router = Router(tags=["supply-chain"])
ObjectId = Annotated[int, Field(ge=1, le=ID_MAX)]
CreditCode = Annotated[str, StringConstraints(min_length=1, max_length=18, pattern=NO_CONTROL)]
Note = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_NUL)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL)]
Rate = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MAX_RATE,
        max_digits=5,
        decimal_places=2,
        allow_inf_nan=False,
        strict=False,
        description='Annual rate in percent with at most two decimals, e.g. "4.35"',
    ),
]


class ListingOut(Schema):
    id: int
    enterprise: str = Field(alias="enterprise.name")
    kind: str
    title: str
    description: str
    amount_sought_cny: MoneyText
    purpose: str
    region_code: str
    listed_on: dt.date
    valid_until: dt.date
    status: str


class ListingIn(RequestBody):
    credit_code: CreditCode = Field(description="统一社会信用代码 of an enterprise of your region")
    kind: Literal[tuple(ListingKind.values)]  # type: ignore[valid-type]
    title: Title
    description: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_NUL)]
    amount_sought_cny: Money
    purpose: Title
    valid_until: IsoDate


class EventOut(Schema):
    step: str
    party: str
    party_name: str
    by: str | None
    occurred_at: dt.datetime
    note: str


class ReceivableOut(Schema):
    id: int
    supplier: str
    anchor: str
    invoice_number: str
    amount_cny: MoneyText
    issued_on: dt.date
    due_on: dt.date
    note: str
    status: str
    your_party: str | None = Field(description="supplier, anchor or bank; null for operators")
    dispute_reason: str
    bank: str | None
    requested_cny: MoneyText | None
    advance_cny: MoneyText | None
    annual_rate: str | None
    financed_on: dt.date | None
    decline_reason: str
    settled_on: dt.date | None


class ReceivableDetailOut(ReceivableOut):
    events: list[EventOut]


class ReceivableQuery(Schema):
    party: Literal["", "supplier", "anchor"] = Field(
        "", description="Only those where your enterprise is the supplier, or the anchor"
    )


class ReceivableIn(RequestBody):
    anchor_credit_code: CreditCode = Field(
        description="统一社会信用代码 of the customer that owes the invoice"
    )
    invoice_number: Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=NO_CONTROL)]
    amount_cny: Money
    issued_on: IsoDate
    due_on: IsoDate
    note: Note = ""


class NoteIn(RequestBody):
    note: Note = ""


class ReasonIn(RequestBody):
    reason: Reason


class OfferIn(RequestBody):
    bank: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_CONTROL)] = Field(
        description="The financial institution's name, as the platform lists it"
    )
    requested_cny: Money
    note: Note = ""


class FinanceIn(RequestBody):
    advance_cny: Money
    annual_rate: Rate
    financed_on: IsoDate
    note: Note = ""


class SettleIn(RequestBody):
    settled_on: IsoDate
    note: Note = ""


def _receivable_out(request: HttpRequest, receivable: Receivable, *, events: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": receivable.pk,
        "supplier": receivable.supplier.name,
        "anchor": receivable.anchor.name,
        "invoice_number": receivable.invoice_number,
        "amount_cny": receivable.amount_cny,
        "issued_on": receivable.issued_on,
        "due_on": receivable.due_on,
        "note": receivable.note,
        "status": receivable.status,
        "your_party": party_of(request.user, receivable),
        "dispute_reason": receivable.dispute_reason,
        "bank": receivable.institution.name if receivable.institution else None,
        "requested_cny": receivable.requested_cny,
        "advance_cny": receivable.advance_cny,
        "annual_rate": f"{receivable.annual_rate:.2f}" if receivable.annual_rate is not None else None,
        "financed_on": receivable.financed_on,
        "decline_reason": receivable.decline_reason,
        "settled_on": receivable.settled_on,
    }
    if events:
        out["events"] = [
            {
                "step": event.status,
                "party": event.party,
                "party_name": event.party_name,
                "by": event.actor.get_username() if event.actor else None,
                "occurred_at": event.occurred_at,
                "note": event.note,
            }
            for event in timeline(receivable)
        ]
    return out


def _acting(request: HttpRequest, receivable_id: int, *parties: str) -> Receivable:
    """The receivable (404 unless the caller is a party or an operator); 403 unless one of `parties`."""
    receivable = access_receivable_for_user(request.user, receivable_id)
    if party_of(request.user, receivable) not in parties:
        raise Problem(403, FORBIDDEN)
    return receivable


def _detail(request: HttpRequest, receivable_id: int) -> dict[str, Any]:
    return _receivable_out(request, access_receivable_for_user(request.user, receivable_id), events=True)


# --- the financing directory ---------------------------------------------------------------------


@router.get(
    "/listings",
    response=list[ListingOut],
    summary="List the financing directory",
    openapi_extra=problems(401, 422),
)
@paginated()
def listings_list(request: HttpRequest) -> QuerySet[FinancingListing]:
    """Listed entries still valid; your enterprise's own and, for officials, your region's in any state."""
    return listings_visible_to(request.user).select_related("enterprise").order_by("-listed_on", "-pk")


@router.get(
    "/listings/{listing_id}",
    response=ListingOut,
    summary="Get a directory entry",
    openapi_extra=problems(401, 404),
)
def listing_detail(request: HttpRequest, listing_id: Path[ObjectId]) -> FinancingListing:
    return access_listing_for_user(request.user, listing_id)


@router.post(
    "/listings",
    response={201: ListingOut},
    summary="List an enterprise or project",
    openapi_extra=problems(403, 422),
)
def listing_create_endpoint(request: HttpRequest, payload: ListingIn) -> Status[FinancingListing]:
    """Officials list an enterprise of their region; operators any enterprise."""
    if not can_manage_listings(request.user):
        raise Problem(403, FORBIDDEN)
    fields = payload.model_dump(exclude={"credit_code"})
    enterprise = Enterprise.objects.filter(credit_code=payload.credit_code.strip().upper()).first()
    unknown = ValidationError(
        {"credit_code": _("No enterprise of your region has this credit code; check it.")}
    )
    if enterprise is None:
        raise unknown
    try:
        listing = listing_create(actor=request.user, enterprise=enterprise, **fields)
    except PermissionDenied:
        # An enterprise outside the official's region reads as unknown, as on the page.
        raise unknown from None
    return Status(201, listing)


@router.post(
    "/listings/{listing_id}/withdraw",
    response=ListingOut,
    summary="Withdraw a directory entry",
    openapi_extra=problems(403, 404, 422),
)
def listing_withdraw_endpoint(request: HttpRequest, listing_id: Path[ObjectId]) -> FinancingListing:
    return listing_withdraw(
        actor=request.user, listing=access_listing_for_user(request.user, listing_id, write=True)
    )


@router.post(
    "/listings/{listing_id}/financed",
    response=ListingOut,
    summary="Mark a directory entry as financed",
    openapi_extra=problems(403, 404, 422),
)
def listing_financed_endpoint(request: HttpRequest, listing_id: Path[ObjectId]) -> FinancingListing:
    listing = access_listing_for_user(request.user, listing_id, write=True)
    return listing_mark_financed(actor=request.user, listing=listing)


# --- receivables ---------------------------------------------------------------------------------


@router.get(
    "/receivables", response=list[ReceivableOut], summary="List receivables", openapi_extra=problems(401, 422)
)
@paginated()
def receivables_list(request: HttpRequest, query: Query[ReceivableQuery]) -> list[dict[str, Any]]:
    """Your enterprise's receivables (as supplier or anchor), or those offered to your bank; newest first."""
    receivables = receivables_visible_to(request.user).select_related("supplier", "anchor", "institution")
    enterprise_id = member_enterprise_id(request.user) or 0
    if query.party == "supplier":
        receivables = receivables.filter(supplier_id=enterprise_id)
    elif query.party == "anchor":
        receivables = receivables.filter(anchor_id=enterprise_id)
    return [_receivable_out(request, r) for r in receivables.order_by("-submitted_at", "-pk")]


@router.post(
    "/receivables",
    response={201: ReceivableDetailOut},
    summary="Submit a receivable",
    openapi_extra=problems(403, 422),
)
def receivable_create(request: HttpRequest, payload: ReceivableIn) -> Status[dict[str, Any]]:
    """The supplier enters an invoice it holds on the anchor enterprise, for the anchor to confirm."""
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise Problem(403, FORBIDDEN)
    supplier = Enterprise.objects.get(pk=enterprise_id)
    anchor = Enterprise.objects.filter(credit_code=payload.anchor_credit_code.strip().upper()).first()
    fields = payload.model_dump(exclude={"anchor_credit_code"})
    try:
        receivable = receivable_submit(actor=request.user, supplier=supplier, anchor=anchor, **fields)
    except ValidationError as error:
        _rename(error, "anchor", "anchor_credit_code")
        raise
    return Status(201, _detail(request, receivable.pk))


def _rename(error: Exception, old: str, new: str) -> None:
    """A service's field name as the request calls it (the service takes an enterprise, the request a code)."""
    error_dict = getattr(error, "error_dict", None)
    if error_dict is not None and old in error_dict:
        error_dict[new] = error_dict.pop(old)


@router.get(
    "/receivables/{receivable_id}",
    response=ReceivableDetailOut,
    summary="Get a receivable with its timeline",
    openapi_extra=problems(401, 404),
)
def receivable_detail(request: HttpRequest, receivable_id: Path[ObjectId]) -> dict[str, Any]:
    return _detail(request, receivable_id)


@router.post(
    "/receivables/{receivable_id}/confirm",
    response=ReceivableDetailOut,
    summary="The anchor confirms a receivable",
    openapi_extra=problems(403, 404, 422),
)
def receivable_confirm_endpoint(
    request: HttpRequest, receivable_id: Path[ObjectId], payload: NoteIn
) -> dict[str, Any]:
    receivable = _acting(request, receivable_id, Party.ANCHOR)
    receivable_confirm(actor=request.user, receivable=receivable, note=payload.note)
    return _detail(request, receivable_id)


@router.post(
    "/receivables/{receivable_id}/dispute",
    response=ReceivableDetailOut,
    summary="The anchor disputes a receivable",
    openapi_extra=problems(403, 404, 422),
)
def receivable_dispute_endpoint(
    request: HttpRequest, receivable_id: Path[ObjectId], payload: ReasonIn
) -> dict[str, Any]:
    receivable = _acting(request, receivable_id, Party.ANCHOR)
    receivable_dispute(actor=request.user, receivable=receivable, reason=payload.reason)
    return _detail(request, receivable_id)


@router.post(
    "/receivables/{receivable_id}/offer",
    response=ReceivableDetailOut,
    summary="The supplier offers a receivable to a bank",
    openapi_extra=problems(403, 404, 422),
)
def receivable_offer_endpoint(
    request: HttpRequest, receivable_id: Path[ObjectId], payload: OfferIn
) -> dict[str, Any]:
    receivable = _acting(request, receivable_id, Party.SUPPLIER)
    institution = FinancialInstitution.objects.filter(name=payload.bank.strip()).first()
    try:
        receivable_offer(
            actor=request.user,
            receivable=receivable,
            institution=institution,
            requested_cny=payload.requested_cny,
            note=payload.note,
        )
    except ValidationError as error:
        _rename(error, "institution", "bank")
        raise
    return _detail(request, receivable_id)


@router.post(
    "/receivables/{receivable_id}/finance",
    response=ReceivableDetailOut,
    summary="The bank records the financing",
    openapi_extra=problems(403, 404, 422),
)
def receivable_finance_endpoint(
    request: HttpRequest, receivable_id: Path[ObjectId], payload: FinanceIn
) -> dict[str, Any]:
    receivable = _acting(request, receivable_id, Party.BANK)
    receivable_finance(actor=request.user, receivable=receivable, **payload.model_dump())
    return _detail(request, receivable_id)


@router.post(
    "/receivables/{receivable_id}/decline",
    response=ReceivableDetailOut,
    summary="The bank declines a receivable",
    openapi_extra=problems(403, 404, 422),
)
def receivable_decline_endpoint(
    request: HttpRequest, receivable_id: Path[ObjectId], payload: ReasonIn
) -> dict[str, Any]:
    receivable = _acting(request, receivable_id, Party.BANK)
    receivable_decline(actor=request.user, receivable=receivable, reason=payload.reason)
    return _detail(request, receivable_id)


@router.post(
    "/receivables/{receivable_id}/settle",
    response=ReceivableDetailOut,
    summary="The anchor or the bank records the payment",
    openapi_extra=problems(403, 404, 422),
)
def receivable_settle_endpoint(
    request: HttpRequest, receivable_id: Path[ObjectId], payload: SettleIn
) -> dict[str, Any]:
    receivable = _acting(request, receivable_id, Party.ANCHOR, Party.BANK)
    receivable_settle(actor=request.user, receivable=receivable, **payload.model_dump())
    return _detail(request, receivable_id)
