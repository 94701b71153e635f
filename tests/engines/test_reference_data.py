"""Reference tables load, validate and hold the counts and invariants of their standards."""

import pytest

from engines.reference.credit_code import check_character, credit_code_problem, is_valid_credit_code
from engines.reference.digital_economy import CORE_CATEGORIES, digital_economy_table
from engines.reference.errors import UnknownCodeError
from engines.reference.industry import industry_table
from engines.reference.regions import region_contains, region_prefix, region_table
from engines.reference.sme_size import size_rules


def test_it_has_every_level_of_gbt4754_2017():
    table = industry_table()
    counts = {level: len(table.of_level(level)) for level in ("section", "division", "group", "class")}
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}


def test_it_keeps_each_class_under_its_group_division_and_section():
    table = industry_table()
    node = table.get("3911")
    assert (node.name, node.parent, node.section, node.division) == ("计算机整机制造", "391", "C", "39")
    assert table.get("C").name == "制造业"
    assert len(table.classes_under("39")) == len([c for c in table.class_codes() if c.startswith("39")])


@pytest.mark.parametrize("code", ["391", "39", "C", "0000", "39111", 3911, None, "ABCD"])
def test_it_rejects_a_non_class_industry_code(code):
    with pytest.raises(UnknownCodeError):
        industry_table().get_class(code)


def test_it_has_31_provinces_and_333_prefectures():
    table = region_table()
    assert len(table.provinces()) == 31
    assert len(table.prefectures()) == 333
    assert len(table.prefectures("330000")) == 11


@pytest.mark.parametrize(
    ("code", "level", "province", "prefecture"),
    [
        ("330000", "province", "浙江省", None),
        ("330100", "prefecture", "浙江省", "杭州市"),
        ("330106", "county", "浙江省", "杭州市"),
        ("110105", "county", "北京市", None),
        ("419001", "county", "河南省", None),
        ("441900", "prefecture", "广东省", "东莞市"),
    ],
)
def test_it_rolls_county_codes_up_by_prefix(code, level, province, prefecture):
    resolved = region_table().resolve(code)
    assert resolved.level == level
    assert resolved.province.name == province
    assert (resolved.prefecture.name if resolved.prefecture else None) == prefecture


@pytest.mark.parametrize("code", ["339900", "990000", "33010", "3301066", "abcdef", "110100", 330106])
def test_it_rejects_unknown_region_codes(code):
    with pytest.raises(UnknownCodeError):
        region_table().resolve(code)


def test_it_nests_regions_by_prefix():
    assert (
        region_prefix("330000") == "33"
        and region_prefix("330100") == "3301"
        and region_prefix("330106") == "330106"
    )
    assert region_contains("330000", "330106") and region_contains("330100", "330106")
    assert not region_contains("330100", "320106") and not region_contains("320100", "330106")


def test_it_has_all_16_size_groups_with_their_scope():
    rules = size_rules()
    assert sorted(rules.groups) == list(range(1, 17))
    assert rules.group_for("3911").name == "工业"
    assert rules.group_for("0111").name == "农、林、牧、渔业"
    assert rules.group_for("5910").number == 6  # 装卸搬运 (provisional)
    assert rules.group_for("5920").name == "仓储业"
    assert rules.group_for("7010").name == "房地产开发经营"
    assert rules.group_for("7020").name == "物业管理"
    assert rules.group_for("7030").name == "其他未列明行业"
    assert rules.group_for("6513").name == "软件和信息技术服务业"


@pytest.mark.parametrize("code", ["5311", "6621", "7040", "8310", "8411", "9100"])
def test_it_leaves_industries_outside_the_2011_rule_unassigned(code):
    # Railways, finance, own-property leasing, education, health and public administration are not listed.
    assert size_rules().group_for(code) is None


def test_it_converts_wan_thresholds_to_cny():
    industrial = size_rules().groups[2]
    assert industrial.levels[1].employees == 300
    assert industrial.levels[1].revenue_cny == 20_000_000
    assert industrial.indicators == ("employees", "revenue")


def test_it_has_5_categories_32_middle_classes_and_156_subclasses():
    table = digital_economy_table()
    assert sum(c.level == "大类" for c in table.categories.values()) == 5
    assert sum(c.level == "中类" for c in table.categories.values()) == 32
    assert len(table.subclasses) == 156
    assert all(sub.provisional for sub in table.subclasses.values())


def test_it_maps_the_core_to_126_classes_in_68_groups_and_26_divisions():
    # Seed 002 (NBS explanation): 01-04 correspond to 26 大类, 68 中类 and 126 小类 of GB/T 4754-2017.
    table = digital_economy_table()
    core_classes = {
        cls for sub in table.subclasses.values() if sub.category in CORE_CATEGORIES for cls, _ in sub.classes
    }
    assert len(core_classes) == 126
    assert len({c[:3] for c in core_classes}) == 68
    assert len({c[:2] for c in core_classes}) == 26


def test_it_marks_every_efficiency_class_partial():
    table = digital_economy_table()
    efficiency = [p for sub in table.subclasses.values() if sub.category == "05" for _, p in sub.classes]
    assert efficiency and all(efficiency)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_it_accepts_real_credit_codes(code):
    assert is_valid_credit_code(code)


def test_it_names_the_expected_check_character():
    assert credit_code_problem("91110000600037341A") == "check character is A, should be L"
    assert check_character("91110000600037341") == "L"


@pytest.mark.parametrize("code", ["", "9111000060003734", "91110000600037341I", "9111000060003734OL", None])
def test_it_rejects_malformed_credit_codes(code):
    assert not is_valid_credit_code(code)
