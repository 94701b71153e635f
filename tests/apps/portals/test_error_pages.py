"""Refused and missing pages are our own pages, in the user's language, with a way back home."""

import pytest
from django.conf import settings
from django.urls import reverse

from funeng.apps.matching.services import proposal_request
from tests.support.matching import make_world


@pytest.fixture
def world(db):
    return make_world()


def test_a_refused_page_explains_itself_in_chinese_by_default(client, world):
    client.force_login(world["enterprise_a"])
    response = client.get(reverse("matching:inbox"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>无权访问</h1>" in page and 'href="/"' in page


def test_a_missing_page_explains_itself_in_english_when_asked(client, world):
    client.force_login(world["provider_1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the language switch sets
    response = client.get("/this/does/not/exist/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page and "belongs to another organisation" in page


def test_another_providers_proposal_is_the_same_not_found_page(client, world):
    need = world.need()
    proposal = proposal_request(
        need=need, solution=world.homestay, note="", acting_user=world["enterprise_a"]
    )
    client.force_login(world["provider_2"])
    response = client.get(reverse("matching:proposal", args=[proposal.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
