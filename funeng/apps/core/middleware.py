"""Security headers that Django does not set itself, the user's language, and request logging."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation

# Everything is served from our own origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Add a strict Content-Security-Policy header to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs page (added later) may set its own policy.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class LanguageMiddleware:
    """Chinese unless the user chose otherwise: the language cookie decides, Accept-Language does not.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
    browser would never see the Chinese UI that is this platform's default.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        return response


request_logger = logging.getLogger("funeng.request")
# An id a proxy already gave the request is kept if it looks like one (letters, digits, - and _).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class RequestLogMiddleware:
    """Give every request an id (shown on error pages, sent back as X-Request-ID) and log it with its duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex[:16]
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        response.headers["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s %.1fms user=%s request_id=%s",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            user.pk if user is not None and user.is_authenticated else "-",
            request_id,
            extra={"request_id": request_id, "status": response.status_code, "duration_ms": duration_ms},
        )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Log the failure with the request id the error page shows, so a user's report finds it.

        Exceptions Django answers with a 4xx (not found, refused, bad request) are the client's, not
        the server's: the request line above records them, and no traceback is logged.
        """
        if isinstance(exception, Http404 | PermissionDenied | BadRequest | SuspiciousOperation):
            return
        request_logger.error(
            "unhandled error on %s %s request_id=%s",
            request.method,
            request.path,
            getattr(request, "request_id", "-"),
            exc_info=exception,
        )
