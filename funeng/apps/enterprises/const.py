"""Enumerations of the enterprise registry, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")
    UNDETERMINED = "undetermined", _("Undetermined")


class CloudLevel(models.TextChoices):
    """Depth of cloud adoption, after the MIIT 企业上云 levels."""

    NONE = "none", _("Not on cloud")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure on cloud")
    PLATFORM = "platform", _("Platform systems on cloud")
    BUSINESS = "business", _("Business applications on cloud")


class SrdiLevel(models.TextChoices):
    """Highest 专精特新 (SRDI) recognition held; values are engines.rules.fields.SRDI_LEVELS."""

    NONE = "none", _("Not recognised")
    POOL = "pool", _("In a cultivation pool")
    MUNICIPAL = "municipal", _("Municipal SRDI")
    PROVINCIAL = "provincial", _("Provincial SRDI")
    NATIONAL = "national", _("National little giant")


class SizeReason(models.TextChoices):
    """Why the size class is what it is (engines.classify SizeResult.reason)."""

    DECIDED = "decided", _("Decided from the figures")
    MISSING_DATA = "missing_data", _("Figures missing to decide")
    INDUSTRY_NOT_COVERED = "industry_not_covered", _("Industry not covered by the size rules")
