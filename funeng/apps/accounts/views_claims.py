"""Enterprise claim pages: new claims, the officials' review queue and decisions, documents, claim codes.

A role-less account files a new claim here (sign-up files it on the registration page); officials
review claims, download their documents and issue claim codes with a printed letter.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from engines.reference.regions import region_table
from funeng.apps.accounts.access import (
    access_claim_document_for_user,
    access_claim_for_user,
    access_enterprise_claims_for_user,
    can_decide_claim,
    can_review_claims,
    can_submit_claim,
    claims_visible_to,
)
from funeng.apps.accounts.const import ClaimDecision, ClaimProof, ClaimState
from funeng.apps.accounts.forms import ClaimDecisionForm, EnterpriseClaimForm
from funeng.apps.accounts.models import ClaimCode, EnterpriseClaim
from funeng.apps.accounts.services import (
    claim_code_display,
    claim_code_issue,
    enterprise_claim_decide,
    enterprise_claim_submit,
)
from funeng.apps.core.identity import membership_of
from funeng.apps.core.models import Membership
from funeng.apps.core.pages import (
    Action,
    action_view,
    confirmation_page,
    form_errors_from,
    signed_in,
    submit_once,
)
from funeng.apps.core.throttle import REGISTER, throttled
from funeng.apps.core.uploads import FILE_TYPES, stored_file_response
from funeng.apps.enterprises.models import Enterprise

PAGE_SIZE = 50
STATE_FILTER_ALL = "all"


def _region_name(code: str) -> str:
    return region_table().display_name(code, default="")


def claim_outcome_message(claim: EnterpriseClaim) -> str:
    """What a claimant is told right after claiming; the same for every enterprise a claim may name."""
    if claim.state == ClaimState.APPROVED:
        assert claim.enterprise is not None
        return _("Welcome! You are the administrator of %(name)s on Funeng.") % {
            "name": claim.enterprise.name
        }
    if claim.state == ClaimState.REJECTED:
        return _("Your claim was not confirmed: %(reason)s") % {"reason": claim.reason}
    return _(
        "Your claim for %(name)s was received. An official of the region reviews it; your overview page "
        "shows where it stands."
    ) % {"name": claim.name}


# --- a signed-in account's new claim -----------------------------------------------------------


@sensitive_post_parameters("claim_code")
@never_cache
@login_required
@throttled(REGISTER)
@submit_once
@action_view
def claim_new_view(request: HttpRequest) -> Action | HttpResponse:
    """Claim an enterprise from an account without a role (after a rejection, or with a new code)."""
    if not can_submit_claim(request.user):
        messages.info(request, _("Your account cannot claim an enterprise now; its overview says why."))
        return redirect("home")
    form = EnterpriseClaimForm(request.POST or None, request.FILES or None)
    return Action(
        lambda: enterprise_claim_submit(user=signed_in(request), claim=form.claim_request()),
        form=form,
        template="accounts/claim_new.html",
        success=claim_outcome_message,
        redirect_to=("home",),
    )


# --- the officials' review queue ---------------------------------------------------------------


@login_required
def claims_view(request: HttpRequest) -> HttpResponse:
    """Claims of the official's region (operators: all), those waiting for a decision first."""
    if not can_review_claims(request.user):
        raise PermissionDenied
    state = request.GET.get("state") or ClaimState.PENDING
    if state not in (*ClaimState.values, STATE_FILTER_ALL):
        state = ClaimState.PENDING
    queryset = claims_visible_to(request.user).select_related("user", "enterprise")
    if state != STATE_FILTER_ALL:
        queryset = queryset.filter(state=state)
    # Oldest first while waiting (first come, first served); newest first otherwise.
    queryset = queryset.order_by("created_at", "id") if state == ClaimState.PENDING else queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(claim, _region_name(claim.region_code)) for claim in page.object_list],
        "state": state,
        "states": [*ClaimState.choices, (STATE_FILTER_ALL, _("All states"))],
    }
    return render(request, "accounts/claims.html", context)


def _mismatches(claim: EnterpriseClaim, registered: Enterprise | None) -> list[str]:
    """Where the claim's facts differ from the registry's, for the reviewer to look at first."""
    if registered is None:
        return []
    found = []
    if claim.name != registered.name:
        found.append(
            _("The name differs from the registry's: %(registered)s.") % {"registered": registered.name}
        )
    if claim.entered_region_code != registered.region_code:
        found.append(
            _("The region differs from the registry's: %(registered)s.")
            % {"registered": registered.region_code}
        )
    if claim.industry_code != registered.industry_code:
        found.append(
            _("The industry differs from the registry's: %(registered)s.")
            % {"registered": registered.industry_code}
        )
    return found


def _claim_detail(
    request: HttpRequest, claim: EnterpriseClaim, *, form: ClaimDecisionForm | None = None
) -> HttpResponse:
    registered = claim.enterprise or Enterprise.objects.filter(credit_code=claim.credit_code).first()
    members = (
        Membership.objects.filter(enterprise=registered).aggregate(
            total=Count("id"), admins=Count("id", filter=Q(is_enterprise_admin=True))
        )
        if registered is not None
        else {"total": 0, "admins": 0}
    )
    others = (
        claims_visible_to(request.user)
        .filter(credit_code=claim.credit_code)
        .exclude(pk=claim.pk)
        .select_related("user")
        .order_by("-created_at")[:20]
    )
    may_decide = can_decide_claim(request.user, claim)
    mismatches = _mismatches(claim, registered)
    context = {
        "claim": claim,
        "registered": registered,
        "region_name": _region_name(claim.region_code),
        "entered_region_name": _region_name(claim.entered_region_code),
        "mismatches": mismatches,
        # Warnings matter while deciding; afterwards the claimant is one of the members counted.
        "check_first": may_decide and bool(mismatches or members["total"] or others),
        "members": members,
        "others": others,
        "documents": claim.documents.all(),
        "form": (form or ClaimDecisionForm()) if may_decide else None,
        "automatic": claim.proof != ClaimProof.DOCUMENTS,
    }
    return render(request, "accounts/claim_detail.html", context)


@login_required
def claim_detail_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    """One claim with the registry's facts beside it, its documents, and the decision form."""
    return _claim_detail(request, access_claim_for_user(request.user, claim_id))


@require_POST
@login_required
def claim_decide_view(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Approve or reject a claim, with a reason, after a confirmation page."""
    claim = access_claim_for_user(request.user, claim_id)
    acting_user = signed_in(request)
    if not can_decide_claim(acting_user, claim):
        messages.error(
            request, _("This claim was already decided (%(state)s).") % {"state": claim.get_state_display()}
        )
        return redirect("accounts:claim_detail", claim.pk)
    form = ClaimDecisionForm(request.POST)
    if form.is_valid():
        decision = ClaimDecision(form.cleaned_data["decision"])
        if decision == ClaimDecision.APPROVE:
            consequence = _(
                "%(user)s becomes the administrator of %(name)s at once and sees all of its data. "
                "Your reason “%(reason)s” is shown to them and kept in the audit log."
            )
        else:
            consequence = _(
                "%(user)s is told the claim was rejected, with your reason “%(reason)s”, and may claim "
                "again. The decision is kept in the audit log."
            )
        confirm = confirmation_page(
            request,
            title=_("%(decision)s the claim for %(name)s?")
            % {"decision": decision.label, "name": claim.name},
            consequence=consequence
            % {"user": claim.user.get_username(), "name": claim.name, "reason": form.cleaned_data["reason"]},
            action=_("Confirm: %(decision)s") % {"decision": decision.label},
            back_url=reverse("accounts:claim_detail", args=[claim.pk]),
        )
        if confirm is not None:
            return confirm
        try:
            claim = enterprise_claim_decide(
                claim=claim, decision=decision, reason=form.cleaned_data["reason"], acting_user=acting_user
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("The claim for %(name)s is now “%(state)s”.")
                % {"name": claim.name, "state": claim.get_state_display()},
            )
            return redirect("accounts:claim_detail", claim.pk)
    return _claim_detail(request, claim, form=form)


@login_required
def claim_document_view(request: HttpRequest, document_id: int) -> FileResponse:
    """Download a claim document: always as an attachment, never rendered or sniffed by the browser."""
    document = access_claim_document_for_user(request.user, document_id)
    content_type = FILE_TYPES.get(document.file_type, ("application/octet-stream", ""))[0]
    return stored_file_response(document.file, filename=document.original_name, content_type=content_type)


# --- claim codes ---------------------------------------------------------------------------------


def _issuer_name(request: HttpRequest) -> str:
    """Who signs the letter, in Chinese whatever the official's language: the letter goes to the enterprise."""
    membership = membership_of(request.user)
    with translation.override("zh-hans"):
        if membership is not None and membership.region_code:
            return _("Digital transformation promotion centre of %(region)s") % {
                # Chinese names run together: “浙江省杭州市”, not the display name’s “浙江省 杭州市”.
                "region": (_region_name(membership.region_code) or membership.region_code).replace(" ", "")
            }
        return _("Funeng platform operator")


@login_required
def enterprise_claims_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """Who acts for an enterprise: its members, claims and claim codes; officials issue a code here."""
    enterprise = access_enterprise_claims_for_user(request.user, enterprise_id)
    now = timezone.now()
    codes = [
        (code, _code_state(code, now))
        for code in ClaimCode.objects.filter(enterprise=enterprise).select_related("issued_by")[:20]
    ]
    context: dict[str, Any] = {
        "enterprise": enterprise,
        "region_name": _region_name(enterprise.region_code),
        "members": Membership.objects.filter(enterprise=enterprise)
        .select_related("user")
        .order_by("user__username"),
        "claims": claims_visible_to(request.user)
        .filter(credit_code=enterprise.credit_code)
        .select_related("user")[:20],
        "codes": codes,
        "has_live_code": any(state == "live" for _code, state in codes),
    }
    return render(request, "accounts/enterprise_claims.html", context)


def _code_state(code: ClaimCode, now: Any) -> str:
    if code.used_at is not None:
        return "used"
    if code.revoked_at is not None:
        return "revoked"
    if code.expires_at <= now:
        return "expired"
    return "live"


@require_POST
@never_cache
@login_required
def claim_code_issue_view(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """Issue a claim code after a confirmation and show its letter, once.

    The letter is this response itself (not a redirect), so the code never passes through the
    session or the messages cookie; only its hash is stored.
    """
    enterprise = access_enterprise_claims_for_user(request.user, enterprise_id)
    confirm = confirmation_page(
        request,
        title=_("Issue a claim code for %(name)s?") % {"name": enterprise.name},
        consequence=_(
            "The code is shown once, on a letter to print and send to the enterprise through your own "
            "channel (post, or the contact on record). Whoever registers with it becomes the "
            "enterprise's administrator. A code issued earlier stops working."
        ),
        action=_("Issue the code"),
        back_url=reverse("accounts:enterprise_claims", args=[enterprise.pk]),
    )
    if confirm is not None:
        return confirm
    issued, code = claim_code_issue(enterprise=enterprise, acting_user=signed_in(request))
    context = {
        "enterprise": enterprise,
        "code": claim_code_display(code),
        "issued": issued,
        "issuer": _issuer_name(request),
        "register_url": request.build_absolute_uri(reverse("accounts:register_enterprise")),
    }
    return render(request, "accounts/claim_letter.html", context)
