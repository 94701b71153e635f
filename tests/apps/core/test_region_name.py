"""The region_name template filter: every level reads as a name, and districts of one city stay apart."""

from __future__ import annotations

import pytest
from django.utils import translation

from funeng.apps.core.templatetags.funeng import region_name


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("330000", "浙江省"),
        ("330100", "浙江省 杭州市"),
        ("330106", "浙江省 杭州市 西湖区"),  # a county the county table names
        ("330199", "浙江省 杭州市 330199"),  # a valid county code the table does not name
        ("999999", "999999"),  # not a GB/T 2260 code: shown as given
        ("", ""),
    ],
)
def test_region_name_shows_every_level(code, shown):
    assert region_name(code) == shown


def test_nationwide_follows_the_language():
    with translation.override("zh-hans"):
        assert region_name("000000") == "全国"
    with translation.override("en"):
        assert region_name("000000") == "Nationwide"
