"""Finance enums and limits: cloud-service categories, investment categories, provenance."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.TextChoices):
    """What a cloud bill line pays for (the keys engines.credit.collateral reads)."""

    COMPUTE = "compute", _("Compute")
    STORAGE = "storage", _("Storage")
    SAAS = "saas", _("SaaS")
    INDUSTRIAL_INTERNET = "industrial_internet", _("Industrial internet platform")
    OTHER = "other", _("Other cloud service")


class InvestmentCategory(models.TextChoices):
    SMART_EQUIPMENT = "smart_equipment", _("Smart equipment")
    DIGITAL_TRANSFORMATION_PROJECT = "digital_transformation_project", _("Digital transformation project")
    SOFTWARE = "software", _("Software")
    OTHER = "other", _("Other digital investment")


class Provenance(models.TextChoices):
    """Who vouches for a record; a bank weighs them differently (engines.credit.collateral)."""

    PROVIDER_REPORTED = "provider_reported", _("Reported by the cloud provider")
    PLATFORM_VERIFIED = "platform_verified", _("Verified by the platform")
    OFFICIAL_VERIFIED = "official_verified", _("Verified by an official")
    SELF_DECLARED = "self_declared", _("Declared by the enterprise")


class EvidenceKind(models.TextChoices):
    CLOUD_USAGE = "cloud_usage", _("Cloud bill")
    DIGITAL_INVESTMENT = "digital_investment", _("Digital investment")


# One month of cloud services for an SME: even a heavy user (a few hundred servers) pays far below
# ten million yuan. A figure above it is almost always a bill typed in 万元 into a 元 column, so
# the import refuses it rather than store a credit figure 10,000 times too large.
MAX_MONTHLY_CLOUD_BILL_CNY = Decimal(10_000_000)
# One invoice for equipment or a project; larger ones are split over several invoices anyway.
MAX_INVESTMENT_CNY = Decimal(1_000_000_000)
# Cloud bills are accepted from January 2000 on (before that there was no public cloud to bill).
FIRST_BILL_YEAR = 2000
# Rows a provider sends in one file or one API call.
MAX_ROWS_PER_IMPORT = 20_000
# Evidence files (invoices, contracts, acceptance reports): scans as PDF or pictures.
EVIDENCE_TYPES = ("pdf", "png", "jpeg")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_DIR = "finance"
# The invoice_number of the investment a delivered deal records: stable, one per deal.
DEAL_REFERENCE = "FUNENG-DEAL-{deal_id}"
