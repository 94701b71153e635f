"""Read-only audit browser for operators."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from funeng.apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "occurred_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "region_code",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "object_repr", "actor_label")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)
