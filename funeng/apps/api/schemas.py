"""Request and response shapes of the API; input limits mirror the model so bad input is a 422, never a 500."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from funeng.apps.enterprises.const import SizeClass

# PositiveIntegerField on PostgreSQL; larger numbers would overflow the column (or SQLite's int64).
INT_MAX = 2_147_483_647
# Primary keys are BigAutoField; a larger number in a path can match nothing and would overflow the query.
ID_MAX = 9_223_372_036_854_775_807
MAX_LIMIT = 200
# Offsets past any real registry size only make the database skip rows; cap them well below int64.
MAX_OFFSET = 100_000_000
# NUL cannot be stored in PostgreSQL text, and no name or code needs control characters.
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"


Code4 = Annotated[str, StringConstraints(max_length=4, pattern=NO_CONTROL)]
Code6 = Annotated[str, StringConstraints(max_length=6, pattern=NO_CONTROL)]
Code18 = Annotated[str, StringConstraints(max_length=18, pattern=NO_CONTROL)]
Name = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)]
Search = Annotated[str, StringConstraints(max_length=100, pattern=NO_CONTROL)]
EnterpriseId = Annotated[int, Field(ge=1, le=ID_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False)]
SignedMoney = Annotated[Decimal, Field(max_digits=18, decimal_places=2, allow_inf_nan=False)]
# Ratios are decimals (0.05 = 5%) with at most six places, as stored; bounds mirror the model.
Growth = Annotated[Decimal, Field(ge=-1, le=100, max_digits=12, decimal_places=6, allow_inf_nan=False)]
ProfitGrowth = Annotated[
    Decimal, Field(ge=-100, le=100, max_digits=12, decimal_places=6, allow_inf_nan=False)
]
RatioText = Annotated[
    str,
    Field(
        pattern=r"^-?\d+\.\d{6}$",
        description='A ratio as a decimal string with six places, 0.05 = 5%: "0.050000"',
    ),
]
MoneyText = Annotated[
    str,
    Field(
        pattern=r"^-?\d+\.\d{2}$",
        description='Amount in CNY as a decimal string (no float rounding), e.g. "1234.50"',
    ),
]
# Default of optional-but-not-nullable PATCH fields: never validated, dropped by exclude_unset; Any so
# that "str = NOT_SENT" type-checks without a nullable type that would let null through.
NOT_SENT: Any = Field(None)
# Kept in step with accounts.const.DataCategory by tests/test_api_consents.py.
DataCategoryName = Literal["profile", "financials", "innovation", "digital"]
# Kept in step with CloudLevel by tests/test_api_enterprises.py.
CloudLevelIn = Literal["", "none", "infrastructure", "platform", "business"]
# Kept in step with SrdiLevel and engines.rules.fields.SRDI_LEVELS by tests/test_api_enterprises.py.
SrdiLevelIn = Literal["", "none", "pool", "municipal", "provincial", "national"]


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip")


class EnterpriseFilters(Schema):
    """Filters of the list page, validated instead of silently truncated."""

    region: Code6 = Field("", description="GB/T 2260 code: province, prefecture or county")
    industry: Code4 = Field("", description="GB/T 4754 section letter, division, group or class")
    size_class: SizeClass | None = None
    q: Search = Field("", description="Part of the name, or a whole credit code")
    de_core: bool = Field(False, description="Only digital-economy core industries")


class EnterprisePatch(Schema):
    """Editable fields, all optional; derived fields (size_class, de_codes…) are refused as unknown."""

    model_config = ConfigDict(extra="forbid")

    # Not nullable in the registry: absent means unchanged, null is refused.
    credit_code: Code18 = NOT_SENT
    name: Name = NOT_SENT
    industry_code: Code4 = NOT_SENT
    region_code: Code6 = NOT_SENT
    cloud_level: CloudLevelIn = NOT_SENT
    srdi_level: SrdiLevelIn = NOT_SENT  # "" is the unknown value, so null is refused
    # Nullable: null clears an unknown value.
    founded_on: dt.date | None = None
    employees: Count | None = None
    revenue_cny: Money | None = None
    assets_cny: Money | None = None
    rd_expense_cny: Money | None = None
    invention_patents: Count | None = None
    utility_models: Count | None = None
    design_patents: Count | None = None
    software_copyrights: Count | None = None
    cloud_spend_cny: Money | None = None
    revenue_prev_cny: Money | None = None
    main_business_revenue_cny: Money | None = None
    net_profit_cny: SignedMoney | None = None
    liabilities_cny: Money | None = None
    rd_staff: Count | None = None
    main_business_growth_avg_2y: Growth | None = None
    net_profit_growth_avg_2y: ProfitGrowth | None = None
    revenue_growth_avg_2y: Growth | None = None
    net_profit_2y_cny: SignedMoney | None = None
    equity_financing_2y_cny: Money | None = None
    valuation_cny: Money | None = None
    rd_expense_2y_cny: Money | None = None
    has_rd_institution: bool | None = None
    standards_2y: Count | None = None
    quality_cert: bool | None = None
    own_brand: bool | None = None
    niche_market_years: Count | None = None
    it_supported_core_processes: Count | None = None


class DigitalEconomyClass(Schema):
    code: str
    partial: bool


class EnterpriseOut(Schema):
    """An enterprise; for a financial institution, fields outside the shared categories are null."""

    id: int
    credit_code: str
    name: str
    shared_categories: list[DataCategoryName] = Field(
        description="Data categories you may read; fields of other categories are null (banks read "
        "only what an enterprise consented to share)"
    )
    industry_code: str | None
    industry_name: str | None
    region_code: str | None
    region_name: str | None
    founded_on: dt.date | None
    employees: int | None
    revenue_cny: MoneyText | None
    assets_cny: MoneyText | None
    rd_expense_cny: MoneyText | None
    invention_patents: int | None
    utility_models: int | None
    design_patents: int | None
    software_copyrights: int | None
    cloud_level: str | None
    cloud_spend_cny: MoneyText | None
    revenue_prev_cny: MoneyText | None
    main_business_revenue_cny: MoneyText | None
    net_profit_cny: MoneyText | None
    liabilities_cny: MoneyText | None
    rd_staff: int | None
    main_business_growth_avg_2y: RatioText | None
    net_profit_growth_avg_2y: RatioText | None
    revenue_growth_avg_2y: RatioText | None
    net_profit_2y_cny: MoneyText | None
    equity_financing_2y_cny: MoneyText | None
    valuation_cny: MoneyText | None
    rd_expense_2y_cny: MoneyText | None
    has_rd_institution: bool | None
    standards_2y: int | None
    quality_cert: bool | None
    own_brand: bool | None
    niche_market_years: int | None
    srdi_level: str | None = Field(description='Highest 专精特新 recognition held; "" when unknown')
    it_supported_core_processes: int | None
    main_business_share: RatioText | None = Field(
        description="Derived: main_business_revenue_cny / revenue_cny; read-only"
    )
    debt_ratio: RatioText | None = Field(description="Derived: liabilities_cny / assets_cny; read-only")
    revenue_growth_1y: RatioText | None = Field(
        description="Derived: revenue_cny / revenue_prev_cny - 1; read-only"
    )
    rd_intensity_2y: RatioText | None = Field(
        description="Derived: rd_expense_2y_cny / (revenue_cny + revenue_prev_cny); read-only"
    )
    rd_staff_share: RatioText | None = Field(description="Derived: rd_staff / employees; read-only")
    size_class: str | None = Field(description="Derived (GB/T size rules); read-only")
    size_reason: str | None
    de_codes: list[DigitalEconomyClass] | None = Field(
        description="Derived digital-economy classes; read-only"
    )
    de_core: bool | None
    de_provisional: Literal[True] = Field(
        True, description="Digital-economy classes are provisional until the mapping is confirmed"
    )
    classified_with: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    count: int
    limit: int
    offset: int


class ImportIssue(Schema):
    file: str
    row: int | None = None
    column: str | None = Field(None, description="Column header as in the file (Chinese)")
    field: str | None = Field(None, description="Registry field of the column")
    cell: str | None = None
    key: str
    message: str
    value: str | None = None


class ImportReportOut(Schema):
    ok: bool
    filename: str
    dry_run: bool
    rows: int
    created: int
    error_count: int
    errors: list[ImportIssue]
    warning_count: int
    warnings: list[ImportIssue]
    summary: str


class ProblemFieldError(Schema):
    field: str
    message_zh: str
    message_en: str


class Problem(Schema):
    """Every error response (application/problem+json, RFC 9457)."""

    type: str
    title: str
    status: int
    detail_zh: str
    detail_en: str
    errors: list[ProblemFieldError] | None = Field(None, description="Invalid fields (validation only)")
    report: ImportReportOut | None = Field(None, description="The import report (failed imports only)")


# ---------------------------------------------------------------- consents (授权)

ConsentStatusName = Literal["active", "expired", "revoked"]


class ConsentFilters(Schema):
    status: ConsentStatusName | None = Field(None, description="Only consents in this status")


class ConsentIn(Schema):
    """A grant by an enterprise's administrator; the bank reads only these categories until valid_until."""

    model_config = ConfigDict(extra="forbid")

    enterprise_id: EnterpriseId
    institution_id: Annotated[int, Field(ge=1, le=ID_MAX)]
    categories: list[DataCategoryName] = Field(
        max_length=4, description="At least one of profile, financials, innovation, digital"
    )
    valid_until: dt.date = Field(description="Last day of access: after today, at most one year ahead")


class ConsentOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    institution_id: int
    institution_name: str
    categories: list[DataCategoryName]
    valid_until: dt.date
    status: ConsentStatusName
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


class ConsentPage(Schema):
    items: list[ConsentOut]
    count: int
    limit: int
    offset: int


class ConsentReadOut(Schema):
    id: int
    consent_id: int
    read_at: dt.datetime
    reader: str = Field(description="Username of the person who read")
    institution_name: str
    categories: list[DataCategoryName]
    channel: str = Field(description="web, api or export")


class ConsentReadPage(Schema):
    items: list[ConsentReadOut]
    count: int
    limit: int
    offset: int


def problems(*codes: int) -> dict[str, Any]:
    """OpenAPI entries for the problem+json errors an operation may answer."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        "responses": {
            code: {
                "description": f"Problem ({code})",
                "content": {"application/problem+json": {"schema": schema}},
            }
            for code in codes
        }
    }
