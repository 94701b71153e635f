"""云量贷 collateral: the recognised value of an SME's cloud bills and digital investment.

An evidence record (a monthly cloud bill or a digital-investment invoice) counts while fewer whole
months than its kind's look-back have passed since its date; equipment-like investment first loses
value straight-line by whole months. The counted amount × the category's rate × the provenance
multiplier is the record's recognised value (and × the R&D rate, its R&D input). The total is
capped per enterprise, and the R&D input never exceeds the recognised value ("of which").

The rules are dated, cited data (collateral.yaml). Both paths compute in whole fen, rounding half
to even at the same two steps (depreciation, then rate × multiplier), so they agree exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

RULES_PATH = Path(__file__).resolve().parent / "collateral.yaml"
RATE_PLACES = 4  # rates and multipliers are given to at most 0.01 percentage point
_SCALE = 10**RATE_PLACES

KINDS = {
    "cloud_usage": ("云服务账单", "cloud bill"),
    "digital_investment": ("数字化投入", "digital investment"),
}
CATEGORIES: dict[str, dict[str, tuple[str, str]]] = {
    "cloud_usage": {
        "compute": ("算力", "compute"),
        "storage": ("存储", "storage"),
        "saas": ("SaaS", "SaaS"),
        "industrial_internet": ("工业互联网", "industrial internet"),
        "other": ("其他云服务", "other cloud services"),
    },
    "digital_investment": {
        "smart_equipment": ("智能化设备", "smart equipment"),
        "digital_transformation_project": ("数字化改造项目", "digital transformation project"),
        "software": ("软件", "software"),
        "other": ("其他数字化投入", "other digital investment"),
    },
}
PROVENANCES = {
    "provider_reported": ("服务商直报", "provider-reported"),
    "platform_verified": ("平台核验", "platform-verified"),
    "official_verified": ("政府部门核验", "officially verified"),
    "self_declared": ("企业自报", "self-declared"),
}
_META = ("provisional", "note", "note_en")
_SECTIONS = ("look_back_months", "cloud_usage", "digital_investment", "provenance", "cap_cny")


class CollateralRulesError(ValueError):
    """A collateral rules file that does not follow the schema; the message names the field."""


@dataclass(frozen=True, slots=True)
class Citation:
    source: str  # the seed file
    clause: str
    clause_id: str  # the policy library's clause holding the quote
    quote: str


@dataclass(frozen=True, slots=True)
class Rate:
    """Shares of a category's amount: recognised, R&D (a part of it), and depreciation in months."""

    recognised: int  # scaled by 10**RATE_PLACES
    rd: int
    life_months: int | None


@dataclass(frozen=True, slots=True)
class CollateralRules:
    """One dated version of the rules; `notes` explain every provisional number."""

    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    look_back: Mapping[str, int]  # kind -> months
    rates: Mapping[tuple[str, str], Rate]  # (kind, category) -> rate
    multipliers: Mapping[str, int]  # provenance -> multiplier scaled by 10**RATE_PLACES
    cap_fen: int
    provisional: bool
    notes: tuple[str, ...]
    notes_en: tuple[str, ...]
    citations: tuple[Citation, ...]

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    kind: str  # "cloud_usage" | "digital_investment"
    category: str
    amount_cny: Decimal  # >= 0, yuan with at most 2 decimals
    on: dt.date  # the bill's month (first day) or the investment's invoice date
    provenance: str


@dataclass(frozen=True, slots=True)
class CollateralLine:
    """One record's contribution, with why it counts (and how much) or why not."""

    record: EvidenceRecord
    counted: bool
    recognised_cny: Decimal
    rd_input_cny: Decimal
    reason: str
    reason_en: str


@dataclass(frozen=True, slots=True)
class CollateralValue:
    """An enterprise's recognised digital assets, of which R&D input, with the explanation."""

    recognised_cny: Decimal
    rd_input_cny: Decimal
    capped: bool
    provisional: bool
    rules_version: str
    lines: tuple[CollateralLine, ...]
    explanation: str
    explanation_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "recognised_cny": str(self.recognised_cny),
            "rd_input_cny": str(self.rd_input_cny),
            "capped": self.capped,
            "provisional": self.provisional,
            "rules_version": self.rules_version,
            "explanation": self.explanation,
            "explanation_en": self.explanation_en,
            "lines": [
                {
                    **{name: str(getattr(line.record, name)) for name in EvidenceRecord.__slots__},
                    "counted": line.counted,
                    "recognised_cny": str(line.recognised_cny),
                    "rd_input_cny": str(line.rd_input_cny),
                    "reason": line.reason,
                    "reason_en": line.reason_en,
                }
                for line in self.lines
            ],
        }


# ---------------------------------------------------------------- loading


def _field(data: Any, key: str, path: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise CollateralRulesError(f"{path}.{key}: missing; add it (see collateral.yaml for the schema)")
    return data[key]


def _share(value: Any, path: str) -> int:
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        share = Decimal(-1)
    if isinstance(value, bool) or not 0 <= share <= 1 or share.scaleb(RATE_PLACES) % 1:
        raise CollateralRulesError(f"{path}: {value!r} must be a number from 0 to 1 with at most 4 decimals")
    return int(share.scaleb(RATE_PLACES))


def _whole(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CollateralRulesError(f"{path}: {value!r} must be a whole number of at least 1")
    return int(value)


def _date(value: Any, path: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CollateralRulesError(f"{path}: {value!r} must be a date like 2024-01-31") from None


def _same_keys(data: Any, known: Mapping[str, Any], path: str) -> dict[str, Any]:
    if not isinstance(data, dict) or set(data) != set(known):
        got = sorted(data) if isinstance(data, dict) else data
        raise CollateralRulesError(f"{path}: has {got}; give exactly {sorted(known)}")
    return data


def _section(data: Any, key: str, path: str) -> Any:
    section = _field(data, key, path)
    for name in _META:
        _field(section, name, f"{path}.{key}")
    if section["provisional"] is not True and section["provisional"] is not False:
        raise CollateralRulesError(f"{path}.{key}.provisional: must be true or false")
    return section


def _version(data: Any, path: str) -> CollateralRules:
    sections = {key: _section(data, key, path) for key in _SECTIONS}
    months = {k: v for k, v in sections["look_back_months"].items() if k not in _META}
    look_back = _same_keys(months, KINDS, f"{path}.look_back_months")
    rates: dict[tuple[str, str], Rate] = {}
    for kind, known in CATEGORIES.items():
        cats = _same_keys(
            _field(sections[kind], "categories", f"{path}.{kind}"), known, f"{path}.{kind}.categories"
        )
        for category, rate in cats.items():
            where = f"{path}.{kind}.categories.{category}"
            recognised = _share(_field(rate, "recognised_rate", where), f"{where}.recognised_rate")
            rd = _share(_field(rate, "rd_rate", where), f"{where}.rd_rate")
            if rd > recognised:
                raise CollateralRulesError(
                    f"{where}.rd_rate: must not exceed recognised_rate (R&D is a part of it)"
                )
            years = rate.get("depreciation_years") if kind == "digital_investment" else None
            life = None if years is None else 12 * _whole(years, f"{where}.depreciation_years")
            rates[kind, category] = Rate(recognised, rd, life)
    multipliers = _same_keys(
        _field(sections["provenance"], "multipliers", path), PROVENANCES, f"{path}.provenance"
    )
    cap = _field(sections["cap_cny"], "value", f"{path}.cap_cny")
    citations = _field(data, "citations", path)
    if not isinstance(citations, list) or not citations:
        raise CollateralRulesError(f"{path}.citations: cite at least one clause of a seed document")
    effective_to = _field(data, "effective_to", path)
    return CollateralRules(
        version=str(_field(data, "version", path)),
        effective_from=_date(_field(data, "effective_from", path), f"{path}.effective_from"),
        effective_to=None if effective_to is None else _date(effective_to, f"{path}.effective_to"),
        look_back={
            kind: _whole(months, f"{path}.look_back_months.{kind}") for kind, months in look_back.items()
        },
        rates=rates,
        multipliers={p: _share(m, f"{path}.provenance.multipliers.{p}") for p, m in multipliers.items()},
        cap_fen=100 * _whole(cap, f"{path}.cap_cny.value"),
        provisional=any(section["provisional"] for section in sections.values()),
        notes=tuple(str(s["note"]) for s in sections.values() if s["provisional"]),
        notes_en=tuple(str(s["note_en"]) for s in sections.values() if s["provisional"]),
        citations=tuple(
            Citation(**{k: str(_field(c, k, f"{path}.citations[{i}]")) for k in Citation.__slots__})
            for i, c in enumerate(citations)
        ),
    )


def parse_versions(data: Any) -> tuple[CollateralRules, ...]:
    """Every version of a parsed rules file, oldest first; raises CollateralRulesError naming the field."""
    raw = _field(data, "versions", "collateral")
    if not isinstance(raw, list) or not raw:
        raise CollateralRulesError("collateral.versions: give a list of at least one dated version")
    versions = sorted(
        (_version(v, f"versions[{i}]") for i, v in enumerate(raw)), key=lambda v: v.effective_from
    )
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise CollateralRulesError(
                f"versions {earlier.version} and {later.version}: effective dates overlap; "
                f"end {earlier.version} (effective_to) before {later.effective_from}"
            )
    return tuple(versions)


@cache
def load_versions(path: Path = RULES_PATH) -> tuple[CollateralRules, ...]:
    """Every version in the shipped (or given) rules file."""
    return parse_versions(yaml.safe_load(path.read_text(encoding="utf-8")))


def load_rules(as_of: dt.date) -> CollateralRules:
    """The version in force on as_of."""
    for rules in load_versions():
        if rules.in_force(as_of):
            return rules
    raise CollateralRulesError(f"no collateral rules are in force on {as_of}; add a version covering it")


# ---------------------------------------------------------------- one enterprise


def _months(on: dt.date, as_of: dt.date) -> int:
    """Whole months from on to as_of: a month is complete on the same day of a later month."""
    return (as_of.year - on.year) * 12 + as_of.month - on.month - (as_of.day < on.day)


def _half_even(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (2 * remainder > denominator or (2 * remainder == denominator and quotient % 2 == 1))


def _percent(scaled: int) -> str:
    return format((Decimal(scaled).scaleb(2 - RATE_PLACES)).normalize(), "f") + "%"


def _cny(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _yuan(fen: int, language: str) -> str:
    return f"CNY {_cny(fen):,.2f}" if language == "en" else f"¥{_cny(fen):,.2f}"


def _fen(record: EvidenceRecord) -> int:
    amount = record.amount_cny
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0 or amount.scaleb(2) % 1:
        raise ValueError(f"amount_cny {amount!r}: give a Decimal of at least 0 with at most 2 decimals")
    return int(amount.scaleb(2))


def _line(record: EvidenceRecord, as_of: dt.date, rules: CollateralRules) -> tuple[CollateralLine, int, int]:
    """One record's line and its recognised and R&D amounts in fen."""
    if record.kind not in KINDS:
        raise ValueError(f"kind {record.kind!r} is unknown; use one of {sorted(KINDS)}")
    if (record.kind, record.category) not in rules.rates:
        known = sorted(CATEGORIES[record.kind])
        raise ValueError(f"category {record.category!r} is unknown for {record.kind}; use one of {known}")
    if record.provenance not in rules.multipliers:
        raise ValueError(f"provenance {record.provenance!r} is unknown; use one of {sorted(PROVENANCES)}")
    fen, rate, window = _fen(record), rules.rates[record.kind, record.category], rules.look_back[record.kind]
    zh, en = CATEGORIES[record.kind][record.category]
    zh, en = (
        f"{zh}{_yuan(fen, 'zh')}（{record.on}）",
        f"{en[:1].upper()}{en[1:]} {_yuan(fen, 'en')} ({record.on})",
    )
    months = _months(record.on, as_of)
    if record.on > as_of:
        skip = (
            f"{zh}晚于评估日{as_of}，不计入",
            f"{en} is dated after the valuation date {as_of}, not counted",
        )
    elif months >= window:
        skip = (
            f"{zh}已满{months}个月，超出{window}个月回溯期，不计入",
            f"{en} is {months} whole months old, outside the {window}-month look-back window, not counted",
        )
    else:
        skip = None
    if skip is not None:
        return CollateralLine(record, False, Decimal("0.00"), Decimal("0.00"), *skip), 0, 0
    base = fen
    if (life := rate.life_months) is not None:
        remaining = max(life - months, 0)
        base = _half_even(fen * remaining, life)
        zh += f"按{life // 12}年直线折旧、剩余{remaining}/{life}个月为{_yuan(base, 'zh')}，"
        en += (
            f", depreciated straight-line over {life // 12} years with {remaining}/{life} months left,"
            f" is {_yuan(base, 'en')};"
        )
    multiplier = rules.multipliers[record.provenance]
    recognised = _half_even(base * rate.recognised * multiplier, _SCALE**2)
    rd = _half_even(base * rate.rd * multiplier, _SCALE**2)
    prov_zh, prov_en = PROVENANCES[record.provenance]
    zh += (
        f"× 认定比例{_percent(rate.recognised)} × {prov_zh}系数{_percent(multiplier)}"
        f" = {_yuan(recognised, 'zh')}，其中研发投入（比例{_percent(rate.rd)}）{_yuan(rd, 'zh')}"
    )
    en += (
        f" × recognised rate {_percent(rate.recognised)} × {prov_en} multiplier {_percent(multiplier)} = "
        f"{_yuan(recognised, 'en')}, of which R&D input (rate {_percent(rate.rd)}) {_yuan(rd, 'en')}"
    )
    return CollateralLine(record, True, _cny(recognised), _cny(rd), zh, en), recognised, rd


def value_one(
    records: Sequence[EvidenceRecord], as_of: dt.date, rules: CollateralRules | None = None
) -> CollateralValue:
    """One enterprise's recognised digital assets and R&D input, explained record by record."""
    rules = rules or load_rules(as_of)
    results = [_line(record, as_of, rules) for record in records]
    total, rd_total = sum(r[1] for r in results), sum(r[2] for r in results)
    capped = total > rules.cap_fen
    recognised = min(total, rules.cap_fen)
    rd = min(rd_total, recognised)  # R&D input is a part of the recognised value, also after the cap
    counted = sum(1 for r in results if r[0].counted)
    cloud, invest = rules.look_back["cloud_usage"], rules.look_back["digital_investment"]
    zh = (
        f"截至{as_of}，认定数字资产{_yuan(recognised, 'zh')}，其中可计为研发投入{_yuan(rd, 'zh')}。"
        f"{counted}条证据计入，{len(results) - counted}条未计入"
        f"（云服务账单回溯{cloud}个月，数字化投入回溯{invest}个月）。"
    )
    en = (
        f"As of {as_of}, recognised digital assets are {_yuan(recognised, 'en')}, of which "
        f"{_yuan(rd, 'en')} counts as R&D input. {counted} of {len(results)} records counted "
        f"(cloud bills look back {cloud} months, digital investment {invest} months). "
    )
    if capped:
        zh += f"各项合计{_yuan(total, 'zh')}，超过每户上限{_yuan(rules.cap_fen, 'zh')}，按上限认定。"
        en += (
            f"The total of {_yuan(total, 'en')} exceeds the cap of {_yuan(rules.cap_fen, 'en')}"
            " per enterprise, so the cap applies. "
        )
    else:
        zh += f"未超过每户上限{_yuan(rules.cap_fen, 'zh')}。"
        en += f"This is within the cap of {_yuan(rules.cap_fen, 'en')} per enterprise. "
    zh += f"规则版本{rules.version}" + (
        "，参数为暂定值，以试点地区或合作银行公布为准。" if rules.provisional else "。"
    )
    en += f"Rules version {rules.version}" + (
        " (provisional parameters until the pilot region or the lending bank sets its own)."
        if rules.provisional
        else "."
    )
    lines = tuple(r[0] for r in results)
    return CollateralValue(
        _cny(recognised), _cny(rd), capped, rules.provisional, rules.version, lines, zh, en
    )


# ---------------------------------------------------------------- a whole region


def _half_even_expr(numerator: pl.Expr, denominator: pl.Expr | int) -> pl.Expr:
    quotient, remainder = numerator // denominator, numerator % denominator
    # Half to even: up when past the half, or exactly on it with an odd quotient.
    up = (remainder * 2 > denominator) | ((remainder * 2 == denominator) & (quotient % 2 == 1))
    return quotient + up.cast(pl.Int128)


def _fen_expr(dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """The amount in whole fen and a flag for amounts finer than a fen (floats round to the fen)."""
    amount = pl.col("amount_cny")
    if isinstance(dtype, pl.Decimal):
        scale = dtype.scale or 0
        unscaled = (amount * 10**scale).cast(pl.Int128)
        if scale <= 2:
            return unscaled * 10 ** (2 - scale), pl.lit(False)
        return unscaled // 10 ** (scale - 2), unscaled % 10 ** (scale - 2) != 0
    if dtype.is_float():
        return (amount * 100).round(0, mode="half_to_even").cast(pl.Int128), ~amount.is_finite()
    if dtype.is_integer():
        return amount.cast(pl.Int128) * 100, pl.lit(False)
    raise ValueError(f"amount_cny is {dtype}; give Decimal or float yuan")


_COLUMNS = ("credit_code", "kind", "category", "amount_cny", "on", "provenance")


def _check(frame: pl.DataFrame, bad_amount: pl.Expr, table: pl.DataFrame, rules: CollateralRules) -> None:
    """Raise ValueError naming the first bad row's enterprise and value: nothing counts as silent zero."""
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the evidence frame lacks columns {missing}; give {list(_COLUMNS)}")
    if frame.schema["on"] != pl.Date:
        raise ValueError(f"column `on` is {frame.schema['on']}; give Date (the bill month or invoice date)")
    checks = [
        (pl.any_horizontal(*(pl.col(c).is_null() for c in _COLUMNS)), "a required value is missing"),
        (~pl.col("kind").is_in(list(KINDS)), "kind {kind!r} is unknown"),
        (~pl.col("provenance").is_in(list(rules.multipliers)), "provenance {provenance!r} is unknown"),
        (pl.col("rate").is_null(), "category {category!r} is unknown for {kind}"),
        (
            bad_amount | (pl.col("amount_cny") < 0),
            "amount_cny {amount_cny} must be at least 0 with at most 2 decimals",
        ),
    ]
    joined = frame.join(table, on=["kind", "category"], how="left")
    for condition, message in checks:
        bad = joined.filter(condition.fill_null(True)).head(1).to_dicts()
        if bad:
            raise ValueError(f"credit_code {bad[0]['credit_code']}: {message.format(**bad[0])}")


def value_batch(frame: pl.DataFrame, as_of: dt.date, rules: CollateralRules | None = None) -> pl.DataFrame:
    """Every enterprise's recognised digital assets and R&D input, one row per credit_code, in one pass."""
    rules = rules or load_rules(as_of)
    table = pl.DataFrame(
        [(k, c, r.recognised, r.rd, r.life_months, rules.look_back[k]) for (k, c), r in rules.rates.items()],
        schema=["kind", "category", *((name, pl.Int128) for name in ("rate", "rd_rate", "life", "window"))],
        orient="row",
    )
    fen, bad_amount = _fen_expr(frame.schema.get("amount_cny", pl.Float64()))
    _check(frame, bad_amount, table, rules)
    on = pl.col("on")
    months = (
        (as_of.year - on.dt.year().cast(pl.Int128)) * 12
        + (as_of.month - on.dt.month().cast(pl.Int128))
        - (on.dt.day() > as_of.day).cast(pl.Int128)
    )
    counted = (on <= as_of) & (months < pl.col("window"))
    remaining = (pl.col("life") - months).clip(lower_bound=0)
    base = (
        pl.when(pl.col("life").is_null())
        .then(fen)
        .otherwise(_half_even_expr(fen * remaining, pl.col("life")))
    )
    multiplier = pl.col("provenance").replace_strict(rules.multipliers, return_dtype=pl.Int128)
    cap = pl.lit(rules.cap_fen, dtype=pl.Int128)

    def share(rate: str) -> pl.Expr:
        return (
            pl.when(counted).then(_half_even_expr(base * pl.col(rate) * multiplier, _SCALE**2)).otherwise(0)
        )

    totals = (
        frame.join(table, on=["kind", "category"], how="left")
        .group_by("credit_code")
        .agg(total=share("rate").sum().cast(pl.Int128), rd=share("rd_rate").sum().cast(pl.Int128))
        .sort("credit_code")
    )
    recognised = pl.min_horizontal("total", cap)
    money = pl.Decimal(38, 2)
    return totals.select(
        "credit_code",
        (recognised.cast(money) / 100).cast(money).alias("recognised_cny"),
        (pl.min_horizontal("rd", recognised).cast(money) / 100).cast(money).alias("rd_input_cny"),
        (pl.col("total") > cap).alias("capped"),
    )
