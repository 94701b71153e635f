"""The row model of the enterprise import: one typed field per column of columns.py, and the checks that need the registry's rules.

The cell rules (kinds, lengths, bounds, choices) come from the column spec, so import, export and
the template cannot drift apart; the field types are written out so the code that maps a row to
an Enterprise is type-checked. Nothing here touches the database: existing credit codes are checked
by the import service.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Self, cast

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator

from engines.reference.credit_code import VALUE, check_character, credit_code_problem
from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_table
from engines.reference.regions import region_table
from engines.rules.consistency import profile_inconsistencies
from engines.rules.fields import RATIO_PLACES
from engines.tabular import (
    CellInvalid,
    CellWarning,
    Choice,
    Code,
    Count,
    Date,
    Heading,
    Headings,
    Money,
    Ratio,
    TableSchema,
    Text,
    YesNo,
    gettext_noop,
    row_context,
)
from engines.tabular.cells import CellType
from funeng.apps.enterprises.columns import (
    BOOL,
    CHOICE,
    CODE,
    COLUMN_BY_KEY,
    COLUMNS,
    DATE,
    DERIVED_COLUMNS,
    INT,
    MONEY,
    RATIO,
    TEXT,
)

_WAN = 10_000  # 万: amounts below this with several employees were probably typed in 万元


def _credit_code(code: str) -> None:
    if credit_code_problem(code) is None:
        return
    if len(code) != 18:
        raise CellInvalid(
            "credit_code.length",
            gettext_noop("The unified social credit code must have 18 characters; it has %(length)s"),
            length=len(code),
        )
    bad = next((char for char in code if char not in VALUE), None)
    if bad is not None:
        raise CellInvalid(
            "credit_code.charset",
            gettext_noop(
                "The unified social credit code contains “%(char)s”, which is not allowed: use digits and "
                "capital letters other than I, O, Z, S and V"
            ),
            char=bad,
        )
    raise CellInvalid(
        "credit_code.check_character",
        gettext_noop(
            "The check character of the unified social credit code is wrong: it should be %(expected)s"
        ),
        expected=check_character(code[:17]),
    )


def _industry_code(code: str) -> None:
    try:
        industry_table().get_class(code)
    except UnknownCodeError:
        if re.fullmatch(r"\d{4}", code):
            raise CellInvalid(
                "industry_code.unknown",
                gettext_noop("Industry code %(code)s is not in the GB/T 4754-2017 industrial classification"),
                code=code,
            ) from None
        raise CellInvalid(
            "industry_code.format",
            gettext_noop(
                "The industry code must be a 4-digit class of GB/T 4754-2017 (such as 3911), not a section, "
                "division or group"
            ),
        ) from None


def _region_code(code: str) -> None:
    table = region_table()
    try:
        table.resolve(code)
    except UnknownCodeError:
        if not re.fullmatch(r"\d{6}", code):
            raise CellInvalid(
                "region_code.format",
                gettext_noop("The region code must be the 6 digits of GB/T 2260, such as 330106"),
            ) from None
        province = table.by_code.get(code[:2] + "0000")
        if province is None:
            raise CellInvalid(
                "region_code.unknown",
                gettext_noop("Region code %(code)s is invalid: there is no province %(province)s"),
                code=code,
                province=code[:2] + "0000",
            ) from None
        if code[:4] + "00" not in table.by_code:
            raise CellInvalid(
                "region_code.unknown",
                gettext_noop(
                    "Region code %(code)s is invalid: %(province)s has no prefecture %(prefecture)s"
                ),
                code=code,
                province=province.name,
                prefecture=code[:4] + "00",
            ) from None
        raise CellInvalid(
            "region_code.unknown",
            gettext_noop("Region code %(code)s is invalid: it is not a prefecture or county code"),
            code=code,
        ) from None


def _cell(key: str) -> CellType:
    """The parser of one column, from its spec in columns.py."""
    column = COLUMN_BY_KEY[key]
    if column.kind == TEXT:
        return Text(max_length=column.max_length)
    if column.kind == CODE:
        return Code(
            # Only the industry code loses leading zeros in a number cell (0111); region codes never
            # start with 0, and an 18-character credit code typed as a number has already lost digits.
            pad_to=column.width if key == "industry_code" else None,
            number_cells=key != "credit_code",
            length=column.width,
            check={"credit_code": _credit_code, "industry_code": _industry_code, "region_code": _region_code}[
                key
            ],
        )
    if column.kind == INT:
        return Count(minimum=column.minimum)
    if column.kind == MONEY:
        return Money(signed=column.signed)
    if column.kind == DATE:
        return Date()
    if column.kind == CHOICE:
        return Choice(column.choices)
    if column.kind == RATIO:
        return Ratio(places=RATIO_PLACES, bounds=column.bounds or (0, 1))
    if column.kind == BOOL:
        return YesNo()
    raise ValueError(f"column {key}: unknown kind {column.kind!r}")


class EnterpriseRow(BaseModel):
    """One valid row of an enterprise import file, in the order of COLUMNS."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    credit_code: Annotated[str, _cell("credit_code")]
    name: Annotated[str, _cell("name")]
    industry_code: Annotated[str, _cell("industry_code")]
    region_code: Annotated[str, _cell("region_code")]
    founded_on: Annotated[dt.date | None, _cell("founded_on")] = None
    employees: Annotated[int | None, _cell("employees")] = None
    revenue_cny: Annotated[Decimal | None, _cell("revenue_cny")] = None
    assets_cny: Annotated[Decimal | None, _cell("assets_cny")] = None
    rd_expense_cny: Annotated[Decimal | None, _cell("rd_expense_cny")] = None
    invention_patents: Annotated[int | None, _cell("invention_patents")] = None
    utility_models: Annotated[int | None, _cell("utility_models")] = None
    design_patents: Annotated[int | None, _cell("design_patents")] = None
    software_copyrights: Annotated[int | None, _cell("software_copyrights")] = None
    cloud_level: Annotated[str, _cell("cloud_level")] = ""
    cloud_spend_cny: Annotated[Decimal | None, _cell("cloud_spend_cny")] = None
    cloud_loan_interest_cny: Annotated[Decimal | None, _cell("cloud_loan_interest_cny")] = None
    revenue_prev_cny: Annotated[Decimal | None, _cell("revenue_prev_cny")] = None
    main_business_revenue_cny: Annotated[Decimal | None, _cell("main_business_revenue_cny")] = None
    main_product_revenue_cny: Annotated[Decimal | None, _cell("main_product_revenue_cny")] = None
    net_profit_cny: Annotated[Decimal | None, _cell("net_profit_cny")] = None
    liabilities_cny: Annotated[Decimal | None, _cell("liabilities_cny")] = None
    rd_staff: Annotated[int | None, _cell("rd_staff")] = None
    main_business_growth_avg_2y: Annotated[Decimal | None, _cell("main_business_growth_avg_2y")] = None
    net_profit_growth_avg_2y: Annotated[Decimal | None, _cell("net_profit_growth_avg_2y")] = None
    revenue_growth_avg_2y: Annotated[Decimal | None, _cell("revenue_growth_avg_2y")] = None
    net_profit_2y_cny: Annotated[Decimal | None, _cell("net_profit_2y_cny")] = None
    equity_financing_2y_cny: Annotated[Decimal | None, _cell("equity_financing_2y_cny")] = None
    valuation_cny: Annotated[Decimal | None, _cell("valuation_cny")] = None
    rd_expense_2y_cny: Annotated[Decimal | None, _cell("rd_expense_2y_cny")] = None
    profit_and_tax_cny: Annotated[Decimal | None, _cell("profit_and_tax_cny")] = None
    revenue_growth_avg_3y: Annotated[Decimal | None, _cell("revenue_growth_avg_3y")] = None
    operating_margin_avg_3y: Annotated[Decimal | None, _cell("operating_margin_avg_3y")] = None
    rd_institution_municipal: Annotated[bool | None, _cell("rd_institution_municipal")] = None
    has_rd_institution: Annotated[bool | None, _cell("has_rd_institution")] = None
    standards_2y: Annotated[int | None, _cell("standards_2y")] = None
    quality_cert: Annotated[bool | None, _cell("quality_cert")] = None
    own_brand: Annotated[bool | None, _cell("own_brand")] = None
    niche_market_since: Annotated[dt.date | None, _cell("niche_market_since")] = None
    niche_market_rank_province: Annotated[int | None, _cell("niche_market_rank_province")] = None
    niche_market_rank_national: Annotated[int | None, _cell("niche_market_rank_national")] = None
    clean_record_3y: Annotated[bool | None, _cell("clean_record_3y")] = None
    no_major_accidents_3y: Annotated[bool | None, _cell("no_major_accidents_3y")] = None
    srdi_level: Annotated[str, _cell("srdi_level")] = ""
    it_supported_core_processes: Annotated[int | None, _cell("it_supported_core_processes")] = None

    @model_validator(mode="after")
    def _plausible(self, info: ValidationInfo) -> Self:
        """Figures that look like 万元 typed where 元 is expected (doubts), and values that contradict each other (errors)."""
        context = row_context(info)
        employees = self.employees
        revenue = self.revenue_cny
        if (
            self.revenue_cny is not None
            and 0 < self.revenue_cny < _WAN
            and employees is not None
            and employees >= 5
        ):
            context.warn(
                "revenue_cny",
                CellWarning(
                    "money.implausible_wan",
                    gettext_noop(
                        "Operating revenue is only %(value)s yuan with %(employees)s employees: was it entered "
                        "in 万元 (10,000 yuan)? This column is in yuan"
                    ),
                    {"value": str(self.revenue_cny), "employees": employees},
                ),
                self.revenue_cny,
            )
            revenue = None  # one warning per cell is enough
        if (
            self.assets_cny is not None
            and 0 < self.assets_cny < _WAN
            and employees is not None
            and employees >= 5
        ):
            context.warn(
                "assets_cny",
                CellWarning(
                    "money.implausible_wan",
                    gettext_noop(
                        "Total assets are only %(value)s yuan with %(employees)s employees: were they entered "
                        "in 万元 (10,000 yuan)? This column is in yuan"
                    ),
                    {"value": str(self.assets_cny), "employees": employees},
                ),
                self.assets_cny,
            )
        if revenue and employees and revenue / employees < 1000:
            context.warn(
                "revenue_cny",
                CellWarning(
                    "money.low_per_employee",
                    gettext_noop(
                        "Operating revenue per employee is below 1,000 yuan (%(revenue)s yuan / %(employees)s "
                        "people): was it entered in 万元 (10,000 yuan)? This column is in yuan"
                    ),
                    {"revenue": str(revenue), "employees": employees},
                ),
                revenue,
            )
        # The same cross-field checks as the profile form and the API (engines.rules.consistency); an
        # inconsistent row refuses the whole file, like any other error.
        for inconsistency in profile_inconsistencies(self.__dict__, today=context.today):
            context.refuse(
                inconsistency.field,
                CellInvalid(
                    inconsistency.code, inconsistency.message, **cast(dict[str, Any], inconsistency.params)
                ),
                getattr(self, inconsistency.field),
            )
        return self


ENTERPRISE_IMPORT = TableSchema(
    model=EnterpriseRow,
    headings=Headings(
        [
            *(
                Heading(column.key, column.header_zh, (column.header_en,), required=column.required)
                for column in COLUMNS
            ),
            # Export writes these computed columns; import recognises them and reads past them.
            *(
                Heading(column.key, column.header_zh, (column.header_en,), ignored=True)
                for column in DERIVED_COLUMNS
            ),
        ]
    ),
    empty_message=gettext_noop(
        "The file is empty: row 1 should hold the headers, then one enterprise per row. Use the import template"
    ),
    no_rows_message=gettext_noop(
        "The file has headers but no data rows: from row 2 on, fill in one enterprise per row"
    ),
)
