"""Operators see invitations in Django admin; enterprises create, revoke and accept them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.accounts.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Invitations are created, revoked and accepted by enterprises; operators only look."""

    list_display = (
        "email",
        "enterprise",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    search_fields = ("email", "enterprise__name")
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
