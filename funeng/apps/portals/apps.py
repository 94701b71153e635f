from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalsConfig(AppConfig):
    name = "funeng.apps.portals"
    label = "portals"
    verbose_name = _("Portals")
