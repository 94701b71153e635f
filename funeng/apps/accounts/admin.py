"""Operators manage tenants and memberships in Django admin; consents are changed only by enterprises."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.accounts.models import (
    Consent,
    ConsentRead,
    FinancialInstitution,
    Invitation,
    Membership,
    Provider,
)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "enterprise", "provider", "institution", "region_code")
    list_filter = ("role",)
    search_fields = ("user__username", "region_code")
    raw_id_fields = ("user", "enterprise")


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "credit_code", "region_code", "vetting_state")
    list_filter = ("vetting_state",)
    search_fields = ("name", "credit_code")
    # Vetting decisions go through the providers pages, which validate the transition and audit it.
    readonly_fields = ("vetting_state", "vetting_reason")


admin.site.register(FinancialInstitution)


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


@admin.register(Consent, ConsentRead)
class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Consents and their reads are evidence: visible to operators, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
