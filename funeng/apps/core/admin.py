"""Operators manage memberships (who acts for which tenant) in Django admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.core.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "enterprise", "provider", "institution", "region_code")
    list_filter = ("role",)
    search_fields = ("user__username", "region_code")
    raw_id_fields = ("user", "enterprise")


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Operators look at records here; changes go through the platform's pages, which audit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
