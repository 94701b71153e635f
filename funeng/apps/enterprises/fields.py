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
