from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "funeng.apps.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.conf import settings

        from funeng.apps.audit.display import register_audit_display

        # Rows the platform itself writes against a user: password changes and audit-log downloads.
        register_audit_display(
            settings.AUTH_USER_MODEL.lower(),
            labels={"filters": _("filters"), "rows": _("rows")},
            choices={"password": [("reset", _("reset with an e-mailed link")), ("changed", _("changed"))]},
        )
