"""Roles and states of accounts, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    PROVIDER = "provider", _("Service provider user")
    BANK = "bank", _("Financial institution user")
    OFFICIAL = "official", _("Government official")
    ADMIN = "admin", _("Platform administrator")


class VettingState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class DataCategory(models.TextChoices):
    """Categories of enterprise data an enterprise may share with a bank (分类分级)."""

    PROFILE = "profile", _("Registration profile")
    FINANCIALS = "financials", _("Financial figures")
    INNOVATION = "innovation", _("R&D and intellectual property")
    DIGITAL = "digital", _("Cloud use and digital investment")
