"""The API tokens page: list, create (the secret is shown once) and revoke your own tokens."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from funeng.apps.api.access import access_token_for_user, tokens_of
from funeng.apps.api.services import token_create, token_revoke

EXPIRY_CHOICES = [
    ("", gettext_lazy("Never")),
    ("30", gettext_lazy("In 30 days")),
    ("90", gettext_lazy("In 90 days")),
    ("365", gettext_lazy("In one year")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “monthly report script”."),
    )
    expires_in = forms.ChoiceField(label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, required=False)

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


def _signed_in(request: HttpRequest) -> AbstractBaseUser:
    """request.user behind login_required, typed as the user it is."""
    if not isinstance(request.user, AbstractBaseUser):
        raise PermissionDenied
    return request.user


@never_cache
@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    """Your tokens; a POST creates one and shows its secret on this response only."""
    secret = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            _token, secret = token_create(
                user=_signed_in(request),
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
            # Rendered, not redirected: the secret must not pass through the messages cookie.
            form = TokenCreateForm()
    else:
        form = TokenCreateForm()
    context = {"form": form, "secret": secret, "tokens": tokens_of(request.user), "now": timezone.now()}
    return render(request, "api/tokens.html", context)


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your tokens; programs using it get 401 from now on."""
    token = access_token_for_user(request.user, token_id)
    token_revoke(token=token, acting_user=_signed_in(request))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("tokens:list")
