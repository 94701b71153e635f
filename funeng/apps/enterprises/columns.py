"""The one column spec of enterprise import, export and the template: keys, headers, types, rules."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from funeng.apps.enterprises.const import CloudLevel

TEXT, CODE, INT, MONEY, DATE, CHOICE = "text", "code", "int", "money", "date", "choice"

# Chinese labels of CloudLevel for files; the UI labels are msgids and depend on the active language,
# while an import file must mean the same thing whatever language the importer's browser uses.
CLOUD_LEVEL_LABELS = {
    CloudLevel.NONE.value: "未上云",
    CloudLevel.INFRASTRUCTURE.value: "基础设施上云",
    CloudLevel.PLATFORM.value: "平台系统上云",
    CloudLevel.BUSINESS.value: "业务应用上云",
}
SIZE_CLASS_LABELS = {
    "large": "大型",
    "medium": "中型",
    "small": "小型",
    "micro": "微型",
    "undetermined": "无法判定",
}
YES, NO = "是", "否"


@dataclass(frozen=True, slots=True)
class Column:
    """One importable Enterprise field as it appears in a file."""

    key: str
    header_zh: str
    header_en: str
    kind: str  # text | code | int | money | date | choice
    required: bool = False
    max_length: int | None = None
    width: int | None = None  # fixed width of a code; numeric Excel cells lose leading zeros
    signed: bool = False  # money that may be negative (net profit)
    note: str = ""  # what goes in the column, for the 说明 sheet of the template


@dataclass(frozen=True, slots=True)
class DerivedColumn:
    """A read-only column that export writes and import recognises and ignores (it is recomputed)."""

    key: str
    header_zh: str
    header_en: str
    note: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code",
        "统一社会信用代码",
        "Unified social credit code",
        CODE,
        required=True,
        width=18,
        note="18 位，GB 32100-2015；字母大写，校验位须正确",
    ),
    Column("name", "企业名称", "Name", TEXT, required=True, max_length=200, note="营业执照上的全称"),
    Column(
        "industry_code",
        "行业代码",
        "Industry code",
        CODE,
        required=True,
        width=4,
        note="GB/T 4754-2017 国民经济行业分类 4 位小类代码，如 3911；请设为文本以保留前导 0",
    ),
    Column(
        "region_code",
        "行政区划代码",
        "Region code",
        CODE,
        required=True,
        width=6,
        note="GB/T 2260 6 位代码，省、地市或区县均可，如 330106",
    ),
    Column(
        "founded_on",
        "成立日期",
        "Founding date",
        DATE,
        note="YYYY-MM-DD，也接受 YYYY/MM/DD 或 Excel 日期单元格",
    ),
    Column("employees", "从业人员（人）", "Employees", INT, note="非负整数"),
    Column(
        "revenue_cny",
        "营业收入（元）",
        "Operating revenue (CNY)",
        MONEY,
        note="单位：元（不是万元），最多两位小数",
    ),
    Column("assets_cny", "资产总额（元）", "Total assets (CNY)", MONEY, note="单位：元（不是万元）"),
    Column("rd_expense_cny", "研发费用（元）", "R&D expense (CNY)", MONEY, note="单位：元"),
    Column("invention_patents", "发明专利（件）", "Invention patents", INT, note="非负整数"),
    Column("utility_models", "实用新型专利（件）", "Utility model patents", INT, note="非负整数"),
    Column("design_patents", "外观设计专利（件）", "Design patents", INT, note="非负整数"),
    Column("software_copyrights", "软件著作权（件）", "Software copyrights", INT, note="非负整数"),
    Column(
        "cloud_level",
        "上云层级",
        "Cloud adoption",
        CHOICE,
        note="填写代码或中文："
        + "；".join(f"{code} = {label}" for code, label in CLOUD_LEVEL_LABELS.items()),
    ),
    Column("cloud_spend_cny", "年度云服务支出（元）", "Yearly cloud spend (CNY)", MONEY, note="单位：元"),
    Column(
        "revenue_prev_cny",
        "上年营业收入（元）",
        "Operating revenue, previous year (CNY)",
        MONEY,
        note="单位：元",
    ),
    Column(
        "main_business_revenue_cny",
        "主营业务收入（元）",
        "Main business revenue (CNY)",
        MONEY,
        note="单位：元",
    ),
    Column(
        "net_profit_cny", "净利润（元）", "Net profit (CNY)", MONEY, signed=True, note="单位：元，亏损填负数"
    ),
    Column("liabilities_cny", "负债总额（元）", "Total liabilities (CNY)", MONEY, note="单位：元"),
    Column("rd_staff", "研发人员（人）", "R&D staff", INT, note="非负整数"),
)

DERIVED_COLUMNS: tuple[DerivedColumn, ...] = (
    DerivedColumn(
        "size_class",
        "企业划型（系统计算）",
        "Size class (computed)",
        note="导出时由系统按工信部联企业〔2011〕300号计算；导入时忽略",
    ),
    DerivedColumn(
        "de_core",
        "数字经济核心产业（暂定/provisional）",
        "Digital-economy core (provisional)",
        note="按国家统计局 2021 分类（小类对照为暂定）计算；导入时忽略",
    ),
    DerivedColumn("classified_with", "分类引擎版本", "Classification engine version", note="导入时忽略"),
)

COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)


def normalize_header(text: object) -> str:
    """Compare headers loosely: full-width forms folded (（）→ ()), case and spaces ignored."""
    if text is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def _header_index() -> dict[str, Column | DerivedColumn]:
    index: dict[str, Column | DerivedColumn] = {}
    every: tuple[Column | DerivedColumn, ...] = (*COLUMNS, *DERIVED_COLUMNS)
    for column in every:
        for name in (column.key, column.header_zh, column.header_en):
            index[normalize_header(name)] = column
    return index


HEADER_INDEX = _header_index()
