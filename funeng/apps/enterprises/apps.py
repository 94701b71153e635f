from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "funeng.apps.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from funeng.apps.enterprises import audit_display

        audit_display.register()
