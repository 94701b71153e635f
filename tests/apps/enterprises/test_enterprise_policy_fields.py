"""The policy fields on the pages: edited as percentages in category fieldsets, shown under consent."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.enterprises.fields import COMPLETENESS_EXEMPT, EDITABLE_FIELDS
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_update
from tests.support.consents import grant, make_consent_world

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world(enterprise_fields):
    world = make_consent_world(enterprise_fields)
    enterprise_update(
        enterprise=world["a"],
        acting_user=None,
        revenue_cny=D("100000000.00"),
        revenue_prev_cny=D("80000000.00"),
        assets_cny=D("80000000.00"),
        liabilities_cny=D("56000000.00"),
        rd_expense_2y_cny=D("5400000.00"),
        main_business_growth_avg_2y=D("0.05"),
        has_rd_institution=True,
        srdi_level="municipal",
    )
    return world


def english(client: Any, user: Any) -> Any:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def form_data(response: Any) -> dict[str, Any]:
    """What the browser would post back: every field as rendered."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def test_the_edit_form_groups_fields_by_category_and_shows_ratios_as_percentages(client, world):
    page = english(client, world["enterprise_a"]).get(f"/enterprises/{world['a'].pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    legends = re.findall(r"<legend>(.*?)</legend>", html)
    assert legends == [
        "Registration profile",
        "Financial figures",
        "R&amp;D and intellectual property",
        "Cloud use and digital investment",
    ]
    growth = re.search(r'<input[^>]*name="main_business_growth_avg_2y"[^>]*>', html)
    assert growth is not None and 'value="5"' in growth.group(0)
    assert "Main business revenue growth, 2-year average (%)" in html
    assert "In per cent: 5 means 5%." in html
    assert '<option value="">Unknown</option>' in html  # the SRDI level may be left unknown


def test_an_enterprise_saves_percentages_as_decimals_with_an_audit_row(client, world):
    client = english(client, world["enterprise_a"])
    url = f"/enterprises/{world['a'].pk}/edit/"
    data = form_data(client.get(url))
    data.update(
        main_business_growth_avg_2y="12.5",
        net_profit_growth_avg_2y="-150",  # a profit turned into a loss: below -100% is allowed here
        quality_cert="false",
        srdi_level="provincial",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    a = Enterprise.objects.get(pk=world["a"].pk)
    assert a.main_business_growth_avg_2y == D("0.125")
    assert a.net_profit_growth_avg_2y == D("-1.5")
    assert (a.quality_cert, a.has_rd_institution, a.own_brand) == (False, True, None)
    assert a.srdi_level == "provincial"
    assert a.revenue_cny == D("100000000.00")  # untouched fields keep their values
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(a.pk)).order_by("pk").last()
    assert event is not None and event.actor == world["enterprise_a"]
    assert event.changes["main_business_growth_avg_2y"] == ["0.050000", "0.125"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("revenue_growth_avg_2y", "-150", "greater than or equal to -100"),
        ("main_business_growth_avg_2y", "1.23456", "no more than 4 decimal places"),
        ("standards_2y", "-1", "greater than or equal to 0"),
    ],
)
def test_a_bad_value_is_shown_next_to_its_field_and_nothing_is_saved(client, world, field, value, message):
    client = english(client, world["enterprise_a"])
    url = f"/enterprises/{world['a'].pk}/edit/"
    data = form_data(client.get(url)) | {field: value, "employees": "77"}
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    html = response.content.decode()
    assert f'id="id_{field}_errors"' in html and f'value="{value}"' in html
    assert Enterprise.objects.get(pk=world["a"].pk).employees != 77


def test_the_detail_page_shows_stored_and_computed_policy_fields(client, world):
    html = english(client, world["enterprise_a"]).get(f"/enterprises/{world['a'].pk}/").content.decode()
    assert re.search(r"Debt ratio <span class=\"badge\">computed</span></dt><dd>70%</dd>", html)
    assert re.search(r"Revenue growth, last year <span[^>]*>computed</span></dt><dd>25%</dd>", html)
    assert re.search(r"R&D intensity, last 2 years <span[^>]*>computed</span></dt><dd>3%</dd>", html)
    assert "<dt>Main business revenue growth, 2-year average</dt><dd>5%</dd>" in html
    assert "<dt>R&D institution</dt><dd>Yes</dd>" in html
    assert "<dt>Own brand</dt><dd>—</dd>" in html  # unknown is not "No"
    assert "<dt>SRDI recognition</dt><dd>Municipal SRDI</dd>" in html


def test_a_bank_sees_a_computed_ratio_only_with_every_category_it_needs(client, world):
    grant(world, categories=["innovation"])
    html = english(client, world["banker"]).get(f"/enterprises/{world['a'].pk}/").content.decode()
    assert "<dt>R&D expense, last 2 years together</dt><dd>CNY 5,400,000</dd>" in html
    # R&D intensity also needs the financials (revenue), R&D staff share the profile (employees).
    for label in ("R&D intensity, last 2 years", "R&D staff share"):
        assert re.search(label + r' <span[^>]*>computed</span></dt><dd class="muted not-shared">', html)
    assert "Debt ratio" not in html and "70%" not in html and "Municipal SRDI" not in html


def test_the_bank_api_withholds_computed_ratios_without_all_their_categories(client, world):
    grant(world, categories=["financials"])
    client.force_login(world["banker"])
    body = client.get(f"/api/v1/enterprises/{world['a'].pk}").json()
    assert (body["debt_ratio"], body["revenue_growth_1y"]) == ("0.700000", "0.250000")
    assert body["main_business_growth_avg_2y"] == "0.050000"
    assert (body["rd_intensity_2y"], body["rd_staff_share"], body["rd_expense_2y_cny"]) == (None, None, None)
    assert (body["srdi_level"], body["has_rd_institution"]) == (None, None)


@pytest.mark.parametrize(("persona", "status"), [("official", 403), ("banker", 404), ("enterprise_b", 404)])
def test_only_the_enterprise_and_operators_may_edit_the_policy_fields(client, world, persona, status):
    client.force_login(world[persona])
    url = f"/enterprises/{world['a'].pk}/edit/"
    assert client.get(url).status_code == status
    assert client.post(url, {"srdi_level": "national"}).status_code == status
    assert Enterprise.objects.get(pk=world["a"].pk).srdi_level == "municipal"


def test_profile_completeness_counts_the_policy_fields_but_not_a_valuation(client, world):
    completeness = english(client, world["enterprise_a"]).get("/").context["completeness"]
    assert completeness.total == len(EDITABLE_FIELDS) - len(COMPLETENESS_EXEMPT)
    missing = set(completeness.missing)
    assert "own brand" in missing and "R&D institution" not in missing
    assert not any("valuation" in name for name in missing)
