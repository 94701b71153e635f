from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "funeng.apps.tasks"
    label = "tasks"
    verbose_name = _("Background tasks")

    def ready(self) -> None:
        # Each app registers its task kinds in its own tasks.py; importing them here means the
        # worker knows every kind without this lower app importing the apps above it.
        autodiscover_modules("tasks")
