"""Choices and limits of loan products, applications, loans and repayments."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

# An SME loan on this platform: up to 100 million yuan, up to 10 years, at most 24 % a year
# (the ceiling Chinese courts protect for private lending is lower still; banks price far below).
MAX_LOAN_CNY = 100_000_000
MAX_TERM_MONTHS = 120
MAX_RATE_PERCENT = Decimal(24)
MAX_NOTE = 1000
MAX_NAME = 200
# How long the consent an application grants lasts: the bank decides and monitors within a year.
CONSENT_DAYS = 365
# Applications a bank still has to answer: one of these per enterprise and product at a time.
OPEN_STATUSES = ("submitted", "more_info")


class LoanKind(models.TextChoices):
    CLOUD_CREDIT = "cloud_credit", _("Cloud-usage loan (云量贷)")
    OTHER = "other", _("Other loan")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFO = "more_info", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    MORE_INFO = "more_info", _("Ask for more information")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REPAID = "repaid", _("Repaid")
    DEFAULTED = "defaulted", _("Defaulted")


class RepaymentStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    OVERDUE = "overdue", _("Overdue")
    DEFAULTED = "defaulted", _("Defaulted")
