"""The designation pages over HTTP: each role sees its own, is refused the rest, and a GET changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funeng.apps.audit.models import AuditEvent
from funeng.apps.designations.const import EntryStatus
from funeng.apps.designations.models import DesignationEntry
from funeng.apps.designations.services import designation_apply, designation_decide, designation_nominate

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def entries(world):
    a_entry = designation_apply(
        actor=world["enterprise_a"],
        enterprise=world["a"],
        kind="cloud_benchmark",
        title="甲设备联网上云",
        summary="注塑机联网。",
        solutions=[world["published"]],
        evidence_files=[SimpleUploadedFile("证明.pdf", PDF)],
    )
    b_entry = designation_nominate(
        actor=world["admin"], enterprise=world["b"], kind="future_factory", title="乙未来工厂"
    )
    case = designation_nominate(
        actor=world["admin"],
        enterprise=world["b"],
        kind="dt_benchmark",
        title="乙软件数字化转型标杆",
        summary="研发管理全面上云。",
        solutions=[world["published"]],
    )
    designation_decide(actor=world["admin"], entry=case, approve=True, valid_from=dt.date(2024, 1, 1))
    return {"a": a_entry, "b": b_entry, "case": case}


@pytest.mark.parametrize(
    "who",
    [
        "enterprise_a",
        "enterprise_a_colleague",
        "enterprise_b",
        "official",
        "official_b",
        "provider",
        "banker",
        "admin",
    ],
)
def test_the_list_and_the_case_library_open_for_every_signed_in_role(client, world, entries, who):
    as_user(client, world[who])
    assert client.get("/designations/").status_code == 200
    page = client.get("/designations/cases/")
    assert page.status_code == 200 and "乙软件数字化转型标杆" in page.content.decode()


def test_a_visitor_is_sent_to_log_in(client, entries):
    assert client.get("/designations/").status_code == 302
    assert client.get(f"/designations/{entries['case'].pk}/").status_code == 302


def test_the_list_shows_own_entries_only_and_names_not_ids(client, world, entries):
    html = as_user(client, world["enterprise_a"]).get("/designations/").content.decode()
    assert "甲设备联网上云" in html and "乙未来工厂" not in html
    assert "杭州甲精密机械有限公司" in html and world["a"].credit_code not in html


def test_the_official_sees_the_queue_of_their_region(client, world, entries):
    html = as_user(client, world["official"]).get("/designations/").content.decode()
    assert 'id="decision-queue"' in html and "甲设备联网上云" in html and "乙未来工厂" not in html
    other = as_user(client, world["official_b"]).get("/designations/").content.decode()
    assert "乙未来工厂" in other and "甲设备联网上云" not in other


def test_the_list_filters_by_kind_and_status(client, world, entries):
    as_user(client, world["admin"])
    html = client.get("/designations/?kind=future_factory").content.decode()
    assert "乙未来工厂" in html and "乙软件数字化转型标杆" not in html.split('id="entries"')[1]
    html = client.get("/designations/?status=approved").content.decode().split('id="entries"')[1]
    assert "乙软件数字化转型标杆" in html and "甲设备联网上云" not in html


def test_the_counts_show_active_listings(client, world, entries):
    html = as_user(client, world["admin"]).get("/designations/").content.decode()
    counts = html.split('id="designation-counts"')[1].split("</div>")[0]
    assert '<span class="num">1</span>' in counts


@pytest.mark.parametrize(
    ("who", "entry", "status"),
    [
        ("enterprise_a", "a", 200),
        ("enterprise_a_colleague", "a", 200),
        ("enterprise_b", "a", 404),
        ("official", "a", 200),
        ("official_province", "a", 200),
        ("official_b", "a", 404),
        ("official", "b", 404),
        ("provider", "a", 404),
        ("banker", "a", 404),
        ("outsider", "a", 404),
        ("enterprise_a", "case", 200),
        ("provider", "case", 200),
        ("banker", "case", 200),
    ],
)
def test_the_detail_page_follows_access(client, world, entries, who, entry, status):
    assert as_user(client, world[who]).get(f"/designations/{entries[entry].pk}/").status_code == status


def test_the_detail_shows_forms_by_role_and_links_solutions(client, world, entries):
    url = f"/designations/{entries['a'].pk}/"
    official = as_user(client, world["official"]).get(url).content.decode()
    assert 'id="decide"' in official and 'id="withdraw"' not in official and "证明.pdf" in official
    assert f"/matching/solutions/{world['published'].pk}/" in official
    own = as_user(client, world["enterprise_a"]).get(url).content.decode()
    assert 'id="withdraw"' in own and 'id="decide"' not in own
    reader = as_user(client, world["provider"]).get(f"/designations/{entries['case'].pk}/").content.decode()
    assert 'id="evidence"' not in reader and 'id="exit"' not in reader


def test_evidence_downloads_for_the_enterprise_and_its_official_only(client, world, entries):
    evidence = entries["a"].evidence.get()
    url = f"/designations/evidence/{evidence.pk}/"
    response = as_user(client, world["enterprise_a"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert as_user(client, world["official"]).get(url).status_code == 200
    for who in ("enterprise_b", "official_b", "provider", "outsider"):
        assert as_user(client, world[who]).get(url).status_code == 404, who


def test_a_get_changes_nothing(client, world, entries):
    before = (DesignationEntry.objects.count(), AuditEvent.objects.count())
    as_user(client, world["official"])
    for url in ("/designations/", f"/designations/{entries['a'].pk}/", "/designations/cases/"):
        client.get(url)
    for url in (f"/designations/{entries['a'].pk}/decide/", f"/designations/{entries['a'].pk}/withdraw/"):
        assert client.get(url).status_code == 405
    entries["a"].refresh_from_db()
    assert entries["a"].status == EntryStatus.APPLIED
    assert (DesignationEntry.objects.count(), AuditEvent.objects.count()) == before


def test_the_apply_page_is_for_enterprise_members_only(client, world):
    assert as_user(client, world["enterprise_a"]).get("/designations/apply/").status_code == 200
    for who in ("official", "provider", "banker", "outsider"):
        assert as_user(client, world[who]).get("/designations/apply/").status_code == 403, who


def test_an_enterprise_applies_through_the_form(client, world):
    as_user(client, world["enterprise_a"])
    response = client.post(
        "/designations/apply/",
        {
            "kind": "future_factory",
            "title": "数字孪生车间",
            "summary": "全流程数字孪生。",
            "solutions": [world["published"].pk],
            "evidence_files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
        },
    )
    entry = DesignationEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/designations/{entry.pk}/"
    assert entry.enterprise == world["a"] and entry.evidence.count() == 2


def test_the_apply_form_shows_errors_for_bad_input(client, world):
    as_user(client, world["enterprise_a"])
    page = client.post("/designations/apply/", {"kind": "nope", "title": ""})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    bad_file = client.post(
        "/designations/apply/",
        {"kind": "cloud_benchmark", "title": "t", "evidence_files": [SimpleUploadedFile("x.pdf", b"hello")]},
    )
    assert bad_file.status_code == 200 and "x.pdf" in bad_file.content.decode()
    client.post("/designations/apply/", {"kind": "cloud_benchmark", "title": "第一次"})
    twice = client.post("/designations/apply/", {"kind": "cloud_benchmark", "title": "第二次"})
    assert twice.status_code == 200 and "errorlist" in twice.content.decode()
    assert DesignationEntry.objects.count() == 1


def test_the_nominate_page_is_for_officials_and_finds_enterprises_of_their_region(client, world):
    for who in ("enterprise_a", "provider", "outsider"):
        assert as_user(client, world[who]).get("/designations/nominate/").status_code == 403, who
    as_user(client, world["official"])
    assert client.get("/designations/nominate/").status_code == 200
    outside = client.post(
        "/designations/nominate/",
        {"enterprise": world["b"].credit_code, "kind": "dt_benchmark", "title": "x"},
    )
    assert outside.status_code == 200 and "errorlist" in outside.content.decode()
    inside = client.post(
        "/designations/nominate/", {"enterprise": world["a"].name, "kind": "dt_benchmark", "title": "标杆"}
    )
    assert inside.status_code == 302
    assert DesignationEntry.objects.get().enterprise == world["a"]


def test_the_official_decides_and_exits_through_the_forms(client, world, entries):
    entry = entries["a"]
    as_user(client, world["official"])
    refused = client.post(f"/designations/{entry.pk}/decide/", {"decision": "reject", "reason": ""})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    approved = client.post(
        f"/designations/{entry.pk}/decide/", {"decision": "approve", "valid_from": "2025-01-01"}
    )
    assert approved.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.valid_from == dt.date(2025, 1, 1)
    early = client.post(f"/designations/{entry.pk}/exit/", {"exited_at": "2024-01-01", "reason": "迁出"})
    assert early.status_code == 200 and "errorlist" in early.content.decode()
    client.post(f"/designations/{entry.pk}/exit/", {"exited_at": "2026-01-01", "reason": "迁出"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXITED


@pytest.mark.parametrize(("who", "status"), [("enterprise_a", 403), ("official_b", 404), ("provider", 404)])
def test_others_cannot_decide(client, world, entries, who, status):
    response = as_user(client, world[who]).post(
        f"/designations/{entries['a'].pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == status
    entries["a"].refresh_from_db()
    assert entries["a"].status == EntryStatus.APPLIED


def test_the_enterprise_withdraws_and_another_cannot(client, world, entries):
    url = f"/designations/{entries['a'].pk}/withdraw/"
    assert as_user(client, world["enterprise_b"]).post(url).status_code == 404
    assert as_user(client, world["official"]).post(url).status_code == 403
    entries["a"].refresh_from_db()
    assert entries["a"].status == EntryStatus.APPLIED
    as_user(client, world["enterprise_a"]).post(url)
    entries["a"].refresh_from_db()
    assert entries["a"].status == EntryStatus.WITHDRAWN


def test_the_case_library_searches_and_filters(client, world, entries):
    as_user(client, world["provider"])
    assert "乙软件数字化转型标杆" in client.get("/designations/cases/?q=研发").content.decode()
    assert "乙软件数字化转型标杆" not in client.get("/designations/cases/?q=不存在的词").content.decode()
    assert (
        "乙软件数字化转型标杆"
        not in client.get("/designations/cases/?kind=typical_scenario").content.decode()
    )
    html = client.get("/designations/cases/").content.decode()
    assert "甲设备联网上云" not in html and "乙未来工厂" not in html


def test_the_list_page_runs_a_fixed_number_of_queries(client, world, entries):
    as_user(client, world["admin"])
    client.get("/designations/")
    with CaptureQueriesContext(connection) as few:
        client.get("/designations/")
    for kind in ("growth_directory", "shared_factory", "dt_benchmark", "typical_scenario"):
        designation_nominate(actor=world["admin"], enterprise=world["a"], kind=kind, title=f"提名{kind}")
    with CaptureQueriesContext(connection) as more:
        client.get("/designations/")
    assert len(more) == len(few)


def test_the_detail_quotes_the_clause_and_marks_the_english_as_a_translation(client, world, entries):
    from django.conf import settings

    as_user(client, world["official"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/designations/{entries['a'].pk}/").content.decode()
    assert "推广工业企业设备联网上云、数据集成上云等深度用云模式" in english
    assert "Our translation:" in english and "by 2022, foster 400 cloud benchmark enterprises" in english
    assert "/library/clauses/zj-2020-digital-empowerment/" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(f"/designations/{entries['a'].pk}/").content.decode()
    assert "Our translation:" not in chinese and "推广工业企业设备联网上云" in chinese
