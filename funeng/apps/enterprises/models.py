"""The enterprise registry: one row per enterprise with official codes and derived classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from funeng.apps.enterprises.const import CloudLevel, SizeClass
from funeng.apps.enterprises.validators import (
    validate_credit_code,
    validate_industry_code,
    validate_region_code,
)


def money_field(verbose_name: StrOrPromise, *, signed: bool = False) -> models.DecimalField:  # type: ignore[type-arg]
    """An optional amount in CNY with cents; null means unknown, never zero."""
    return models.DecimalField(
        verbose_name,
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[] if signed else [MinValueValidator(0)],
    )


class Enterprise(models.Model):
    """An enterprise with its 统一社会信用代码, GB/T 4754 industry and GB/T 2260 region."""

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("name"), max_length=200)
    industry_code = models.CharField(
        _("industry code"),
        max_length=4,
        validators=[validate_industry_code],
        db_index=True,
        help_text=_("GB/T 4754-2017 class, 4 digits"),
    )
    region_code = models.CharField(
        _("region code"),
        max_length=6,
        validators=[validate_region_code],
        db_index=True,
        help_text=_("GB/T 2260 code; county level allowed"),
    )
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_cny = money_field(_("operating revenue (CNY)"))
    assets_cny = money_field(_("total assets (CNY)"))
    rd_expense_cny = money_field(_("R&D expense (CNY)"))
    invention_patents = models.PositiveIntegerField(_("invention patents"), null=True, blank=True)
    utility_models = models.PositiveIntegerField(_("utility model patents"), null=True, blank=True)
    design_patents = models.PositiveIntegerField(_("design patents"), null=True, blank=True)
    software_copyrights = models.PositiveIntegerField(_("software copyrights"), null=True, blank=True)
    cloud_level = models.CharField(
        _("cloud adoption"), max_length=16, choices=CloudLevel.choices, blank=True, default=""
    )
    cloud_spend_cny = money_field(_("yearly cloud spend (CNY)"))
    # Financial fields the policy engine reads (专精特新 criteria): growth, focus, leverage, R&D staff.
    revenue_prev_cny = money_field(_("operating revenue, previous year (CNY)"))
    main_business_revenue_cny = money_field(_("main business revenue (CNY)"))
    net_profit_cny = money_field(_("net profit (CNY)"), signed=True)
    liabilities_cny = money_field(_("total liabilities (CNY)"))
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)

    # Derived by engines.classify; never edited by hand.
    size_class = models.CharField(
        _("size class"), max_length=16, choices=SizeClass.choices, blank=True, default="", db_index=True
    )
    size_reason = models.CharField(_("size class reason"), max_length=32, blank=True, default="")
    de_codes = models.JSONField(_("digital-economy classes"), default=list, blank=True)
    de_core = models.BooleanField(_("digital-economy core industry"), default=False)
    classified_with = models.CharField(
        _("classification engine version"), max_length=32, blank=True, default=""
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"
