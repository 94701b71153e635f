"""Operators manage banks in Django admin; consents and their reads are evidence, never edited here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution

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
