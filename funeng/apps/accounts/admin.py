"""Operators see invitations and enterprise claims in Django admin; the platform's pages make and decide them."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.accounts.models import ClaimCode, ClaimDocument, EnterpriseClaim, Invitation
from funeng.apps.core.admin import ReadOnlyAdmin


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


@admin.register(EnterpriseClaim)
class EnterpriseClaimAdmin(ReadOnlyAdmin):
    """Claims are decided on the claim review pages, which audit the decision and create the membership."""

    list_display = (
        "name",
        "credit_code",
        "user",
        "proof",
        "state",
        "region_code",
        "created_at",
        "decided_at",
    )
    list_filter = ("state", "proof")
    search_fields = ("name", "credit_code", "user__username")


@admin.register(ClaimCode)
class ClaimCodeAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "issued_by", "issued_at", "expires_at", "used_at", "revoked_at")
    exclude = ("code_hash",)


admin.site.register(ClaimDocument, ReadOnlyAdmin)
