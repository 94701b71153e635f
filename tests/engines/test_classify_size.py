"""Size class (划型) under 工信部联企业〔2011〕300号: boundaries, missing data, explanations."""

import pytest

from engines.classify import size_class
from engines.reference.errors import UnknownCodeError

WAN = 10_000


@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "assets", "expected"),
    [
        # 工业: large needs >=1000 people AND >=40000万; medium >=300 AND >=2000万; small >=20 AND >=300万.
        ("3911", 1000, 40000 * WAN, None, "large"),
        ("3911", 999, 40000 * WAN, None, "medium"),
        ("3911", 1000, 40000 * WAN - 1, None, "medium"),
        ("3911", 300, 2000 * WAN, None, "medium"),
        ("3911", 299, 2000 * WAN, None, "small"),
        ("3911", 20, 300 * WAN, None, "small"),
        ("3911", 19, 300 * WAN, None, "micro"),
        ("3911", 20, 300 * WAN - 0.01, None, "micro"),
        # 建筑业 uses revenue and assets.
        ("4710", None, 6000 * WAN, 5000 * WAN, "medium"),
        ("4710", None, 6000 * WAN, 4999 * WAN, "small"),
        # 零售业: small >= 10 people and >= 100万.
        ("5211", 10, 100 * WAN, None, "small"),
        ("5211", 9, 100 * WAN, None, "micro"),
        # 租赁和商务服务业 uses employees and assets.
        ("7211", 100, None, 8000 * WAN, "medium"),
        # 其他未列明行业: employees only.
        ("7320", 300, None, None, "large"),
        ("7320", 9, None, None, "micro"),
        # 农、林、牧、渔业: revenue only.
        ("0111", None, 500 * WAN, None, "medium"),
    ],
)
def test_it_classifies_at_the_thresholds(industry, employees, revenue, assets, expected):
    assert size_class(industry, employees, revenue, assets).size_class == expected


def test_it_names_the_group_and_the_rule_that_decided():
    result = size_class("3911", 350, 50_000_000, 80_000_000)
    assert (result.size_class, result.group, result.group_no) == ("medium", "工业", 2)
    assert result.rule == "从业人员>=300人 且 营业收入>=2000万元"
    assert "满足中型标准" in result.explanation


def test_it_decides_micro_on_one_condition_even_with_data_missing():
    result = size_class("3911", 5, None, None)
    assert result.size_class == "micro" and result.reason == "decided" and result.missing == ()


def test_it_is_undetermined_when_missing_data_could_change_the_answer():
    result = size_class("3911", 500, None, None)
    assert result.size_class == "undetermined"
    assert result.missing == ("revenue_cny",)
    assert result.possible == ("medium", "small", "micro")


def test_it_ignores_figures_the_group_does_not_use():
    # Retail never looks at assets, so missing assets cannot leave it undetermined.
    assert size_class("5211", 60, 600 * WAN, None).size_class == "medium"


def test_it_is_undetermined_for_industries_the_rule_does_not_list():
    result = size_class("6621", 5000, 10**11, 10**12)
    assert (result.size_class, result.reason, result.group) == ("undetermined", "industry_not_covered", None)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "12", True])
def test_it_rejects_invalid_figures(bad):
    with pytest.raises(ValueError):
        size_class("3911", bad, None, None)


def test_it_rejects_unknown_industry_codes():
    with pytest.raises(UnknownCodeError, match="9999"):
        size_class("9999", 10, 10, 10)
