from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "funeng.apps.lending"
    label = "lending"
    verbose_name = _("Lending")
