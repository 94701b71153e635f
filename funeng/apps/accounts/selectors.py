"""Account reads for other apps' pages."""

from __future__ import annotations

from funeng.apps.accounts.models import EnterpriseClaim
from funeng.apps.core.identity import User


def claim_latest_of(user: User) -> EnterpriseClaim | None:
    """The user's own most recent enterprise claim (None for anonymous users and users who never claimed)."""
    if not user.is_authenticated:
        return None
    return EnterpriseClaim.objects.filter(user_id=user.pk).order_by("-created_at", "-id").first()
