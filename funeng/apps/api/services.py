"""Create, revoke and use personal access tokens; creation and revocation are audited."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from funeng.apps.api.models import DISPLAY_LENGTH, TOKEN_PREFIX, PersonalAccessToken, secret_hash
from funeng.apps.audit.models import AuditAction
from funeng.apps.audit.services import audit_record
from funeng.apps.core.db import bookkeeping_write

# Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)
_MAX_SECRET_LENGTH = 100  # real secrets are 46 characters; anything longer is not worth hashing


@transaction.atomic
def token_create(
    *, user: AbstractBaseUser, name: str, expires_at: dt.datetime | None = None
) -> tuple[PersonalAccessToken, str]:
    """Create a token for `user`; return it with its secret, which is never stored or logged."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken(
        user_id=user.pk,
        name=name.strip(),
        prefix=secret[:DISPLAY_LENGTH],
        secret_hash=secret_hash(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    changes: dict[str, list[object]] = {"name": [None, token.name], "prefix": [None, token.prefix]}
    if expires_at is not None:
        changes["expires_at"] = [None, expires_at.isoformat()]
    audit_record(actor=user, action=AuditAction.CREATE, obj=token, changes=changes)
    return token, secret


@transaction.atomic
def token_revoke(*, token: PersonalAccessToken, acting_user: AbstractBaseUser) -> PersonalAccessToken:
    """Revoke a token from now on; revoking twice changes nothing and records nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=token,
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token


def token_authenticate(*, secret: str, now: dt.datetime) -> AbstractBaseUser | None:
    """The active user owning a usable token with this secret, else None; notes when it was used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > _MAX_SECRET_LENGTH:
        return None
    token = PersonalAccessToken.objects.select_related("user").filter(secret_hash=secret_hash(secret)).first()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        # Bookkeeping on what is often a read: a busy database skips the note, never the call. The
        # condition is repeated in SQL so parallel calls of one token write once, not once each.
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_GRANULARITY)
        with bookkeeping_write("noting when an API token was last used"):
            PersonalAccessToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    return token.user
