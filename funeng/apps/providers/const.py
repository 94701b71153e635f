"""States of a provider's vetting, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VettingState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
