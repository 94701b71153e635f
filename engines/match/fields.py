"""Parse interchange values into the canonical forms of model.py; a bad value raises CellInvalid (a ValueError)."""

from __future__ import annotations

import re
from functools import cache

from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_name_en, industry_table
from engines.reference.regions import region_name_en, region_table
from engines.tabular.problems import CellInvalid, gettext_noop

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
_DEPLOYMENT_ALIASES = {
    "saas": "saas",
    "云": "saas",
    "公有云": "saas",
    "私有部署": "private",
    "私有化部署": "private",
    "本地部署": "private",
    "private": "private",
    "on_premise": "private",
    "on-premise": "private",
    "混合": "hybrid",
    "混合部署": "hybrid",
    "hybrid": "hybrid",
    "硬件+saas": "hardware_saas",
    "硬件＋saas": "hardware_saas",
    "hardware+saas": "hardware_saas",
    "hardware_saas": "hardware_saas",
}
DEPLOYMENT_LABEL = {
    "saas": ("SaaS", "SaaS"),
    "private": ("私有部署", "on-premise"),
    "hybrid": ("混合部署", "hybrid"),
    "hardware_saas": ("硬件+SaaS", "hardware + SaaS"),
}


@cache
def province_names() -> dict[str, tuple[str, str]]:
    """2-digit prefix → (full name, short name) for the 31 provinces, Hong Kong, Macao and Taiwan."""
    result: dict[str, tuple[str, str]] = {}
    for region in region_table().by_code.values():
        if region.level in ("province", "province_sar_tw"):
            short = region.name
            for suffix in _SUFFIXES:
                if short.endswith(suffix) and len(short) > len(suffix) + 1:
                    short = short[: -len(suffix)]
                    break
            result[region.code[:2]] = (region.name, short)
    return result


@cache
def _province_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for prefix, (full, short) in province_names().items():
        lookup[full] = prefix
        lookup[short] = prefix
    return lookup


def province_key(value: object) -> str:
    """'浙江省', '浙江' or a GB/T 2260 code (province, prefecture or county) → '33'."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise CellInvalid(
            "province.invalid",
            gettext_noop("must be a province name (浙江省 or 浙江) or a 6-digit GB/T 2260 code"),
        )
    text = value.strip()
    if text.isdigit():
        if text[:2] in province_names() and len(text) == 6 and text.endswith("0000"):
            return text[:2]
        try:
            return region_table().resolve(text).province.code[:2]
        except UnknownCodeError as exc:
            raise CellInvalid(
                "province.unknown_code",
                gettext_noop("unknown GB/T 2260 code %(value)s (%(reason)s)"),
                value=repr(text),
                reason=exc.reason,
            ) from None
    prefix = _province_lookup().get(text)
    if prefix is None:
        raise CellInvalid(
            "province.unknown",
            gettext_noop("unknown province %(value)s; use a full or short name (浙江省 / 浙江) or a code"),
            value=repr(text),
        )
    return prefix


def province_label(prefix: str) -> str:
    """Short display name of a province prefix: '33' → '浙江'."""
    names = province_names().get(prefix)
    return names[1] if names else prefix


def province_label_en(prefix: str) -> str:
    """English name of a province prefix: '33' → 'Zhejiang'."""
    return region_name_en(f"{prefix}0000") or prefix


_SECTION = re.compile(r"[A-T]")
_DIVISION = re.compile(r"\d{2}")


def industry_target(value: object) -> str:
    """A solution's target industry: a GB/T 4754 section letter (C) or 2-digit division (13)."""
    if not isinstance(value, str):
        raise CellInvalid(
            "industry.invalid",
            gettext_noop("must be a section letter (C) or a 2-digit division (13) of GB/T 4754-2017"),
        )
    code = value.strip().upper()
    if not (_SECTION.fullmatch(code) or _DIVISION.fullmatch(code)) or code not in industry_table().by_code:
        raise CellInvalid(
            "industry.unknown",
            gettext_noop("unknown industry %(value)s; use a section letter (C) or a 2-digit division (13)"),
            value=repr(value),
        )
    return code


def industry_code(value: object) -> str:
    """An enterprise's GB/T 4754-2017 code (normally a 4-digit class such as 3911)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str) or value.strip().upper() not in industry_table().by_code:
        raise CellInvalid(
            "industry_code.unknown",
            gettext_noop("unknown GB/T 4754-2017 industry code %(value)s; use a 4-digit class such as 3911"),
            value=repr(value),
        )
    return value.strip().upper()


def section_and_division(code: str) -> tuple[str, str]:
    """('C', '39') for class 3911; ('C', '') for a section."""
    node = industry_table().get(code)
    return node.section, node.division


def industry_label(code: str) -> str:
    """The GB/T 4754 name of a section or division."""
    node = industry_table().by_code.get(code)
    return node.name if node else code


def industry_label_en(code: str) -> str:
    """An English name of a section or division ('C' → 'Manufacturing')."""
    return industry_name_en(code) or code


def deployment_id(value: object) -> str:
    """'SaaS', '私有部署', '混合', '硬件+SaaS' (or saas/private/hybrid/hardware_saas) → the id."""
    if not isinstance(value, str) or value.strip().lower() not in _DEPLOYMENT_ALIASES:
        raise CellInvalid(
            "deployment.unknown",
            gettext_noop("unknown deployment %(value)s; use SaaS, 私有部署, 混合 or 硬件+SaaS"),
            value=repr(value),
        )
    return _DEPLOYMENT_ALIASES[value.strip().lower()]
