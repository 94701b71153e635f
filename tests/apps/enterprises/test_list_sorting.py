"""Long lists: sortable columns (whitelisted ?sort=), jump-to-page, and the county named, not only the prefecture."""

from __future__ import annotations

import re

import pytest

from engines.reference.regions import region_table
from funeng.apps.enterprises import views
from funeng.apps.enterprises.services import enterprise_create
from tests.conftest import make_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(operator, enterprise_fields):
    for name, employees, region in (
        ("乙厂", 40, "330106"),
        ("甲厂", None, "330110"),
        ("丙厂", 900, "320102"),
    ):
        enterprise_create(
            acting_user=operator,
            **enterprise_fields(
                name=name, employees=employees, region_code=region, credit_code=make_credit_code(region)
            ),
        )


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/enterprises/\d+/">([^<]+)</a>', html)


def test_it_sorts_the_enterprise_list_by_a_column_both_ways_with_unknown_values_last(client, operator, three):
    client.force_login(operator)
    assert _names(client.get("/enterprises/?sort=employees").content.decode()) == ["乙厂", "丙厂", "甲厂"]
    assert _names(client.get("/enterprises/?sort=-employees").content.decode()) == ["丙厂", "乙厂", "甲厂"]


def test_it_ignores_a_sort_key_that_is_not_whitelisted(client, operator, three):
    client.force_login(operator)
    default = _names(client.get("/enterprises/").content.decode())
    for key in ("revenue_cny", "-assets_cny", "name;drop", "id"):
        response = client.get("/enterprises/", {"sort": key})
        assert response.status_code == 200
        assert _names(response.content.decode()) == default


def test_the_headers_link_to_the_reverse_order_and_say_which_column_sorts(client, operator, three):
    client.force_login(operator)
    html = client.get("/enterprises/?sort=employees&region=330000").content.decode()
    header = re.search(r'<th[^>]*aria-sort="ascending"[^>]*>.*?</th>', html, re.S)
    assert header is not None and "sort=-employees" in header.group(0) and "region=330000" in header.group(0)
    assert html.count('aria-sort="none"') == 5


def test_it_shows_the_county_as_well_as_the_prefecture(client, operator, three):
    client.force_login(operator)
    html = client.get("/enterprises/").content.decode()
    assert "浙江省 杭州市 西湖区" in html and "浙江省 杭州市 余杭区" in html
    assert region_table().full_name("330106") == "浙江省 杭州市 西湖区"
    # A valid county code the name list lacks still shows its prefecture.
    assert region_table().full_name("330199") == "浙江省 杭州市"
    # The county list is a 2018 one, not checked against the current list: the page says so.
    assert "区县名称依据 2018 年行政区划代码表" in html


def test_every_county_name_is_marked_provisional_until_checked_against_the_current_list():
    from engines.reference._csv import read_rows
    from engines.reference.regions import COUNTY_FILE

    statuses = {row["status"] for row in read_rows(COUNTY_FILE)}
    assert statuses == {"provisional"}


def test_it_offers_a_jump_to_any_page_keeping_filters_and_sort(client, operator, three, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(operator)
    html = client.get("/enterprises/?sort=-employees&size_class=").content.decode()
    form = re.search(r'<form class="page-jump" method="get">.*?</form>', html, re.S)
    assert form is not None
    assert '<input type="hidden" name="sort" value="-employees">' in form.group(0)
    assert re.search(r'<input type="number" name="page" min="1" max="3"', form.group(0))
    assert _names(client.get("/enterprises/?sort=-employees&page=3").content.decode()) == ["甲厂"]


def test_a_bank_sorting_by_a_profile_column_sees_only_enterprises_that_shared_their_profile(
    client, enterprise_fields
):
    from tests.support.consents import grant, make_consent_world

    world = make_consent_world(enterprise_fields)
    grant(world, categories=["financials"])
    client.force_login(world["banker"])
    assert _names(client.get("/enterprises/").content.decode()) == [world["a"].name]
    assert _names(client.get("/enterprises/?sort=employees").content.decode()) == []
    assert _names(client.get("/enterprises/?sort=name").content.decode()) == [world["a"].name]
    grant(world, categories=["profile"])
    assert _names(client.get("/enterprises/?sort=employees").content.decode()) == [world["a"].name]


def test_the_provider_vetting_list_sorts_by_region_and_state_and_names_the_county(client, operator):
    from funeng.apps.providers.models import Provider

    for name, region, state in (
        ("甲", "330106", "applied"),
        ("乙", "320102", "approved"),
        ("丙", "330108", "rejected"),
    ):
        Provider.objects.create(
            name=name, credit_code=make_credit_code(region), region_code=region, vetting_state=state
        )
    client.force_login(operator)

    def names(**query: str) -> list[str]:
        page = client.get("/providers/", {"state": "all", **query}).context["page"]
        return [provider.name for provider in page.object_list]

    assert names(sort="region") == ["乙", "甲", "丙"]
    assert names(sort="-region") == ["丙", "甲", "乙"]
    assert names(sort="state") == ["甲", "乙", "丙"]
    assert names(sort="vetting_notes") == names()  # not whitelisted: the default order
    html = client.get("/providers/", {"state": "all", "sort": "-region"}).content.decode()
    assert "浙江省 杭州市 滨江区" in html and "区县名称依据 2018 年行政区划代码表" in html
    assert re.search(
        r'aria-sort="descending"[^>]*><a class="sort sorted" href="\?state=all&amp;sort=region"', html
    )
