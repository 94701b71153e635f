"""The enterprise registry: one row per enterprise with official codes and derived classes."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from engines.rules.fields import RATIO_PLACES
from funeng.apps.core.money import money_model_field
from funeng.apps.core.validators import validate_credit_code, validate_industry_code, validate_region_code
from funeng.apps.enterprises.const import CloudLevel, SizeClass, SrdiLevel


def ratio_field(
    verbose_name: StrOrPromise, *, low: int, high: int, help_text: StrOrPromise
) -> models.DecimalField:  # type: ignore[type-arg]
    """An optional ratio as a decimal (0.05 = 5%) with RATIO_PLACES places; null means unknown."""
    return models.DecimalField(
        verbose_name,
        max_digits=RATIO_PLACES + 6,
        decimal_places=RATIO_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(low)), MaxValueValidator(Decimal(high))],
        help_text=help_text,
    )


def count_field(verbose_name: StrOrPromise, *, help_text: StrOrPromise = "") -> models.PositiveIntegerField:  # type: ignore[type-arg]
    """An optional whole number >= 0; null means unknown, never zero."""
    return models.PositiveIntegerField(verbose_name, null=True, blank=True, help_text=help_text)


def rank_field(verbose_name: StrOrPromise, *, help_text: StrOrPromise) -> models.PositiveIntegerField:  # type: ignore[type-arg]
    """An optional rank, 1 = first; null means unknown."""
    return models.PositiveIntegerField(
        verbose_name, null=True, blank=True, validators=[MinValueValidator(1)], help_text=help_text
    )


def flag_field(verbose_name: StrOrPromise, *, help_text: StrOrPromise) -> models.BooleanField:  # type: ignore[type-arg]
    """Yes, no, or unknown (null): a missing answer is never read as no."""
    return models.BooleanField(verbose_name, null=True, blank=True, default=None, help_text=help_text)


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
    # Amounts: null means unknown, never zero.
    revenue_cny = money_model_field(_("operating revenue (CNY)"), null=True, blank=True)
    assets_cny = money_model_field(_("total assets (CNY)"), null=True, blank=True)
    rd_expense_cny = money_model_field(_("R&D expense (CNY)"), null=True, blank=True)
    invention_patents = models.PositiveIntegerField(_("invention patents"), null=True, blank=True)
    utility_models = models.PositiveIntegerField(_("utility model patents"), null=True, blank=True)
    design_patents = models.PositiveIntegerField(_("design patents"), null=True, blank=True)
    software_copyrights = models.PositiveIntegerField(_("software copyrights"), null=True, blank=True)
    cloud_level = models.CharField(
        _("cloud adoption"), max_length=16, choices=CloudLevel.choices, blank=True, default=""
    )
    cloud_spend_cny = money_model_field(_("yearly cloud spend (CNY)"), null=True, blank=True)
    cloud_loan_interest_cny = money_model_field(
        _("interest on cloud-usage loans, last year (CNY)"), null=True, blank=True
    )
    # Financial fields the policy engine reads (专精特新 criteria): growth, focus, leverage, R&D staff.
    revenue_prev_cny = money_model_field(_("operating revenue, previous year (CNY)"), null=True, blank=True)
    main_business_revenue_cny = money_model_field(_("main business revenue (CNY)"), null=True, blank=True)
    main_product_revenue_cny = money_model_field(_("sales of the main products (CNY)"), null=True, blank=True)
    net_profit_cny = money_model_field(_("net profit (CNY)"), signed=True, null=True, blank=True)
    liabilities_cny = money_model_field(_("total liabilities (CNY)"), null=True, blank=True)
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)
    # The rest of what the 专精特新 rules read (engines/rules/fields.py). Averages over two years are
    # stored as the enterprise reports them: the registry keeps only the last two years' amounts, not
    # the three an average of two growth rates needs. A fall cannot exceed 100% for revenue, but net
    # profit can swing from profit to loss, so its growth has wider bounds.
    main_business_growth_avg_2y = ratio_field(
        _("main business revenue growth, 2-year average"),
        low=-1,
        high=100,
        help_text=_("Average yearly growth over the last two years; 0.05 = 5%"),
    )
    net_profit_growth_avg_2y = ratio_field(
        _("net profit growth, 2-year average"),
        low=-100,
        high=100,
        help_text=_("Average yearly growth over the last two years; 0.05 = 5%"),
    )
    revenue_growth_avg_2y = ratio_field(
        _("operating revenue growth, 2-year average"),
        low=-1,
        high=100,
        help_text=_("Average yearly growth over the last two years; 0.05 = 5%"),
    )
    net_profit_2y_cny = money_model_field(
        _("net profit, last 2 years together (CNY)"), signed=True, null=True, blank=True
    )
    equity_financing_2y_cny = money_model_field(
        _("new paid-in equity financing, last 2 years (CNY)"), null=True, blank=True
    )
    valuation_cny = money_model_field(_("valuation at the latest funding round (CNY)"), null=True, blank=True)
    rd_expense_2y_cny = money_model_field(
        _("R&D expense, last 2 years together (CNY)"), null=True, blank=True
    )
    profit_and_tax_cny = money_model_field(
        _("profit and taxes, last year (CNY)"), signed=True, null=True, blank=True
    )
    revenue_growth_avg_3y = ratio_field(
        _("operating revenue growth, 3-year average"),
        low=-1,
        high=100,
        help_text=_("Average yearly growth over the last three years; 0.1 = 10%"),
    )
    operating_margin_avg_3y = ratio_field(
        _("operating margin, 3-year average"),
        low=-100,
        high=1,
        help_text=_("Operating profit / operating revenue, averaged over the last three years; 0.1 = 10%"),
    )
    rd_institution_municipal = flag_field(
        _("recognised R&D institution"),
        help_text=_(
            "An R&D institution recognised at municipal level or above (for example an enterprise technology centre)"
        ),
    )
    has_rd_institution = flag_field(
        _("R&D institution"),
        help_text=_("An own R&D institution, or one set up with a university or research institute"),
    )
    standards_2y = count_field(
        _("standards, last 2 years"),
        help_text=_("International, national or industry standards led or co-drafted in the last two years"),
    )
    quality_cert = flag_field(
        _("quality-management certification"), help_text=_("For example ISO 9001 or ISO 14001")
    )
    own_brand = flag_field(_("own brand"), help_text=_("A brand (trademark) the enterprise owns"))
    niche_market_since = models.DateField(
        _("in the niche market since"),
        null=True,
        blank=True,
        help_text=_(
            "The date the enterprise began serving its specific market segment; years are counted from it"
        ),
    )
    niche_market_rank_province = rank_field(
        _("niche-market rank in the province"),
        help_text=_("Rank of the main product's share of its niche market in the province; 1 = first"),
    )
    niche_market_rank_national = rank_field(
        _("niche-market rank in China"),
        help_text=_("Rank of the main product's share of its niche market nationwide; 1 = first"),
    )
    clean_record_3y = flag_field(
        _("clean record, last 3 years"),
        help_text=_("No serious violation of law and no breach of trust (失信) in the last three years"),
    )
    no_major_accidents_3y = flag_field(
        _("no accidents, last 3 years"),
        help_text=_("No safety, quality or environmental-pollution accident in the last three years"),
    )
    srdi_level = models.CharField(
        _("SRDI recognition"),
        max_length=16,
        choices=SrdiLevel.choices,
        blank=True,
        default="",
        help_text=_(
            "Highest SRDI recognition held (cultivation pool, municipal, provincial, national); empty when unknown"
        ),
    )
    it_supported_core_processes = count_field(
        _("core processes on information systems"),
        help_text=_(
            "Core business processes (design, production, sales, finance…) run on information systems"
        ),
    )

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
        verbose_name_plural = pgettext_lazy("model name", "enterprises")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"
