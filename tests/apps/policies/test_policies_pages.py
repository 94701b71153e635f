"""Policy pages: 我的政策 for an enterprise, 免申即享 runs, export, notices and review for officials.

Personas: strong / gappy / weak Hangzhou enterprises and their administrators, a Nanjing enterprise,
the Hangzhou official (runs and decides), the Nanjing official, a bank and a role-less user (refused).
"""

from __future__ import annotations

import html as html_module
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from engines.rules.evaluate import evaluate
from engines.rules.loader import get_programme
from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.policies.const import Decision, Track
from funeng.apps.policies.models import PolicyNotice, PolicyResult, PolicyRun, ReviewDecision
from funeng.apps.policies.selectors import enterprise_evaluations, track_of, track_of_batch
from funeng.apps.policies.services import policy_notices_send, policy_run_create, review_decide
from funeng.apps.tasks.models import TaskRun
from tests.support.policies import make_policy_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
ZJ = "srdi-zhejiang"


@pytest.fixture
def world(enterprise_fields):
    return make_policy_world(enterprise_fields)


def login(client, user):
    client.force_login(user)
    return client


def tracks(enterprise: Enterprise) -> dict[str, str]:
    return {e.programme.id: e.track for e in enterprise_evaluations(enterprise, timezone.localdate())}


# ---------------------------------------------------------------- 我的政策


def test_it_groups_an_enterprises_programmes_by_what_happens_next(client, world):
    assert tracks(world["strong"])[ZJ] == Track.REVIEW
    assert tracks(world["gappy"])[ZJ] == Track.MISSING
    assert tracks(world["weak"])[ZJ] == Track.ALMOST
    response = login(client, world["strong_admin"]).get(f"/policies/enterprises/{world['strong'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    programme = get_programme(ZJ)
    assert programme.name in html
    # Every condition carries its clause; the quoted government text is on the page.
    leaf = programme.leaves()[0]
    assert leaf.citation.quote in html
    # Shanghai's programme is listed apart, as another region's.
    assert get_programme("srdi-shanghai").name in html.split('class="card elsewhere"')[1]


def test_it_shows_the_gap_for_an_almost_eligible_enterprise(client, world):
    html = login(client, world["official"]).get(f"/policies/enterprises/{world['weak'].pk}/").content.decode()
    assert "研发" in html and "→ 需 ≥ 3%" in html


def test_it_asks_for_missing_data_inline_and_evaluates_again_on_save(client, world):
    gappy = world["gappy"]
    response = login(client, world["gappy_admin"]).get(f"/policies/enterprises/{gappy.pk}/")
    form = response.context["form"]
    assert form is not None and "niche_market_since" in form.fields
    # Only the empty facts: not identity fields, not revenue (stored, though main-business share is unknown).
    assert not {"name", "region_code", "revenue_cny"} & set(form.fields)
    assert "main_business_revenue_cny" in form.fields
    response = client.post(
        f"/policies/enterprises/{gappy.pk}/", {"niche_market_since": "2019-06-01", "own_brand": "true"}
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    after = enterprise_evaluations(Enterprise.objects.get(pk=gappy.pk), timezone.localdate())
    zhejiang = next(e for e in after if e.programme.id == ZJ)
    still_unknown = {item["condition"] for item in zhejiang.evaluation.unknown}
    assert "zj-niche-3y" not in still_unknown and "zj-own-brand" not in still_unknown
    assert "zj-rd-institution" in still_unknown  # what was not entered stays unknown, never "no"
    assert Enterprise.objects.get(pk=gappy.pk).revenue_cny == gappy.revenue_cny  # nothing else changed
    assert AuditEvent.objects.filter(
        object_type="enterprises.enterprise", object_id=str(gappy.pk), action=AuditAction.UPDATE
    ).exists()


def test_a_bad_value_in_the_inline_form_is_shown_and_nothing_is_saved(client, world):
    gappy = world["gappy"]
    login(client, world["gappy_admin"])
    with translation.override("en"):
        response = client.post(f"/policies/enterprises/{gappy.pk}/", {"niche_market_since": "2099-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Enterprise.objects.get(pk=gappy.pk).niche_market_since is None


@pytest.mark.parametrize("persona", ["gappy_admin", "official_nj", "banker", "outsider"])
def test_it_hides_an_enterprises_policies_from_others(client, world, persona):
    response = login(client, world[persona]).get(f"/policies/enterprises/{world['strong'].pk}/")
    assert response.status_code == 404


def test_the_programme_page_quotes_every_clause(client, world):
    programme = get_programme("srdi-national-little-giant")
    html = login(client, world["outsider"]).get(f"/policies/programmes/{programme.id}/").content.decode()
    for node in programme.nodes.values():
        assert node.citation.clause in html
    # Each fact says where it comes from: the recognition list is official, the market rank self-declared.
    badges = re.findall(r'class="badge provenance provenance-(\w+)"', html)
    leaves_with_fields = [leaf for leaf in programme.leaves() if leaf.fields]
    assert len(badges) == len(leaves_with_fields)
    assert (
        {"official_list", "self_declared"} <= set(badges)
        and "企业自主申报" in html
        and "官方名单或登记" in html
    )
    assert client.get("/policies/programmes/no-such-thing/").status_code == 404


# ---------------------------------------------------------------- 免申即享


def test_an_official_evaluates_the_region_in_one_batch_that_agrees_with_the_one_path(
    client, world, run_tasks
):
    response = login(client, world["official"]).post(
        "/policies/proactive/", {"programme": ZJ, "as_of": timezone.localdate().isoformat()}
    )
    task = TaskRun.objects.get()
    assert response.status_code == 302 and response.url == f"/tasks/{task.pk}/"
    assert not PolicyRun.objects.exists()  # the worker evaluates, not the request
    assert "state-queued" in client.get(response.url).content.decode()
    assert run_tasks() == 1
    run = PolicyRun.objects.get()
    task.refresh_from_db()
    assert (task.state, task.result["url"], task.done, task.total) == (
        "done",
        f"/policies/runs/{run.pk}/",
        3,
        3,
    )
    assert f"/policies/runs/{run.pk}/" in client.get(response.url).content.decode()
    assert run.programme_version == get_programme(ZJ).version and run.region_code == "330100"
    results = {r.enterprise_id: r for r in run.results.all()}
    assert set(results) == {world["strong"].pk, world["gappy"].pk, world["weak"].pk}  # not Nanjing
    for enterprise_id, result in results.items():
        one = tracks(Enterprise.objects.get(pk=enterprise_id))[ZJ]
        assert result.track == (Track.NOT_ELIGIBLE if one == Track.ALMOST else one)
    assert (run.review, run.missing, run.not_eligible) == (1, 1, 1)
    event = AuditEvent.objects.get(object_type="policies.policyrun")
    assert event.changes["version"] == [None, run.programme_version] and event.region_code == "330100"


def test_a_double_submit_starts_one_evaluation(client, world):
    login(client, world["official"])
    data = {"programme": ZJ, "as_of": timezone.localdate().isoformat()}
    first, second = client.post("/policies/proactive/", data), client.post("/policies/proactive/", data)
    assert first.url == second.url and TaskRun.objects.count() == 1


def test_the_stored_tracks_follow_the_engine_outcome():
    assert track_of_batch("eligible", [], []) == Track.ELIGIBLE
    assert track_of_batch("eligible", [], ["clause"]) == Track.REVIEW
    assert track_of_batch("undetermined", [], ["alternative"]) == Track.ALTERNATIVE
    assert track_of_batch("undetermined", ["x"], ["alternative"]) == Track.MISSING
    assert track_of_batch("not_eligible", [], []) == Track.NOT_ELIGIBLE
    programme = get_programme(ZJ)
    as_of = timezone.localdate()
    assert track_of(evaluate(programme, {"region_code": "310101"}, as_of)) == Track.NOT_ELIGIBLE


def test_the_run_page_and_xlsx_export_list_the_track(client, world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=world["official"])
    login(client, world["official"])
    html = client.get(f"/policies/runs/{run.pk}/?track=review").content.decode()
    assert world["strong"].name in html and world["gappy"].name not in html
    response = client.get(f"/policies/runs/{run.pk}/export.xlsx?track=missing")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == world["gappy"].credit_code
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert AuditEvent.objects.filter(object_type="policies.policyrun", action=AuditAction.EXPORT).count() == 1
    about = [
        row
        for sheet_ in load_workbook(io.BytesIO(response.content)).worksheets
        for row in sheet_.iter_rows(values_only=True)
    ]
    stamps = [
        row[1] for row in about if row and isinstance(row[1], str) and "T" in row[1] and row[1][:2] == "20"
    ]
    assert stamps and all(stamp.endswith("+08:00") for stamp in stamps)  # Beijing time, as on the pages


def test_notices_go_out_once_per_run_and_the_enterprise_reads_them(client, world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=world["official"])
    asked = login(client, world["official"]).post(
        f"/policies/runs/{run.pk}/notify/", {"tracks": ["review", "missing"]}
    )
    # Notices cannot be taken back: the page asks once more, naming how many would get one.
    assert asked.status_code == 200 and "core/confirm.html" in [t.name for t in asked.templates]
    assert not PolicyNotice.objects.exists()
    client.post(f"/policies/runs/{run.pk}/notify/", {"tracks": ["review", "missing"], "confirmed": "1"})
    assert PolicyNotice.objects.count() == 2
    assert policy_notices_send(run=run, tracks=["review", "missing"], acting_user=world["official"]) == 0
    notice = PolicyNotice.objects.get(enterprise=world["gappy"])
    assert "缺少数据" in notice.message
    assert AuditEvent.objects.filter(object_type="policies.policynotice").count() == 2
    html = (
        login(client, world["gappy_admin"])
        .get(f"/policies/enterprises/{world['gappy'].pk}/")
        .content.decode()
    )
    assert notice.message in html
    # Only the enterprise's own users mark it read; the official who sent it cannot.
    assert login(client, world["official"]).post(f"/policies/notices/{notice.pk}/read/").status_code == 403
    login(client, world["gappy_colleague"]).post(f"/policies/notices/{notice.pk}/read/")
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_notices_inbox_shows_each_enterprise_its_own_with_programme_and_clause(client, world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=world["official"])
    assert policy_notices_send(run=run, tracks=["review", "missing"], acting_user=world["official"]) == 2
    mine = PolicyNotice.objects.get(enterprise=world["gappy"])
    theirs = PolicyNotice.objects.get(enterprise=world["strong"])
    programme = get_programme(ZJ)
    page = login(client, world["gappy_colleague"]).get("/policies/notices/")
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.message in html and theirs.message not in html
    assert programme.name in html and f"/policies/programmes/{ZJ}/" in html
    clause = programme.conditions.citation.clause_id
    assert clause and reverse("library:clause", args=[clause]) in html
    assert "1 条未读" in html
    # mark read from the inbox: back to the inbox, now with nothing unread
    back = client.post(f"/policies/notices/{mine.pk}/read/", {"back": "notices"})
    assert back.status_code == 302 and back["Location"] == "/policies/notices/"
    assert "没有未读通知" in client.get("/policies/notices/?unread=1").content.decode()
    # the official sees the region's notices, read only; a bank and a Nanjing official see none
    official = login(client, world["official"]).get("/policies/notices/").content.decode()
    assert mine.message in official and theirs.message in official and "标为已读" not in official
    for user in (world["banker"], world["official_nj"], world["outsider"]):
        assert "还没有通知" in login(client, user).get("/policies/notices/").content.decode()
    # in English: the programme by its English name, the notice in English, never the programme's id
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = login(client, world["gappy_colleague"]).get("/policies/notices/").content.decode()
    visible = html_module.unescape(re.sub(r"<[^>]+>", " ", english))
    assert programme.name_en in visible and mine.message_en in visible and ZJ not in visible


def test_a_review_decision_needs_a_reason_is_audited_and_told_to_the_enterprise(client, world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=world["official"])
    case = run.results.get(track=Track.REVIEW)
    login(client, world["official"])
    with translation.override("en"):
        response = client.post(f"/policies/results/{case.pk}/decide/", {"decision": "approved", "reason": ""})
    assert response.status_code == 200 and not ReviewDecision.objects.exists()
    response = client.post(
        f"/policies/results/{case.pk}/decide/",
        {"decision": "approved", "reason": "细分市场占有率居全省前列，材料齐全"},
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    assert decision.programme_version == run.programme_version and decision.decided_by == world["official"]
    event = AuditEvent.objects.get(object_type="policies.reviewdecision")
    assert event.changes["decision"] == [None, "approved"] and event.enterprise_id == world["strong"].pk
    assert PolicyNotice.objects.get(kind="decision").enterprise == world["strong"]
    html = (
        login(client, world["strong_admin"])
        .get(f"/policies/enterprises/{world['strong'].pk}/")
        .content.decode()
    )
    assert "细分市场占有率居全省前列" in html


def test_the_review_queue_keeps_confirmations_and_alternatives_apart(client, world):
    national = get_programme("srdi-national-little-giant")
    run = policy_run_create(
        programme_id=national.id, as_of=timezone.localdate(), acting_user=world["official"]
    )
    # strong meets every measurable requirement: eligible, with the required clauses to confirm;
    # weak is no provincial SRDI enterprise, and only the qualitative alternative to that is open.
    strong, weak = (run.results.get(enterprise=world[name]) for name in ("strong", "weak"))
    assert (strong.outcome, strong.track) == ("eligible", Track.REVIEW) and strong.review
    assert (weak.outcome, weak.track) == ("undetermined", Track.ALTERNATIVE)
    assert weak.failing == ["recognised-provincial"] and "recognised-other" in weak.review
    assert (run.review, run.alternative) == (1, 1)
    login(client, world["official"])
    alternatives = client.get(f"/policies/runs/{run.pk}/?track=alternative").content.decode()
    assert world["weak"].name in alternatives and world["strong"].name not in alternatives
    assert f"/policies/results/{weak.pk}/decide/" in alternatives
    confirm = client.get(f"/policies/runs/{run.pk}/?track=review").content.decode()
    assert world["strong"].name in confirm and world["weak"].name not in confirm
    # The case page names the requirement the alternative would stand in for, and which clause is which.
    case = client.get(f"/policies/results/{weak.pk}/decide/").content.decode()
    leaf = national.nodes["recognised-provincial"]
    assert html_module.escape(leaf.text) in case and "未满足的条件" in case and "可替代条件" in case
    response = client.post(
        f"/policies/results/{weak.pk}/decide/",
        {"decision": "rejected", "reason": "未提供专精特新产品认定材料"},
    )
    assert response.status_code == 302 and response.url.endswith("?track=alternative")
    assert ReviewDecision.objects.get().result == weak
    # Each kind gets its own notice text: an alternative is never told it meets every condition.
    assert policy_notices_send(run=run, tracks=["alternative"], acting_user=world["official"]) == 1
    notice = PolicyNotice.objects.get(kind="alternative")
    assert notice.enterprise == world["weak"] and "不满足" in notice.message and "替代条件" in notice.message


def test_only_review_cases_can_be_decided(world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=world["official"])
    missing = run.results.get(track=Track.MISSING)
    with pytest.raises(Exception, match="decision"):
        review_decide(
            result=missing, decision=Decision.APPROVED, reason="理由充分可信", acting_user=world["official"]
        )
    assert not ReviewDecision.objects.exists()


@pytest.mark.parametrize(
    ("persona", "proactive", "run_page", "decide"),
    [
        ("strong_admin", 403, 404, 404),
        ("official_nj", 200, 404, 404),
        ("banker", 403, 404, 404),
        ("outsider", 403, 404, 404),
        ("operator", 200, 200, 200),
    ],
)
def test_only_officials_of_the_region_run_read_and_decide(
    client, world, persona, proactive, run_page, decide
):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=world["official"])
    case = run.results.get(track=Track.REVIEW)
    login(client, world[persona])
    assert client.get("/policies/proactive/").status_code == proactive
    assert client.get(f"/policies/runs/{run.pk}/").status_code == run_page
    assert client.get(f"/policies/runs/{run.pk}/export.xlsx").status_code == run_page
    assert client.get(f"/policies/results/{case.pk}/decide/").status_code == decide
    notify = {"tracks": ["review"], "confirmed": "1"}
    assert client.post(f"/policies/runs/{run.pk}/notify/", notify).status_code in (
        (302,) if run_page == 200 else (404,)
    )


def test_an_official_only_sees_programmes_of_the_region(client, world):
    response = login(client, world["official"]).get("/policies/proactive/")
    choices = dict(response.context["form"].fields["programme"].choices)
    assert ZJ in choices and "srdi-national-little-giant" in choices and "srdi-shanghai" not in choices


def test_a_result_is_stored_once_per_run(world):
    run = policy_run_create(programme_id=ZJ, as_of=timezone.localdate(), acting_user=world["official"])
    assert PolicyResult.objects.filter(run=run).count() == run.enterprises == 3


def test_an_evaluation_date_beyond_the_known_rules_is_refused_with_the_latest_date(client, world):
    login(client, world["official"])
    client.cookies["django_language"] = "en"
    response = client.post("/policies/proactive/", {"programme": ZJ, "as_of": "2999-01-01"})
    page = response.content.decode()
    assert response.status_code == 200 and "Choose a date up to" in page
    assert timezone.localdate().isoformat() in page and not TaskRun.objects.exists()


def test_a_run_of_a_benefit_programme_stores_each_amount_and_the_regions_totals(client, world):
    Enterprise.objects.filter(pk=world["strong"].pk).update(cloud_loan_interest_cny=Decimal("40000.01"))
    Enterprise.objects.filter(pk=world["weak"].pk).update(cloud_loan_interest_cny=Decimal("300000"))
    run = policy_run_create(
        programme_id="zj-cloud-loan-subsidy", as_of=timezone.localdate(), acting_user=world["official"]
    )
    strong, weak, gappy = (run.results.get(enterprise=world[name]) for name in ("strong", "weak", "gappy"))
    # Half the interest, rounded half to even to the fen; the cap of 100,000 applies to weak.
    assert (strong.track, strong.benefit_cny) == (Track.REVIEW, Decimal("20000.00"))
    assert (weak.track, weak.benefit_cny) == (Track.REVIEW, Decimal("100000.00"))
    assert (gappy.track, gappy.benefit_cny) == (Track.MISSING, None)  # no amount without eligibility
    assert (run.benefit_eligible_cny, run.benefit_review_cny) == (Decimal("0.00"), Decimal("120000.00"))
    login(client, world["official"])
    html = client.get(f"/policies/runs/{run.pk}/?track=review").content.decode()
    assert "12.00 万元" in html and "10.00 万元" in html and "暂定参数" in html
    sheet = load_workbook(io.BytesIO(client.get(f"/policies/runs/{run.pk}/export.xlsx").content)).worksheets[
        0
    ]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows[world["weak"].credit_code][-1] == "100000.00"
    programme_page = client.get("/policies/programmes/zj-cloud-loan-subsidy/").content.decode()
    assert "贴息金额" in programme_page and "暂定参数" in programme_page
    # The enterprise reads its own amount, with how it was reckoned.
    page = login(client, world["strong_admin"]).get(f"/policies/enterprises/{world['strong'].pk}/")
    assert "2.00 万元" in page.content.decode() and "¥40,000.01 × 50% = ¥20,000.00" in page.content.decode()


def test_the_programme_page_names_regions_and_provenance_in_english(client, world):
    client.cookies["django_language"] = "en"
    html = login(client, world["outsider"]).get("/policies/programmes/srdi-zhejiang/").content.decode()
    # The region condition reads "Zhejiang", never the Chinese name, and each fact says where it comes from.
    assert '<code class="bar">Zhejiang</code>' in html and '<code class="bar">浙江省</code>' not in html
    assert "from an official list or register" in html and "self-declared by the enterprise" in html
