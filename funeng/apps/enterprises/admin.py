"""Django admin for operators; changes go through the services so they are classified and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.enterprises.classification import DERIVED_FIELDS
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create, enterprise_update


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "credit_code", "industry_code", "region_code", "size_class", "de_core")
    list_filter = ("size_class", "de_core", "cloud_level")
    search_fields = ("name", "credit_code")
    readonly_fields = (*DERIVED_FIELDS, "created_at", "updated_at")
    fields = (*EDITABLE_FIELDS, *readonly_fields)

    def save_model(self, request: HttpRequest, obj: Enterprise, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            fresh = Enterprise.objects.get(pk=obj.pk)
            enterprise_update(enterprise=fresh, acting_user=request.user, **values)
        else:
            created = enterprise_create(acting_user=request.user, **values)
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Enterprise | None = None) -> bool:
        # Deleting registry entries is not offered until deletions are audited through a service.
        return False
