from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "funeng.apps.assessment"
    label = "assessment"
    verbose_name = _("Digital maturity assessment")

    def ready(self) -> None:
        from funeng.apps.assessment.audit_display import register

        register()
