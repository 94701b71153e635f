"""API authentication: a personal access token, or the browser session of the interactive docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from funeng.apps.api.errors import InvalidToken
from funeng.apps.api.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer fn_…`.

    A header that is present but wrong is refused outright (401) instead of falling through to
    the session, so a client never silently acts as whoever is logged in to the browser.
    """

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
        return user


class BrowserSessionAuth(SessionAuth):
    """The logged-in session, for the docs page; writes still need the CSRF token.

    Ninja checks CSRF before looking at the session, so a request with neither token nor session
    would be answered 403 (CSRF) instead of 401; only check CSRF when there is a session user.
    """

    def __call__(self, request: HttpRequest) -> Any | None:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = BrowserSessionAuth()
API_AUTH = [token_auth, session_auth]
