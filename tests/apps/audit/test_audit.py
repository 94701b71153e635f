"""The audit log: scope columns, who reads which rows, the page (filters, htmx, escaping), CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.utils import translation

from funeng.apps.audit import views as audit_views
from funeng.apps.audit.access import access_audit_event_for_user, audit_events_visible_to, can_browse_audit
from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.audit.selectors import AuditFilter, audit_event_list
from funeng.apps.audit.services import audit_record, audit_record_many
from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.enterprises.const import SizeClass
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_create, enterprise_update
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.support.personas import member

pytestmark = pytest.mark.django_db

URL = "/audit/"
EXPORT_URL = "/audit/export.csv"


@pytest.fixture
def world(enterprise_fields, operator):
    """Enterprise A in 杭州 (330106) and B in 南京 (320102), each created and updated, and one user per role."""
    a = enterprise_create(acting_user=operator, **enterprise_fields(name="杭州甲厂", region_code="330106"))
    b = enterprise_create(acting_user=operator, **enterprise_fields(name="南京乙厂", region_code="320102"))
    enterprise_update(enterprise=a, acting_user=operator, employees=15)
    enterprise_update(enterprise=b, acting_user=operator, employees=16)
    provider = Provider.objects.create(
        name="服务商",
        credit_code="91330106MA2H7K1N3G",
        region_code="330106",
        vetting_state=VettingState.APPROVED,
    )
    bank = FinancialInstitution.objects.create(name="银行")

    return {
        "a": a,
        "b": b,
        "provider_org": provider,
        "bank_org": bank,
        "operator": operator,
        "enterprise_a": member("ea", role=Role.ENTERPRISE, enterprise=a, is_enterprise_admin=True),
        "enterprise_a_colleague": member("ea2", role=Role.ENTERPRISE, enterprise=a),
        "enterprise_b": member("eb", role=Role.ENTERPRISE, enterprise=b, is_enterprise_admin=True),
        "official_hz": member("gov_hz", role=Role.OFFICIAL, region_code="330100"),
        "official_zj": member("gov_zj", role=Role.OFFICIAL, region_code="330000"),
        "official_nj": member("gov_nj", role=Role.OFFICIAL, region_code="320100"),
        "provider": member("prov", role=Role.PROVIDER, provider=provider),
        "bank": member("bank", role=Role.BANK, institution=bank),
    }


def _consent(world, enterprise):
    consent = Consent.objects.create(
        enterprise=enterprise,
        institution=world["bank_org"],
        categories=["profile"],
        valid_until=date(2030, 1, 1),
        granted_by=world["operator"],
    )
    # Fetched afresh so that the enterprise is not cached on the instance.
    return Consent.objects.get(pk=consent.pk)


def _visible_pairs(user):
    return {(e.object_type, e.object_id, e.action) for e in audit_events_visible_to(user)}


# ---------------------------------------------------------------- scope columns


def test_it_scopes_an_enterprise_row_by_its_region_and_id(world):
    event = AuditEvent.objects.filter(object_id=str(world["a"].pk), action="update").get()
    assert (event.region_code, event.enterprise_id) == ("330106", world["a"].pk)


def test_it_scopes_a_provider_row_by_the_providers_own_region(world):
    event = audit_record(actor=world["operator"], action=AuditAction.UPDATE, obj=world["provider_org"])
    assert (event.region_code, event.enterprise_id) == ("330106", None)


def test_it_scopes_a_consent_row_through_its_enterprise(world):
    event = audit_record(
        actor=world["enterprise_a"], action=AuditAction.CREATE, obj=_consent(world, world["b"])
    )
    assert (event.region_code, event.enterprise_id) == ("320102", world["b"].pk)


def test_it_scopes_memberships_by_own_region_then_enterprise_then_provider(world):
    def scope(user):
        event = audit_record(actor=None, action=AuditAction.CREATE, obj=Membership.objects.get(user=user))
        return event.region_code, event.enterprise_id

    assert scope(world["official_nj"]) == ("320100", None)
    assert scope(world["enterprise_a"]) == ("330106", world["a"].pk)
    assert scope(world["provider"]) == ("330106", None)
    assert scope(world["bank"]) == ("", None)


def test_it_leaves_rows_of_unscoped_objects_blank(world):
    event = audit_record(actor=None, action=AuditAction.UPDATE, obj=world["operator"])
    assert (event.region_code, event.enterprise_id) == ("", None)


def test_bulk_writes_look_up_each_enterprise_once(world, django_assert_num_queries):
    # Both members of A; their users are joined so that only the scope lookup can query.
    members = list(Membership.objects.select_related("user").filter(enterprise=world["a"]))
    assert len(members) == 2
    # One region lookup for the shared enterprise, one INSERT.
    with django_assert_num_queries(2):
        written = audit_record_many(actor=None, action=AuditAction.IMPORT, objects=[(m, {}) for m in members])
    assert written == 2
    rows = AuditEvent.objects.filter(action=AuditAction.IMPORT)
    assert {(e.region_code, e.enterprise_id) for e in rows} == {("330106", world["a"].pk)}


def test_audit_rows_stay_append_only(world):
    event = AuditEvent.objects.get(object_id=str(world["a"].pk), action="update")
    event.region_code = "110000"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(region_code="110000")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).region_code == "330106"


# ---------------------------------------------------------------- who sees which rows


def test_an_official_sees_updates_in_the_region_only(world):
    a, b = str(world["a"].pk), str(world["b"].pk)
    hz = _visible_pairs(world["official_hz"])
    assert ("enterprises.enterprise", a, "update") in hz
    assert ("enterprises.enterprise", b, "update") not in hz
    nj = _visible_pairs(world["official_nj"])
    assert ("enterprises.enterprise", b, "update") in nj and ("enterprises.enterprise", a, "update") not in nj


def test_a_provincial_official_sees_the_prefectures_rows(world):
    assert ("enterprises.enterprise", str(world["a"].pk), "update") in _visible_pairs(world["official_zj"])


def test_an_enterprise_admin_sees_its_own_enterprise_and_consents_only(world):
    consent_a = _consent(world, world["a"])
    consent_b = _consent(world, world["b"])
    audit_record(actor=world["enterprise_a"], action=AuditAction.CREATE, obj=consent_a)
    audit_record(actor=world["enterprise_b"], action=AuditAction.CREATE, obj=consent_b)
    assert _visible_pairs(world["enterprise_a"]) == {
        ("enterprises.enterprise", str(world["a"].pk), "create"),
        ("enterprises.enterprise", str(world["a"].pk), "update"),
        ("consents.consent", str(consent_a.pk), "create"),
    }


def test_operators_see_every_row_and_others_none(world):
    assert audit_events_visible_to(world["operator"]).count() == AuditEvent.objects.count() == 4
    for persona in ("provider", "bank"):
        assert not audit_events_visible_to(world[persona]).exists()


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("operator", True),
        ("official_hz", True),
        ("enterprise_a", True),
        ("enterprise_a_colleague", False),
        ("provider", False),
        ("bank", False),
    ],
)
def test_only_operators_officials_and_enterprise_admins_browse_the_log(client, world, persona, allowed):
    assert can_browse_audit(world[persona]) is allowed
    client.force_login(world[persona])
    assert client.get(URL).status_code == (200 if allowed else 403)
    assert client.get(EXPORT_URL).status_code == (200 if allowed else 403)


def test_a_user_without_role_is_refused(client, outsider, world):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_one_row_is_hidden_from_an_official_of_another_region(world):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    event_b = AuditEvent.objects.filter(object_id=str(world["b"].pk)).first()
    with pytest.raises(Http404):
        access_audit_event_for_user(world["official_hz"], event_b.pk)
    assert access_audit_event_for_user(world["official_nj"], event_b.pk) == event_b
    with pytest.raises(PermissionDenied):
        access_audit_event_for_user(world["provider"], event_b.pk)


def test_the_page_shows_an_official_only_the_regions_rows(client, world):
    client.force_login(world["official_hz"])
    page = client.get(URL).content.decode()
    assert "杭州甲厂" in page and "南京乙厂" not in page


# ---------------------------------------------------------------- filters


def _at(moment):
    """Patch the clock auto_now_add reads."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _ids(user, **query):
    from django.http import QueryDict

    filters = AuditFilter.from_query(QueryDict(mutable=True) | query)
    assert not filters.problems, filters.problems
    return [e.pk for e in audit_event_list(audit_events_visible_to(user), filters)]


def test_each_filter_narrows_the_list(world):
    op = world["operator"]
    a_rows = list(
        AuditEvent.objects.filter(object_id=str(world["a"].pk)).order_by("-id").values_list("pk", flat=True)
    )
    audit_record(actor=world["enterprise_a"], action=AuditAction.UPDATE, obj=world["provider_org"])
    provider_row = AuditEvent.objects.latest("id").pk
    assert len(_ids(op)) == 5
    assert _ids(op, actor="EA") == [provider_row]
    assert len(_ids(op, action="create")) == 2
    assert _ids(op, object_type="providers.provider") == [provider_row]
    assert _ids(op, object_id=str(world["a"].pk), object_type="enterprises.enterprise") == a_rows
    assert _ids(op, q="南京") == list(
        AuditEvent.objects.filter(object_id=str(world["b"].pk)).order_by("-id").values_list("pk", flat=True)
    )


def test_dates_are_whole_shanghai_days_both_ends_included(world):
    late = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)  # 2026-03-01 23:30 in Shanghai
    early = datetime(2026, 3, 1, 16, 10, tzinfo=UTC)  # 2026-03-02 00:10 in Shanghai
    with _at(late):
        first = audit_record(actor=None, action=AuditAction.UPDATE, obj=world["a"])
    with _at(early):
        second = audit_record(actor=None, action=AuditAction.UPDATE, obj=world["a"])
    op = world["operator"]
    assert _ids(op, date_from="2026-03-01", date_to="2026-03-01") == [first.pk]
    assert _ids(op, date_from="2026-03-02", date_to="2026-03-02") == [second.pk]
    assert _ids(op, date_from="2026-03-01", date_to="2026-03-02") == [second.pk, first.pk]
    assert _ids(op, date_to="2026-02-28") == []


def test_it_lists_newest_first(world):
    ids = _ids(world["operator"])
    times = [AuditEvent.objects.get(pk=pk).occurred_at for pk in ids]
    assert times == sorted(times, reverse=True) and ids[0] == AuditEvent.objects.latest("id").pk


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_to": "20260301"}, "date_to"),
        ({"action": "rename"}, "action"),
        ({"object_type": "nosuch.model"}, "object_type"),
        ({"actor": "x" * 151}, "actor"),
    ],
)
def test_an_invalid_filter_is_ignored_with_a_message(client, world, query, field):
    client.force_login(world["operator"])
    response = client.get(URL, {**query, "q": "杭州"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="msg-warning"' in page
    # The other filters still apply, and the bad one is not echoed back into the form.
    assert "杭州甲厂" in page and "南京乙厂" not in page
    assert response.context["filters"].as_dict()[field] in ("", None)


def test_dates_at_the_ends_of_the_calendar_do_not_break_the_page(client, world):
    client.force_login(world["operator"])
    response = client.get(URL, {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 4


def test_swapped_dates_say_so(client, world):
    client.force_login(world["operator"])
    response = client.get(URL, {"date_from": "2026-03-02", "date_to": "2026-03-01"})
    assert len(response.context["filters"].problems) == 1 and response.context["page"].paginator.count == 0


# ---------------------------------------------------------------- page


def test_htmx_requests_get_only_the_results(client, world):
    client.force_login(world["operator"])
    partial = client.get(URL, {"q": "杭州"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "<table" in body and "杭州甲厂" in body and "南京乙厂" not in body
    assert [t.name for t in partial.templates][0] == "audit/_results.html"
    assert "HX-Request" in partial["Vary"]
    full = client.get(URL).content.decode()
    assert "<html" in full and 'hx-target="#audit-results"' in full and 'hx-push-url="true"' in full
    assert 'method="get"' in full and 'id="audit-results"' in full


def test_it_renders_changes_with_field_names_and_choice_labels(client, world):
    client.force_login(world["operator"])
    page = client.get(URL, {"action": "update", "q": "杭州"}).content.decode()
    with translation.override("zh-hans"):
        employees = str(Enterprise._meta.get_field("employees").verbose_name)
        medium, micro = str(SizeClass.MEDIUM.label), str(SizeClass.MICRO.label)
    assert f"{employees}</span>: 350 → 15" in page
    assert f"{medium} → {micro}" in page


def test_it_escapes_html_in_names_and_changes(client, world):
    evil = "<script>alert(1)</script>"
    enterprise_update(enterprise=world["a"], acting_user=world["operator"], name=evil + "厂")
    client.force_login(world["operator"])
    page = client.get(URL).content.decode()
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;厂" in page


def test_it_paginates_fifty_rows_a_page_without_a_query_per_row(client, world, django_assert_max_num_queries):
    audit_record_many(
        actor=None,
        action=AuditAction.IMPORT,
        objects=[(world["a"], {"employees": [i, i + 1]}) for i in range(60)],
    )
    client.force_login(world["operator"])
    client.get(URL)
    with django_assert_max_num_queries(8):
        first = client.get(URL)
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 64
    second = client.get(URL, {"page": 2})
    assert len(second.context["rows"]) == 14
    assert client.get(URL, {"page": "x"}).status_code == 200


def test_the_page_offers_present_object_types_by_their_names(client, world):
    client.force_login(world["official_hz"])
    choices = client.get(URL).context["choices"]
    assert [value for value, _label in choices.object_types] == ["enterprises.enterprise"]
    assert {value for value, _label in choices.actions} >= {"create", "update", "export"}


# ---------------------------------------------------------------- CSV


def _csv(response):
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_csv_holds_the_filtered_rows_with_a_bom(client, world):
    client.force_login(world["official_hz"])
    response = client.get(EXPORT_URL, {"action": "update"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == 2
    assert len(rows[0]) == len(rows[1]) == 9
    with translation.override("zh-hans"):
        update = str(AuditAction.UPDATE.label)
    assert (rows[1][2], rows[1][4], rows[1][8]) == (update, "enterprises.enterprise", "330106")
    assert rows[1][6].startswith("杭州甲厂 (") and rows[1][1] == "alice"
    assert len(rows[1][0]) == 19 and rows[1][0][4] == "-" and rows[1][0][13] == ":"
    assert "350 → 15" in rows[1][7]


def test_the_csv_defuses_spreadsheet_formulas(client, world):
    enterprise_update(enterprise=world["a"], acting_user=world["operator"], name="=HYPERLINK(1)")
    client.force_login(world["operator"])
    rows = _csv(client.get(EXPORT_URL, {"q": "HYPERLINK"}))
    assert rows[1][6].startswith("'=HYPERLINK(1)")


def test_exporting_is_audited_and_shown_to_operators_only(client, world):
    client.force_login(world["official_hz"])
    rows = _csv(client.get(EXPORT_URL, {"action": "update"}))
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.object_type) == ("export", world["official_hz"], "auth.user")
    assert event.changes == {"filters": [None, "action=update"], "rows": [None, len(rows) - 1]}
    assert not audit_events_visible_to(world["official_hz"]).filter(pk=event.pk).exists()
    assert audit_events_visible_to(world["operator"]).filter(pk=event.pk).exists()


def test_the_csv_is_capped_with_a_note(client, world, monkeypatch):
    monkeypatch.setattr(audit_views, "EXPORT_MAX", 2)
    client.force_login(world["operator"])
    rows = _csv(client.get(EXPORT_URL))
    assert len(rows) == 1 + 2 + 1 and len(rows[-1]) == 1 and "2" in rows[-1][0]
    assert rows[-1][0] in client.get(URL).content.decode()  # the page shows the same note
    monkeypatch.setattr(audit_views, "EXPORT_MAX", 100)
    rows = _csv(client.get(EXPORT_URL))
    assert len(rows) == 1 + 5 and all(len(row) == 9 for row in rows)  # 4 changes + the first export
