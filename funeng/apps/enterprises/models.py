"""The enterprise registry: one row per enterprise with official codes and derived classes."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from funeng.apps.enterprises.const import CloudLevel, SizeClass
from funeng.apps.enterprises.validators import (
    validate_credit_code,
    validate_industry_code,
    validate_region_code,
)

_MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}
_NON_NEGATIVE = [MinValueValidator(0)]


class Enterprise(models.Model):
    """An enterprise with its 统一社会信用代码, GB/T 4754 industry and GB/T 2260 region."""

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("name"), max_length=200)
    industry_code = models.CharField(
        _("industry code"), max_length=4, validators=[validate_industry_code], db_index=True,
        help_text=_("GB/T 4754-2017 class, 4 digits"),
    )
    region_code = models.CharField(
        _("region code"), max_length=6, validators=[validate_region_code], db_index=True,
        help_text=_("GB/T 2260 code; county level allowed"),
    )
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_cny = models.DecimalField(_("operating revenue (CNY)"), validators=_NON_NEGATIVE, **_MONEY)
    assets_cny = models.DecimalField(_("total assets (CNY)"), validators=_NON_NEGATIVE, **_MONEY)
    rd_expense_cny = models.DecimalField(_("R&D expense (CNY)"), validators=_NON_NEGATIVE, **_MONEY)
    invention_patents = models.PositiveIntegerField(_("invention patents"), null=True, blank=True)
    utility_models = models.PositiveIntegerField(_("utility model patents"), null=True, blank=True)
    design_patents = models.PositiveIntegerField(_("design patents"), null=True, blank=True)
    software_copyrights = models.PositiveIntegerField(_("software copyrights"), null=True, blank=True)
    cloud_level = models.CharField(
        _("cloud adoption"), max_length=16, choices=CloudLevel.choices, blank=True, default=""
    )
    cloud_spend_cny = models.DecimalField(_("yearly cloud spend (CNY)"), validators=_NON_NEGATIVE, **_MONEY)
    # Financial fields the policy engine reads (专精特新 criteria): growth, focus, leverage, R&D staff.
    revenue_prev_cny = models.DecimalField(
        _("operating revenue, previous year (CNY)"), validators=_NON_NEGATIVE, **_MONEY
    )
    main_business_revenue_cny = models.DecimalField(
        _("main business revenue (CNY)"), validators=_NON_NEGATIVE, **_MONEY
    )
    net_profit_cny = models.DecimalField(_("net profit (CNY)"), **_MONEY)
    liabilities_cny = models.DecimalField(_("total liabilities (CNY)"), validators=_NON_NEGATIVE, **_MONEY)
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)

    # Derived by engines.classify; never edited by hand.
    size_class = models.CharField(
        _("size class"), max_length=16, choices=SizeClass.choices, blank=True, default="", db_index=True
    )
    size_reason = models.CharField(_("size class reason"), max_length=32, blank=True, default="")
    de_codes = models.JSONField(_("digital-economy classes"), default=list, blank=True)
    de_core = models.BooleanField(_("digital-economy core industry"), default=False)
    classified_with = models.CharField(_("classification engine version"), max_length=32, blank=True, default="")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"
