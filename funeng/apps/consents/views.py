"""Consent (授权) pages: the enterprise grants, lists and revokes; the bank sees what it was granted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from funeng.apps.consents.access import access_consent_for_user, can_manage_consents, consents_visible_to
from funeng.apps.consents.const import ReadChannel
from funeng.apps.consents.forms import ConsentGrantForm
from funeng.apps.consents.models import Consent, ConsentRead
from funeng.apps.consents.selectors import (
    ConsentStatus,
    category_labels,
    category_options,
    consent_reads_of,
    consent_status,
    consents_with_status,
)
from funeng.apps.consents.services import ConsentAlreadyRevoked, consent_grant, consent_revoke
from funeng.apps.core.const import Role
from funeng.apps.core.identity import is_platform_admin, membership_of
from funeng.apps.core.pages import submit_once

PAGE_SIZE = 25
READS_PAGE_SIZE = 50


def _portal(request: HttpRequest) -> str:
    """Which side of consents the user is on; officials, providers and role-less users are refused."""
    if is_platform_admin(request.user):
        return Role.ADMIN
    membership = membership_of(request.user)
    if membership is not None and membership.role in (Role.ENTERPRISE, Role.BANK):
        return membership.role
    raise PermissionDenied


def _rows(request: HttpRequest, consents: list[Consent]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for consent in consents:
        status = consent_status(consent, today)
        rows.append(
            {
                "consent": consent,
                "status": status,
                "status_label": status.label,
                "categories": category_labels(consent.categories),
                "can_revoke": status == ConsentStatus.ACTIVE
                and can_manage_consents(request.user, consent.enterprise_id),
            }
        )
    return rows


def _read_rows(reads: list[ConsentRead]) -> list[dict[str, Any]]:
    channels = dict(ReadChannel.choices)
    return [
        {
            "read": read,
            "categories": category_labels(read.categories),
            "channel": channels.get(read.channel, read.channel),
        }
        for read in reads
    ]


def _query_without(request: HttpRequest, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@login_required
def consent_list_view(request: HttpRequest) -> HttpResponse:
    """Consents the user may see, with their status, and the log of reads made under them."""
    portal = _portal(request)
    status = request.GET.get("status", "")
    status = status if status in ConsentStatus.values else ""
    visible = consents_visible_to(request.user)
    page = Paginator(consents_with_status(visible, status), PAGE_SIZE).get_page(request.GET.get("page"))
    reads = Paginator(consent_reads_of(visible), READS_PAGE_SIZE).get_page(request.GET.get("reads_page"))
    membership = membership_of(request.user)
    enterprise_id = membership.enterprise_id if membership is not None else None
    context = {
        "portal": portal,
        "page": page,
        "rows": _rows(request, list(page.object_list)),
        "reads": reads,
        "read_rows": _read_rows(list(reads.object_list)),
        "show_enterprise": portal != Role.ENTERPRISE,
        "status": status,
        "status_choices": ConsentStatus.choices,
        "can_grant": enterprise_id is not None and can_manage_consents(request.user, enterprise_id),
        "query_page": _query_without(request, "page"),
        "query_reads": _query_without(request, "reads_page"),
    }
    return render(request, "consents/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def consent_grant_view(request: HttpRequest) -> HttpResponse:
    """The enterprise administrator lets a bank read chosen data categories until a date."""
    membership = membership_of(request.user)
    if membership is None or membership.enterprise_id is None:
        raise PermissionDenied
    if not can_manage_consents(request.user, membership.enterprise_id):
        raise PermissionDenied
    enterprise = membership.enterprise
    assert enterprise is not None
    form = ConsentGrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_grant(
                actor=request.user,
                enterprise=enterprise,
                institution=form.cleaned_data["institution"],
                categories=form.cleaned_data["categories"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(institution)s may now read the data you chose until %(date)s.")
                % {"institution": consent.institution.name, "date": consent.valid_until.isoformat()},
            )
            return redirect("consents:list")
    helps = {option.value: option.fields for option in category_options()}
    boxes = [(box, helps.get(str(box.data["value"]), ())) for box in form["categories"]]
    context = {"form": form, "enterprise": enterprise, "category_boxes": boxes}
    return render(request, "consents/grant.html", context)


@login_required
def consent_detail_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    """One consent with the reads made under it."""
    _portal(request)
    consent = access_consent_for_user(request.user, consent_id)
    reads = Paginator(consent_reads_of(Consent.objects.filter(pk=consent.pk)), READS_PAGE_SIZE).get_page(
        request.GET.get("reads_page")
    )
    context = {
        "row": _rows(request, [consent])[0],
        "reads": reads,
        "read_rows": _read_rows(list(reads.object_list)),
        "query_reads": _query_without(request, "reads_page"),
    }
    return render(request, "consents/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_revoke_view(request: HttpRequest, consent_id: int) -> HttpResponse:
    """GET asks for confirmation; POST ends the consent at once."""
    consent = access_consent_for_user(request.user, consent_id, write=True)
    if request.method == "GET":
        return render(request, "consents/revoke.html", {"row": _rows(request, [consent])[0]})
    try:
        consent_revoke(actor=request.user, consent=consent)
    except ConsentAlreadyRevoked as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Consent to %(institution)s revoked; it can no longer read your data.")
            % {"institution": consent.institution.name},
        )
    return redirect("consents:list")
