from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "funeng.apps.consents"
    label = "consents"
    verbose_name = _("Consents")

    def ready(self) -> None:
        from funeng.apps.audit.display import register_audit_display
        from funeng.apps.consents.const import DataCategory

        for model in ("consents.consent", "consents.consentread"):
            register_audit_display(model, choices={"categories": DataCategory.choices})
