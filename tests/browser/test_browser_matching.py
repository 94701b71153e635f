"""Browser test of matchmaking: a need typed in plain words → ranked solutions → proposals → a deal → a review.

Drives Debian's chromium through Playwright against a live server with a small demo region: the
enterprise, two providers and an official each click through their own pages; the wrong persona is
refused. Screenshots land in test-artifacts/ (matching-*.png) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import Browser, Locator, Page, expect

from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.matching.const import DealStatus, MatchEventKind, NeedStatus, ProposalStatus
from funeng.apps.matching.models import Deal, Match, MatchEvent, Need, Proposal, Review, Solution
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.support.browser import PASSWORD, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_world")]

NEED_TITLE = "民宿房间老是订重"
NEED_TEXT = "山里开了三家民宿，旺季房间老是订重，几个平台的订单要人一条条抄到本子上"
DEMO_PROVIDER_CODE = "91330106MA2H7K1N3G"  # demo_provider's tenant (funeng/apps/demo/users.py)
APPLICANT_CODE = "91330106MA2H8P2Q0K"  # the application waiting in demo_official's queue
SECOND_PROVIDER_LOGIN = "second_provider"
DESKTOP = {"width": 1280, "height": 900}

Persona = Callable[..., Page]


def chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def english(page: Page) -> None:
    """Switch this browser to English from the next page on (the UI default is zh-Hans)."""
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.url}])


def nav(page: Page, label: str) -> None:
    """Click an entry of the main navigation, as a person would."""
    page.locator("nav.mainnav a", has_text=label).click()


def subnav(page: Page, label: str) -> None:
    page.locator("nav.subnav a", has_text=label).click()


def on_phone(page: Page, name: str) -> None:
    """At 390px the page must not scroll sideways (wide tables scroll inside their own box).

    The page is loaded again at that width (all pages here are GETs), so charts are drawn for it
    rather than racing the browser's resize event.
    """
    page.set_viewport_size(PHONE)
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a phone"
    screenshot(page, name)
    page.set_viewport_size(DESKTOP)
    page.reload()


def expect_no_console_errors(page: Page, *, refused: tuple[str, ...] = ()) -> None:
    """CSP violations, missing static files and script errors all show up as console errors.

    `refused` names pages the test expects a 403/404 for: chromium logs those as console errors,
    and on Django's plain error page (no icon link) it also asks for /favicon.ico, which is a 404.
    """
    failed = {url.split("/", 3)[-1] for url in page.failed_responses}  # type: ignore[attr-defined]
    expected = {path.lstrip("/") for path in refused} | {"favicon.ico"}
    errors = page.console_errors  # type: ignore[attr-defined]
    if refused:
        assert failed <= expected, failed
        errors = [e for e in errors if not e.startswith("Failed to load resource: the server responded")]
    else:
        assert failed == set(), failed
    assert errors == [], errors


def eventually(page: Page, condition: Callable[[], bool], *, seconds: float = 5.0) -> None:
    """Wait for something a beacon writes: the browser sends it alongside the navigation, not before it."""
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition(), "the page's beacon did not arrive"


def success(page: Page) -> Locator:
    return page.locator(".messages .msg-success")


@pytest.fixture
def persona(browser: Browser, live_server: object) -> Iterator[Persona]:
    """Open a fresh browser (own cookies) signed in as `username`; console errors are collected per tab."""
    contexts = []

    def open_as(username: str, *, language: str = "zh-hans") -> Page:
        context = browser.new_context(base_url=str(live_server.url), locale="zh-CN")  # type: ignore[attr-defined]
        contexts.append(context)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.console_errors = errors  # type: ignore[attr-defined]
        failed: list[str] = []
        tab.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        tab.failed_responses = failed  # type: ignore[attr-defined]
        log_in(tab, username)
        if language == "en":
            english(tab)
            tab.reload()
        return tab

    yield open_as
    for context in contexts:
        context.close()


def provider_login(provider: Provider, username: str) -> None:
    """A user for a demo provider that has none, so a second provider can answer in its own browser."""
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, role=Role.PROVIDER, provider=provider)


def answer_request(page: Page, proposal: Proposal, *, price: str, weeks: str, plan: str) -> None:
    """From the provider's home: open the inbox, open the request, send the offer."""
    nav(page, chinese("Matchmaking"))
    page.wait_for_url("**/matching/inbox/")
    page.locator(f"a[href='/matching/proposals/{proposal.pk}/']").click()
    page.wait_for_url(f"**/matching/proposals/{proposal.pk}/")
    page.fill("#id_price_cny", price)
    page.fill("#id_delivery_weeks", weeks)
    page.fill("#id_delivery_plan", plan)
    page.locator("form:has(#id_delivery_plan) button[type=submit]").click()
    expect(success(page)).to_be_visible()
    expect(page.locator(".badge.st-submitted").first).to_be_visible()


def test_an_enterprise_two_providers_go_from_a_typed_need_to_a_reviewed_deal(persona: Persona) -> None:
    # --- the enterprise types its problem in its own words and sees the scenarios it is read as
    enterprise = persona("demo_enterprise")
    nav(enterprise, chinese("Matchmaking"))
    enterprise.wait_for_url("**/matching/needs/")
    enterprise.locator("main a.button[href='/matching/needs/new/']").click()
    enterprise.wait_for_url("**/matching/needs/new/")
    enterprise.locator("#id_title").press_sequentially(NEED_TITLE)
    enterprise.locator("#id_description").press_sequentially(NEED_TEXT)
    suggestion = enterprise.locator("#suggestions button.suggest[data-scenario=business_management]")
    expect(suggestion).to_be_visible()
    expect(enterprise.locator("#suggestions .suggestion-list li").first).to_contain_text("民宿")
    screenshot(enterprise, "matching-need-form")
    suggestion.click()
    expect(enterprise.locator("input[name=scenarios][value=business_management]")).to_be_checked()
    enterprise.locator("form:has(#id_title) button[type=submit].primary").click()
    enterprise.wait_for_url(re.compile(r"/matching/needs/\d+/$"))
    need = Need.objects.get(title=NEED_TITLE)
    assert need.scenarios == ["business_management"] and need.description == NEED_TEXT

    # --- ranked solutions, each with a reason line
    matches = enterprise.locator("ol.matches li.match")
    expect(matches.first).to_be_visible()
    ranked = list(Match.objects.filter(need=need).select_related("solution__provider").order_by("rank"))
    assert len(ranked) >= 2
    expect(matches).to_have_count(len(ranked))
    for index in range(len(ranked)):
        expect(matches.nth(index).locator("ul.reasons li").first).to_be_visible()
    expect(matches.first.locator(".match-title a")).to_have_text(ranked[0].solution.title)
    expect(enterprise.locator("dl.facts")).to_contain_text(need.industry_code)
    # The page's beacon (a POST, as a GET never writes) logs what was shown, for learning to rank.
    impressions = MatchEvent.objects.filter(need=need, kind=MatchEventKind.IMPRESSION)
    eventually(enterprise, lambda: impressions.count() >= len(ranked))
    assert {(e.solution_id, e.position) for e in impressions} == {(m.solution_id, m.rank) for m in ranked}
    screenshot(enterprise, "matching-need-result-zh")
    on_phone(enterprise, "matching-need-result-zh-phone")

    # Opening a ranked solution is logged as a click (learning to rank), and leads back to the need.
    first = ranked[0].solution
    matches.first.locator(".match-title a").click()
    enterprise.wait_for_url(re.compile(rf"/matching/solutions/{first.pk}/\?need={need.pk}$"))
    expect(enterprise.locator("h1")).to_contain_text(first.title)
    clicks = MatchEvent.objects.filter(need=need, solution=first, kind=MatchEventKind.CLICK)
    eventually(enterprise, lambda: clicks.exists())
    assert clicks.count() == 1
    enterprise.locator(f"main a[href='/matching/needs/{need.pk}/']").click()
    enterprise.wait_for_url(f"**/matching/needs/{need.pk}/")

    # Proposals from two solutions of different providers: demo_provider's, and the best other one.
    ours = next(m.solution for m in ranked if m.solution.provider.credit_code == DEMO_PROVIDER_CODE)
    theirs = next(m.solution for m in ranked if m.solution.provider_id != ours.provider_id)
    for solution, note in ((ours, "旺季前想上线"), (theirs, "")):
        row = matches.filter(
            has=enterprise.locator(f".match-title a[href^='/matching/solutions/{solution.pk}/']")
        )
        if note:
            row.locator("input[name=note]").fill(note)
        row.locator("button[type=submit]").click()
        expect(success(enterprise)).to_contain_text(solution.provider.name)
        expect(row.locator(".match-note a")).to_be_visible()
    requested = {p.solution_id: p for p in Proposal.objects.filter(need=need)}
    assert set(requested) == {ours.pk, theirs.pk}
    assert requested[ours.pk].request_note == "旺季前想上线"
    assert all(p.status == ProposalStatus.REQUESTED for p in requested.values())
    expect_no_console_errors(enterprise)

    # --- demo_provider finds the request in its inbox; bad input is refused and saves nothing
    provider = persona("demo_provider", language="en")
    nav(provider, "Matchmaking")
    provider.wait_for_url("**/matching/inbox/")
    request_row = provider.locator(
        "table.data tr", has=provider.locator(f"a[href='/matching/proposals/{requested[ours.pk].pk}/']")
    )
    expect(request_row).to_contain_text(NEED_TITLE)
    expect(request_row).to_contain_text("Waiting for your answer")
    screenshot(provider, "matching-inbox")
    on_phone(provider, "matching-inbox-phone")
    request_row.locator("a").first.click()
    provider.wait_for_url(f"**/matching/proposals/{requested[ours.pk].pk}/")
    expect(provider.locator(".need-text")).to_contain_text(NEED_TEXT)
    provider.fill("#id_price_cny", "-500")
    provider.fill("#id_delivery_weeks", "4")
    provider.locator("form:has(#id_delivery_plan) button[type=submit]").click()
    price_field = provider.locator(".field.has-error", has=provider.locator("#id_price_cny"))
    plan_field = provider.locator(".field.has-error", has=provider.locator("#id_delivery_plan"))
    expect(price_field.locator(".errorlist")).to_contain_text("greater than or equal to 0")
    expect(plan_field.locator(".errorlist")).to_contain_text("This field is required")
    expect(provider.locator("#id_delivery_weeks")).to_have_value("4")
    screenshot(provider, "matching-proposal-errors")
    stored = Proposal.objects.get(pk=requested[ours.pk].pk)
    assert (
        stored.status == ProposalStatus.REQUESTED and stored.price_cny is None and stored.delivery_plan == ""
    )
    provider.fill("#id_price_cny", "9800")
    provider.fill("#id_delivery_plan", "第1周对接携程、美团订单；第2周房态同步上线并培训前台。")
    provider.locator("form:has(#id_delivery_plan) button[type=submit]").click()
    expect(success(provider)).to_be_visible()
    stored.refresh_from_db()
    assert (
        stored.status == ProposalStatus.SUBMITTED and stored.price_cny == 9800 and stored.delivery_weeks == 4
    )
    expect_no_console_errors(provider)

    # --- the other provider answers in its own browser
    provider_login(theirs.provider, SECOND_PROVIDER_LOGIN)
    second = persona(SECOND_PROVIDER_LOGIN)
    answer_request(
        second, requested[theirs.pk], price="15000", weeks="6", plan="远程开通账号，两周内完成数据迁移。"
    )
    expect_no_console_errors(second)

    # --- the enterprise compares side by side, accepts demo_provider's offer, receives it, reviews it
    nav(enterprise, chinese("Matchmaking"))
    enterprise.wait_for_url("**/matching/needs/")
    enterprise.locator(f"a[href='/matching/needs/{need.pk}/']").click()
    enterprise.locator(f"a.button[href='/matching/needs/{need.pk}/compare/']").click()
    enterprise.wait_for_url(f"**/matching/needs/{need.pk}/compare/")
    heads = enterprise.locator("table.compare thead th")
    expect(heads).to_have_count(3)
    names = heads.all_inner_texts()[1:]
    assert sorted(names) == sorted([ours.provider.name, theirs.provider.name])
    expect(enterprise.locator("table.compare")).to_contain_text("9,800.00")
    screenshot(enterprise, "matching-compare-zh")
    on_phone(enterprise, "matching-compare-zh-phone")
    column = names.index(ours.provider.name) + 2  # nth-child counts the row header
    enterprise.locator(
        f"table.compare tbody tr:last-child td:nth-child({column}) button[type=submit]"
    ).click()
    enterprise.locator(".confirm button[type=submit]").click()  # a deal cannot be undone: asked once more
    enterprise.wait_for_url(re.compile(r"/matching/deals/\d+/$"))
    deal = Deal.objects.get(need=need)
    assert deal.provider_id == ours.provider_id and deal.amount_cny == 9800
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED
    declined = Proposal.objects.get(pk=requested[theirs.pk].pk)
    assert declined.status == ProposalStatus.DECLINED
    enterprise.locator(f"form[action='/matching/deals/{deal.pk}/deliver/'] button").click()
    enterprise.locator(".confirm button[type=submit]").click()
    expect(success(enterprise)).to_be_visible()
    enterprise.locator("input[name=rating][value='4']").check()
    enterprise.fill("#id_text", "房态同步后再没订重过，前台培训再细一点就更好。")
    enterprise.locator(f"form[action='/matching/deals/{deal.pk}/review/'] button[type=submit]").click()
    expect(success(enterprise)).to_be_visible()
    expect(enterprise.locator("p.stars")).to_have_text("★★★★☆")
    reassess = enterprise.locator("main a.button[href='/assessment/']")
    expect(reassess).to_be_visible()
    screenshot(enterprise, "matching-deal-reviewed")
    on_phone(enterprise, "matching-deal-reviewed-phone")
    deal.refresh_from_db()
    review = Review.objects.get(deal=deal)
    assert deal.status == DealStatus.DELIVERED and review.rating == 4
    reassess.click()
    enterprise.wait_for_url(re.compile(r"/assessment/"))
    expect_no_console_errors(enterprise)

    # --- demo_provider sees the deal and the review
    nav(provider, "Matchmaking")
    subnav(provider, "Deals")
    provider.wait_for_url("**/matching/deals/")
    deal_row = provider.locator(
        "table.data tr", has=provider.locator(f"a[href='/matching/deals/{deal.pk}/']")
    )
    expect(deal_row).to_contain_text("4 ★")
    expect(deal_row).to_contain_text("Delivered")
    deal_row.locator(f"a[href='/matching/deals/{deal.pk}/']").click()
    expect(provider.locator("main")).to_contain_text("房态同步后再没订重过")
    screenshot(provider, "matching-provider-deal")
    # Its trust score shows every part with the sample behind it, measured outcomes included.
    subnav(provider, "Trust score")
    outcomes = provider.locator("table.components tr#part-outcomes")
    expect(outcomes).to_contain_text("Measured outcomes")
    expect(outcomes.locator("td").nth(2)).to_have_text(re.compile(r"^\d+ clients?"))
    reviews = Review.objects.filter(provider_id=ours.provider_id).count()  # the demo's and ours
    expect(provider.locator("table.components tr#part-rating td").nth(2)).to_have_text(f"{reviews} reviews")
    screenshot(provider, "matching-provider-trust")
    on_phone(provider, "matching-provider-trust-phone")
    # The declined provider's proposal is not demo_provider's business.
    response = provider.goto(f"/matching/proposals/{declined.pk}/")
    assert response is not None and response.status == 404
    expect_no_console_errors(provider, refused=(f"/matching/proposals/{declined.pk}/",))

    audited = AuditEvent.objects.filter(object_type="matching.deal", object_id=str(deal.pk))
    assert audited.count() == 2  # made, then received


def test_an_official_approves_a_provider_reads_the_gaps_and_suspends_only_with_a_reason(
    persona: Persona,
) -> None:
    official = persona("demo_official", language="en")
    # Approve the application waiting in the queue.
    nav(official, "Provider vetting")
    applicant = Provider.objects.get(credit_code=APPLICANT_CODE)
    official.locator(f"a[href='/providers/{applicant.pk}/']").click()
    expect(official.locator("#id_decision")).to_have_value("")  # nothing preselected
    official.select_option("#id_decision", "approve")
    official.fill("#id_reason", "营业执照与资质已核验。")
    official.locator("form[action$='/vet/'] button[type=submit]").click()
    official.locator(".confirm button[type=submit]").click()  # asked once more before it takes effect
    expect(success(official)).to_be_visible()
    applicant.refresh_from_db()
    assert applicant.vetting_state == VettingState.APPROVED

    # Supply and demand gaps by scenario and province; the threshold is marked provisional.
    nav(official, "Matchmaking")
    official.wait_for_url("**/matching/gaps/")
    expect(official.locator("[data-chart-ready]")).to_have_count(1)
    expect(official.locator(".threshold .badge.provisional")).to_be_visible()
    # One scale for match scores, 0-100 points (issue 19, item 17): the 0.25 blend threshold reads as 19.
    expect(official.locator(".threshold")).to_contain_text("under 19 on the 0–100 match score")
    by_place = official.locator("table.gap-cells tbody tr")
    expect(by_place.first.locator("td")).to_have_count(4)
    weak = official.locator("table.weak-needs tbody tr")
    expect(weak.first).to_be_visible()
    assert weak.count() >= 1 and "Every open need" not in weak.first.inner_text()
    # a city official: by city (the page is English, so is the city's name: issue 19, item 18)
    expect(by_place.first.locator("td").nth(1)).to_contain_text("Hangzhou")
    screenshot(official, "matching-gaps")
    on_phone(official, "matching-gaps-phone")

    # The trust table shows each provider's measured outcome with its sample size.
    subnav(official, "Provider trust")
    official.wait_for_url("**/matching/trust/")
    expect(official.locator("table.trust thead")).to_contain_text("Outcome")
    outcome = official.locator("table.trust td.outcome", has_text=re.compile(r"[+-]\d+\.\d \(n = \d+\)"))
    expect(outcome.first).to_be_visible()
    screenshot(official, "matching-trust-list")
    on_phone(official, "matching-trust-list-phone")

    # Suspend a provider: refused without a reason, done with one, visible in the audit log.
    target = Provider.objects.get(credit_code=DEMO_PROVIDER_CODE)
    official.locator(f"table.trust a[href='/providers/{target.pk}/']").click()
    official.wait_for_url(f"**/providers/{target.pk}/")
    official.select_option("#id_decision", "suspend")
    official.locator("form[action$='/vet/'] button[type=submit]").click()
    reason_field = official.locator(".field.has-error", has=official.locator("#id_reason"))
    expect(reason_field.locator(".errorlist")).to_contain_text("Give a reason")
    target.refresh_from_db()
    assert target.vetting_state == VettingState.APPROVED
    official.select_option("#id_decision", "suspend")
    official.fill("#id_reason", "两家企业投诉交付延期，暂停撮合待核查。")
    official.locator("form[action$='/vet/'] button[type=submit]").click()
    official.locator(".confirm button[type=submit]").click()
    expect(success(official)).to_be_visible()
    target.refresh_from_db()
    assert target.vetting_state == VettingState.SUSPENDED
    nav(official, "Audit log")
    official.wait_for_url("**/audit/")
    official.fill("input[name=q]", target.name)
    official.locator("form.filters button[type=submit]").click()
    expect(official.locator("#audit-results")).to_contain_text("两家企业投诉交付延期")
    screenshot(official, "matching-audit-suspension")
    expect_no_console_errors(official)

    # Nanjing's official has no open needs in the demo: the page says so instead of an empty chart.
    assert not Need.objects.filter(enterprise__region_code__startswith="3201").exists(), "precondition"
    nanjing = persona("demo_official_b", language="en")
    nav(nanjing, "Matchmaking")
    nanjing.wait_for_url("**/matching/gaps/")
    expect(nanjing.locator(".tile .num").first).to_have_text("0")
    expect(nanjing.locator("[data-chart]")).to_have_count(0)
    expect(nanjing.locator("table.weak-needs tbody")).to_have_text("No open needs.")
    expect_no_console_errors(nanjing)


def test_the_wrong_persona_is_refused(persona: Persona) -> None:
    enterprise = persona("demo_enterprise")
    response = enterprise.goto("/matching/inbox/")
    assert response is not None and response.status == 403
    other = (
        Proposal.objects.exclude(provider__credit_code=DEMO_PROVIDER_CODE)
        .exclude(enterprise__members__user__username="demo_enterprise")
        .first()
    )
    assert other is not None
    provider = persona("demo_provider")
    response = provider.goto(f"/matching/proposals/{other.pk}/")
    assert response is not None and response.status == 404
    expect(provider.get_by_text(other.need.title)).to_have_count(0)
    response = provider.goto("/matching/gaps/")
    assert response is not None and response.status == 403
    expect_no_console_errors(enterprise, refused=("/matching/inbox/",))
    expect_no_console_errors(provider, refused=(f"/matching/proposals/{other.pk}/", "/matching/gaps/"))


def test_a_provider_adds_a_solution_corrects_a_bad_industry_and_publishes_it(persona: Persona) -> None:
    provider = persona("demo_provider", language="en")
    nav(provider, "Matchmaking")
    subnav(provider, "My solutions")
    provider.wait_for_url("**/matching/solutions/")
    before = provider.locator("table.data tbody tr").count()
    provider.locator("main a.button[href='/matching/solutions/new/']").click()
    provider.wait_for_url("**/matching/solutions/new/")
    provider.fill("#id_title", "民宿房态同步小程序")
    provider.fill("#id_description", "对接携程、美团、飞猪订单，房态实时同步，防止超订。")
    provider.locator("label.chip", has=provider.locator("input[value=business_management]")).click()
    provider.fill("#id_industries", "H, XYZ")
    provider.locator("fieldset.region-boxes label.chip", has_text="Zhejiang").click()
    provider.fill("#id_price_cny_per_year", "3600")
    provider.select_option("#id_deployment", "saas")
    provider.fill("#id_max_employees", "50")
    provider.locator("form:has(#id_title) button[type=submit].primary").click()
    industries = provider.locator(".field.has-error", has=provider.locator("#id_industries"))
    expect(industries.locator(".errorlist")).to_contain_text("XYZ is not a GB/T 4754")
    expect(provider.locator("input[name=scenarios][value=business_management]")).to_be_checked()
    expect(provider.locator("input[name=regions][value='330000']")).to_be_checked()
    screenshot(provider, "matching-solution-form-error")
    provider.fill("#id_industries", "H")
    provider.locator("form:has(#id_title) button[type=submit].primary").click()
    provider.wait_for_url(re.compile(r"/matching/solutions/\d+/$"))
    expect(provider.locator("h1 .badge.st-draft")).to_be_visible()
    provider.locator("form[action$='/publish/'] button").click()
    expect(success(provider)).to_be_visible()
    expect(provider.locator("h1 .badge.st-published")).to_be_visible()
    assert Solution.objects.get(title="民宿房态同步小程序").regions == ["330000"]
    on_phone(provider, "matching-solution-phone")
    subnav(provider, "My solutions")
    expect(provider.locator("table.data tbody tr")).to_have_count(before + 1)
    expect(provider.locator("table.data")).to_contain_text("民宿房态同步小程序")
    expect_no_console_errors(provider)
