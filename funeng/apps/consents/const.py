"""Data categories (分类分级) an enterprise shares with a bank, and how a grantee read the data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.consents import categories


class DataCategory(models.TextChoices):
    """Categories of enterprise data an enterprise may share with a bank (分类分级)."""

    PROFILE = categories.PROFILE, _("Registration profile")
    FINANCIALS = categories.FINANCIALS, _("Financial figures")
    INNOVATION = categories.INNOVATION, _("R&D and intellectual property")
    DIGITAL = categories.DIGITAL, _("Cloud use and digital investment")


class ReadChannel(models.TextChoices):
    """How a grantee read consented data."""

    WEB = "web", _("Web page")
    API = "api", _("REST API")
    EXPORT = "export", _("Export")
    # A bank tried to read after the consent ended: nothing was shown, and the enterprise sees the try.
    REFUSED = "refused", _("Refused: consent no longer in force")
