"""Model fields shared by several apps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def acting_user_field(verbose_name: StrOrPromise) -> models.ForeignKey[Any, Any]:
    """Who did something (started, submitted, decided…); empty for imports and generated data.

    PROTECT: a user who acted on records is deactivated, never deleted, so the record keeps its author.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )
