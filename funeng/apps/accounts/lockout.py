"""Login lockout per username and address (django-axes), plus a higher limit per address alone."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def address_failures(request: HttpRequest) -> int:
    """Wrong passwords from the request's address within the cool-off time, whatever the username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return int(total or 0)


def address_locked(request: HttpRequest) -> bool:
    """The address itself has failed too often: someone is trying many usernames from it."""
    return address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no type hints
    """Axes' database handler with a second limit on the address alone.

    The pair limit (5 by default) stops guessing one user's password without letting a stranger
    lock a colleague out; the address limit (30 by default) stops trying a few passwords on many
    usernames from one address, while an office behind one NAT address keeps room for typos.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if address_locked(request):
            # Axes compares one number with one limit: report "at the limit" for a locked address.
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures
