"""Names of the enterprise fields people enter, and which consent category (分类分级) each belongs to."""

from engines.rules.derive import DERIVATIONS
from funeng.apps.consents.categories import CATEGORY_FIELDS, CATEGORY_OF_FIELD

# Fields a person may set; derived and bookkeeping fields are excluded (no mass assignment).
EDITABLE_FIELDS = (
    "credit_code",
    "name",
    "industry_code",
    "region_code",
    "founded_on",
    "employees",
    "revenue_cny",
    "assets_cny",
    "rd_expense_cny",
    "invention_patents",
    "utility_models",
    "design_patents",
    "software_copyrights",
    "cloud_level",
    "cloud_spend_cny",
    "cloud_loan_interest_cny",
    "revenue_prev_cny",
    "main_business_revenue_cny",
    "main_product_revenue_cny",
    "net_profit_cny",
    "liabilities_cny",
    "rd_staff",
    # What the policy rules (专精特新) read beyond the basic profile; ratios the amounts above determine
    # exactly (main-business share, debt ratio, one-year growth, R&D intensity and staff share) are
    # derived by engines.rules.derive and never stored.
    "main_business_growth_avg_2y",
    "net_profit_growth_avg_2y",
    "revenue_growth_avg_2y",
    "net_profit_2y_cny",
    "equity_financing_2y_cny",
    "valuation_cny",
    "rd_expense_2y_cny",
    "profit_and_tax_cny",
    "revenue_growth_avg_3y",
    "operating_margin_avg_3y",
    "rd_institution_municipal",
    "has_rd_institution",
    "standards_2y",
    "quality_cert",
    "own_brand",
    "niche_market_since",
    "niche_market_rank_province",
    "niche_market_rank_national",
    "clean_record_3y",
    "no_major_accidents_3y",
    "srdi_level",
    "it_supported_core_processes",
)
# Amounts in CNY with cents (Decimal in the database, null = unknown).
MONEY_FIELDS = (
    "revenue_cny",
    "assets_cny",
    "rd_expense_cny",
    "cloud_spend_cny",
    "cloud_loan_interest_cny",
    "revenue_prev_cny",
    "main_business_revenue_cny",
    "main_product_revenue_cny",
    "net_profit_cny",
    "liabilities_cny",
    "net_profit_2y_cny",
    "equity_financing_2y_cny",
    "valuation_cny",
    "rd_expense_2y_cny",
    "profit_and_tax_cny",
)
# Stored ratios (growth averages need years the registry does not keep): decimals, 0.05 = 5%, shown to
# people as percentages.
RATIO_FIELDS = (
    "main_business_growth_avg_2y",
    "net_profit_growth_avg_2y",
    "revenue_growth_avg_2y",
    "revenue_growth_avg_3y",
    "operating_margin_avg_3y",
)
# Yes / no / unknown (null).
BOOL_FIELDS = (
    "has_rd_institution",
    "rd_institution_municipal",
    "quality_cert",
    "own_brand",
    "clean_record_3y",
    "no_major_accidents_3y",
)

# Ratios of the policy field dictionary computed from stored fields (engines.rules.derive); one may be
# read only with every category its inputs belong to (R&D intensity needs innovation and financials).
DERIVED_RATIO_CATEGORIES: dict[str, frozenset[str]] = {
    name: frozenset(CATEGORY_OF_FIELD[part] for part in derivation.inputs)
    for name, derivation in DERIVATIONS.items()
}
# Left out of profile completeness: only an enterprise that raised a funding round has a valuation.
COMPLETENESS_EXEMPT = ("valuation_cny",)

# Every editable field belongs to exactly one data category: a field outside all categories could
# never be shared with a bank, and one in two would leak with either consent.
_CATEGORISED = [name for names in CATEGORY_FIELDS.values() for name in names]
if sorted(_CATEGORISED) != sorted(EDITABLE_FIELDS):
    raise ImportError("consents.const.CATEGORY_FIELDS must list every editable enterprise field exactly once")
