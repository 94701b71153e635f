"""Attempts per client address: sign-ups and password resets are limited to a few an hour.

Each of these posts costs little to send and something to answer (an account, a claim in an
official's queue, an email, a guess at a claim code), so one address may make at most
THROTTLE_ATTEMPTS of them per scope within THROTTLE_WINDOW; further posts get a 429 page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from funeng.apps.core.models import ThrottleHit
from funeng.apps.core.pages import ViewFunc

# Scopes: the enterprise and provider sign-ups and a signed-in user's new claim share one, so
# switching forms gives no extra attempts.
REGISTER = "register"
PASSWORD_RESET = "password_reset"


@dataclass(frozen=True)
class Refusal:
    """Why an attempt was refused: the limit, and when the oldest counted attempt stops counting."""

    limit: int
    retry_at: dt.datetime


def client_address_hash(request: HttpRequest) -> str:
    """A keyed hash of the client's address, found the way the login lockout finds it (proxies too)."""
    address = get_client_ip_address(request) or "unknown"
    return salted_hmac("funeng.throttle", address, algorithm="sha256").hexdigest()


def throttle_attempt(request: HttpRequest, scope: str, *, now: dt.datetime | None = None) -> Refusal | None:
    """Count one attempt from the request's address; a Refusal (nothing counted) once over the limit.

    Refused attempts are not stored, so a flood neither grows the table nor extends the wait
    beyond one window after the last accepted attempt. Two workers may both accept the last
    free attempt at the same moment; one attempt over the limit does not matter here.
    """
    now = now or timezone.now()
    window: dt.timedelta = settings.THROTTLE_WINDOW
    limit: int = settings.THROTTLE_ATTEMPTS
    since = now - window
    ThrottleHit.objects.filter(at__lt=since).delete()
    key = client_address_hash(request)
    recent = ThrottleHit.objects.filter(scope=scope, address_hash=key, at__gte=since)
    if recent.count() >= limit:
        oldest = recent.order_by("at").values_list("at", flat=True).first() or now
        return Refusal(limit=limit, retry_at=oldest + window)
    ThrottleHit.objects.create(scope=scope, address_hash=key, at=now)
    return None


def throttled_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The 429 page: what happened, and when to try again."""
    wait = max(refusal.retry_at - timezone.now(), dt.timedelta(0))
    context = {
        "limit": refusal.limit,
        "window_minutes": int(settings.THROTTLE_WINDOW.total_seconds() // 60),
        "retry_at": timezone.localtime(refusal.retry_at),
    }
    response = render(request, "core/throttled.html", context, status=429)
    response["Retry-After"] = str(int(wait.total_seconds()) + 1)
    return response


def throttled(scope: str) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a view: each POST counts as an attempt of `scope` from the client's address."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                refusal = throttle_attempt(request, scope)
                if refusal is not None:
                    return throttled_response(request, refusal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
