"""Supply-chain finance pages: the section's home, each party's receivables, one receivable, the directory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funeng.apps.core.identity import is_platform_admin, official_scope_of
from funeng.apps.core.pages import form_errors_from, submit_once
from funeng.apps.enterprises.access import access_enterprise_by_credit_code
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.supply_chain.access import (
    access_listing_for_user,
    access_receivable_for_user,
    bank_institution_id,
    can_answer,
    can_decide,
    can_manage_listing,
    can_manage_listings,
    can_offer,
    can_see_region_counts,
    can_settle,
    can_use_section,
    listings_visible_to,
    member_enterprise_id,
    party_of,
    receivables_visible_to,
)
from funeng.apps.supply_chain.const import ListingStatus, Party, ReceivableStatus
from funeng.apps.supply_chain.forms import (
    ConfirmForm,
    FinanceForm,
    ListingForm,
    OfferForm,
    ReasonForm,
    ReceivableForm,
    SettleForm,
)
from funeng.apps.supply_chain.models import Receivable
from funeng.apps.supply_chain.selectors import basis_quotes, region_totals, timeline
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

PAGE_SIZE = 50
HOME_ROWS = 10


def _own_enterprise(request: HttpRequest) -> Enterprise:
    enterprise_id = member_enterprise_id(request.user)
    if enterprise_id is None:
        raise PermissionDenied
    return Enterprise.objects.get(pk=enterprise_id)


def _rows(receivables: QuerySet[Receivable], first: ReceivableStatus | None = None) -> QuerySet[Receivable]:
    """Receivables with their parties' names loaded; those waiting in `first` come first."""
    rows = receivables.select_related("supplier", "anchor", "institution")
    if first is not None:
        rows = rows.annotate(
            waiting=Case(When(status=first, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by("waiting", "-submitted_at", "-pk")
    return rows


@login_required
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    """Enterprises: their receivables both ways; banks: those offered; officials: their region's totals."""
    if not can_use_section(request.user):
        raise PermissionDenied
    user = request.user
    enterprise_id = member_enterprise_id(user)
    institution_id = bank_institution_id(user)
    visible = receivables_visible_to(user)
    context: dict[str, Any] = {
        "quotes": basis_quotes(),
        "scope": official_scope_of(user),
        "can_manage_listings": can_manage_listings(user),
        "listings": listings_visible_to(user)
        .filter(status=ListingStatus.LISTED, valid_until__gte=timezone.localdate())
        .select_related("enterprise")[:HOME_ROWS],
    }
    if can_see_region_counts(user):
        context["totals"] = region_totals(context["scope"] or "")
    if enterprise_id is not None:
        context["supplied"] = _rows(visible.filter(supplier_id=enterprise_id))[:HOME_ROWS]
        context["owed"] = _rows(visible.filter(anchor_id=enterprise_id), ReceivableStatus.SUBMITTED)[
            :HOME_ROWS
        ]
        context["to_confirm"] = visible.filter(
            anchor_id=enterprise_id, status=ReceivableStatus.SUBMITTED
        ).count()
    if institution_id is not None:
        context["offered"] = _rows(visible, ReceivableStatus.OFFERED)[:HOME_ROWS]
        context["to_decide"] = visible.filter(status=ReceivableStatus.OFFERED).count()
    return render(request, "supply_chain/home.html", context)


def _list_page(
    request: HttpRequest, receivables: QuerySet[Receivable], *, title: str, intro: str, kind: str
) -> HttpResponse:
    page = Paginator(receivables, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supply_chain/receivables.html",
        {"page": page, "title": title, "intro": intro, "kind": kind},
    )


@login_required
@require_GET
def supplied_view(request: HttpRequest) -> HttpResponse:
    """The supplier's receivables: entered, confirmed, offered, financed."""
    enterprise = _own_enterprise(request)
    rows = _rows(receivables_visible_to(request.user).filter(supplier=enterprise))
    return _list_page(
        request,
        rows.order_by("-submitted_at", "-pk"),
        title=_("My receivables"),
        intro=_(
            "Invoices your enterprise holds on its customers. Once the customer confirms one, offer it to a "
            "bank for financing."
        ),
        kind="supplied",
    )


@login_required
@require_GET
def owed_view(request: HttpRequest) -> HttpResponse:
    """The anchor's receivables: those waiting for its confirmation first."""
    enterprise = _own_enterprise(request)
    rows = _rows(receivables_visible_to(request.user).filter(anchor=enterprise), ReceivableStatus.SUBMITTED)
    return _list_page(
        request,
        rows,
        title=_("Receivables to confirm"),
        intro=_(
            "Your suppliers' invoices on your enterprise. Confirm each one you owe, or dispute it with a "
            "reason; a bank finances only confirmed receivables."
        ),
        kind="owed",
    )


@login_required
@require_GET
def offered_view(request: HttpRequest) -> HttpResponse:
    """The bank's receivables: those waiting for its decision first."""
    if bank_institution_id(request.user) is None:
        raise PermissionDenied
    rows = _rows(receivables_visible_to(request.user), ReceivableStatus.OFFERED)
    return _list_page(
        request,
        rows,
        title=_("Receivables offered"),
        intro=_(
            "Receivables confirmed by their anchor enterprise and offered to your bank by the supplier. "
            "Finance or decline each one; record the payment when the anchor pays."
        ),
        kind="offered",
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def receivable_new_view(request: HttpRequest) -> HttpResponse:
    """The supplier enters an invoice on a customer (the anchor), for the customer to confirm."""
    enterprise = _own_enterprise(request)
    form = ReceivableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("anchor_credit_code").strip().upper()
        anchor = Enterprise.objects.filter(credit_code=code).first()
        try:
            receivable = receivable_submit(actor=request.user, supplier=enterprise, anchor=anchor, **data)
        except ValidationError as error:
            form_errors_from(form, error, {"anchor": "anchor_credit_code"})
        else:
            messages.success(
                request, _("The receivable is submitted; the anchor enterprise is asked to confirm it.")
            )
            return redirect("supply_chain:receivable", receivable.pk)
    return render(
        request,
        "supply_chain/form.html",
        {"form": form, "title": _("Submit a receivable"), "back": "supply_chain:supplied"},
    )


def _receivable_page(
    request: HttpRequest, receivable: Receivable, *, forms_given: dict[str, forms.Form] | None = None
) -> HttpResponse:
    user = request.user
    given = forms_given or {}
    answering = can_answer(user, receivable)
    deciding = can_decide(user, receivable)
    today = timezone.localdate()
    offered = can_offer(user, receivable)
    settling = can_settle(user, receivable)

    def form(name: str, make: Callable[[], forms.Form], shown: bool) -> forms.Form | None:
        return (given.get(name) or make()) if shown else None

    context = {
        "receivable": receivable,
        "party": party_of(user, receivable),
        "events": timeline(receivable),
        "confirm_form": form("confirm", ConfirmForm, answering),
        "dispute_form": form("dispute", ReasonForm, answering),
        "offer_form": form(
            "offer", lambda: OfferForm(initial={"requested_cny": receivable.amount_cny}), offered
        ),
        "finance_form": form(
            "finance",
            lambda: FinanceForm(initial={"advance_cny": receivable.requested_cny, "financed_on": today}),
            deciding,
        ),
        "decline_form": form("decline", ReasonForm, deciding),
        "settle_form": form("settle", lambda: SettleForm(initial={"settled_on": today}), settling),
        "quotes": basis_quotes(),
    }
    return render(request, "supply_chain/receivable.html", context)


@login_required
@require_GET
def receivable_detail_view(request: HttpRequest, receivable_id: int) -> HttpResponse:
    """The receivable: parties, invoice, the bank's terms, the timeline, and the steps the user may take."""
    return _receivable_page(request, access_receivable_for_user(request.user, receivable_id))


def _step_view(
    request: HttpRequest,
    receivable_id: int,
    *,
    parties: tuple[str, ...],
    name: str,
    form_class: type[forms.Form],
    allowed: Callable[[Any, Receivable], bool],
    call: Callable[[Receivable, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """One step on a receivable: 404 if unseen, 403 unless the user acts for one of `parties`.

    The service decides the rest. A refusal because the receivable moved on (another tab, a
    colleague) comes back as a message on the receivable's page; a refused field, next to the field.
    """
    receivable = access_receivable_for_user(request.user, receivable_id)
    if party_of(request.user, receivable) not in parties:
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(receivable, form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, success)
            return redirect("supply_chain:receivable", receivable.pk)
    receivable.refresh_from_db()
    if not allowed(request.user, receivable):
        for message in form.non_field_errors() or [_not_yours_now()]:
            messages.error(request, str(message))
        return redirect("supply_chain:receivable", receivable.pk)
    return _receivable_page(request, receivable, forms_given={name: form})


def _not_yours_now() -> str:
    return _("This step cannot be taken on the receivable in its present state.")


@login_required
@require_POST
@submit_once
def receivable_confirm_view(request: HttpRequest, receivable_id: int) -> HttpResponse:
    return _step_view(
        request,
        receivable_id,
        parties=(Party.ANCHOR,),
        name="confirm",
        form_class=ConfirmForm,
        allowed=can_answer,
        call=lambda r, data: receivable_confirm(actor=request.user, receivable=r, **data),
        success=_("You confirmed the receivable; the supplier may now offer it to a bank."),
    )


@login_required
@require_POST
@submit_once
def receivable_dispute_view(request: HttpRequest, receivable_id: int) -> HttpResponse:
    return _step_view(
        request,
        receivable_id,
        parties=(Party.ANCHOR,),
        name="dispute",
        form_class=ReasonForm,
        allowed=can_answer,
        call=lambda r, data: receivable_dispute(actor=request.user, receivable=r, **data),
        success=_("You disputed the receivable; the supplier sees your reason."),
    )


@login_required
@require_POST
@submit_once
def receivable_offer_view(request: HttpRequest, receivable_id: int) -> HttpResponse:
    return _step_view(
        request,
        receivable_id,
        parties=(Party.SUPPLIER,),
        name="offer",
        form_class=OfferForm,
        allowed=can_offer,
        call=lambda r, data: receivable_offer(actor=request.user, receivable=r, **data),
        success=_("The receivable is offered to the bank; it decides whether to finance it."),
    )


@login_required
@require_POST
@submit_once
def receivable_finance_view(request: HttpRequest, receivable_id: int) -> HttpResponse:
    return _step_view(
        request,
        receivable_id,
        parties=(Party.BANK,),
        name="finance",
        form_class=FinanceForm,
        allowed=can_decide,
        call=lambda r, data: receivable_finance(actor=request.user, receivable=r, **data),
        success=_("The financing is recorded."),
    )


@login_required
@require_POST
@submit_once
def receivable_decline_view(request: HttpRequest, receivable_id: int) -> HttpResponse:
    return _step_view(
        request,
        receivable_id,
        parties=(Party.BANK,),
        name="decline",
        form_class=ReasonForm,
        allowed=can_decide,
        call=lambda r, data: receivable_decline(actor=request.user, receivable=r, **data),
        success=_("You declined the receivable; the supplier sees your reason."),
    )


@login_required
@require_POST
@submit_once
def receivable_settle_view(request: HttpRequest, receivable_id: int) -> HttpResponse:
    return _step_view(
        request,
        receivable_id,
        parties=(Party.ANCHOR, Party.BANK),
        name="settle",
        form_class=SettleForm,
        allowed=can_settle,
        call=lambda r, data: receivable_settle(actor=request.user, receivable=r, **data),
        success=_("The payment is recorded; the receivable is settled."),
    )


# --- the financing directory ---------------------------------------------------------------------


@login_required
@require_GET
def directory_view(request: HttpRequest) -> HttpResponse:
    """Key enterprises and projects seeking finance (融资信息对接目录), newest first."""
    if not is_platform_admin(request.user) and not can_use_section(request.user):
        raise PermissionDenied
    listings = listings_visible_to(request.user).select_related("enterprise").order_by("-listed_on", "-pk")
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supply_chain/directory.html",
        {"page": page, "can_manage_listings": can_manage_listings(request.user), "quotes": basis_quotes()},
    )


@login_required
@require_GET
def listing_detail_view(request: HttpRequest, listing_id: int) -> HttpResponse:
    listing = access_listing_for_user(request.user, listing_id)
    return render(
        request,
        "supply_chain/listing.html",
        {
            "listing": listing,
            "can_close": can_manage_listing(request.user, listing) and listing.status == ListingStatus.LISTED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def listing_new_view(request: HttpRequest) -> HttpResponse:
    """An official lists a key enterprise or project of their region in the directory."""
    if not can_manage_listings(request.user):
        raise PermissionDenied
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("credit_code").strip().upper()
        try:
            enterprise = access_enterprise_by_credit_code(request.user, code)
        except (Http404, PermissionDenied):
            form.add_error("credit_code", _("No enterprise of your region has this credit code; check it."))
        else:
            try:
                listing = listing_create(actor=request.user, enterprise=enterprise, **data)
            except ValidationError as error:
                form_errors_from(form, error)
            except PermissionDenied:
                form.add_error(
                    "credit_code", _("No enterprise of your region has this credit code; check it.")
                )
            else:
                messages.success(request, _("The entry is listed in the financing directory."))
                return redirect("supply_chain:listing", listing.pk)
    return render(
        request,
        "supply_chain/form.html",
        {"form": form, "title": _("List an enterprise or project"), "back": "supply_chain:directory"},
    )


def _listing_close_view(request: HttpRequest, listing_id: int, *, financed: bool) -> HttpResponse:
    listing = access_listing_for_user(request.user, listing_id, write=True)
    try:
        if financed:
            listing_mark_financed(actor=request.user, listing=listing)
        else:
            listing_withdraw(actor=request.user, listing=listing)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The entry is marked as financed.")
            if financed
            else _("The entry is withdrawn from the directory."),
        )
    return redirect("supply_chain:listing", listing.pk)


@login_required
@require_POST
def listing_withdraw_view(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _listing_close_view(request, listing_id, financed=False)


@login_required
@require_POST
def listing_financed_view(request: HttpRequest, listing_id: int) -> HttpResponse:
    return _listing_close_view(request, listing_id, financed=True)
