"""The region_name template filter: every level reads as a name in the page's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from funeng.apps.core.templatetags.funeng import region_name


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        ("330000", "浙江省", "Zhejiang"),
        ("330100", "浙江省 杭州市", "Hangzhou, Zhejiang"),
        # a county the county table names (in Chinese only)
        ("330106", "浙江省 杭州市 西湖区", "西湖区, Hangzhou, Zhejiang"),
        # a valid county code the table does not name: its code, never the city's name alone
        ("330199", "浙江省 杭州市 330199", "330199, Hangzhou, Zhejiang"),
        ("999999", "999999", "999999"),  # not a GB/T 2260 code: shown as given
        ("", "", ""),
        ("000000", "全国", "Nationwide"),
    ],
)
def test_region_name_shows_every_level_in_the_pages_language(code, chinese, english):
    with translation.override("zh-hans"):
        assert region_name(code) == chinese
    with translation.override("en"):
        assert region_name(code) == english
