"""Double clicks and back-and-resend create nothing twice: consent grants, 免申即享 runs, matchmaking (browser)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from funeng.apps.consents.models import Consent
from funeng.apps.core.models import Membership
from funeng.apps.matching import services as matching_services
from funeng.apps.matching.access import solutions_matchable
from funeng.apps.matching.models import Complaint, Deal, MatchEvent, Need, Proposal, Review, Solution
from funeng.apps.tasks.models import TaskRun
from tests.conftest import run_queued_tasks
from tests.support.browser import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]


def test_a_double_click_on_grant_creates_one_consent_and_back_and_resend_no_second(page: Page) -> None:
    log_in(page, "demo_enterprise")
    before = Consent.objects.count()
    page.goto("/consents/grant/")
    page.select_option("#id_institution", index=1)
    page.check("input[name=categories][value=digital]")
    page.locator("form[action$='/consents/grant/'] button[type=submit]").dblclick()
    page.wait_for_url(re.compile(r"/consents/$"))
    assert Consent.objects.count() == before + 1
    # Back to the filled form and send it again: the same token, so nothing new is granted.
    page.go_back()
    page.locator("form[action$='/consents/grant/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert Consent.objects.count() == before + 1
    screenshot(page, "double-submit-consent")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_double_click_on_evaluate_starts_one_region_run(page: Page) -> None:
    log_in(page, "demo_official")
    page.goto("/policies/proactive/")
    page.locator("form button[type=submit].primary").first.dblclick()
    page.wait_for_url(re.compile(r"/tasks/[0-9a-f-]+/$"))
    assert TaskRun.objects.filter(kind="policies.run").count() == 1
    expect(page.locator("#task-progress .state-queued")).to_be_visible()
    screenshot(page, "task-progress-policy-run")
    # The worker runs it; the page, polling every second, turns to done and links the result.
    assert run_queued_tasks() == 1
    expect(page.locator("#task-progress .state-done")).to_be_visible(timeout=10_000)
    page.locator("#task-progress a", has_text=re.compile("查看结果|See the result")).click()
    page.wait_for_url(re.compile(r"/policies/runs/\d+/$"))
    screenshot(page, "task-done-policy-run")
    assert page.console_errors == []  # type: ignore[attr-defined]


# ---------------------------------------------------------------- matchmaking (issue 19, item 11)


def _member_of(username: str) -> Membership:
    return Membership.objects.select_related("enterprise", "provider", "user").get(user__username=username)


def _deal_between(enterprise_user: str, provider_user: str, *, delivered: bool) -> Deal:
    """A deal of demo_enterprise with demo_provider, made through the services (as after the pages)."""
    enterprise, provider = _member_of(enterprise_user), _member_of(provider_user)
    solution = solutions_matchable().filter(provider=provider.provider).first()
    assert solution is not None, "demo_provider offers no published solution"
    need = matching_services.need_create(
        enterprise=enterprise.enterprise,
        acting_user=enterprise.user,
        title="仓库出入库老是对不上账",
        rank=False,
    )
    proposal = matching_services.proposal_request(need=need, solution=solution, acting_user=enterprise.user)
    matching_services.proposal_submit(
        proposal=proposal, acting_user=provider.user, price_cny="8000", delivery_plan="一个月上线"
    )
    deal = matching_services.proposal_accept(proposal=proposal, acting_user=enterprise.user)
    if delivered:
        deal = matching_services.deal_deliver(deal=deal, acting_user=enterprise.user)
    return deal


def _impressions_reported(page: Page, need: Need | None) -> None:
    """Wait for the need page's beacon, so nothing writes while the test database is emptied."""
    for _ in range(50):
        if MatchEvent.objects.filter(need=need).exists():
            return
        page.wait_for_timeout(100)


def test_a_double_click_on_post_a_need_creates_one_need_and_back_and_resend_no_second(page: Page) -> None:
    log_in(page, "demo_enterprise")
    before = Need.objects.count()
    page.goto("/matching/needs/new/")
    page.fill("#id_title", "旺季订单多，仓库出入库老是对不上账")
    page.locator("form:has(#id_title) button[type=submit].primary").dblclick()
    page.wait_for_url(re.compile(r"/matching/needs/\d+/$"))
    expect(page.locator(".messages .msg-success")).to_be_visible()
    assert Need.objects.count() == before + 1
    need = Need.objects.order_by("-pk").first()
    _impressions_reported(page, need)
    page.go_back()
    page.wait_for_url(re.compile(r"/matching/needs/new/$"))
    page.locator("form:has(#id_title) button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/matching/needs/\d+/$"))
    expect(page.locator(".messages .msg-info")).to_be_visible()  # "already posted a moment ago"
    assert Need.objects.count() == before + 1
    _impressions_reported(page, need)
    screenshot(page, "double-submit-need")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_double_click_on_request_a_proposal_asks_one_provider_once(page: Page) -> None:
    log_in(page, "demo_enterprise")
    page.goto("/matching/needs/new/")
    page.fill("#id_title", "民宿旺季房间老是订重，平台订单要人抄")
    page.locator("form:has(#id_title) button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/matching/needs/\d+/$"))
    need = Need.objects.order_by("-pk").first()
    assert need is not None
    _impressions_reported(page, need)
    form = page.locator("ol.matches form[action*='/request/']").first
    expect(form).to_be_visible()
    form.locator("button[type=submit]").dblclick()
    expect(page.locator(".messages .msg-success")).to_be_visible()
    expect(page.locator("ol.matches .match-note").first).to_be_visible()
    assert Proposal.objects.filter(need=need).count() == 1
    _impressions_reported(page, need)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_double_click_on_new_solution_creates_one_draft(page: Page) -> None:
    log_in(page, "demo_provider")
    before = Solution.objects.count()
    page.goto("/matching/solutions/new/")
    page.fill("#id_title", "仓储出入库扫码管理")
    page.locator("form:has(#id_title) button[type=submit].primary").dblclick()
    page.wait_for_url(re.compile(r"/matching/solutions/\d+/$"))
    assert Solution.objects.count() == before + 1
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_double_clicks_on_accept_and_its_confirmation_make_one_deal(page: Page) -> None:
    enterprise, provider = _member_of("demo_enterprise"), _member_of("demo_provider")
    solution = solutions_matchable().filter(provider=provider.provider).first()
    assert solution is not None
    need = matching_services.need_create(
        enterprise=enterprise.enterprise,
        acting_user=enterprise.user,
        title="设备点检全靠纸质记录",
        rank=False,
    )
    proposal = matching_services.proposal_request(need=need, solution=solution, acting_user=enterprise.user)
    matching_services.proposal_submit(
        proposal=proposal, acting_user=provider.user, price_cny="8000", delivery_plan="一个月上线"
    )
    log_in(page, "demo_enterprise")
    page.goto(f"/matching/proposals/{proposal.pk}/")
    page.locator(f"form[action$='/proposals/{proposal.pk}/accept/'] button[type=submit]").dblclick()
    expect(page.locator(".confirm")).to_be_visible()  # no deal yet: it asks once more
    assert not Deal.objects.filter(proposal=proposal).exists()
    page.locator(".confirm button[type=submit]").dblclick()
    page.wait_for_url(re.compile(r"/matching/deals/\d+/$"))
    expect(page.locator(".messages .msg-success")).to_be_visible()
    assert Deal.objects.filter(proposal=proposal).count() == 1
    # (Sending the confirmation again after going back: tests/apps/matching/test_matching_defects.py.)
    screenshot(page, "double-submit-deal")
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_double_click_on_send_the_review_writes_one_review(page: Page) -> None:
    deal = _deal_between("demo_enterprise", "demo_provider", delivered=True)
    log_in(page, "demo_enterprise")
    page.goto(f"/matching/deals/{deal.pk}/")
    page.locator("input[name=rating][value='5']").check()
    page.locator(f"form[action$='/deals/{deal.pk}/review/'] button[type=submit]").dblclick()
    expect(page.locator(".messages .msg-success")).to_be_visible()
    expect(page.locator("p.stars")).to_be_visible()
    assert Review.objects.filter(deal=deal).count() == 1
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_double_click_on_send_the_complaint_files_one_complaint(page: Page) -> None:
    deal = _deal_between("demo_enterprise", "demo_provider", delivered=False)
    log_in(page, "demo_enterprise")
    page.goto(f"/matching/deals/{deal.pk}/")
    page.locator("details:has(form[action$='/complain/']) > summary").click()
    page.fill(f"form[action$='/deals/{deal.pk}/complain/'] textarea[name=text]", "约定两周上线，一个月还没动")
    page.locator(f"form[action$='/deals/{deal.pk}/complain/'] button[type=submit]").dblclick()
    expect(page.locator(".messages .msg-success")).to_be_visible()
    assert Complaint.objects.filter(deal=deal).count() == 1
    assert page.console_errors == []  # type: ignore[attr-defined]
