"""Who may manage which personal access token: only its owner."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from funeng.apps.api.models import PersonalAccessToken


def tokens_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[PersonalAccessToken]:
    """The tokens a user may list and revoke: their own."""
    if not user.is_authenticated:
        return PersonalAccessToken.objects.none()
    return PersonalAccessToken.objects.filter(user_id=user.pk)


def access_token_for_user(user: AbstractBaseUser | AnonymousUser, token_id: int) -> PersonalAccessToken:
    """The user's own token, else 404 (another user's token is not revealed)."""
    try:
        return tokens_of(user).get(pk=token_id)
    except PersonalAccessToken.DoesNotExist:
        raise Http404 from None
