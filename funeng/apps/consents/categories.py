"""Which registry fields each data category (分类分级) covers; Django-free, so pure code can share it.

The values are those of consents.const.DataCategory (a test checks they agree).
"""

# Which registry fields each category covers. The consent defines the categories, so the
# classification lives here; enterprises.fields checks that every editable field has exactly one.
PROFILE, FINANCIALS, INNOVATION, DIGITAL = "profile", "financials", "innovation", "digital"
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    # The SRDI level is public (governments publish the lists) and the years in a niche market are
    # business history like the founding date: both describe who the enterprise is, not its accounts.
    # So are its market position and its public record (credit records and accidents are published).
    PROFILE: (
        "credit_code",
        "name",
        "industry_code",
        "region_code",
        "founded_on",
        "employees",
        "niche_market_since",
        "niche_market_rank_province",
        "niche_market_rank_national",
        "clean_record_3y",
        "no_major_accidents_3y",
        "srdi_level",
    ),
    FINANCIALS: (
        "revenue_cny",
        "revenue_prev_cny",
        "main_business_revenue_cny",
        "main_product_revenue_cny",
        "assets_cny",
        "liabilities_cny",
        "net_profit_cny",
        "main_business_growth_avg_2y",
        "net_profit_growth_avg_2y",
        "revenue_growth_avg_2y",
        "net_profit_2y_cny",
        "equity_financing_2y_cny",
        "valuation_cny",
        "profit_and_tax_cny",
        "revenue_growth_avg_3y",
        "operating_margin_avg_3y",
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
        "rd_institution_municipal",
        "standards_2y",
        "quality_cert",
        "own_brand",
    ),
    # Information systems behind the core business are digital adoption, like cloud use.
    DIGITAL: ("cloud_level", "cloud_spend_cny", "cloud_loan_interest_cny", "it_supported_core_processes"),
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

# A consent names the enterprise that granted it, so its grantee always knows these two; they are
# never withheld from a bank that holds any active consent.
IDENTITY_FIELDS_SHOWN_UNDER_CONSENT = ("credit_code", "name")
