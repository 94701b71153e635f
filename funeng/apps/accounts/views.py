"""Account pages: lockout, password reset and change, enterprise self-registration, colleagues and invitations.

The enterprise claim pages (review queue, documents, claim codes) are in views_claims.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from funeng.apps.accounts.access import (
    access_colleague_for_user,
    access_colleagues_for_user,
    access_invitation_for_user,
)
from funeng.apps.accounts.forms import (
    EnterpriseRegistrationForm,
    InvitationAcceptForm,
    InvitationForm,
)
from funeng.apps.accounts.lockout import address_locked
from funeng.apps.accounts.models import Invitation, InvitationState
from funeng.apps.accounts.services import (
    InvitationUnusable,
    colleague_remove,
    enterprise_register,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from funeng.apps.accounts.views_claims import claim_outcome_message
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record
from funeng.apps.core.models import Membership
from funeng.apps.core.pages import (
    LOGIN_BACKEND,
    Action,
    action_view,
    anonymous_only,
    form_errors_from,
    signed_in,
    submit_once,
)
from funeng.apps.core.throttle import PASSWORD_RESET, REGISTER, throttled

# --- login lockout ---------------------------------------------------------------------------


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page shown instead of the login form once a username is locked out from this address.

    django-axes calls this (AXES_LOCKOUT_CALLABLE). The failed attempt that triggered it has just
    been recorded and each further attempt restarts the cool-off, so the lock ends one cool-off
    time from now.
    """
    cool_off = get_cool_off(request) or dt.timedelta(0)
    context = {
        "retry_at": timezone.localtime() + cool_off,
        "minutes": int(cool_off.total_seconds() // 60),
        "whole_address": address_locked(request),
    }
    return render(request, "registration/lockout.html", context, status=429)


# --- password reset and change -----------------------------------------------------------------


@method_decorator(throttled(PASSWORD_RESET), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link; the answer is the same whether or not the address has an account.

    Each request may send an email to someone else's mailbox: a few per address and hour.
    """

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, Any]:
        return {"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link; it also lifts a login lockout on that username."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            audit_record(
                actor=user, action=AuditAction.UPDATE, obj=user, changes={"password": [None, "reset"]}
            )
        # Whoever can read the account's mailbox has proven more than a password would.
        axes_reset(username=user.get_username())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit_record(
                actor=form.user,
                action=AuditAction.UPDATE,
                obj=form.user,
                changes={"password": [None, "changed"]},
            )
        return response


# --- enterprise self-registration ------------------------------------------------------------


@sensitive_post_parameters("password", "password_confirm", "claim_code")
@never_cache
@anonymous_only
@throttled(REGISTER)
@submit_once
@action_view
def register_enterprise_view(request: HttpRequest) -> Action:
    """Sign up by claiming an enterprise; the account gets its data once the claim is approved."""
    form = EnterpriseRegistrationForm(request.POST or None, request.FILES or None)
    return Action(
        lambda: enterprise_register(
            claim=form.claim_request(),
            email=form.cleaned_data["email"],
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        ),
        form=form,
        template="accounts/register_enterprise.html",
        then=lambda created: login(request, created[0], backend=LOGIN_BACKEND),
        success=lambda created: claim_outcome_message(created[1]),
        redirect_to=("home",),
    )


# --- colleagues and invitations --------------------------------------------------------------


@never_cache
@login_required
@submit_once
def colleagues_view(request: HttpRequest) -> HttpResponse:
    """The enterprise's members and invitations; a POST invites one more colleague.

    The link of a new invitation is shown on this response only (rendered, not redirected, so
    it never passes through the messages cookie), for sites without outgoing mail.
    """
    enterprise = access_colleagues_for_user(request.user)
    new_link = None
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, new_link = invitation_create(
                enterprise=enterprise,
                email=form.cleaned_data["email"],
                invited_by=signed_in(request),
                build_link=lambda token: request.build_absolute_uri(
                    reverse("accounts:invite_accept", args=[token])
                ),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            form = InvitationForm()
    now = timezone.now()
    members = (
        Membership.objects.filter(enterprise=enterprise).select_related("user").order_by("user__username")
    )
    invitations = [
        (invitation, invitation.state(now))
        for invitation in Invitation.objects.filter(enterprise=enterprise).select_related("invited_by")[:100]
    ]
    context = {
        "enterprise": enterprise,
        "members": members,
        "invitations": invitations,
        "form": form,
        "new_link": new_link,
        "pending": InvitationState.PENDING,
        "expired": InvitationState.EXPIRED,
    }
    return render(request, "accounts/colleagues.html", context)


@require_POST
@login_required
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Make a pending invitation's link stop working."""
    invitation = access_invitation_for_user(request.user, invitation_id)
    try:
        invitation_revoke(invitation=invitation, acting_user=signed_in(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("accounts:colleagues")


@require_POST
@login_required
def colleague_remove_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Remove a colleague from the enterprise and deactivate their account."""
    membership = access_colleague_for_user(request.user, membership_id)
    username = membership.user.get_username()
    try:
        colleague_remove(membership=membership, acting_user=signed_in(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(username)s was removed from the enterprise.") % {"username": username})
    return redirect("accounts:colleagues")


@sensitive_post_parameters("password", "password_confirm")
@never_cache
def invite_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Join an enterprise from an invitation link by choosing a username and password."""
    invitation = Invitation.objects.with_token(token).select_related("enterprise").first()
    state = invitation.state() if invitation is not None else None
    if invitation is None or state != InvitationState.PENDING:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"state": state},
            status=404 if state is None else 410,
        )
    if request.user.is_authenticated:
        # One account holds one role: joining would need a second account.
        return render(
            request, "accounts/invitation_unusable.html", {"state": None, "signed_in": True}, status=409
        )
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except InvitationUnusable as exc:
            return render(request, "accounts/invitation_unusable.html", {"state": exc.state}, status=410)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(
                request, _("Welcome! You have joined %(name)s.") % {"name": invitation.enterprise.name}
            )
            return redirect("home")
    return render(request, "accounts/invite_accept.html", {"form": form, "invitation": invitation})
