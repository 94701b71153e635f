"""Small helpers every app's pages share: who is signed in, sign-up gates, service errors on forms,
and the one pattern of pages that run a service (Action and @action_view).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
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


def form_errors_from(form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError next to the form fields it names (`aliases`: service name → form field)."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, field_messages in by_field.items():
        field = (aliases or {}).get(field, field)
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


Target = tuple[Any, ...]  # what redirect() takes: a URL name and its arguments, or a URL


@dataclass(frozen=True)
class Action:
    """What a page does with a service: the call, the message on success, where the visitor goes next.

    A view decorated with @action_view checks access first, in its own body, then returns an Action
    (or any response of its own, such as a redirect for a form it refuses). The decorator runs the
    call, so every page handles a refused change the same way: a service's ValidationError goes next
    to the fields of `form`, which is shown again on `template`; without a form, each error becomes a
    message and the visitor is redirected as after a success.

    With a form, the call runs only on a POST whose form is valid; otherwise the form page is shown.
    `success` and `redirect_to` may depend on the call's result (None after a refusal); `then` runs
    after a success, before the message (e.g. logging in the account a sign-up created).
    """

    call: Callable[[], Any]
    success: str | Callable[[Any], str]
    redirect_to: Target | Callable[[Any], Target]
    form: forms.Form | None = None
    template: str = ""
    then: Callable[[Any], None] | None = None

    def respond(self, request: HttpRequest) -> HttpResponse:
        """Run the call and answer the request (see the class docstring)."""
        if self.form is not None and not (request.method == "POST" and self.form.is_valid()):
            return self._form_page(request)
        try:
            result = self.call()
        except ValidationError as error:
            if self.form is not None:
                form_errors_from(self.form, error)
                return self._form_page(request)
            for message in error.messages:
                messages.error(request, message)
            result = None
        else:
            if self.then is not None:
                self.then(result)
            messages.success(request, self.success(result) if callable(self.success) else self.success)
        target = self.redirect_to(result) if callable(self.redirect_to) else self.redirect_to
        return redirect(*target)

    def _form_page(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, {"form": self.form})


def action_view(view: Callable[..., Action | HttpResponse]) -> ViewFunc:
    """Turn a view that returns an Action into a Django view (a response it returns passes through)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        outcome = view(request, *args, **kwargs)
        return outcome.respond(request) if isinstance(outcome, Action) else outcome

    return wrapper
