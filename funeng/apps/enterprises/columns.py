"""The one column spec of enterprise import, export and the template: keys, headers, types, rules."""

from __future__ import annotations

from dataclasses import dataclass

from funeng.apps.enterprises.const import CloudLevel, SrdiLevel

TEXT, CODE, INT, MONEY, DATE, CHOICE = "text", "code", "int", "money", "date", "choice"
RATIO, BOOL = "ratio", "bool"

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
SRDI_LEVEL_LABELS = {
    SrdiLevel.NONE.value: "未获认定",
    SrdiLevel.POOL.value: "入库培育",
    SrdiLevel.MUNICIPAL.value: "市级",
    SrdiLevel.PROVINCIAL.value: "省级",
    SrdiLevel.NATIONAL.value: "国家级小巨人",
}
YES, NO = "是", "否"
_RATIO_NOTE = "小数或百分数，如 0.05 或 5%；最多 6 位小数（百分数 4 位）"


@dataclass(frozen=True, slots=True)
class Column:
    """One importable Enterprise field as it appears in a file."""

    key: str
    header_zh: str
    header_en: str
    kind: str  # text | code | int | money | date | choice | ratio | bool
    required: bool = False
    max_length: int | None = None
    width: int | None = None  # fixed width of a code; numeric Excel cells lose leading zeros
    signed: bool = False  # money that may be negative (net profit)
    note: str = ""  # what goes in the column, for the 说明 sheet of the template
    choices: tuple[tuple[str, str], ...] = ()  # (code, Chinese label) of a choice column
    bounds: tuple[int, int] | None = None  # inclusive range of a ratio column, as a decimal
    minimum: int = 0  # the smallest whole number an int column takes (a rank starts at 1)


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
        choices=tuple(CLOUD_LEVEL_LABELS.items()),
    ),
    Column("cloud_spend_cny", "年度云服务支出（元）", "Yearly cloud spend (CNY)", MONEY, note="单位：元"),
    Column(
        "cloud_loan_interest_cny",
        "上年度云量贷利息支出（元）",
        "Interest on cloud-usage loans, last year (CNY)",
        MONEY,
        note="单位：元；没有云量贷填 0",
    ),
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
        "main_product_revenue_cny",
        "主导产品（服务）销售收入（元）",
        "Sales of the main products (CNY)",
        MONEY,
        note="单位：元；上年度",
    ),
    Column(
        "net_profit_cny", "净利润（元）", "Net profit (CNY)", MONEY, signed=True, note="单位：元，亏损填负数"
    ),
    Column("liabilities_cny", "负债总额（元）", "Total liabilities (CNY)", MONEY, note="单位：元"),
    Column("rd_staff", "研发人员（人）", "R&D staff", INT, note="非负整数"),
    # What the 专精特新 rules read (engines/rules/fields.py); shares such as 主营业务收入占比 and 资产负债率
    # are computed from the amounts above, so they have no input column.
    Column(
        "main_business_growth_avg_2y",
        "近2年主营业务收入平均增长率",
        "Main business revenue growth, 2-year average",
        RATIO,
        note=_RATIO_NOTE + "；-100% 至 10000%",
        bounds=(-1, 100),
    ),
    Column(
        "net_profit_growth_avg_2y",
        "近2年净利润平均增长率",
        "Net profit growth, 2-year average",
        RATIO,
        note=_RATIO_NOTE + "；-10000% 至 10000%",
        bounds=(-100, 100),
    ),
    Column(
        "revenue_growth_avg_2y",
        "近2年营业收入平均增长率",
        "Operating revenue growth, 2-year average",
        RATIO,
        note=_RATIO_NOTE + "；-100% 至 10000%",
        bounds=(-1, 100),
    ),
    Column(
        "net_profit_2y_cny",
        "近2年净利润累计（元）",
        "Net profit, last 2 years together (CNY)",
        MONEY,
        signed=True,
        note="单位：元，两年合计，亏损填负数",
    ),
    Column(
        "equity_financing_2y_cny",
        "近2年新增股权融资额（实缴，元）",
        "New paid-in equity financing, last 2 years (CNY)",
        MONEY,
        note="单位：元；没有融资填 0",
    ),
    Column(
        "valuation_cny",
        "最新一轮融资估值（元）",
        "Valuation at the latest funding round (CNY)",
        MONEY,
        note="单位：元；没有融资留空",
    ),
    Column(
        "rd_expense_2y_cny",
        "近2年研发经费支出合计（元）",
        "R&D expense, last 2 years together (CNY)",
        MONEY,
        note="单位：元，上年与前年之和",
    ),
    Column(
        "profit_and_tax_cny",
        "上年度利税总额（元）",
        "Profit and taxes, last year (CNY)",
        MONEY,
        signed=True,
        note="单位：元，利润总额与税金合计",
    ),
    Column(
        "revenue_growth_avg_3y",
        "近3年营业收入平均增长率",
        "Operating revenue growth, 3-year average",
        RATIO,
        note=_RATIO_NOTE + "；-100% 至 10000%",
        bounds=(-1, 100),
    ),
    Column(
        "operating_margin_avg_3y",
        "近3年平均营业利润率",
        "Operating margin, 3-year average",
        RATIO,
        note=_RATIO_NOTE + "；-10000% 至 100%",
        bounds=(-100, 1),
    ),
    Column(
        "rd_institution_municipal",
        "市级以上认定研发机构",
        "Recognised R&D institution",
        BOOL,
        note="建有市级（含）以上认定的研发机构（如企业技术中心）：是 / 否；空 = 未知",
    ),
    Column(
        "has_rd_institution",
        "自建或联建研发机构",
        "R&D institution",
        BOOL,
        note="是 / 否（也接受 Y/N、1/0、TRUE/FALSE）；空 = 未知",
    ),
    Column(
        "standards_2y",
        "近2年主持或参与制修订标准（项）",
        "Standards, last 2 years",
        INT,
        note="国际、国家或行业标准；非负整数",
    ),
    Column(
        "quality_cert",
        "质量管理体系认证",
        "Quality-management certification",
        BOOL,
        note="是 / 否；空 = 未知",
    ),
    Column("own_brand", "自主品牌", "Own brand", BOOL, note="是 / 否；空 = 未知"),
    Column(
        "niche_market_since",
        "进入细分市场日期",
        "In the niche market since",
        DATE,
        note="开始从事特定细分市场的日期，YYYY-MM-DD；年限据此按周年计算（1.9 年不算 2 年）",
    ),
    Column(
        "niche_market_rank_province",
        "细分市场占有率全省排名",
        "Niche-market rank in the province",
        INT,
        note="主导产品细分市场占有率在全省的位次；正整数，1 = 第一",
        minimum=1,
    ),
    Column(
        "niche_market_rank_national",
        "细分市场占有率全国排名",
        "Niche-market rank in China",
        INT,
        note="主导产品细分市场占有率在全国的位次；正整数，1 = 第一",
        minimum=1,
    ),
    Column(
        "clean_record_3y",
        "近三年无严重违法违规失信",
        "Clean record, last 3 years",
        BOOL,
        note="近三年无严重违法违规行为、失信行为：是 / 否；空 = 未知",
    ),
    Column(
        "no_major_accidents_3y",
        "近三年无安全质量环境事故",
        "No accidents, last 3 years",
        BOOL,
        note="近三年未发生安全、质量、环境污染事故：是 / 否；空 = 未知",
    ),
    Column(
        "srdi_level",
        "专精特新认定层级",
        "SRDI recognition",
        CHOICE,
        note="已获认定的最高层级，填写代码或中文："
        + "；".join(f"{code} = {label}" for code, label in SRDI_LEVEL_LABELS.items()),
        choices=tuple(SRDI_LEVEL_LABELS.items()),
    ),
    Column(
        "it_supported_core_processes",
        "信息系统支撑的核心业务数（项）",
        "Core processes on information systems",
        INT,
        note="非负整数",
    ),
)

DERIVED_COLUMNS: tuple[DerivedColumn, ...] = (
    # The ratios the policy rules compute from the amounts (engines.rules.derive), as decimals.
    DerivedColumn(
        "main_business_share",
        "主营业务收入占营业收入比重（系统计算）",
        "Main-business share of revenue (computed)",
        note="主营业务收入 ÷ 营业收入；导入时忽略",
    ),
    DerivedColumn(
        "main_product_share",
        "主导产品（服务）销售收入占营业收入比重（系统计算）",
        "Main products' share of revenue (computed)",
        note="主导产品（服务）销售收入 ÷ 营业收入；导入时忽略",
    ),
    DerivedColumn(
        "debt_ratio",
        "资产负债率（系统计算）",
        "Debt ratio (computed)",
        note="负债总额 ÷ 资产总额；导入时忽略",
    ),
    DerivedColumn(
        "revenue_growth_1y",
        "营业收入增长率（系统计算）",
        "Revenue growth, last year (computed)",
        note="营业收入 ÷ 上年营业收入 − 1；导入时忽略",
    ),
    DerivedColumn(
        "rd_intensity_2y",
        "近2年研发经费支出占营业收入比重（系统计算）",
        "R&D intensity, last 2 years (computed)",
        note="近2年研发经费支出合计 ÷（营业收入 + 上年营业收入）；导入时忽略",
    ),
    DerivedColumn(
        "rd_intensity_1y",
        "上年度研发费用占营业收入比重（系统计算）",
        "R&D intensity, last year (computed)",
        note="研发费用 ÷ 营业收入；导入时忽略",
    ),
    DerivedColumn(
        "rd_staff_share",
        "研发人员占职工总数比例（系统计算）",
        "R&D staff share (computed)",
        note="研发人员 ÷ 从业人员；导入时忽略",
    ),
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
