"""Synthetic enterprises for a demo region: a manufacturing-heavy Zhejiang with a slice of Jiangsu.

Pure numpy + Polars (no Django), vectorized over whole columns so a million rows take seconds.
Every draw comes from one seeded generator in a fixed order, so (n, seed) always gives the same
frame. The figures are invented but shaped like a real registry: heavy-tailed sizes, sector
productivity, missing values that cluster in small firms, zero-inflated IP counts.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from funeng.apps.enterprises.fields import EDITABLE_FIELDS as COLUMNS

DATA_DIR = Path(__file__).resolve().parent / "data"
ZHEJIANG_FILE = "zhejiang_counties.csv"
JIANGSU_FILE = "jiangsu_districts.csv"
JIANGSU_SHARE = 0.05  # the slice outside the demo province, to test regional isolation

CLOUD_LEVELS = ("none", "infrastructure", "platform", "business")


@dataclass(frozen=True, slots=True)
class Sector:
    """How firms of one sector look: size, productivity, balance sheet, R&D, IP and cloud habits."""

    share: float  # of all enterprises
    employees_median: float
    revenue_per_employee: float  # median, CNY per year
    assets_to_revenue: float  # median
    rd_share: float  # share of firms that spend on R&D
    rd_intensity: tuple[float, float]  # R&D / revenue, uniform range
    ip_rates: tuple[float, float, float, float]  # invention, utility, design, software per employee**0.85
    cloud: tuple[float, float, float, float]  # none, infrastructure, platform, business


# Shares follow a manufacturing province: about 45% industry, then trade, software, services.
# Columns: share, employees median, revenue per employee, assets/revenue, R&D share, R&D intensity,
# IP rates (invention, utility, design, software), cloud (none, infrastructure, platform, business).
# fmt: off
SECTORS: dict[str, Sector] = {
    "manufacturing": Sector(0.45, 20,   450_000, 0.9,  0.40, (0.005, 0.08), (0.03,  0.10,  0.04,  0.01),  (0.45, 0.35, 0.13, 0.07)),
    "wholesale":     Sector(0.09,  8, 1_200_000, 0.45, 0.03, (0.002, 0.02), (0.002, 0.004, 0.004, 0.01),  (0.45, 0.35, 0.10, 0.10)),
    "retail":        Sector(0.06,  6,   400_000, 0.5,  0.02, (0.002, 0.02), (0.001, 0.002, 0.003, 0.01),  (0.50, 0.30, 0.08, 0.12)),
    "software":      Sector(0.10, 14,   300_000, 0.9,  0.60, (0.03,  0.15), (0.01,  0.01,  0.0,   0.25),  (0.10, 0.35, 0.28, 0.27)),
    "construction":  Sector(0.06, 18,   400_000, 1.1,  0.05, (0.002, 0.02), (0.002, 0.01,  0.0,   0.002), (0.60, 0.30, 0.07, 0.03)),
    "transport":     Sector(0.05, 12,   350_000, 1.0,  0.03, (0.002, 0.02), (0.001, 0.003, 0.0,   0.01),  (0.50, 0.33, 0.12, 0.05)),
    "catering":      Sector(0.05,  9,   120_000, 0.8,  0.01, (0.002, 0.01), (0.0,   0.0,   0.001, 0.002), (0.60, 0.28, 0.05, 0.07)),
    "business":      Sector(0.06,  8,   300_000, 1.8,  0.05, (0.005, 0.03), (0.001, 0.002, 0.002, 0.02),  (0.45, 0.35, 0.10, 0.10)),
    "scitech":       Sector(0.05, 12,   250_000, 1.2,  0.50, (0.03,  0.15), (0.03,  0.05,  0.01,  0.08),  (0.20, 0.40, 0.22, 0.18)),
    "agriculture":   Sector(0.02,  8,   200_000, 1.5,  0.05, (0.005, 0.03), (0.002, 0.005, 0.0,   0.0),   (0.75, 0.20, 0.03, 0.02)),
    "real_estate":   Sector(0.01, 10,   400_000, 3.0,  0.01, (0.002, 0.01), (0.0,   0.0,   0.0,   0.002), (0.50, 0.35, 0.10, 0.05)),
}
# fmt: on

# (GB/T 4754-2017 class, sector, weight inside the sector, words for the company name).
# Manufacturing leans on Zhejiang's clusters: textiles and apparel (柯桥, 海宁), chemical fibre
# (桐乡, 萧山), plastics (余姚, 黄岩), hardware (永康), pumps and valves (温岭, 永嘉), auto parts
# (瑞安, 玉环), electrical (乐清), electronics (杭州, 宁波).
INDUSTRIES: tuple[tuple[str, str, float, tuple[str, ...]], ...] = (
    ("1711", "manufacturing", 1.0, ("纺织",)),
    ("1713", "manufacturing", 1.2, ("印染",)),
    ("1742", "manufacturing", 0.8, ("丝绸",)),
    ("1751", "manufacturing", 4.0, ("纺织", "织造")),
    ("1752", "manufacturing", 2.0, ("印染", "染整")),
    ("1761", "manufacturing", 1.5, ("针织",)),
    ("1779", "manufacturing", 1.2, ("家纺",)),
    ("1819", "manufacturing", 3.5, ("服饰", "服装")),
    ("1829", "manufacturing", 2.0, ("针织服饰",)),
    ("1830", "manufacturing", 1.0, ("服饰",)),
    ("1922", "manufacturing", 0.8, ("箱包",)),
    ("1952", "manufacturing", 1.5, ("鞋业",)),
    ("2110", "manufacturing", 1.5, ("家具",)),
    ("2822", "manufacturing", 1.5, ("化纤",)),
    ("2829", "manufacturing", 0.8, ("化纤", "新材料")),
    ("2913", "manufacturing", 1.0, ("橡胶",)),
    ("2922", "manufacturing", 1.5, ("塑业",)),
    ("2926", "manufacturing", 1.0, ("塑料包装",)),
    ("2927", "manufacturing", 2.0, ("塑料制品", "日用品")),
    ("2929", "manufacturing", 2.5, ("塑胶", "塑料制品")),
    ("3311", "manufacturing", 1.5, ("钢结构",)),
    ("3322", "manufacturing", 1.8, ("工具",)),
    ("3324", "manufacturing", 1.0, ("刀具",)),
    ("3351", "manufacturing", 1.2, ("五金",)),
    ("3352", "manufacturing", 1.5, ("水暖", "洁具")),
    ("3360", "manufacturing", 0.8, ("表面处理",)),
    ("3381", "manufacturing", 1.5, ("厨具",)),
    ("3389", "manufacturing", 1.2, ("五金制品",)),
    ("3441", "manufacturing", 1.5, ("泵业",)),
    ("3443", "manufacturing", 2.0, ("阀门",)),
    ("3444", "manufacturing", 0.8, ("液压",)),
    ("3451", "manufacturing", 1.2, ("轴承",)),
    ("3453", "manufacturing", 1.0, ("传动",)),
    ("3465", "manufacturing", 1.2, ("电动工具",)),
    ("3482", "manufacturing", 1.2, ("紧固件",)),
    ("3484", "manufacturing", 4.0, ("精密机械", "机械")),
    ("3489", "manufacturing", 1.5, ("机械配件",)),
    ("3523", "manufacturing", 0.8, ("塑料机械",)),
    ("3525", "manufacturing", 2.0, ("模具",)),
    ("3551", "manufacturing", 1.2, ("纺织机械",)),
    ("3553", "manufacturing", 1.0, ("缝纫机",)),
    ("3587", "manufacturing", 0.5, ("眼镜",)),
    ("3599", "manufacturing", 1.2, ("机械设备",)),
    ("3670", "manufacturing", 4.0, ("汽车配件", "汽配")),
    ("3812", "manufacturing", 1.2, ("电机",)),
    ("3813", "manufacturing", 1.0, ("微电机",)),
    ("3823", "manufacturing", 1.5, ("电气",)),
    ("3825", "manufacturing", 1.0, ("光伏科技",)),
    ("3831", "manufacturing", 1.0, ("电缆",)),
    ("3854", "manufacturing", 1.5, ("厨房电器", "电器")),
    ("3856", "manufacturing", 0.8, ("电器",)),
    ("3872", "manufacturing", 1.2, ("照明",)),
    ("3914", "manufacturing", 0.6, ("自动化科技",)),
    ("3922", "manufacturing", 0.6, ("通讯科技",)),
    ("3976", "manufacturing", 0.8, ("光电",)),
    ("3982", "manufacturing", 1.2, ("电子",)),
    ("3983", "manufacturing", 0.8, ("传感科技",)),
    ("3989", "manufacturing", 1.0, ("电子元件",)),
    ("4011", "manufacturing", 0.6, ("仪表",)),
    ("5131", "wholesale", 3.0, ("纺织品", "面料")),
    ("5132", "wholesale", 2.5, ("服饰贸易",)),
    ("5164", "wholesale", 1.5, ("金属材料",)),
    ("5165", "wholesale", 1.5, ("建材",)),
    ("5169", "wholesale", 1.0, ("化工",)),
    ("5174", "wholesale", 2.0, ("五金贸易",)),
    ("5175", "wholesale", 1.0, ("机电设备",)),
    ("5179", "wholesale", 1.0, ("机电",)),
    ("5181", "wholesale", 2.0, ("进出口", "贸易")),
    ("5193", "wholesale", 2.0, ("电子商务",)),
    ("5199", "wholesale", 1.5, ("商贸",)),
    ("5212", "retail", 1.0, ("超市",)),
    ("5232", "retail", 1.5, ("服饰",)),
    ("5239", "retail", 1.0, ("日用百货",)),
    ("5281", "retail", 1.0, ("五金",)),
    ("5292", "retail", 3.0, ("电子商务", "网络科技")),
    ("5299", "retail", 1.0, ("商贸",)),
    ("6432", "software", 1.0, ("网络科技",)),
    ("6450", "software", 1.0, ("数据科技",)),
    ("6490", "software", 1.0, ("网络科技",)),
    ("6511", "software", 0.5, ("软件",)),
    ("6513", "software", 4.0, ("软件", "信息技术")),
    ("6520", "software", 0.8, ("微电子",)),
    ("6531", "software", 2.0, ("信息技术", "智能科技")),
    ("6532", "software", 1.0, ("物联网科技",)),
    ("6550", "software", 0.8, ("数据服务",)),
    ("6560", "software", 1.0, ("信息咨询",)),
    ("4710", "construction", 2.0, ("建设",)),
    ("4813", "construction", 1.0, ("市政工程",)),
    ("4891", "construction", 1.0, ("园林绿化",)),
    ("4910", "construction", 1.5, ("机电安装",)),
    ("5012", "construction", 2.5, ("装饰工程", "装饰设计")),
    ("5431", "transport", 3.0, ("物流", "运输")),
    ("5821", "transport", 2.0, ("货运代理", "国际物流")),
    ("5920", "transport", 1.5, ("仓储",)),
    ("6110", "catering", 1.0, ("酒店管理",)),
    ("6130", "catering", 0.8, ("民宿",)),
    ("6210", "catering", 3.0, ("餐饮管理", "餐饮")),
    ("6220", "catering", 1.5, ("餐饮",)),
    ("7212", "business", 1.0, ("投资管理",)),
    ("7224", "business", 1.5, ("供应链管理",)),
    ("7243", "business", 2.0, ("企业管理咨询",)),
    ("7259", "business", 1.5, ("广告",)),
    ("7263", "business", 1.0, ("人力资源",)),
    ("7289", "business", 0.8, ("会展服务",)),
    ("7320", "scitech", 1.0, ("科技",)),
    ("7452", "scitech", 1.5, ("检测技术",)),
    ("7484", "scitech", 1.0, ("工程设计",)),
    ("7491", "scitech", 1.0, ("工业设计",)),
    ("7520", "scitech", 1.0, ("知识产权代理",)),
    ("7590", "scitech", 2.0, ("科技",)),
    ("0141", "agriculture", 1.0, ("生态农业",)),
    ("0143", "agriculture", 0.8, ("花卉",)),
    ("0153", "agriculture", 0.8, ("果业",)),
    ("0164", "agriculture", 1.5, ("茶业",)),
    ("0412", "agriculture", 1.0, ("水产",)),
    ("7020", "real_estate", 1.0, ("物业管理",)),
    ("7030", "real_estate", 1.0, ("房产经纪",)),
)

# Characters common in Chinese trade names (字号); two distinct ones make a name.
TRADE_CHARACTERS = (
    "恒达鑫源华宏盛泰瑞丰隆兴昌晟锦正永嘉明天新海浩博创卓信诚佳立中通远航德润金宇凯骏富利安康"
    "汇聚星辰伟业腾飞广越祥和东方力豪杰亚美欣荣顺捷"
)
# The reference date of the snapshot; founding dates run from 1985 up to it.
SNAPSHOT_DATE = dt.date(2025, 12, 31)
EARLIEST_FOUNDING = dt.date(1985, 1, 1)

# GB 32100-2015 check character and GB 11714 organisation-code check, as in
# engines.reference.credit_code, but over whole arrays.
_CHARSET = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)
_CREDIT_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)


@dataclass(frozen=True)
class Regions:
    """County-level codes with sampling weights and the place word a company name starts with."""

    codes: tuple[str, ...]
    weights: np.ndarray
    place_words: tuple[str, ...]


def _read_csv(filename: str) -> list[dict[str, str]]:
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _place_word(code: str, name: str, prefecture: str) -> str:
    # Companies in city districts register under the city (杭州…); counties and county-level
    # cities under their own name (义乌…, 慈溪…).
    if int(code[4:]) < 21:
        return prefecture.removesuffix("市")
    for suffix in ("畲族自治县", "市", "县", "区"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


@cache
def demo_regions() -> Regions:
    """Zhejiang's counties (95% of the weight) and a few Nanjing/Suzhou districts (5%)."""
    zhejiang = _read_csv(ZHEJIANG_FILE)
    jiangsu = _read_csv(JIANGSU_FILE)
    zj_weights = np.array([float(row["weight"]) for row in zhejiang])
    js_weights = np.array([float(row["weight"]) for row in jiangsu])
    weights = np.concatenate(
        [zj_weights / zj_weights.sum() * (1 - JIANGSU_SHARE), js_weights / js_weights.sum() * JIANGSU_SHARE]
    )
    rows = zhejiang + jiangsu
    return Regions(
        tuple(row["code"] for row in rows),
        weights,
        tuple(_place_word(row["code"], row["name"], row["prefecture"]) for row in rows),
    )


def credit_codes(region_codes: np.ndarray, bodies: np.ndarray) -> np.ndarray:
    """统一社会信用代码 "91" + region + 8-digit body + GB 11714 check + GB 32100 check, as bytes S18."""
    n = len(bodies)
    chars = np.empty((n, 18), dtype=np.uint8)
    chars[:, 0] = ord("9")
    chars[:, 1] = ord("1")
    chars[:, 2:8] = np.frombuffer(region_codes.astype("S6").tobytes(), dtype=np.uint8).reshape(n, 6)
    body_digits = (bodies[:, None] // 10 ** np.arange(7, -1, -1, dtype=np.int64)) % 10
    chars[:, 8:16] = body_digits + ord("0")
    org = 11 - (body_digits @ _ORG_WEIGHTS) % 11  # 1..11; 10 is written X, 11 is written 0
    chars[:, 16] = np.where(org == 10, ord("X"), np.where(org == 11, ord("0"), org + ord("0")))
    # Map ASCII back to GB 32100 values (digits 0-9; X is 29 in the 31-character set).
    lookup = np.zeros(128, dtype=np.int64)
    lookup[_CHARSET] = np.arange(len(_CHARSET))
    total = lookup[chars[:, :17]] @ _CREDIT_WEIGHTS
    chars[:, 17] = _CHARSET[(31 - total % 31) % 31]
    return chars.view("S18").ravel()


def _gather(words: list[str], index: np.ndarray) -> pl.Series:
    return pl.Series(words, dtype=pl.String).gather(index)


def _optional(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return np.where(keep, values, np.nan)


def _money(name: str, values: np.ndarray) -> pl.Series:
    return pl.Series(name, np.round(values, 2), dtype=pl.Float64).fill_nan(None)


def _count(name: str, values: np.ndarray, keep: np.ndarray) -> pl.Series:
    return pl.Series(name, values.astype(np.int64), dtype=pl.Int64).scatter(np.flatnonzero(~keep), None)


def _ratio(name: str, values: np.ndarray, keep: np.ndarray) -> pl.Series:
    # Four decimals (0.01 percentage point), well inside the six a stored ratio may carry.
    return pl.Series(name, np.where(keep, np.round(values, 4), np.nan), dtype=pl.Float64).fill_nan(None)


def _flag(name: str, values: np.ndarray, keep: np.ndarray) -> pl.Series:
    return pl.Series(name, values.astype(bool), dtype=pl.Boolean).scatter(np.flatnonzero(~keep), None)


# Highest SRDI recognition among the recognised: most sit in a cultivation pool or at municipal or
# provincial level; national little giants are rare (Zhejiang counts them in the hundreds to low
# thousands against millions of enterprises). Shares are invented for the demo, not statistics.
SRDI_RECOGNISED_LEVELS = ("pool", "municipal", "provincial", "national")
SRDI_LEVEL_SHARES = (0.40, 0.30, 0.24, 0.06)


def generate_enterprises(n: int, seed: int) -> pl.DataFrame:
    """n synthetic enterprises, identical for the same (n, seed); columns match EDITABLE_FIELDS."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    rng = np.random.default_rng(seed)

    # Industry: pick a sector, then a class inside it.
    sector_names = list(SECTORS)
    sector_of_class = np.array([sector_names.index(s) for _, s, _, _ in INDUSTRIES])
    class_weights = np.array([w for _, _, w, _ in INDUSTRIES])
    shares = np.array([SECTORS[s].share for s in sector_names])
    class_p = class_weights / np.bincount(sector_of_class, weights=class_weights)[sector_of_class]
    class_p *= shares[sector_of_class]
    class_index = rng.choice(len(INDUSTRIES), size=n, p=class_p / class_p.sum())
    sector = sector_of_class[class_index]

    def per_sector(field: str) -> np.ndarray:
        return np.take(np.array([getattr(SECTORS[s], field) for s in sector_names], dtype=np.float64), sector)

    regions = demo_regions()
    region_index = rng.choice(len(regions.codes), size=n, p=regions.weights)
    region_codes = np.array(regions.codes, dtype="S6")[region_index]

    # Size: lognormal headcount around the sector median; the tail reaches the thousands.
    employees = np.maximum(1, np.rint(per_sector("employees_median") * rng.lognormal(0.0, 1.15, n)))
    employees = np.minimum(employees, 80_000)
    revenue = employees * per_sector("revenue_per_employee") * rng.lognormal(0.0, 0.7, n)
    assets = revenue * per_sector("assets_to_revenue") * rng.lognormal(0.0, 0.5, n)

    # Small firms report little beyond the registration basics.
    report_p = np.clip(0.05 + 0.28 * np.log10(employees + 1), 0.1, 0.92)
    reports = rng.random(n) < report_p
    employees_known = rng.random(n) >= 0.05
    revenue_known = rng.random(n) >= 0.08
    assets_known = rng.random(n) >= 0.15

    # R&D: a sector-dependent share of firms, spending a share of revenue.
    does_rd = rng.random(n) < per_sector("rd_share")
    low = np.array([SECTORS[s].rd_intensity[0] for s in sector_names])[sector]
    high = np.array([SECTORS[s].rd_intensity[1] for s in sector_names])[sector]
    rd_expense = np.where(does_rd, revenue * rng.uniform(low, high), 0.0)
    rd_staff = np.where(does_rd, np.maximum(1, np.rint(employees * rng.uniform(0.05, 0.25, n))), 0)
    rd_staff = np.minimum(rd_staff, employees)

    # IP counts: zero-inflated Poisson whose rate grows with size and R&D.
    scale = employees**0.85 * np.where(does_rd, 3.0, 1.0)
    ip_active = rng.random(n) < np.where(does_rd, 0.65, 0.15)
    ip_rates = np.array([SECTORS[s].ip_rates for s in sector_names])[sector]
    ip_counts = [np.where(ip_active, rng.poisson(ip_rates[:, k] * scale), 0) for k in range(4)]

    # Cloud: adoption level by sector; larger firms are rarely wholly off the cloud.
    cloud_p = np.array([SECTORS[s].cloud for s in sector_names])[sector]
    cloud_index = (rng.random(n)[:, None] > np.cumsum(cloud_p, axis=1)[:, :-1]).sum(axis=1)
    lift = (cloud_index == 0) & (employees >= 50) & (rng.random(n) < 0.5)
    cloud_index = np.where(lift, 1, cloud_index)
    cloud_known = reports | (rng.random(n) < 0.3)
    cloud_level = np.where(cloud_known, np.array(CLOUD_LEVELS)[cloud_index], "")
    level_spend = np.array([0.0, 20_000.0, 60_000.0, 120_000.0])[cloud_index]
    cloud_spend = level_spend * (employees / 15) ** 0.6 * rng.lognormal(0.0, 0.8, n)
    spend_known = cloud_known & ((cloud_index == 0) | (rng.random(n) < 0.7))

    # Founding: most firms are young; bigger ones tend to be older.
    age_years = rng.gamma(1.6, 5.0, n) + 0.8 * np.log(employees)
    age_days = np.minimum(age_years * 365.25, (SNAPSHOT_DATE - EARLIEST_FOUNDING).days).astype(np.int64)
    founded = np.datetime64(SNAPSHOT_DATE.isoformat()) - age_days.astype("timedelta64[D]")
    founded_known = rng.random(n) >= 0.01

    growth = np.maximum(rng.normal(0.06, 0.2, n), -0.6)
    revenue_prev = revenue / (1 + growth)
    main_business = revenue * rng.uniform(0.6, 1.0, n)
    margin = np.clip(rng.normal(0.05, 0.06, n), -0.10, 0.20)
    net_profit = revenue * margin
    liabilities = assets * rng.uniform(0.2, 0.8, n)

    # Names: place + two-character trade name + industry word + 有限公司.
    words = [w for _, _, _, ws in INDUSTRIES for w in ws]
    word_start = np.cumsum([0] + [len(ws) for _, _, _, ws in INDUSTRIES])[:-1]
    word_count = np.array([len(ws) for _, _, _, ws in INDUSTRIES])
    word_index = word_start[class_index] + (rng.random(n) * word_count[class_index]).astype(np.int64)
    trade = list(TRADE_CHARACTERS)
    first = rng.integers(0, len(trade), n)
    second = (first + rng.integers(1, len(trade), n)) % len(trade)
    parts = pl.DataFrame(
        [
            _gather(list(regions.place_words), region_index).alias("place"),
            _gather(trade, first).alias("trade_1"),
            _gather(trade, second).alias("trade_2"),
            _gather(words, word_index).alias("word"),
        ]
    )
    names = parts.select(pl.concat_str([*parts.columns, pl.lit("有限公司")]).alias("name")).to_series()

    # Organisation-code bodies drawn without replacement keep every credit code unique.
    bodies = rng.choice(100_000_000, size=n, replace=False).astype(np.int64)
    codes = credit_codes(region_codes, bodies)

    has_revenue = revenue_known & reports
    # Firms that do R&D report it (the 加计扣除 deduction needs it), so their R&D fields are known.
    rd_known = reports | does_rd
    has_assets = assets_known & reports

    # What the 专精特新 rules read. Drawn after everything above, so the columns above stay the same
    # for a seed. Bigger firms and firms doing R&D report more and score higher.
    size = np.log10(employees + 1)  # about 0.3 for one person, 3 for a thousand
    policy = _policy_fields(rng, n, size, does_rd, growth, margin, revenue_prev, net_profit, rd_expense)
    # A firm enters its niche some time after it is founded: it has spent 30-100% of its life there.
    in_niche_share = rng.uniform(0.3, 1.0, n)
    niche_since = np.datetime64(SNAPSHOT_DATE.isoformat()) - (age_days * in_niche_share).astype(
        "timedelta64[D]"
    )
    it_processes = np.minimum(rng.poisson(0.3 + 0.9 * cloud_index + 0.4 * size), 8)
    # Small firms leave these blank far more often than big ones; a firm applying for SRDI fills them.
    answers = (rng.random(n) < np.clip(0.05 + 0.25 * size, 0.08, 0.85)) | (policy.srdi != "")
    growth_known = has_revenue & (answers | (rng.random(n) < 0.2))
    # Market position and public record, drawn last so every column above stays the same for a seed.
    # A recognised firm leads its niche more often; most firms have a clean record.
    recognised = np.isin(policy.srdi, SRDI_RECOGNISED_LEVELS)
    rank_province = np.clip(
        np.ceil(rng.lognormal(np.log(30) - 0.8 * size - 1.5 * recognised, 0.8, n)), 1, 500
    )
    rank_national = np.clip(np.ceil(rank_province * rng.uniform(3.0, 20.0, n)), 1, 5000)
    ranked = answers & (rng.random(n) < 0.7)
    clean_record = rng.random(n) < 0.97
    accident_free = rng.random(n) < 0.98
    # Three-year figures (Jiangsu's criteria): growth near the two-year one, a margin near the net
    # margin; profit and taxes a little above profit; recognised R&D centres mostly in SRDI firms.
    growth_3y = np.clip(policy.revenue_growth + rng.normal(0.0, 0.03, n), -0.6, 3.0)
    margin_3y = np.clip(margin + rng.normal(0.02, 0.03, n), -1.0, 0.6)
    profit_and_tax = net_profit + np.abs(revenue) * rng.uniform(0.02, 0.06, n)
    recognised_centre = policy.institution & (rng.random(n) < np.where(recognised, 0.6, 0.15))
    # A few firms on the cloud borrowed against their cloud use (云量贷): interest of 3.5-5% a year.
    cloud_loan = (cloud_index > 0) & (rng.random(n) < 0.08)
    loan_interest = np.where(
        cloud_loan, cloud_spend * rng.uniform(2.0, 10.0, n) * rng.uniform(0.035, 0.05, n), 0.0
    )
    # The main products are part of the main business: 40-100% of it, more in focused SRDI firms.
    main_product = main_business * np.clip(rng.uniform(0.4, 1.0, n) + 0.15 * recognised, 0.0, 1.0)
    frame = pl.DataFrame(
        [
            pl.Series("credit_code", codes, dtype=pl.Binary).cast(pl.String),
            names,
            _gather([c for c, _, _, _ in INDUSTRIES], class_index).alias("industry_code"),
            pl.Series("region_code", region_codes, dtype=pl.Binary).cast(pl.String),
            pl.Series("founded_on", founded, dtype=pl.Date).scatter(np.flatnonzero(~founded_known), None),
            _count("employees", employees, employees_known),
            _money("revenue_cny", _optional(revenue, revenue_known)),
            _money("assets_cny", _optional(assets, assets_known)),
            _money("rd_expense_cny", _optional(rd_expense, rd_known)),
            _count("invention_patents", ip_counts[0], rd_known),
            _count("utility_models", ip_counts[1], rd_known),
            _count("design_patents", ip_counts[2], rd_known),
            _count("software_copyrights", ip_counts[3], rd_known),
            pl.Series("cloud_level", cloud_level, dtype=pl.String),
            _money("cloud_spend_cny", _optional(cloud_spend, spend_known)),
            _money("cloud_loan_interest_cny", _optional(loan_interest, answers & cloud_known)),
            _money("revenue_prev_cny", _optional(revenue_prev, has_revenue)),
            _money("main_business_revenue_cny", _optional(main_business, has_revenue)),
            _money("main_product_revenue_cny", _optional(main_product, growth_known)),
            _money("net_profit_cny", _optional(net_profit, has_revenue)),
            _money("liabilities_cny", _optional(liabilities, has_assets)),
            _count("rd_staff", rd_staff, rd_known),
            _ratio("main_business_growth_avg_2y", policy.main_business_growth, growth_known),
            _ratio("net_profit_growth_avg_2y", policy.profit_growth, growth_known & (rng.random(n) < 0.85)),
            _ratio("revenue_growth_avg_2y", policy.revenue_growth, growth_known),
            _money("net_profit_2y_cny", _optional(policy.profit_2y, growth_known)),
            # Zero is a known answer (no financing); unknown where the firm said nothing.
            _money("equity_financing_2y_cny", _optional(policy.equity, answers | policy.raised)),
            _money("valuation_cny", _optional(policy.valuation, policy.raised)),
            _money("rd_expense_2y_cny", _optional(policy.rd_2y, rd_known & has_revenue)),
            _money("profit_and_tax_cny", _optional(profit_and_tax, growth_known)),
            _ratio("revenue_growth_avg_3y", growth_3y, growth_known),
            _ratio("operating_margin_avg_3y", margin_3y, growth_known),
            _flag("rd_institution_municipal", recognised_centre, answers | does_rd),
            _flag("has_rd_institution", policy.institution, answers | does_rd),
            _count("standards_2y", policy.standards, answers & rd_known),
            _flag("quality_cert", policy.quality, answers),
            _flag("own_brand", policy.brand, answers),
            pl.Series("niche_market_since", niche_since, dtype=pl.Date).scatter(
                np.flatnonzero(~(answers & founded_known)), None
            ),
            _count("niche_market_rank_province", rank_province, ranked),
            _count("niche_market_rank_national", rank_national, ranked),
            _flag("clean_record_3y", clean_record, answers),
            _flag("no_major_accidents_3y", accident_free, answers),
            pl.Series("srdi_level", policy.srdi, dtype=pl.String),
            _count("it_supported_core_processes", it_processes, answers & cloud_known),
        ]
    )
    return frame.select(COLUMNS)


@dataclass(frozen=True, slots=True)
class _PolicyDraws:
    """Policy-field values for every firm, before the caller blanks what a firm would not report."""

    srdi: np.ndarray
    main_business_growth: np.ndarray
    revenue_growth: np.ndarray
    profit_growth: np.ndarray
    profit_2y: np.ndarray
    rd_2y: np.ndarray
    raised: np.ndarray
    equity: np.ndarray
    valuation: np.ndarray
    institution: np.ndarray
    standards: np.ndarray
    quality: np.ndarray
    brand: np.ndarray


def _policy_fields(
    rng: np.random.Generator,
    n: int,
    size: np.ndarray,
    does_rd: np.ndarray,
    growth: np.ndarray,
    margin: np.ndarray,
    revenue_prev: np.ndarray,
    net_profit: np.ndarray,
    rd_expense: np.ndarray,
) -> _PolicyDraws:
    """Policy-field values for every firm, drawn in a fixed order (gaps are applied by the caller)."""
    # SRDI recognition: a few percent, almost all among firms doing R&D, more likely the bigger they are.
    recognised = rng.random(n) < np.where(does_rd, np.clip(0.045 * size**1.6, 0.0, 0.4), 0.002)
    level = rng.choice(len(SRDI_RECOGNISED_LEVELS), size=n, p=SRDI_LEVEL_SHARES)
    says_none = rng.random(n) < np.clip(0.1 + 0.2 * size, 0.1, 0.7)
    srdi = np.where(
        recognised, np.array(SRDI_RECOGNISED_LEVELS)[level], np.where(says_none, "none", "")
    ).astype(object)
    # Recognised firms are the better performers the criteria ask for: growth, R&D, certificates.
    lift = np.where(recognised, 1.0, 0.0)
    mb_growth = np.clip(0.5 * growth + rng.normal(0.03, 0.10, n) + 0.06 * lift, -0.6, 3.0)
    rev_growth = np.clip(mb_growth + rng.normal(0.0, 0.02, n), -0.6, 3.0)
    profit_growth = np.clip(rng.normal(0.05 + 0.08 * lift, 0.45, n), -5.0, 5.0)
    # Two-year totals: last year plus a year before that is a little smaller or larger.
    prev_margin = margin + rng.normal(0.0, 0.02, n)
    profit_2y = net_profit + revenue_prev * prev_margin
    rd_2y = rd_expense * (1 + rng.uniform(0.7, 1.05, n)) * np.where(recognised, 1.3, 1.0)
    # Equity financing: rare, mostly R&D firms; a valuation exists only where money was raised.
    raised = rng.random(n) < np.where(does_rd, 0.03 + 0.05 * lift, 0.005)
    equity = np.where(raised, rng.lognormal(np.log(3e6) + 0.6 * size, 0.9, n), 0.0)
    valuation = equity * rng.uniform(4.0, 15.0, n)
    institution = rng.random(n) < np.where(does_rd, np.clip(0.05 + 0.2 * size + 0.4 * lift, 0, 0.95), 0.01)
    standards = np.where(does_rd, rng.poisson(0.05 * size**2 + 0.8 * lift), 0)
    quality = rng.random(n) < np.clip(0.1 + 0.22 * size + 0.3 * lift, 0.05, 0.95)
    brand = rng.random(n) < np.clip(0.2 + 0.15 * size + 0.3 * lift, 0.1, 0.95)
    return _PolicyDraws(
        srdi=srdi,
        main_business_growth=mb_growth,
        revenue_growth=rev_growth,
        profit_growth=profit_growth,
        profit_2y=profit_2y,
        rd_2y=rd_2y,
        raised=raised,
        equity=equity,
        valuation=valuation,
        institution=institution,
        standards=standards,
        quality=quality,
        brand=brand,
    )
