"""Names of the enterprise fields people enter; Django-free so pure code (the demo generator) can share them."""

from engines.rules.derive import DERIVATIONS

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
    "revenue_prev_cny",
    "main_business_revenue_cny",
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
    "has_rd_institution",
    "standards_2y",
    "quality_cert",
    "own_brand",
    "niche_market_years",
    "srdi_level",
    "it_supported_core_processes",
)
# Amounts in CNY with cents (Decimal in the database, null = unknown).
MONEY_FIELDS = (
    "revenue_cny",
    "assets_cny",
    "rd_expense_cny",
    "cloud_spend_cny",
    "revenue_prev_cny",
    "main_business_revenue_cny",
    "net_profit_cny",
    "liabilities_cny",
    "net_profit_2y_cny",
    "equity_financing_2y_cny",
    "valuation_cny",
    "rd_expense_2y_cny",
)
# Stored ratios (growth averages need years the registry does not keep): decimals, 0.05 = 5%, shown to
# people as percentages.
RATIO_FIELDS = ("main_business_growth_avg_2y", "net_profit_growth_avg_2y", "revenue_growth_avg_2y")
# Yes / no / unknown (null).
BOOL_FIELDS = ("has_rd_institution", "quality_cert", "own_brand")

# Data categories (分类分级) an enterprise shares with a bank under consent, keyed by the values of
# accounts.const.DataCategory; every editable field belongs to exactly one category.
PROFILE, FINANCIALS, INNOVATION, DIGITAL = "profile", "financials", "innovation", "digital"
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    # The SRDI level is public (governments publish the lists) and the years in a niche market are
    # business history like the founding date: both describe who the enterprise is, not its accounts.
    PROFILE: (
        "credit_code",
        "name",
        "industry_code",
        "region_code",
        "founded_on",
        "employees",
        "niche_market_years",
        "srdi_level",
    ),
    FINANCIALS: (
        "revenue_cny",
        "revenue_prev_cny",
        "main_business_revenue_cny",
        "assets_cny",
        "liabilities_cny",
        "net_profit_cny",
        "main_business_growth_avg_2y",
        "net_profit_growth_avg_2y",
        "revenue_growth_avg_2y",
        "net_profit_2y_cny",
        "equity_financing_2y_cny",
        "valuation_cny",
    ),
    # R&D, intellectual property, standards and certifications; a brand is intellectual property.
    INNOVATION: (
        "rd_expense_cny",
        "rd_expense_2y_cny",
        "rd_staff",
        "invention_patents",
        "utility_models",
        "design_patents",
        "software_copyrights",
        "has_rd_institution",
        "standards_2y",
        "quality_cert",
        "own_brand",
    ),
    # Information systems behind the core business are digital adoption, like cloud use.
    DIGITAL: ("cloud_level", "cloud_spend_cny", "it_supported_core_processes"),
}
# Derived fields travel with the category they describe: size class and digital-economy class are
# part of the registration profile.
CATEGORY_DERIVED_FIELDS: dict[str, tuple[str, ...]] = {
    PROFILE: ("size_class", "size_reason", "de_codes", "de_core", "classified_with"),
}
CATEGORY_OF_FIELD: dict[str, str] = {
    name: category
    for mapping in (CATEGORY_FIELDS, CATEGORY_DERIVED_FIELDS)
    for category, names in mapping.items()
    for name in names
}
ALL_CATEGORIES = frozenset(CATEGORY_FIELDS)
# Ratios of the policy field dictionary computed from stored fields (engines.rules.derive); one may be
# read only with every category its inputs belong to (R&D intensity needs innovation and financials).
DERIVED_RATIO_CATEGORIES: dict[str, frozenset[str]] = {
    name: frozenset(CATEGORY_OF_FIELD[part] for part in derivation.inputs)
    for name, derivation in DERIVATIONS.items()
}
# Left out of profile completeness: only an enterprise that raised a funding round has a valuation.
COMPLETENESS_EXEMPT = ("valuation_cny",)
# A consent names the enterprise that granted it, so its grantee always knows these two; they are
# never withheld from a bank that holds any active consent.
IDENTITY_FIELDS_SHOWN_UNDER_CONSENT = ("credit_code", "name")
