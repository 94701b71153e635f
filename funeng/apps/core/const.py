"""The platform's roles: each portal (enterprise, provider, bank, official, operator) is one role."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    PROVIDER = "provider", _("Service provider user")
    BANK = "bank", _("Financial institution user")
    OFFICIAL = "official", _("Government official")
    ADMIN = "admin", _("Platform administrator")
