"""The industry-code picker's search: GB/T 4754-2017 classes by code, Chinese name or pinyin."""

from __future__ import annotations

import pytest

from engines.reference.industry_search import MAX_RESULTS, industry_search

URL = "/enterprises/industries/"


def codes(query: str) -> list[str]:
    return [entry.code for entry in industry_search(query)]


@pytest.mark.parametrize(
    "query",
    [
        "3484",
        "348",
        "机械零部件加工",
        "零部件",
        "jixielingbujianjiagong",
        "JiXie LingBuJian",
        "jxlbjjg",
        "jxlb",
    ],
)
def test_it_finds_a_class_by_code_name_full_pinyin_or_initials(query):
    assert "3484" in codes(query)


def test_it_puts_the_exact_code_or_name_first():
    assert codes("3484") == ["3484"]
    assert codes("机械零部件加工")[0] == "3484"
    assert codes("jxlbjjg")[0] == "3484"


def test_it_returns_only_four_digit_classes_and_never_too_many():
    found = industry_search("制造")
    assert len(found) == MAX_RESULTS
    assert all(len(entry.code) == 4 and entry.code.isdigit() for entry in found)
    assert industry_search("") == [] and industry_search("   ") == []
    assert codes("zzzzzz") == []


@pytest.mark.django_db
def test_the_endpoint_answers_anyone_with_codes_and_names_as_json(client):
    for query in ("3484", "零部件", "jxlbjjg", "jixielingbujian"):
        response = client.get(URL, {"q": query})
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        results = response.json()["results"]
        assert {"code": "3484", "name": "机械零部件加工", "label": "3484 机械零部件加工"} in results
        assert len(results) <= MAX_RESULTS


@pytest.mark.django_db
def test_the_endpoint_finds_nothing_for_an_overlong_query_and_refuses_posts(client):
    assert client.get(URL, {"q": "j" * 500}).json()["results"] == []
    assert client.post(URL, {"q": "3484"}).status_code == 405


@pytest.mark.django_db
def test_the_registration_and_profile_forms_point_their_industry_input_at_the_picker(
    client, enterprise_fields
):
    from tests.support.api import make_world

    register = client.get("/accounts/register/enterprise/").content.decode()
    assert f'data-industry-search="{URL}"' in register
    world = make_world(enterprise_fields)
    client.force_login(world["enterprise_a"])
    edit = client.get(f"/enterprises/{world['a'].pk}/edit/").content.decode()
    assert f'data-industry-search="{URL}"' in edit
    assert "js/fields" in edit
