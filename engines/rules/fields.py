"""The enterprise field dictionary the policy rules read: name, type, unit and meaning (null = unknown)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

FieldType = Literal["money", "ratio", "count", "bool", "code", "date"]
# Where a fact comes from: the enterprise's own statement, an official list or register (business
# registration, patent office, credit record, recognition lists), or an official who checked it.
Provenance = Literal["self_declared", "official_list", "official_verified"]
PROVENANCE_LABELS: dict[str, tuple[str, str]] = {
    "self_declared": ("企业自主申报", "self-declared by the enterprise"),
    "official_list": ("官方名单或登记", "from an official list or register"),
    "official_verified": ("经主管部门核实", "verified by an official"),
}
NUMERIC_TYPES: frozenset[str] = frozenset({"money", "ratio", "count"})
# float64 keeps 15 significant decimal digits distinct (DBL_DIG), so a decimal with at most 15 of them
# compares the same way as Decimal and as float64: the batch path stays exact at thresholds.
MAX_SIGNIFICANT_DIGITS = 15
# Ratios carry at most this many decimal places: stored ones as DecimalField(decimal_places=6), derived
# ones rounded half to even to it (engines.rules.derive explains why both paths then agree exactly).
RATIO_PLACES = 6
# Counts are at most this (a PositiveIntegerField in the registry), so the batch path holds them as Int32.
MAX_COUNT = 2_147_483_647

Value = Decimal | int | bool | str | dt.date | None


class FieldValueError(ValueError):
    """A value that does not fit its field's type; the message says which field and what to send."""


@dataclass(frozen=True, slots=True)
class Field:
    """One enterprise fact a rule may read."""

    name: str
    type: FieldType
    unit: str
    zh: str
    en: str
    on_model: bool  # a column of enterprises.Enterprise
    basis: str = ""  # for ratios: the field the ratio is a share of (used to express gaps as amounts)
    # Computed from these stored fields (engines.rules.derive), never stored itself; () when stored.
    derived_from: tuple[str, ...] = ()
    formula: str = ""  # how, for people reading the dictionary
    provenance: Provenance = "self_declared"
    minimum: int = 0  # counts: the smallest meaningful value (a rank starts at 1)

    def as_dict(self) -> dict[str, object]:
        """The JSON form published by `funeng policy_fields --json`."""
        return {
            "name": self.name,
            "type": self.type,
            "unit": self.unit,
            "zh": self.zh,
            "en": self.en,
            "on_model": self.on_model,
            "basis": self.basis or None,
            "derived_from": list(self.derived_from),
            "formula": self.formula or None,
            "format": CODE_FORMATS[self.name][1] if self.name in CODE_FORMATS else None,
            "provenance": self.provenance,
            "minimum": self.minimum if self.type == "count" else None,
        }


def _f(
    name: str,
    type_: FieldType,
    unit: str,
    zh: str,
    en: str,
    *,
    on_model: bool = True,
    basis: str = "",
    derived_from: tuple[str, ...] = (),
    formula: str = "",
    provenance: Provenance = "self_declared",
    minimum: int = 0,
) -> Field:
    return Field(
        name,
        type_,
        unit,
        zh,
        en,
        on_model and not derived_from,
        basis,
        derived_from,
        formula,
        provenance,
        minimum,
    )


_ROUNDED = f"rounded half to even to {RATIO_PLACES} decimal places; unknown when an input is unknown or the divisor is 0"


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        _f(
            "region_code",
            "code",
            "GB/T 2260",
            "注册地行政区划代码",
            "region of registration",
            provenance="official_list",
        ),
        _f("industry_code", "code", "GB/T 4754-2017", "国民经济行业小类代码", "industry class"),
        _f(
            "founded_on",
            "date",
            "date",
            "成立（工商注册登记）日期",
            "registration date",
            provenance="official_list",
        ),
        _f(
            "size_class",
            "code",
            "large|medium|small|micro",
            "企业规模（划型，工信部联企业〔2011〕300号）",
            "size class under the 2011 SME rules",
            on_model=True,
        ),
        _f("employees", "count", "persons", "从业人员数（职工总数）", "employees", on_model=True),
        _f("revenue_cny", "money", "CNY", "上年度营业收入", "revenue, last year", on_model=True),
        _f(
            "revenue_prev_cny", "money", "CNY", "前年营业收入", "revenue, the year before last", on_model=True
        ),
        _f(
            "main_business_revenue_cny",
            "money",
            "CNY",
            "上年度主营业务收入",
            "main-business revenue, last year",
            on_model=True,
        ),
        _f(
            "main_product_revenue_cny",
            "money",
            "CNY",
            "上年度主导产品（服务）销售收入",
            "sales of the main products (services), last year",
            on_model=True,
        ),
        _f("net_profit_cny", "money", "CNY", "上年度净利润", "net profit, last year", on_model=True),
        _f("assets_cny", "money", "CNY", "上年末资产总额", "total assets at last year end", on_model=True),
        _f(
            "liabilities_cny", "money", "CNY", "上年末负债总额", "liabilities at last year end", on_model=True
        ),
        _f("rd_expense_cny", "money", "CNY", "上年度研发费用", "R&D expense, last year", on_model=True),
        _f("rd_staff", "count", "persons", "研发及相关技术创新人员数", "R&D staff", on_model=True),
        _f(
            "invention_patents",
            "count",
            "items",
            "有效发明专利数（含集成电路布图设计专有权）",
            "valid invention patents (incl. IC layout designs)",
            provenance="official_list",
        ),
        _f(
            "utility_models",
            "count",
            "items",
            "有效实用新型专利数",
            "valid utility-model patents",
            provenance="official_list",
        ),
        _f(
            "design_patents",
            "count",
            "items",
            "有效外观设计专利数",
            "valid design patents",
            provenance="official_list",
        ),
        _f(
            "software_copyrights",
            "count",
            "items",
            "软件著作权数",
            "software copyrights",
            provenance="official_list",
        ),
        # The fields the 专精特新 rules need beyond the basic profile: ratios that the stored amounts
        # and counts determine exactly are derived (engines.rules.derive); the rest are stored.
        _f(
            "main_business_share",
            "ratio",
            "share",
            "上年度主营业务收入占营业收入比重",
            "main-business share of revenue, last year",
            basis="revenue_cny",
            derived_from=("main_business_revenue_cny", "revenue_cny"),
            formula=f"main_business_revenue_cny / revenue_cny, {_ROUNDED}",
        ),
        _f(
            "main_product_share",
            "ratio",
            "share",
            "上年度主导产品（服务）销售收入占营业收入比重",
            "main products' (services') share of revenue, last year",
            basis="revenue_cny",
            derived_from=("main_product_revenue_cny", "revenue_cny"),
            formula=f"main_product_revenue_cny / revenue_cny, {_ROUNDED}",
        ),
        _f(
            "main_business_growth_avg_2y",
            "ratio",
            "share per year",
            "近2年主营业务收入平均增长率",
            "average main-business revenue growth over the last 2 years",
        ),
        _f(
            "net_profit_growth_avg_2y",
            "ratio",
            "share per year",
            "近2年净利润平均增长率",
            "average net-profit growth over the last 2 years",
        ),
        _f(
            "revenue_growth_avg_2y",
            "ratio",
            "share per year",
            "近2年营业收入平均增长率",
            "average revenue growth over the last 2 years",
        ),
        _f(
            "revenue_growth_1y",
            "ratio",
            "share",
            "上年度营业收入增长率",
            "revenue growth last year",
            derived_from=("revenue_cny", "revenue_prev_cny"),
            formula=f"revenue_cny / revenue_prev_cny - 1, {_ROUNDED}",
        ),
        _f(
            "debt_ratio",
            "ratio",
            "share",
            "上年末资产负债率",
            "liabilities / assets at last year end",
            derived_from=("liabilities_cny", "assets_cny"),
            formula=f"liabilities_cny / assets_cny, {_ROUNDED}",
        ),
        _f(
            "rd_intensity_2y",
            "ratio",
            "share",
            "近2年研发经费支出占营业收入比重",
            "R&D expense / revenue over the last 2 years",
            basis="revenue_cny",
            derived_from=("rd_expense_2y_cny", "revenue_cny", "revenue_prev_cny"),
            formula=f"rd_expense_2y_cny / (revenue_cny + revenue_prev_cny): the two-year R&D total over "
            f"the two-year revenue total, {_ROUNDED}",
        ),
        _f(
            "rd_staff_share",
            "ratio",
            "share",
            "研发及相关技术创新人员占职工总数比例",
            "R&D staff / employees",
            basis="employees",
            derived_from=("rd_staff", "employees"),
            formula=f"rd_staff / employees, {_ROUNDED}",
        ),
        # A start date, not a count of years: 1.9 years in the niche is not 2 (years_at_least reads it).
        _f(
            "niche_market_since",
            "date",
            "date",
            "进入特定细分市场（开始从事主营细分业务）的日期",
            "date the enterprise entered its niche market",
        ),
        _f(
            "has_rd_institution",
            "bool",
            "",
            "自建或与高校、科研机构联合建立研发机构",
            "has an own or joint R&D institution",
        ),
        _f(
            "it_supported_core_processes",
            "count",
            "processes",
            "采用信息系统支撑的核心业务数",
            "core business processes supported by information systems",
        ),
        _f(
            "quality_cert",
            "bool",
            "",
            "取得质量管理体系认证",
            "holds a quality-management certification",
            provenance="official_list",
        ),
        _f("own_brand", "bool", "", "拥有自主品牌", "owns a brand"),
        _f(
            "standards_2y",
            "count",
            "standards",
            "近2年主持或参与制（修）订国际、国家、行业标准数",
            "international/national/industry standards led or joined in the last 2 years",
        ),
        _f(
            "equity_financing_2y_cny",
            "money",
            "CNY",
            "近2年新增股权融资额（实缴）",
            "new paid-in equity financing in the last 2 years",
        ),
        _f("rd_expense_2y_cny", "money", "CNY", "近2年研发投入经费合计", "R&D expense over the last 2 years"),
        # The bases of benefits: digital services bought (服务券) and interest on 云量贷 loans (贴息).
        _f("cloud_spend_cny", "money", "CNY", "年度云服务支出", "yearly cloud spend"),
        _f(
            "cloud_loan_interest_cny",
            "money",
            "CNY",
            "上年度“云量贷”贷款利息支出",
            "interest paid on cloud-usage loans last year",
        ),
        # Jiangsu's 小巨人 (manufacturing) criteria state these facts over other periods.
        _f("profit_and_tax_cny", "money", "CNY", "上年度利税总额", "profit and taxes together, last year"),
        _f(
            "revenue_growth_avg_3y",
            "ratio",
            "share per year",
            "近3年营业收入平均增长率",
            "average revenue growth over the last 3 years",
        ),
        _f(
            "operating_margin_avg_3y",
            "ratio",
            "share",
            "近3年平均营业利润率",
            "average operating margin over the last 3 years",
        ),
        _f(
            "rd_institution_municipal",
            "bool",
            "",
            "建有市级以上（含）认定的研发机构",
            "has an R&D institution recognised at municipal level or above",
            provenance="official_list",
        ),
        _f(
            "rd_intensity_1y",
            "ratio",
            "share",
            "上年度研究开发费用占营业收入比重",
            "R&D expense / revenue, last year",
            basis="revenue_cny",
            derived_from=("rd_expense_cny", "revenue_cny"),
            formula=f"rd_expense_cny / revenue_cny, {_ROUNDED}",
        ),
        _f("net_profit_2y_cny", "money", "CNY", "近2年净利润累计", "net profit over the last 2 years"),
        _f("valuation_cny", "money", "CNY", "最新一轮融资估值", "valuation at the latest funding round"),
        _f(
            "srdi_level",
            "code",
            "none|pool|municipal|provincial|national",
            "已获“专精特新”认定或入库的最高层级",
            "highest SRDI recognition held",
            provenance="official_list",
        ),
        # Facts several programmes state as clauses: a rank is a number (1 = first), a clean record
        # and an accident-free record are what the credit and supervision records answer.
        _f(
            "niche_market_rank_province",
            "count",
            "rank",
            "主导产品细分市场占有率全省排名",
            "provincial rank of the main product's niche-market share",
            minimum=1,
        ),
        _f(
            "niche_market_rank_national",
            "count",
            "rank",
            "主导产品细分市场占有率全国排名",
            "national rank of the main product's niche-market share",
            minimum=1,
        ),
        _f(
            "clean_record_3y",
            "bool",
            "",
            "近三年无严重违法违规行为、失信行为",
            "no serious violation of law or breach of trust in the last 3 years",
            provenance="official_list",
        ),
        _f(
            "no_major_accidents_3y",
            "bool",
            "",
            "近三年未发生安全、质量、环境污染事故",
            "no safety, quality or environmental-pollution accident in the last 3 years",
            provenance="official_verified",
        ),
    )
}

SRDI_LEVELS = ("none", "pool", "municipal", "provincial", "national")
SIZE_CLASSES = ("large", "medium", "small", "micro")
# How the closed code sets read to people, (Chinese, English); the same words as the registry's choices.
CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "size_class": {
        "large": ("大型", "large"),
        "medium": ("中型", "medium"),
        "small": ("小型", "small"),
        "micro": ("微型", "micro"),
    },
    "srdi_level": {
        "none": ("未获认定", "not recognised"),
        "pool": ("已入培育库", "in a cultivation pool"),
        "municipal": ("市级专精特新", "municipal SRDI"),
        "provincial": ("省级专精特新", "provincial SRDI"),
        "national": ("国家级专精特新“小巨人”", "national little giant"),
    },
}
# What a code may look like: the registry only stores these forms, and both evaluation paths rely on
# them (the batch path reads regions and industries as integers, the closed sets as enums).
CODE_CHOICES: dict[str, tuple[str, ...]] = {"size_class": SIZE_CLASSES, "srdi_level": SRDI_LEVELS}
CODE_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "region_code": (re.compile(r"[0-9]{6}"), "6 digits (GB/T 2260), e.g. 330106"),
    "industry_code": (re.compile(r"[0-9]{4}"), "4 digits (GB/T 4754-2017 class), e.g. 3911"),
    "size_class": (re.compile("|".join(SIZE_CLASSES)), "one of " + ", ".join(SIZE_CLASSES)),
    "srdi_level": (re.compile("|".join(SRDI_LEVELS)), "one of " + ", ".join(SRDI_LEVELS)),
}


def field(name: str) -> Field:
    """Look a field up; the error names the unknown field and where the list is."""
    try:
        return FIELDS[name]
    except KeyError:
        raise FieldValueError(f"unknown field {name!r}; see `funeng policy_fields --json`") from None


def _decimal(name: str, raw: object) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise FieldValueError(f"{name}: expected a number, got {raw!r}")
    try:
        # repr() of a float is its shortest round-trip decimal, so JSON 0.03 becomes exactly 0.03.
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    except InvalidOperation:
        raise FieldValueError(f"{name}: expected a number, got {raw!r}") from None
    if not value.is_finite():
        raise FieldValueError(f"{name}: expected a finite number, got {raw!r}")
    if len(value.normalize().as_tuple().digits) > MAX_SIGNIFICANT_DIGITS:
        raise FieldValueError(f"{name}: at most {MAX_SIGNIFICANT_DIGITS} significant digits, got {raw!r}")
    return value


def coerce(name: str, raw: object) -> Value:
    """Turn a JSON value into the field's Python type (None stays None = unknown)."""
    spec = field(name)
    if raw is None:
        return None
    if spec.type in ("money", "ratio"):
        return _decimal(name, raw)
    if spec.type == "count":
        number = _decimal(name, raw)
        if number != number.to_integral_value() or number < spec.minimum:
            raise FieldValueError(f"{name}: expected a whole number >= {spec.minimum}, got {raw!r}")
        if number > MAX_COUNT:
            raise FieldValueError(f"{name}: expected a whole number <= {MAX_COUNT}, got {raw!r}")
        return int(number)
    if spec.type == "bool":
        if not isinstance(raw, bool):
            raise FieldValueError(f"{name}: expected true or false, got {raw!r}")
        return raw
    if spec.type == "date":
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw  # a record built from the registry (enterprises.policy_record) is already typed
        if not isinstance(raw, str):
            raise FieldValueError(f"{name}: expected a date YYYY-MM-DD, got {raw!r}")
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise FieldValueError(f"{name}: expected a date YYYY-MM-DD, got {raw!r}") from None
    if not isinstance(raw, str):
        raise FieldValueError(f"{name}: expected a code (string), got {raw!r}")
    form = CODE_FORMATS.get(name)
    if form is not None and not form[0].fullmatch(raw):
        raise FieldValueError(f"{name}: expected {form[1]}, got {raw!r}")
    return raw


def coerce_enterprise(raw: dict[str, object]) -> dict[str, Value]:
    """Validate a whole enterprise (field → value); unknown fields are an error, absent ones unknown."""
    return {name: coerce(name, value) for name, value in raw.items()}
