"""Every paginated list of the API answers a full page in a fixed number of queries, never one per row.

Each list holds ROWS rows for the persona who reads it; a query per row would need more than ROWS
queries, far above each bound. The bounds count the token lookup, the membership, the count and the
page, plus what the endpoint adds (prefetched answers, a bank's consents and its read log).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from funeng.apps.assessment.models import Answer, Assessment
from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.matching.models import Complaint, Review
from funeng.apps.policies.models import PolicyNotice, PolicyRun
from funeng.apps.policies.services import policy_run_create
from funeng.apps.providers.const import VettingState
from funeng.apps.providers.models import Provider
from tests.conftest import make_credit_code
from tests.support.api import bearer
from tests.support.matching import accepted_deal
from tests.support.personas import member

pytestmark = pytest.mark.django_db

ROWS = 12


@pytest.fixture
def world(enterprise_fields, operator):
    """ROWS of everything the lists show, all in Hangzhou, with the people who read them."""
    enterprises = [
        enterprise_create(acting_user=None, **enterprise_fields(name=f"杭州企业{number:02d}"))
        for number in range(ROWS)
    ]
    first = enterprises[0]
    bank = FinancialInstitution.objects.create(name="甲银行")
    provider = Provider.objects.create(
        name="杭州服务商",
        credit_code=make_credit_code("330106"),
        region_code="330106",
        vetting_state=VettingState.APPROVED,
    )

    people = {
        "operator": operator,
        "enterprise": member("ea", role=Role.ENTERPRISE, enterprise=first, is_enterprise_admin=True),
        "official": member("gov", role=Role.OFFICIAL, region_code="330100"),
        "bank": member("banker", role=Role.BANK, institution=bank),
        "provider": member("prov", role=Role.PROVIDER, provider=provider),
    }
    until = timezone.localdate() + dt.timedelta(days=30)
    consents = [
        Consent.objects.create(
            enterprise=enterprise,
            institution=bank,
            categories=["profile", "financials"],
            valid_until=until,
            granted_by=operator,
        )
        for enterprise in enterprises
    ]
    # Other institutions' consents on the first enterprise fill the enterprise's list of consents.
    for number in range(ROWS):
        Consent.objects.create(
            enterprise=first,
            institution=FinancialInstitution.objects.create(name=f"银行{number:02d}"),
            categories=["profile"],
            valid_until=until,
            granted_by=operator,
        )
    ConsentRead.objects.bulk_create(
        ConsentRead(consent=consents[0], reader=people["bank"], categories=["profile"]) for _ in range(ROWS)
    )
    for round_index in range(ROWS):
        assessment = Assessment.objects.create(
            enterprise=first,
            framework_id="miit-2024-manufacturing",
            framework_family="miit-2024",
            framework_version="2024.1-funeng.1",
            engine_version="test",
            round_index=round_index,
            status="submitted",
            submitted_at=timezone.now(),
        )
        Answer.objects.bulk_create(
            Answer(assessment=assessment, question_id=f"q{number}", value=number) for number in range(3)
        )
    run = policy_run_create(
        programme_id="srdi-zhejiang", as_of=timezone.localdate(), acting_user=people["official"]
    )
    for _ in range(ROWS - 1):
        PolicyRun.objects.create(
            programme_id="srdi-zhejiang", programme_version="1", as_of=run.as_of, region_code="330106"
        )
    PolicyNotice.objects.bulk_create(
        PolicyNotice(enterprise=first, programme_id=f"p{number}", kind="missing", message="示例")
        for number in range(ROWS)
    )
    for number in range(ROWS):
        _, _, _, deal = accepted_deal(
            enterprise=first, provider=provider, requested_by=operator, number=str(number)
        )
        Review.objects.create(deal=deal, enterprise=first, provider=provider, rating=5)
        Complaint.objects.create(deal=deal, enterprise=first, provider=provider, text="慢")
    return {"people": people, "consent": consents[0], "run": run}


# (persona, list, the most queries allowed): token, membership (not for operators), count and page, plus
# what the endpoint adds.
LISTS = [
    ("operator", "/api/v1/enterprises", 3),
    ("official", "/api/v1/enterprises", 4),
    # + the categories each consent shares, the consents read, and the read log (one insert in a savepoint)
    ("bank", "/api/v1/enterprises", 9),
    ("enterprise", "/api/v1/consents", 4),
    ("bank", "/api/v1/consents", 4),
    # + the consent the reads are of
    ("enterprise", "/api/v1/consents/{consent}/reads", 5),
    ("operator", "/api/v1/audit", 3),
    # + the page's answers, prefetched
    ("enterprise", "/api/v1/assessment/assessments", 5),
    ("official", "/api/v1/assessment/assessments", 5),
    ("official", "/api/v1/policies/runs", 4),
    # + the run
    ("official", "/api/v1/policies/runs/{run}/results", 5),
    ("enterprise", "/api/v1/policies/notices", 4),
    ("provider", "/api/v1/matching/solutions", 4),
    ("enterprise", "/api/v1/matching/needs", 4),
    ("provider", "/api/v1/matching/needs", 4),
    ("provider", "/api/v1/matching/proposals", 4),
    ("enterprise", "/api/v1/matching/deals", 4),
    ("provider", "/api/v1/matching/reviews", 4),
    ("official", "/api/v1/matching/complaints", 4),
]


@pytest.mark.parametrize(("persona", "path", "most"), LISTS, ids=[f"{p} {u[8:]}" for p, u, _ in LISTS])
def test_a_full_page_costs_the_same_few_queries_as_an_empty_one(
    client, world, persona, path, most, django_assert_max_num_queries
):
    url = path.format(consent=world["consent"].pk, run=world["run"].pk)
    headers = bearer(world["people"][persona])
    client.get(url, **headers)  # the token's last-used write happens once a minute at most
    with django_assert_max_num_queries(most):
        response = client.get(url, {"limit": 200}, **headers)
    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) >= ROWS
