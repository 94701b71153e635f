from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharedWorkforceConfig(AppConfig):
    name = "funeng.apps.shared_workforce"
    label = "shared_workforce"
    verbose_name = _("Shared workforce")
