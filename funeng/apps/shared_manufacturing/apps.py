from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharedManufacturingConfig(AppConfig):
    name = "funeng.apps.shared_manufacturing"
    label = "shared_manufacturing"
    verbose_name = _("Shared manufacturing")
