"""Names of the enterprise fields people enter; Django-free so pure code (the demo generator) can share them."""

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
)

# Data categories (分类分级) an enterprise shares with a bank under consent, keyed by the values of
# accounts.const.DataCategory; every editable field belongs to exactly one category.
PROFILE, FINANCIALS, INNOVATION, DIGITAL = "profile", "financials", "innovation", "digital"
CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    PROFILE: ("credit_code", "name", "industry_code", "region_code", "founded_on", "employees"),
    FINANCIALS: (
        "revenue_cny",
        "revenue_prev_cny",
        "main_business_revenue_cny",
        "assets_cny",
        "liabilities_cny",
        "net_profit_cny",
    ),
    INNOVATION: (
        "rd_expense_cny",
        "rd_staff",
        "invention_patents",
        "utility_models",
        "design_patents",
        "software_copyrights",
    ),
    DIGITAL: ("cloud_level", "cloud_spend_cny"),
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
