"""The shared-workforce pages over HTTP: both enterprises and the worker do their part; others are refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funeng.apps.core.pages import new_submit_token
from funeng.apps.shared_workforce.models import Agreement, DemandPost, HoursRecord
from funeng.apps.shared_workforce.services import agreement_activate, agreement_answer
from tests.support.workforce import propose

pytestmark = pytest.mark.django_db


def as_user(client, user, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def agreement(world, frozen_today):
    return propose(world)


def active(world, agreement):
    agreement_answer(actor=world["worker_user"], agreement=agreement, confirm=True)
    return agreement_activate(actor=world["enterprise_a"], agreement=agreement)


@pytest.mark.parametrize(
    "who", ["enterprise_a", "enterprise_b", "enterprise_c", "worker_user", "official", "admin"]
)
def test_the_section_home_opens_for_enterprises_workers_and_officials(client, world, agreement, who):
    page = as_user(client, world[who]).get("/workforce/")
    assert page.status_code == 200
    assert "鼓励发展共享员工等灵活就业新模式" in page.content.decode()


@pytest.mark.parametrize("who", ["provider", "banker", "outsider"])
def test_the_section_is_refused_to_roles_without_a_part(client, world, who):
    assert as_user(client, world[who]).get("/workforce/").status_code == 403


def test_an_official_sees_counts_and_no_person(client, world, agreement):
    page = as_user(client, world["official_province"]).get("/workforce/").content.decode()
    assert 'id="region-counts"' in page
    assert "王" not in page and "13800001234" not in page and "淡季富余焊工" not in page


def test_the_agreement_page_states_the_employment_relationship_and_the_consent(client, world, agreement):
    page = (
        as_user(client, world["enterprise_b"], "en")
        .get(f"/workforce/agreements/{agreement.pk}/")
        .content.decode()
    )
    assert "The lender stays the worker's employer" in page
    assert "the worker confirms each agreement with their own login" in page
    assert "鼓励发展共享员工等灵活就业新模式" in page
    assert "王建国" in page and "13800001234" in page  # the agreement names him: the borrower sees him


def test_the_operator_sees_the_agreement_with_the_worker_masked(client, world, agreement):
    page = as_user(client, world["admin"]).get(f"/workforce/agreements/{agreement.pk}/").content.decode()
    assert "王**" in page and "王建国" not in page and "13800001234" not in page


def test_another_tenants_urls_answer_404(client, world, agreement):
    as_user(client, world["enterprise_c"])
    assert client.get(f"/workforce/agreements/{agreement.pk}/").status_code == 404
    assert client.get(f"/workforce/workers/{world['wang'].pk}/").status_code == 404
    assert client.get(f"/workforce/demand/{world['demand'].pk}/matches/").status_code == 403
    assert (
        client.post(f"/workforce/agreements/{agreement.pk}/answer/", {"decision": "confirm"}).status_code
        == 404
    )
    assert (
        client.post(
            f"/workforce/agreements/{agreement.pk}/hours/", {"day": "2026-03-05", "hours": "8"}
        ).status_code
        == 404
    )


def test_matches_show_reasons_and_masked_names(client, world, frozen_today):
    page = as_user(client, world["enterprise_b"]).get(f"/workforce/demand/{world['demand'].pk}/matches/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "王**" in text and "王建国" not in text
    assert "具备所需2项技能中的1项：焊工；缺少电工" in text
    assert f"?surplus={world['surplus'].pk}&amp;worker={world['wang'].pk}" in text


def test_the_whole_flow_through_the_pages(client, world, frozen_today):
    borrower = as_user(client, world["enterprise_b"])
    url = f"/workforce/demand/{world['demand'].pk}/propose/?surplus={world['surplus'].pk}&worker={world['wang'].pk}"
    form = borrower.get(url)
    assert form.status_code == 200 and "鼓励发展共享员工" in form.content.decode()
    data = {
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-31",
        "hourly_pay": "45",
        "place": "南京江宁厂区",
        "payment_terms": "按工时结算",
        "insurance_terms": "借入方购买意外险",
    }
    response = borrower.post(url, data)
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workforce/agreements/{agreement.pk}/"

    worker = as_user(client, world["worker_user"])
    mine = worker.get("/workforce/mine/").content.decode()
    assert f'id="agreement-{agreement.pk}"' in mine
    assert "共享用工不改变原有劳动关系" in mine and "只有您确认后才生效" in mine
    assert (
        worker.post(f"/workforce/agreements/{agreement.pk}/answer/", {"decision": "confirm"}).status_code
        == 302
    )

    lender = as_user(client, world["enterprise_a"])
    assert lender.post(f"/workforce/agreements/{agreement.pk}/activate/").status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "active"

    borrower = as_user(client, world["enterprise_b"])
    hours = borrower.post(f"/workforce/agreements/{agreement.pk}/hours/", {"day": "2026-03-02", "hours": "8"})
    assert hours.status_code == 302
    page = borrower.get(f"/workforce/agreements/{agreement.pk}/").content.decode()
    assert "360.00" in page  # 8 h × 45


def test_a_worker_confirming_someone_elses_agreement_is_refused(client, world, frozen_today):
    agreement = propose(world, worker=world["li"])
    as_user(client, world["worker_user"])
    assert (
        client.post(f"/workforce/agreements/{agreement.pk}/answer/", {"decision": "confirm"}).status_code
        == 403
    )
    agreement.refresh_from_db()
    assert agreement.status == "proposed"


def test_bad_hours_are_shown_next_to_their_field(client, world, agreement):
    active(world, agreement)
    as_user(client, world["enterprise_b"], "en")
    for day, hours in [("2026-04-02", "8"), ("2026-03-05", "25")]:
        page = client.post(f"/workforce/agreements/{agreement.pk}/hours/", {"day": day, "hours": hours})
        assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert not HoursRecord.objects.exists()


def test_a_double_submit_creates_one_post(client, world, frozen_today):
    as_user(client, world["enterprise_b"])
    data = {
        "title": "双十一打包",
        "skills": ["packaging_worker"],
        "headcount": "3",
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-15",
        "place": "南京仓库",
        "submit_token": new_submit_token(),
    }
    first = client.post("/workforce/demand/new/", data)
    second = client.post("/workforce/demand/new/", data)
    assert first.status_code == second.status_code == 302
    assert DemandPost.objects.filter(title="双十一打包").count() == 1


def test_a_headcount_of_zero_and_reversed_dates_are_shown_on_the_form(client, world):
    as_user(client, world["enterprise_b"], "en")
    page = client.post(
        "/workforce/demand/new/",
        {
            "title": "x",
            "skills": ["welder"],
            "headcount": "0",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-01",
            "place": "x",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and "from 1 to 500" in text and "swap them" in text


def test_the_posts_list_does_not_grow_its_queries_with_posts(client, world, frozen_today):
    as_user(client, world["enterprise_c"])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/workforce/posts/").status_code == 200
    for n in range(5):
        DemandPost.objects.create(
            enterprise=world["b"], title=f"需求{n}", skills=["welder"], headcount=1,
            starts_on=world["demand"].starts_on, ends_on=world["demand"].ends_on, place="x",
            region_code="320102", created_at=world["demand"].created_at,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        assert client.get("/workforce/posts/").status_code == 200
    assert len(more) == len(few)


def test_a_get_changes_nothing(client, world, agreement):
    before = (Agreement.objects.count(), DemandPost.objects.count(), HoursRecord.objects.count())
    for who in ("enterprise_a", "enterprise_b", "worker_user"):
        as_user(client, world[who])
        for url in (
            "/workforce/",
            "/workforce/posts/",
            "/workforce/agreements/",
            f"/workforce/agreements/{agreement.pk}/",
        ):
            client.get(url)
    assert (Agreement.objects.count(), DemandPost.objects.count(), HoursRecord.objects.count()) == before
