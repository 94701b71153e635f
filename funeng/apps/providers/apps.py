from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "funeng.apps.providers"
    label = "providers"
    verbose_name = _("Service providers")

    def ready(self) -> None:
        from funeng.apps.audit.display import register_audit_display
        from funeng.apps.enterprises.audit_display import region_text
        from funeng.apps.providers.services import VettingDecision

        register_audit_display(
            "providers.provider",
            labels={"decision": _("decision")},
            choices={"decision": VettingDecision.choices},
            values={"region_code": region_text},
        )
