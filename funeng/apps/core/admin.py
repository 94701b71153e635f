"""Operators manage memberships (who acts for which tenant) in Django admin."""

from __future__ import annotations

from django.contrib import admin

from funeng.apps.core.models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "enterprise", "provider", "institution", "region_code")
    list_filter = ("role",)
    search_fields = ("user__username", "region_code")
    raw_id_fields = ("user", "enterprise")
