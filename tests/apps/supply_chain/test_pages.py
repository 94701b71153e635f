"""The supply-chain finance pages over HTTP: each party takes its step; the others are refused; no ids shown."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funeng.apps.core.pages import new_submit_token
from funeng.apps.supply_chain.const import ReceivableStatus
from funeng.apps.supply_chain.models import FinancingListing, Receivable, ReceivableEvent
from tests.support.supply_chain import listed, offered, submit

pytestmark = pytest.mark.django_db


def as_user(client, user, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))


@pytest.mark.parametrize("who", ["enterprise_a", "enterprise_b", "banker", "official", "admin"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_section_home_opens_for_enterprises_banks_and_officials(client, world, who, language):
    offered(world)
    listed(world)
    page = as_user(client, world[who], language).get("/supply-chain/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ("供应链金融" if language == "zh-hans" else "Supply-chain finance") in html
    assert "丰富重点企业和项目的融资信息对接目录" in html


@pytest.mark.parametrize("who", ["provider", "outsider"])
def test_the_section_is_refused_to_roles_without_a_part(client, world, who):
    assert as_user(client, world[who]).get("/supply-chain/").status_code == 403


def test_an_official_sees_totals_and_no_invoice(client, world):
    offered(world)
    html = as_user(client, world["official_province"]).get("/supply-chain/").content.decode()
    assert 'id="region-totals"' in html and "50.00 万元" in html
    assert "33012345678" not in html and world["b"].name not in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", ["enterprise_a", "enterprise_b", "banker"])
def test_the_receivable_page_shows_names_and_the_timeline_without_ids(client, world, who, language):
    receivable = offered(world)
    html = (
        as_user(client, world[who], language)
        .get(f"/supply-chain/receivables/{receivable.pk}/")
        .content.decode()
    )
    text = visible_text(html)
    assert world["a"].name in text and world["b"].name in text and world["bank"].name in text
    assert "33012345678" in text
    assert ("办理记录" if language == "zh-hans" else "Timeline") in text
    assert ("核心企业已确权" if language == "zh-hans" else "Confirmed by the anchor enterprise") in text
    assert f"receivable {receivable.pk}" not in text and "supplier_id" not in text
    assert not re.search(r"\b(submitted|confirmed|offered|anchor|supplier)\b", text) or language == "en"


def _post(client, url, data):
    return client.post(url, {**data, "submit_token": new_submit_token()})


def test_the_three_parties_take_their_steps_through_the_pages(client, world):
    new = _post(
        as_user(client, world["enterprise_a"]),
        "/supply-chain/receivables/new/",
        {
            "anchor_credit_code": world["b"].credit_code.lower(),
            "invoice_number": "INV-1",
            "amount_cny": "200000",
            "issued_on": "2026-10-01",
            "due_on": "2027-01-01",
        },
    )
    receivable = Receivable.objects.get()
    assert new.status_code == 302 and new["Location"] == f"/supply-chain/receivables/{receivable.pk}/"
    url = f"/supply-chain/receivables/{receivable.pk}"
    assert (
        _post(as_user(client, world["enterprise_b"]), f"{url}/confirm/", {"note": "无误"}).status_code == 302
    )
    response = _post(
        as_user(client, world["enterprise_a"]),
        f"{url}/offer/",
        {"institution": world["bank"].pk, "requested_cny": "150000"},
    )
    assert response.status_code == 302
    response = _post(
        as_user(client, world["banker"]),
        f"{url}/finance/",
        {"advance_cny": "150000", "annual_rate": "3.95", "financed_on": "2026-11-20"},
    )
    assert response.status_code == 302
    assert (
        _post(
            as_user(client, world["enterprise_b"]), f"{url}/settle/", {"settled_on": "2026-11-30"}
        ).status_code
        == 302
    )
    receivable.refresh_from_db()
    assert receivable.status == ReceivableStatus.SETTLED and receivable.events.count() == 5


def test_a_double_submit_of_the_confirmation_confirms_once(client, world):
    receivable = submit(world)
    as_user(client, world["enterprise_b"])
    token = new_submit_token()
    for _ in range(2):
        response = client.post(f"/supply-chain/receivables/{receivable.pk}/confirm/", {"submit_token": token})
        assert response.status_code == 302
    # Without the token (another tab), the service refuses and says why.
    response = client.post(f"/supply-chain/receivables/{receivable.pk}/confirm/", {}, follow=True)
    assert "刷新页面" in response.content.decode()
    assert ReceivableEvent.objects.filter(status="confirmed").count() == 1


def test_the_wrong_party_gets_403_and_another_tenant_404(client, world):
    receivable = offered(world)
    url = f"/supply-chain/receivables/{receivable.pk}"
    as_user(client, world["enterprise_a"])
    assert (
        client.post(
            f"{url}/finance/", {"advance_cny": "1", "annual_rate": "1", "financed_on": "2026-11-20"}
        ).status_code
        == 403
    )
    assert client.post(f"{url}/confirm/", {}).status_code == 403
    as_user(client, world["banker"])
    assert (
        client.post(f"{url}/offer/", {"institution": world["bank"].pk, "requested_cny": "1"}).status_code
        == 403
    )
    as_user(client, world["other_banker"])
    assert client.get(f"{url}/").status_code == 404
    assert client.post(f"{url}/decline/", {"reason": "x"}).status_code == 404
    assert Receivable.objects.get().status == ReceivableStatus.OFFERED


def test_a_refused_field_is_shown_next_to_it(client, world):
    as_user(client, world["enterprise_a"], "en")
    response = _post(
        client,
        "/supply-chain/receivables/new/",
        {
            "anchor_credit_code": "91330100MA0000000X",
            "invoice_number": "INV-1",
            "amount_cny": "200000",
            "issued_on": "2026-10-01",
            "due_on": "2026-09-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "No enterprise in the registry has this credit code" in html
    assert "The due date comes after the invoice date." in html
    assert not Receivable.objects.exists()


@pytest.mark.parametrize(
    ("who", "url"), [("enterprise_a", "mine"), ("enterprise_b", "to-confirm"), ("banker", "offered")]
)
def test_each_partys_list_shows_its_receivables_in_a_fixed_number_of_queries(client, world, who, url):
    for number in range(3):
        offered(world, invoice_number=f"A-{number}")
    as_user(client, world[who]).get(f"/supply-chain/receivables/{url}/")
    with CaptureQueriesContext(connection) as few:
        page = client.get(f"/supply-chain/receivables/{url}/")
    for number in range(3, 8):
        offered(world, invoice_number=f"A-{number}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/supply-chain/receivables/{url}/")
    assert page.status_code == 200 and "A-7" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_official_lists_and_withdraws_a_directory_entry(client, world):
    as_user(client, world["official"])
    response = _post(
        client,
        "/supply-chain/directory/new/",
        {
            "credit_code": world["a"].credit_code,
            "kind": "enterprise",
            "title": "流动资金需求",
            "description": "原材料采购。",
            "amount_sought_cny": "2000000",
            "purpose": "备货",
            "valid_until": "2027-03-31",
        },
    )
    listing = FinancingListing.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supply-chain/directory/{listing.pk}/"
    assert client.post(f"/supply-chain/directory/{listing.pk}/withdraw/").status_code == 302
    listing.refresh_from_db()
    assert listing.status == "withdrawn"
    # Outside the official's region the credit code reads as unknown.
    response = _post(
        client,
        "/supply-chain/directory/new/",
        {
            "credit_code": world["b"].credit_code,
            "kind": "project",
            "title": "x",
            "description": "x",
            "amount_sought_cny": "1",
            "purpose": "x",
            "valid_until": "2027-03-31",
        },
    )
    assert "您所辖地区没有使用此统一社会信用代码的企业" in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_directory_is_browsed_by_banks_and_enterprises_but_managed_by_officials(client, world, language):
    listing = listed(world)
    for who in ("banker", "enterprise_c"):
        html = as_user(client, world[who], language).get("/supply-chain/directory/").content.decode()
        assert listing.title in html and "/supply-chain/directory/new/" not in html
        assert as_user(client, world[who]).get(f"/supply-chain/directory/{listing.pk}/").status_code == 200
        assert client.post(f"/supply-chain/directory/{listing.pk}/withdraw/").status_code == 403
        assert client.get("/supply-chain/directory/new/").status_code == 403
    html = (
        as_user(client, world["official"], language)
        .get(f"/supply-chain/directory/{listing.pk}/")
        .content.decode()
    )
    assert f"/supply-chain/directory/{listing.pk}/withdraw/" in html


def test_the_navigation_offers_the_section_to_enterprises_banks_and_officials(client, world):
    for who in ("enterprise_a", "banker", "official", "admin"):
        assert 'href="/supply-chain/"' in as_user(client, world[who]).get("/").content.decode(), who
    assert 'href="/supply-chain/"' not in as_user(client, world["provider"]).get("/").content.decode()
