"""API authentication: a personal access token, or the browser session of the interactive docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from funeng.apps.api.errors import InvalidToken
from funeng.apps.api.services import token_authenticate

# An access function such as can_import_enterprises(user).
Allowed = Callable[[AbstractBaseUser | AnonymousUser], bool]


def _refuse_unless_allowed(allowed: Allowed | None, user: AbstractBaseUser | AnonymousUser) -> None:
    if allowed is not None and not allowed(user):
        raise PermissionDenied


class TokenAuth(HttpBearer):
    """`Authorization: Bearer fn_…`.

    A header that is present but wrong is refused outright (401) instead of falling through to
    the session, so a client never silently acts as whoever is logged in to the browser.
    """

    def __init__(self, *, allowed: Allowed | None = None) -> None:
        super().__init__()
        self.allowed = allowed

    def __call__(self, request: HttpRequest) -> Any | None:
        value = request.headers.get(self.header)
        if value is None:
            return None
        scheme, _, secret = value.partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            raise InvalidToken
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_authenticate(secret=token, now=timezone.now())
        if user is None:
            raise InvalidToken
        # Access functions and services read request.user, as they do for the pages.
        request.user = user  # type: ignore[assignment]
        _refuse_unless_allowed(self.allowed, user)
        return user


class BrowserSessionAuth(SessionAuth):
    """The logged-in session, for the docs page; writes still need the CSRF token.

    Ninja checks CSRF before looking at the session, so a request with neither token nor session
    would be answered 403 (CSRF) instead of 401; only check CSRF when there is a session user.
    """

    def __init__(self, *, allowed: Allowed | None = None) -> None:
        super().__init__()
        self.allowed = allowed

    def __call__(self, request: HttpRequest) -> Any | None:
        if not request.user.is_authenticated:
            return None
        # Before the CSRF check, which reads the body of a POST.
        _refuse_unless_allowed(self.allowed, request.user)
        return super().__call__(request)


def api_auth(allowed: Allowed | None = None) -> list[TokenAuth | BrowserSessionAuth]:
    """Token or browser session; a user `allowed` refuses gets a 403 before the request body is read.

    Ninja parses an operation's parameters before calling it, so a check inside the endpoint comes
    after the body was read; for an upload that is a 100 MB file parsed for a user refused anyway.
    """
    return [TokenAuth(allowed=allowed), BrowserSessionAuth(allowed=allowed)]


API_AUTH = api_auth()
