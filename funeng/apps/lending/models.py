"""Scorecards, loan products, applications, loans, repayments and approved interest subsidies.

An application keeps what the bank saw when it was scored (the assessment): the score, the
probability of default, the reason codes, the recognised digital assets and the facts used, each
from a data category the enterprise consented to. The bank's decision and the loan follow it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funeng.apps.core.fields import acting_user_field
from funeng.apps.core.money import money_model_field
from funeng.apps.lending.const import (
    MAX_LOAN_CNY,
    MAX_NAME,
    MAX_NOTE,
    OPEN_STATUSES,
    ApplicationStatus,
    LoanKind,
    LoanStatus,
    RepaymentStatus,
)


class Scorecard(models.Model):
    """A bank's scorecard: the model file of engines.credit (JSON), never pickle."""

    institution = models.ForeignKey(
        "consents.FinancialInstitution",
        on_delete=models.PROTECT,
        related_name="scorecards",
        verbose_name=_("financial institution"),
    )
    name = models.CharField(_("name"), max_length=MAX_NAME)
    model = models.JSONField(_("model"))
    demo = models.BooleanField(_("demo scorecard"), default=False)
    created_by = acting_user_field(_("created by"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["institution_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"], name="scorecard_name_unique_per_institution"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LoanProduct(models.Model):
    """A loan a bank offers on the platform, with the data it needs and who may apply."""

    institution = models.ForeignKey(
        "consents.FinancialInstitution",
        on_delete=models.PROTECT,
        related_name="loan_products",
        verbose_name=_("financial institution"),
    )
    name = models.CharField(_("name"), max_length=MAX_NAME)
    kind = models.CharField(_("kind"), max_length=16, choices=LoanKind.choices)
    annual_rate = models.DecimalField(_("annual rate (%)"), max_digits=5, decimal_places=2)
    min_amount_cny = money_model_field(_("smallest amount (CNY)"), max_digits=12, max_value=MAX_LOAN_CNY)
    max_amount_cny = money_model_field(_("largest amount (CNY)"), max_digits=12, max_value=MAX_LOAN_CNY)
    term_months = models.PositiveSmallIntegerField(_("longest term (months)"))
    required_categories = models.JSONField(_("data the bank needs"), default=list)
    # A policy programme (engines/rules) whose conditions decide who may apply; blank: anyone.
    eligibility_programme = models.CharField(_("eligibility rules"), max_length=64, blank=True)
    # A programme whose benefit subsidises the interest of this product's loans; blank: none.
    subsidy_programme = models.CharField(_("interest subsidy"), max_length=64, blank=True)
    scorecard = models.ForeignKey(
        Scorecard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("scorecard"),
    )
    description = models.TextField(_("description"), max_length=MAX_NOTE, blank=True)
    active = models.BooleanField(_("open for applications"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        ordering = ["institution_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"], name="loan_product_name_unique_per_institution"
            ),
            models.CheckConstraint(
                condition=Q(min_amount_cny__lte=models.F("max_amount_cny")), name="loan_product_amount_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LoanApplication(models.Model):
    """An enterprise's application for a product, the assessment the bank saw, and the bank's answer."""

    product = models.ForeignKey(
        LoanProduct, on_delete=models.PROTECT, related_name="applications", verbose_name=_("loan product")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="loan_applications",
        verbose_name=_("enterprise"),
    )
    amount_cny = money_model_field(_("amount (CNY)"), max_digits=12, max_value=MAX_LOAN_CNY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    purpose = models.CharField(_("purpose"), max_length=MAX_NOTE)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    consent = models.ForeignKey(
        "consents.Consent",
        on_delete=models.PROTECT,
        related_name="loan_applications",
        verbose_name=_("consent"),
    )
    assessment = models.JSONField(_("assessment"), default=dict)
    submitted_by = acting_user_field(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = acting_user_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note to the enterprise"), max_length=MAX_NOTE, blank=True)
    approved_amount_cny = money_model_field(
        _("approved amount (CNY)"), max_digits=12, max_value=MAX_LOAN_CNY, null=True, blank=True
    )
    approved_rate = models.DecimalField(
        _("approved rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("loan application")
        verbose_name_plural = _("loan applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # A double submit never makes two applications the bank has to answer.
            models.UniqueConstraint(
                fields=["enterprise", "product"],
                condition=Q(status__in=OPEN_STATUSES),
                name="loan_application_one_open_per_product",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.product}"


class Loan(models.Model):
    """A loan the bank granted on an approved application."""

    application = models.OneToOneField(
        LoanApplication, on_delete=models.PROTECT, related_name="loan", verbose_name=_("application")
    )
    product = models.ForeignKey(
        LoanProduct, on_delete=models.PROTECT, related_name="loans", verbose_name=_("loan product")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="loans", verbose_name=_("enterprise")
    )
    institution = models.ForeignKey(
        "consents.FinancialInstitution",
        on_delete=models.PROTECT,
        related_name="loans",
        verbose_name=_("financial institution"),
    )
    amount_cny = money_model_field(_("amount (CNY)"), max_digits=12, max_value=MAX_LOAN_CNY)
    annual_rate = models.DecimalField(_("annual rate (%)"), max_digits=5, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    disbursed_on = models.DateField(_("disbursed on"))
    status = models.CharField(
        _("status"), max_length=16, choices=LoanStatus.choices, default=LoanStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-disbursed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.product}"


class Repayment(models.Model):
    """What the enterprise paid on a loan in one month, and whether it was on time."""

    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="repayments", verbose_name=_("loan")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    interest_paid_cny = money_model_field(_("interest paid (CNY)"), max_digits=12, max_value=MAX_LOAN_CNY)
    principal_paid_cny = money_model_field(_("principal paid (CNY)"), max_digits=12, max_value=MAX_LOAN_CNY)
    status = models.CharField(_("status"), max_length=16, choices=RepaymentStatus.choices)
    recorded_by = acting_user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["loan_id", "month"]
        constraints = [models.UniqueConstraint(fields=["loan", "month"], name="repayment_one_per_loan_month")]

    def __str__(self) -> str:
        return f"{self.loan} {self.month:%Y-%m}"


class SubsidyApproval(models.Model):
    """An official's approval of the interest subsidy due through one bank for one month in a region."""

    institution = models.ForeignKey(
        "consents.FinancialInstitution",
        on_delete=models.PROTECT,
        related_name="subsidy_approvals",
        verbose_name=_("financial institution"),
    )
    month = models.DateField(_("month"))
    region_code = models.CharField(_("region"), max_length=6)
    amount_cny = money_model_field(_("amount (CNY)"), max_digits=14)
    loans = models.PositiveIntegerField(_("loans"))
    approved_by = acting_user_field(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("approved interest subsidy")
        verbose_name_plural = _("approved interest subsidies")
        ordering = ["-month", "institution_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "month", "region_code"],
                name="subsidy_approval_one_per_bank_month_region",
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.month:%Y-%m} {self.region_code}"
