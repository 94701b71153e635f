"""Operators see providers in Django admin; vetting goes through the providers pages."""

from __future__ import annotations

from django.contrib import admin

from funeng.apps.providers.models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "credit_code", "region_code", "vetting_state")
    list_filter = ("vetting_state",)
    search_fields = ("name", "credit_code")
    # Vetting decisions go through the providers pages, which validate the transition and audit it.
    readonly_fields = ("vetting_state", "vetting_reason")
