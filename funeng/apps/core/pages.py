"""Small helpers every app's pages share: who is signed in, sign-up gates, service errors on forms."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

# Self-service sign-ups are logged in straight away; name the backend because two are configured.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"

ViewFunc = Callable[..., HttpResponse]


def signed_in(request: HttpRequest) -> User:
    """request.user behind login_required, typed as the user it is."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def anonymous_only(view: ViewFunc) -> ViewFunc:
    """Sign-up pages are for people without an account: a signed-in user goes home."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            messages.info(request, _("You are already logged in; log out first to create another account."))
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapper


def form_errors_from(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form fields it names."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, field_messages in by_field.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


CONFIRMED_FIELD = "confirmed"


def confirmation_page(
    request: HttpRequest, *, title: str, consequence: str, action: str, back_url: str
) -> HttpResponse | None:
    """Ask once more before an irreversible or mass action; None once the person has confirmed.

    The page posts the same fields again with `confirmed=1`, so it works without JavaScript and a
    stray click or a replayed form never acts on its own.
    """
    if request.POST.get(CONFIRMED_FIELD) == "1":
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRMED_FIELD)
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "consequence": consequence,
        "action": action,
        "back_url": back_url,
        "fields": fields,
        "post_url": request.get_full_path(),
    }
    return render(request, "core/confirm.html", context)


SUBMIT_TOKEN_FIELD = "submit_token"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
# How long a second post waits for the first one (still running) to say where it led.
WAIT_FOR_FIRST = 5.0


def new_submit_token() -> str:
    """A fresh one-time token for a form (templates: {% submit_token %})."""
    return uuid.uuid4().hex


def submit_once(view: ViewFunc) -> ViewFunc:
    """Let a form's post do its work once: a repeated post of the same token goes where the first went.

    The token row is committed before the view runs, so of two simultaneous posts only one gets
    past it; a post that ends without a redirect (the form had errors) frees the token again.
    Posts without a token (API clients, old pages) are let through: the services' own duplicate
    checks still apply to them.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = request.POST.get(SUBMIT_TOKEN_FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.match(token):
            return view(request, *args, **kwargs)
        from funeng.apps.core.models import SubmittedForm

        user_id = request.user.pk if request.user.is_authenticated else None
        try:
            with transaction.atomic():
                claim = SubmittedForm.objects.create(token=token, user_id=user_id, path=request.path[:300])
        except IntegrityError:
            return _already_submitted(request, token)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            SubmittedForm.objects.filter(pk=claim.pk).delete()
            raise
        if response.status_code in (301, 302, 303):
            SubmittedForm.objects.filter(pk=claim.pk).update(result_url=response["Location"][:500])
        else:
            SubmittedForm.objects.filter(pk=claim.pk).delete()
        return response

    return wrapper


def _already_submitted(request: HttpRequest, token: str) -> HttpResponse:
    from funeng.apps.core.models import SubmittedForm

    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        earlier = SubmittedForm.objects.filter(token=token).values_list("result_url", flat=True).first()
        if earlier or earlier is None or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    messages.info(request, _("This form had already been sent; it was carried out once."))
    return redirect(earlier or request.path)
