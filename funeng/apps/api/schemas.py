"""Request and response shapes of the API; input limits mirror the model so bad input is a 422, never a 500."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal, Self

from ninja import Schema
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from engines.rules.derive import DERIVATIONS, derive_one
from funeng.apps.consents.categories import (
    ALL_CATEGORIES,
    CATEGORY_OF_FIELD,
    IDENTITY_FIELDS_SHOWN_UNDER_CONSENT,
    PROFILE,
)
from funeng.apps.consents.const import DataCategory
from funeng.apps.consents.models import Consent, ConsentRead
from funeng.apps.consents.selectors import consent_status
from funeng.apps.core.money import money_text
from funeng.apps.enterprises.const import SizeClass
from funeng.apps.enterprises.fields import DERIVED_RATIO_CATEGORIES
from funeng.apps.enterprises.models import Enterprise

# PositiveIntegerField on PostgreSQL; larger numbers would overflow the column (or SQLite's int64).
INT_MAX = 2_147_483_647
# Primary keys are BigAutoField; a larger number in a path can match nothing and would overflow the query.
ID_MAX = 9_223_372_036_854_775_807
# NUL cannot be stored in PostgreSQL text, and no name or code needs control characters.
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
# Free text may hold line breaks, but never NUL.
NO_NUL = r"^[^\x00]*$"


Code4 = Annotated[str, StringConstraints(max_length=4, pattern=NO_CONTROL)]
Code6 = Annotated[str, StringConstraints(max_length=6, pattern=NO_CONTROL)]
Code18 = Annotated[str, StringConstraints(max_length=18, pattern=NO_CONTROL)]
Name = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)]
Search = Annotated[str, StringConstraints(max_length=100, pattern=NO_CONTROL)]
EnterpriseId = Annotated[int, Field(ge=1, le=ID_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Rank = Annotated[int, Field(ge=1, le=INT_MAX)]  # 1 = first
# Decimals opt out of the strictness of request bodies (strict=False): JSON has no decimal type, so
# an amount arrives as a string ("1234.56", preferred) or a number.
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False, strict=False)]
SignedMoney = Annotated[Decimal, Field(max_digits=18, decimal_places=2, allow_inf_nan=False, strict=False)]
# Ratios are decimals (0.05 = 5%) with at most six places, as stored; bounds mirror the model.
Growth = Annotated[
    Decimal, Field(ge=-1, le=100, max_digits=12, decimal_places=6, allow_inf_nan=False, strict=False)
]
Margin = Annotated[
    Decimal, Field(ge=-100, le=1, max_digits=12, decimal_places=6, allow_inf_nan=False, strict=False)
]
ProfitGrowth = Annotated[
    Decimal, Field(ge=-100, le=100, max_digits=12, decimal_places=6, allow_inf_nan=False, strict=False)
]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_only(value: object) -> object:
    """Let only "YYYY-MM-DD" through: pydantic would read 0 or "1700000000" as seconds since 1970."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    kind = "date_parsing" if isinstance(value, str) else "date_type"
    raise PydanticCustomError(kind, "Input should be a date in the format YYYY-MM-DD")


# Every date the API reads, in a query or a body; JSON has no date type, so it is read from its text.
IsoDate = Annotated[dt.date, Field(strict=False), BeforeValidator(_iso_date_only)]


class RequestBody(Schema):
    """Base of every JSON request body: an object with only the documented fields and types, else a 422.

    Ninja's Schema reads any value through its attributes, calling methods on the way, so the bare
    JSON string "hello world" became a need titled "hello world".title(); an unknown field was
    dropped without a word, so a misspelt one looked saved; and true passed for the number 1. Strict:
    a count is a JSON integer, a flag true or false; decimals and dates opt out (strict=False).
    """

    model_config = ConfigDict(extra="forbid", from_attributes=False, strict=True)

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo
    ) -> Self:
        """Replaces ninja's validator of the same name: validate the JSON as it was sent."""
        return handler(values)


def ratio_text(value: Decimal | None) -> str | None:
    """A stored or derived ratio as the API sends it: a decimal string with six places."""
    return None if value is None else f"{value:.6f}"


# Response types: a Decimal read from the model is written out as a decimal string.
RatioText = Annotated[
    str,
    Field(
        pattern=r"^-?\d+\.\d{6}$",
        description='A ratio as a decimal string with six places, 0.05 = 5%: "0.050000"',
    ),
    BeforeValidator(ratio_text),
]
MoneyText = Annotated[
    str,
    Field(
        pattern=r"^-?\d+\.\d{2}$",
        description='Amount in CNY as a decimal string (no float rounding), e.g. "1234.50"',
    ),
    BeforeValidator(money_text),
]
# Default of optional-but-not-nullable PATCH fields: never validated, dropped by exclude_unset; Any so
# that "str = NOT_SENT" type-checks without a nullable type that would let null through.
NOT_SENT: Any = Field(None)
# Kept in step with accounts.const.DataCategory by tests/apps/api/test_api_consents.py.
DataCategoryName = Literal["profile", "financials", "innovation", "digital"]
# Kept in step with CloudLevel by tests/apps/api/test_api_enterprises.py.
CloudLevelIn = Literal["", "none", "infrastructure", "platform", "business"]
# Kept in step with SrdiLevel and engines.rules.fields.SRDI_LEVELS by tests/apps/api/test_api_enterprises.py.
SrdiLevelIn = Literal["", "none", "pool", "municipal", "provincial", "national"]


class EnterpriseFilters(Schema):
    """Filters of the list page, validated instead of silently truncated."""

    region: Code6 = Field("", description="GB/T 2260 code: province, prefecture or county")
    industry: Code4 = Field("", description="GB/T 4754 section letter, division, group or class")
    size_class: SizeClass | None = None
    q: Search = Field("", description="Part of the name, or a whole credit code")
    de_core: bool = Field(False, description="Only digital-economy core industries")


class EnterprisePatch(RequestBody):
    """Editable fields, all optional; derived fields (size_class, de_codes…) are refused as unknown."""

    # Not nullable in the registry: absent means unchanged, null is refused.
    credit_code: Code18 = NOT_SENT
    name: Name = NOT_SENT
    industry_code: Code4 = NOT_SENT
    region_code: Code6 = NOT_SENT
    cloud_level: CloudLevelIn = NOT_SENT
    srdi_level: SrdiLevelIn = NOT_SENT  # "" is the unknown value, so null is refused
    # Nullable: null clears an unknown value.
    founded_on: IsoDate | None = None
    employees: Count | None = None
    revenue_cny: Money | None = None
    assets_cny: Money | None = None
    rd_expense_cny: Money | None = None
    invention_patents: Count | None = None
    utility_models: Count | None = None
    design_patents: Count | None = None
    software_copyrights: Count | None = None
    cloud_spend_cny: Money | None = None
    cloud_loan_interest_cny: Money | None = None
    revenue_prev_cny: Money | None = None
    main_business_revenue_cny: Money | None = None
    main_product_revenue_cny: Money | None = None
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
    profit_and_tax_cny: SignedMoney | None = None
    revenue_growth_avg_3y: Growth | None = None
    operating_margin_avg_3y: Margin | None = None
    rd_institution_municipal: bool | None = None
    has_rd_institution: bool | None = None
    standards_2y: Count | None = None
    quality_cert: bool | None = None
    own_brand: bool | None = None
    niche_market_since: IsoDate | None = None
    niche_market_rank_province: Rank | None = None
    niche_market_rank_national: Rank | None = None
    clean_record_3y: bool | None = None
    no_major_accidents_3y: bool | None = None
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
    cloud_loan_interest_cny: MoneyText | None
    revenue_prev_cny: MoneyText | None
    main_business_revenue_cny: MoneyText | None
    main_product_revenue_cny: MoneyText | None
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
    profit_and_tax_cny: MoneyText | None
    revenue_growth_avg_3y: RatioText | None
    operating_margin_avg_3y: RatioText | None
    rd_institution_municipal: bool | None
    has_rd_institution: bool | None
    standards_2y: int | None
    quality_cert: bool | None
    own_brand: bool | None
    niche_market_since: dt.date | None
    niche_market_rank_province: int | None
    niche_market_rank_national: int | None
    clean_record_3y: bool | None
    no_major_accidents_3y: bool | None
    srdi_level: str | None = Field(description='Highest 专精特新 recognition held; "" when unknown')
    it_supported_core_processes: int | None
    main_business_share: RatioText | None = Field(
        description="Derived: main_business_revenue_cny / revenue_cny; read-only"
    )
    main_product_share: RatioText | None = Field(
        description="Derived: main_product_revenue_cny / revenue_cny; read-only"
    )
    debt_ratio: RatioText | None = Field(description="Derived: liabilities_cny / assets_cny; read-only")
    revenue_growth_1y: RatioText | None = Field(
        description="Derived: revenue_cny / revenue_prev_cny - 1; read-only"
    )
    rd_intensity_2y: RatioText | None = Field(
        description="Derived: rd_expense_2y_cny / (revenue_cny + revenue_prev_cny); read-only"
    )
    rd_intensity_1y: RatioText | None = Field(description="Derived: rd_expense_cny / revenue_cny; read-only")
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

    @staticmethod
    def resolve_shared_categories(obj: Enterprise) -> list[str]:
        readable = readable_categories(obj)
        return [category for category in DataCategory.values if category in readable]

    @staticmethod
    def resolve_industry_name(obj: Enterprise) -> str:
        node = industry_table().by_code.get(obj.industry_code)
        return node.name if node else ""

    @staticmethod
    def resolve_region_name(obj: Enterprise) -> str:
        return region_table().display_name(obj.region_code, default="")

    @staticmethod
    def resolve_main_business_share(obj: Enterprise) -> Decimal | None:
        return _derived(obj, "main_business_share")

    @staticmethod
    def resolve_main_product_share(obj: Enterprise) -> Decimal | None:
        return _derived(obj, "main_product_share")

    @staticmethod
    def resolve_debt_ratio(obj: Enterprise) -> Decimal | None:
        return _derived(obj, "debt_ratio")

    @staticmethod
    def resolve_revenue_growth_1y(obj: Enterprise) -> Decimal | None:
        return _derived(obj, "revenue_growth_1y")

    @staticmethod
    def resolve_rd_intensity_2y(obj: Enterprise) -> Decimal | None:
        return _derived(obj, "rd_intensity_2y")

    @staticmethod
    def resolve_rd_intensity_1y(obj: Enterprise) -> Decimal | None:
        return _derived(obj, "rd_intensity_1y")

    @staticmethod
    def resolve_rd_staff_share(obj: Enterprise) -> Decimal | None:
        return _derived(obj, "rd_staff_share")

    @model_validator(mode="after")
    def _withhold_unshared(self) -> Self:
        """Null the fields of every category not shared with the reader (banks read only what is consented)."""
        for name in withheld_fields(frozenset(self.shared_categories)):
            setattr(self, name, None)
        return self


# The categories of an enterprise a response may carry, set by the endpoint that checked the reader.
_READABLE = "readable_categories"


def shown_with(enterprise: Enterprise, readable: frozenset[str]) -> Enterprise:
    """Mark which data categories of `enterprise` EnterpriseOut may show (all when never marked)."""
    setattr(enterprise, _READABLE, readable)
    return enterprise


def readable_categories(enterprise: Enterprise) -> frozenset[str]:
    readable: frozenset[str] = getattr(enterprise, _READABLE, ALL_CATEGORIES)
    return readable


@cache
def withheld_fields(readable: frozenset[str]) -> frozenset[str]:
    """Fields of EnterpriseOut a reader of these categories gets as null; only a consent's identity stays."""
    if readable == ALL_CATEGORIES:
        return frozenset()
    withheld = {name for name, category in CATEGORY_OF_FIELD.items() if category not in readable}
    if PROFILE not in readable:
        withheld |= {"industry_name", "region_name"}
    # A computed ratio needs every category its inputs come from (R&D intensity: innovation and financials).
    withheld |= {name for name, needs in DERIVED_RATIO_CATEGORIES.items() if not needs <= readable}
    return frozenset(withheld - set(IDENTITY_FIELDS_SHOWN_UNDER_CONSENT))


def _derived(enterprise: Enterprise, name: str) -> Decimal | None:
    derivation = DERIVATIONS[name]
    return derive_one(derivation, {field: getattr(enterprise, field) for field in derivation.inputs})


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


class ConsentIn(RequestBody):
    """A grant by an enterprise's administrator; the bank reads only these categories until valid_until."""

    enterprise_id: EnterpriseId
    institution_id: Annotated[int, Field(ge=1, le=ID_MAX)]
    categories: list[DataCategoryName] = Field(
        max_length=4, description="At least one of profile, financials, innovation, digital"
    )
    valid_until: IsoDate = Field(description="Last day of access: after today, at most one year ahead")


def known_categories(categories: list[str]) -> list[str]:
    """The data categories of a consent or read that still exist, in their standard order."""
    return [value for value in DataCategory.values if value in categories]


class ConsentOut(Schema):
    """An enterprise's consent to share data categories with a financial institution."""

    id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    institution_id: int
    institution_name: str = Field(alias="institution.name")
    categories: list[DataCategoryName]
    valid_until: dt.date
    status: ConsentStatusName
    granted_at: dt.datetime
    revoked_at: dt.datetime | None

    @staticmethod
    def resolve_categories(obj: Consent) -> list[str]:
        return known_categories(obj.categories)

    @staticmethod
    def resolve_status(obj: Consent) -> str:
        return consent_status(obj).value


class ConsentReadOut(Schema):
    """One read of an enterprise's data by a financial institution under a consent."""

    id: int
    consent_id: int
    read_at: dt.datetime
    reader: str = Field(description="Username of the person who read")
    institution_name: str = Field(alias="consent.institution.name")
    categories: list[DataCategoryName]
    channel: str = Field(description="web, api or export")

    @staticmethod
    def resolve_reader(obj: ConsentRead) -> str:
        return obj.reader.get_username()

    @staticmethod
    def resolve_categories(obj: ConsentRead) -> list[str]:
        return known_categories(obj.categories)


def problem_doc(code: int) -> dict[str, Any]:
    """The OpenAPI response entry of a problem+json error."""
    return {
        "description": f"Problem ({code})",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def problems(*codes: int) -> dict[str, Any]:
    """OpenAPI entries for the problem+json errors an operation may answer.

    List those its endpoint decides (403 for a role, 404 for an id in the body, 409); the errors
    any operation of its shape can answer (401, 400/413/415 for a body…) are added by FunengAPI.
    """
    return {"responses": {code: problem_doc(code) for code in codes}}
