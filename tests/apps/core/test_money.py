"""Amounts in CNY are written by one module: decimal strings for the API, 元/万元 or "CNY 45,800" for pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from funeng.apps.core.money import money_display, money_text


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, None), (Decimal("1234.5"), "1234.50"), (1000, "1000.00"), (Decimal("-0.01"), "-0.01")],
)
def test_the_api_sends_an_amount_as_a_decimal_string_with_cents(value, text):
    assert money_text(value) == text


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (Decimal("45800"), "4.58 万元", "CNY 45,800"),
        (Decimal("-1234567"), "-123.46 万元", "CNY -1,234,567"),
        (Decimal("9999.5"), "9,999.50 元", "CNY 9,999.50"),
        (0, "0.00 元", "CNY 0"),
        (None, "—", "—"),
        ("", "—", "—"),
    ],
)
def test_a_page_shows_wan_to_chinese_readers_and_whole_yuan_to_english_ones(value, zh, en):
    with translation.override("zh-hans"):
        assert money_display(value) == zh
    with translation.override("en"):
        assert money_display(value) == en


def test_the_cny_filter_is_the_same_formatter():
    template = Template("{% load funeng %}{{ amount|cny }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"amount": Decimal("123456.78")})) == "12.35 万元"
