"""Consents (授权): categories, the grant and revoke services, consented reads and the pages.

Personas: A's administrator (grants), A's colleague (sees, must not grant), B's administrator
(must not see A's consents), the bank granted to, its colleague, another bank (must not see), an
official, a provider and a role-less user (refused), an operator (sees all, changes nothing).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.consents.categories import CATEGORY_DERIVED_FIELDS, CATEGORY_FIELDS
from funeng.apps.consents.const import DataCategory, ReadChannel
from funeng.apps.consents.models import Consent, ConsentRead
from funeng.apps.consents.services import (
    ConsentAlreadyRevoked,
    consent_grant,
    consent_latest_end,
    consent_reads_log,
    consent_revoke,
)
from funeng.apps.enterprises.fields import EDITABLE_FIELDS
from tests.support.consents import expired, grant, in_days, make_consent_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def world(enterprise_fields):
    return make_consent_world(enterprise_fields)


def english(client, user):
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def consent_audits(consent=None):
    events = AuditEvent.objects.filter(object_type="consents.consent")
    return events.filter(object_id=str(consent.pk)) if consent else events


# ---------------------------------------------------------------- categories


def test_every_editable_field_is_in_exactly_one_category():
    placed = [name for names in CATEGORY_FIELDS.values() for name in names]
    assert sorted(placed) == sorted(EDITABLE_FIELDS)
    assert len(placed) == len(set(placed))


def test_the_categories_are_the_data_categories_of_consents():
    assert set(CATEGORY_FIELDS) == set(DataCategory.values)
    assert set(CATEGORY_DERIVED_FIELDS) <= set(DataCategory.values)


# ---------------------------------------------------------------- grant


def test_it_grants_a_consent_and_audits_it_in_the_same_transaction(world):
    consent = grant(world, categories=["financials", "profile", "financials"])
    assert consent.categories == ["profile", "financials"]  # declared order, no duplicates
    assert consent.granted_by == world["enterprise_a"]
    assert consent.is_active()
    event = consent_audits(consent).get()
    assert event.action == AuditAction.CREATE and event.actor == world["enterprise_a"]
    assert event.changes["categories"] == [None, ["profile", "financials"]]
    assert event.changes["institution"] == [None, world["bank"].pk]


@pytest.mark.parametrize(
    ("categories", "days", "field", "words"),
    [
        ([], 30, "categories", "at least one"),
        (["profile", "salaries"], 30, "categories", "salaries"),
        (["profile"], 0, "valid_until", "after today"),
        (["profile"], -5, "valid_until", "after today"),
        (["profile"], 367, "valid_until", "at most one year"),
    ],
)
def test_it_refuses_a_grant_with_a_clear_field_error(world, categories, days, field, words):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        consent_grant(
            actor=world["enterprise_a"],
            enterprise=world["a"],
            institution=world["bank"],
            categories=categories,
            valid_until=in_days(days),
        )
    with translation.override("en"):
        messages = caught.value.message_dict
    assert list(messages) == [field]
    assert words in messages[field][0]
    assert not Consent.objects.exists() and not consent_audits().exists()


def test_it_names_the_latest_allowed_date_and_allows_exactly_one_year(world):
    today = dt.date(2026, 3, 15)
    with pytest.raises(ValidationError) as caught:
        consent_grant(
            actor=world["enterprise_a"],
            enterprise=world["a"],
            institution=world["bank"],
            categories=["profile"],
            valid_until=dt.date(2027, 3, 16),
            today=today,
        )
    assert "2027-03-15" in caught.value.message_dict["valid_until"][0]
    consent = consent_grant(
        actor=world["enterprise_a"],
        enterprise=world["a"],
        institution=world["bank"],
        categories=["profile"],
        valid_until=dt.date(2027, 3, 15),
        today=today,
    )
    assert consent.valid_until == dt.date(2027, 3, 15)


def test_a_consent_granted_on_29_february_may_run_to_28_february():
    assert consent_latest_end(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)
    assert consent_latest_end(dt.date(2026, 7, 1)) == dt.date(2027, 7, 1)


@pytest.mark.parametrize(
    ("actor", "enterprise"),
    [
        ("enterprise_a_colleague", "a"),  # not the enterprise's administrator
        ("enterprise_b", "a"),  # another enterprise's administrator
        ("banker", "a"),
        ("official", "a"),
        ("provider", "a"),
    ],
)
def test_only_the_enterprise_administrator_grants(world, actor, enterprise):
    with pytest.raises(PermissionDenied):
        consent_grant(
            actor=world[actor],
            enterprise=world[enterprise],
            institution=world["bank"],
            categories=["profile"],
            valid_until=in_days(30),
        )
    assert not Consent.objects.exists() and not consent_audits().exists()


def test_an_operator_cannot_grant_for_an_enterprise(world, operator):
    with pytest.raises(PermissionDenied):
        consent_grant(
            actor=operator,
            enterprise=world["a"],
            institution=world["bank"],
            categories=["profile"],
            valid_until=in_days(30),
        )


# ---------------------------------------------------------------- revoke


def test_it_revokes_at_once_and_audits_the_change(world):
    consent = grant(world)
    consent_revoke(actor=world["enterprise_a"], consent=consent)
    consent.refresh_from_db()
    assert consent.revoked_at is not None and not consent.is_active()
    assert not Consent.objects.active().exists()
    event = consent_audits(consent).get(action=AuditAction.UPDATE)
    assert list(event.changes) == ["revoked_at"]
    assert event.changes["revoked_at"][0] is None and event.changes["revoked_at"][1]


def test_revoking_twice_is_a_clear_error_that_changes_nothing(world):
    consent = grant(world)
    consent_revoke(actor=world["enterprise_a"], consent=consent)
    first = Consent.objects.get(pk=consent.pk).revoked_at
    with translation.override("en"), pytest.raises(ConsentAlreadyRevoked) as caught:
        consent_revoke(actor=world["enterprise_a"], consent=Consent.objects.get(pk=consent.pk))
    with translation.override("en"):
        assert "already revoked" in caught.value.messages[0]
    assert Consent.objects.get(pk=consent.pk).revoked_at == first
    assert consent_audits(consent).filter(action=AuditAction.UPDATE).count() == 1


@pytest.mark.parametrize("actor", ["banker", "enterprise_a_colleague", "enterprise_b"])
def test_only_the_enterprise_administrator_revokes(world, actor):
    consent = grant(world)
    with pytest.raises(PermissionDenied):
        consent_revoke(actor=world[actor], consent=consent)
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


# ---------------------------------------------------------------- reads log


def test_it_logs_one_read_per_consent_actually_used(world):
    both = grant(world, categories=["profile", "financials"])
    innovation_only = grant(world, categories=["innovation"])
    reads = consent_reads_log(
        reader=world["banker"], consents=[both, innovation_only], categories=["financials"], channel="api"
    )
    assert len(reads) == 1
    read = ConsentRead.objects.get()
    assert (read.consent, read.reader, read.categories, read.channel) == (
        both,
        world["banker"],
        ["financials"],
        "api",
    )


# ---------------------------------------------------------------- consents pages


def test_the_enterprise_administrator_sees_consents_with_status_and_may_grant_and_revoke(client, world):
    active = grant(world)
    revoked = grant(world, bank="other_bank", categories=["digital"])
    consent_revoke(actor=world["enterprise_a"], consent=revoked)
    old = expired(grant(world, categories=["innovation"]))
    page = english(client, world["enterprise_a"]).get("/consents/").content.decode()
    assert "Grant consent" in page
    assert f"/consents/{active.pk}/revoke/" in page
    assert f"/consents/{revoked.pk}/revoke/" not in page and f"/consents/{old.pk}/revoke/" not in page
    assert "consent-active" in page and "consent-revoked" in page and "consent-expired" in page
    assert active.valid_until.isoformat() in page
    assert "甲银行杭州分行" in page and "乙银行南京分行" in page


def test_a_colleague_sees_the_consents_but_cannot_grant_or_revoke(client, world):
    consent = grant(world)
    client.force_login(world["enterprise_a_colleague"])
    page = client.get("/consents/").content.decode()
    assert "甲银行杭州分行" in page
    assert "/consents/grant/" not in page and f"/consents/{consent.pk}/revoke/" not in page
    assert client.get("/consents/grant/").status_code == 403
    assert client.post(f"/consents/{consent.pk}/revoke/").status_code == 403
    assert Consent.objects.get(pk=consent.pk).revoked_at is None


def test_a_bank_sees_the_consents_granted_to_it_with_links_to_active_ones(client, world):
    active = grant(world)
    other = grant(world, enterprise="b", bank="other_bank")
    client.force_login(world["banker"])
    page = client.get("/consents/").content.decode()
    assert f'href="/enterprises/{world["a"].pk}/"' in page
    assert world["b"].name not in page and f"/consents/{other.pk}/" not in page
    assert f"/consents/{active.pk}/revoke/" not in page and "/consents/grant/" not in page
    assert client.get(f"/consents/{other.pk}/").status_code == 404
    assert client.get(f"/consents/{active.pk}/").status_code == 200


def test_other_enterprises_and_banks_do_not_see_a_consent(client, world):
    consent = grant(world)
    for persona in ("enterprise_b", "other_banker"):
        client.force_login(world[persona])
        assert world["a"].name not in client.get("/consents/").content.decode()
        assert client.get(f"/consents/{consent.pk}/").status_code == 404
        assert client.post(f"/consents/{consent.pk}/revoke/").status_code == 404


@pytest.mark.parametrize("persona", ["official", "provider"])
def test_officials_and_providers_are_refused_the_consents_pages(client, world, persona):
    consent = grant(world)
    client.force_login(world[persona])
    assert client.get("/consents/").status_code == 403
    assert client.get("/consents/grant/").status_code == 403
    assert client.get(f"/consents/{consent.pk}/").status_code == 403


def test_a_user_without_role_is_refused_and_a_visitor_must_log_in(client, world, outsider):
    client.force_login(outsider)
    assert client.get("/consents/").status_code == 403
    client.logout()
    response = client.get("/consents/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_operator_sees_every_consent_read_only(client, world, operator):
    consent = grant(world)
    grant(world, enterprise="b", bank="other_bank")
    client.force_login(operator)
    page = client.get("/consents/").content.decode()
    assert world["a"].name in page and world["b"].name in page
    assert "/revoke/" not in page and "/consents/grant/" not in page
    assert client.post(f"/consents/{consent.pk}/revoke/").status_code == 403


def test_the_grant_page_explains_each_category_with_its_fields(client, world):
    page = english(client, world["enterprise_a"]).get("/consents/grant/").content.decode()
    assert 'type="checkbox"' in page and 'value="financials"' in page
    assert "net profit (CNY)" in page and "R&amp;D staff" in page and "yearly cloud spend (CNY)" in page
    assert 'type="date"' in page and "甲银行杭州分行" in page
    assert "csrfmiddlewaretoken" in page


def test_the_grant_form_shows_errors_next_to_the_fields_and_writes_nothing(client, world):
    english(client, world["enterprise_a"])
    response = client.post(
        "/consents/grant/",
        {"institution": world["bank"].pk, "valid_until": in_days(400).isoformat()},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one data category" in page
    assert not Consent.objects.exists()
    response = client.post(
        "/consents/grant/",
        {"institution": world["bank"].pk, "categories": ["profile"], "valid_until": in_days(400).isoformat()},
    )
    assert consent_latest_end(timezone.localdate()).isoformat() in response.content.decode()
    assert not Consent.objects.exists()


def test_the_grant_form_creates_the_consent(client, world):
    client.force_login(world["enterprise_a"])
    response = client.post(
        "/consents/grant/",
        {
            "institution": world["bank"].pk,
            "categories": ["profile", "innovation"],
            "valid_until": in_days(180).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/consents/"
    consent = Consent.objects.get()
    assert consent.categories == ["profile", "innovation"] and consent.valid_until == in_days(180)
    assert consent.enterprise == world["a"] and consent.institution == world["bank"]


def test_a_bank_cannot_open_the_grant_page(client, world):
    client.force_login(world["banker"])
    assert client.get("/consents/grant/").status_code == 403
    assert client.post("/consents/grant/", {}).status_code == 403


def test_revoking_asks_for_confirmation_then_ends_the_consent(client, world):
    consent = grant(world)
    english(client, world["enterprise_a"])
    confirm = client.get(f"/consents/{consent.pk}/revoke/").content.decode()
    assert 'method="post"' in confirm and "csrfmiddlewaretoken" in confirm
    assert Consent.objects.get(pk=consent.pk).revoked_at is None
    response = client.post(f"/consents/{consent.pk}/revoke/", follow=True)
    assert Consent.objects.get(pk=consent.pk).revoked_at is not None
    assert "revoked" in response.content.decode()
    again = client.post(f"/consents/{consent.pk}/revoke/", follow=True)
    assert again.status_code == 200 and "already revoked" in again.content.decode()
    assert consent_audits(consent).filter(action=AuditAction.UPDATE).count() == 1


# ---------------------------------------------------------------- bank reading the registry


def test_a_bank_sees_only_the_consented_categories_and_its_read_is_logged(client, world):
    consent = grant(world, categories=["profile", "financials"])
    english(client, world["banker"])
    page = client.get(f"/enterprises/{world['a'].pk}/").content.decode()
    assert "CNY 87,654,321" in page and "CNY -1,234,567" in page  # revenue and net profit
    assert "2011-04-05" in page  # founding date, profile
    assert "777.78" not in page and ">41<" not in page  # R&D expense and staff are withheld
    assert "555,555.00" not in page and "55.56" not in page  # cloud spend is withheld
    # 6 innovation fields + one row for the two-year R&D, standards and the like; 3 digital fields
    assert page.count('class="muted not-shared"') == 10
    assert "甲银行杭州分行" in page and consent.valid_until.isoformat() in page
    read = ConsentRead.objects.get()
    assert (read.consent, read.reader, read.channel) == (consent, world["banker"], ReadChannel.WEB)
    assert read.categories == ["profile", "financials"]


def test_a_bank_without_the_financials_sees_no_figures_nor_the_size_reasoning(client, world):
    grant(world, categories=["innovation"])
    client.force_login(world["banker"])
    page = client.get(f"/enterprises/{world['a'].pk}/").content.decode()
    assert world["a"].name in page and world["a"].credit_code in page
    assert "777.78" in page  # R&D expense shared
    assert "8,765.43" not in page and "5,000.00" not in page and "2011-04-05" not in page
    assert "&gt;=" not in page  # the size reasoning quotes thresholds met by headcount and revenue
    assert "机械零部件加工" not in page and "浙江" not in page  # industry and region are profile data
    assert ConsentRead.objects.get().categories == ["innovation"]


def test_a_bank_list_shows_profile_columns_only_where_the_profile_is_shared(client, world):
    grant(world, categories=["financials"])
    client.force_login(world["banker"])
    page = client.get("/enterprises/").content.decode()
    assert world["a"].name in page and world["b"].name not in page
    assert "not-shared" in page and '"muted">330106<' not in page
    # Filtering by region would reveal it, so a bank filters only among shared profiles.
    assert world["a"].name not in client.get("/enterprises/?region=330000").content.decode()
    assert not ConsentRead.objects.exists()  # the list carried no consented category
    grant(world, categories=["profile"])
    page = client.get("/enterprises/?region=330000").content.decode()
    assert world["a"].name in page and '"muted">330106<' in page
    assert ConsentRead.objects.get().categories == ["profile"]


def test_an_expired_or_revoked_consent_hides_the_enterprise_at_once(client, world):
    consent = grant(world)
    client.force_login(world["banker"])
    assert client.get(f"/enterprises/{world['a'].pk}/").status_code == 200
    consent_revoke(actor=world["enterprise_a"], consent=consent)
    assert client.get(f"/enterprises/{world['a'].pk}/").status_code == 404
    expired(grant(world))
    assert client.get(f"/enterprises/{world['a'].pk}/").status_code == 404
    assert world["a"].name not in client.get("/enterprises/").content.decode()
    assert ConsentRead.objects.count() == 1  # only the read made while the consent was active


def test_the_enterprise_sees_who_read_what_when_and_how(client, world):
    consent = grant(world)
    client.force_login(world["banker_colleague"])
    client.get(f"/enterprises/{world['a'].pk}/")
    page = english(client, world["enterprise_a"]).get("/consents/").content.decode()
    assert "banker2" in page and "Web page" in page
    read = ConsentRead.objects.get()
    assert timezone.localtime(read.read_at).strftime("%Y-%m-%d %H:%M") in page
    detail = client.get(f"/consents/{consent.pk}/").content.decode()
    assert "banker2" in detail


def test_the_reads_log_is_paginated_and_the_page_queries_do_not_grow(
    client, world, django_assert_max_num_queries
):
    consent = grant(world)
    ConsentRead.objects.bulk_create(
        ConsentRead(consent=consent, reader=world["banker"], categories=["profile"], channel="api")
        for _ in range(60)
    )
    for days in range(10):  # ten different consents (identical ones are refused)
        grant(world, bank="other_bank", categories=["digital"], days=30 + days)
    client.force_login(world["enterprise_a"])
    with django_assert_max_num_queries(12):
        page = client.get("/consents/").content.decode()
    assert "reads_page=2" in page
    assert page.count("<td>banker</td>") == 50
    second = client.get("/consents/?reads_page=2").content.decode()
    assert second.count("<td>banker</td>") == 10
