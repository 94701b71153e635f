from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "funeng.apps.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from funeng.apps.policies.audit_display import register

        register()
