from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "funeng.apps.matching"
    label = "matching"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from funeng.apps.matching.audit_display import register

        register()
