"""Operators manage tenants and memberships in Django admin; consents are changed only by enterprises."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.accounts.models import Consent, ConsentRead, FinancialInstitution, Membership, Provider


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


admin.site.register(FinancialInstitution)


@admin.register(Consent, ConsentRead)
class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Consents and their reads are evidence: visible to operators, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
