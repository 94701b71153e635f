"""Operators manage banks in Django admin; consents and their reads are evidence, never edited here."""

from __future__ import annotations

from django.contrib import admin

from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution
from funeng.apps.core.admin import ReadOnlyAdmin

admin.site.register(FinancialInstitution)
admin.site.register([Consent, ConsentRead], ReadOnlyAdmin)
