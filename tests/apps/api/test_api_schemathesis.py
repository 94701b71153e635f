"""Property-based run of every operation in the OpenAPI document with all of schemathesis' checks.

Schemathesis generates requests from /api/v1/openapi.json and sends them to the WSGI app with the
token of an official, of an enterprise's administrator and of a platform operator: its coverage
phase (boundary values, each kind of invalid value, missing credentials, undeclared methods and
media types) and then fuzzed valid and invalid requests, a third of them aimed at objects that exist
so that writes reach the service layer. Every response, success or problem, must be documented and
match its schema; invalid requests must be refused; none may be a 5xx. Hypothesis is derandomized
and the examples per operation are bounded, so CI runs the same requests every time in a few minutes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks, response_schema_conformance
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.meta import content_type_probes_first
from schemathesis.generation.overrides import Override

from engines.maturity import get_framework
from funeng.apps.assessment.services import assessment_answers_save, assessment_start, assessment_submit
from funeng.apps.audit.models import AuditEvent
from funeng.apps.consents.models import Consent, FinancialInstitution
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.designations.services import designation_nominate
from funeng.apps.enterprises.columns import COLUMNS, Column
from funeng.apps.enterprises.services import enterprise_create
from funeng.apps.library.services import document_ingest
from funeng.apps.notifications.models import Notification
from funeng.apps.policies.models import PolicyNotice
from funeng.apps.policies.services import policy_run_create
from funeng.apps.providers.models import Provider
from funeng.apps.shared_workforce.services import (
    agreement_propose,
    demand_post_create,
    surplus_post_create,
    worker_create,
)
from tests.conftest import make_credit_code
from tests.support.api import bearer
from tests.support.assessment import MANUFACTURING, answers_for
from tests.support.library import PLAN_ID, PLAN_V1
from tests.support.matching import accepted_deal

pytestmark = pytest.mark.django_db

# Fuzzed examples per operation and persona, after the coverage phase's own cases.
EXAMPLES_PER_OPERATION = 20
COLUMNS_ZH = [column.header_zh for column in COLUMNS]


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    """Calls go straight to the WSGI app, so detach Django's per-request connection closing.

    Django's test Client does the same; without it PostgreSQL's connection would be closed
    after the first request, inside the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Every check schemathesis has ("checks = all"), with one setting changed: positive_data_acceptance
# also accepts 422. The document states shapes and bounds; a request of the right shape can still be
# refused by a rule a JSON schema cannot state — a state (a need already closed, a deal not yet
# delivered), a rule between fields (min_employees <= max_employees), an id in the body that names
# nothing, a questionnaire's answers, a decimal's digits — and the API answers those with its one
# documented validation problem, a 422 naming the field. The check still fails on any other refusal
# of valid data (400, 405, 413, 415). max_response_time is not a check until a limit is set, and none
# is: timings on two shared cores would make CI flaky without telling anything about the API.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "enabled": True,
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
            },
        }
    }
)
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _strategy(operation, existing: dict[str, object]):
    """Positive and negative cases, plus positive ones whose path names a real enterprise."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = {parameter.name for parameter in operation.path_parameters}
    if names:
        strategies.append(
            operation.as_strategy(
                GenerationMode.POSITIVE, path_parameters={name: existing[name] for name in names}
            )
        )
    return st.one_of(strategies)


def _coverage_cases(operation):
    """The coverage phase of the schemathesis CLI for one operation, request-shape probes first."""
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=SCHEMA.config.generation_for(operation=operation, phase="coverage"),
        auth_storage=None,
        override=Override(),
        feedback=NO_FEEDBACK,
    )
    return list(content_type_probes_first(generator))


def _assessments(enterprise, operator) -> dict[str, int]:
    """A submitted T0 of the enterprise (it has a result) and its T1, a draft prefilled with T0's answers."""
    user = get_user_model().objects.create_user("enterprise_admin", password="x" * 12)
    Membership.objects.create(
        user=user, role=Role.ENTERPRISE, enterprise=enterprise, is_enterprise_admin=True
    )
    t0 = assessment_start(enterprise=enterprise, framework_id=MANUFACTURING, acting_user=user)
    assessment_answers_save(
        assessment=t0, answers=answers_for(get_framework(MANUFACTURING)), acting_user=user
    )
    assessment_submit(assessment=t0, acting_user=user)
    t1 = assessment_start(enterprise=enterprise, framework_id=MANUFACTURING, acting_user=user)
    return {"submitted_id": t0.pk, "assessment_id": t1.pk, "assessment_user_id": user.pk}


def _matching_objects(enterprise, operator) -> dict[str, int]:
    """A provider with a published solution, a need, an accepted proposal and its deal (matchmaking paths)."""
    provider = Provider.objects.create(
        name="示例服务商",
        credit_code=make_credit_code("330106"),
        region_code="330106",
        vetting_state="approved",
    )
    solution, need, proposal, deal = accepted_deal(
        enterprise=enterprise, provider=provider, requested_by=operator
    )
    ids = {"provider_id": provider.pk, "solution_id": solution.pk, "need_id": need.pk}
    return ids | {"proposal_id": proposal.pk, "deal_id": deal.pk}


def test_the_schema_lists_every_operation():
    assert {operation.label for operation in OPERATIONS} == {
        "GET /api/v1/enterprises",
        "POST /api/v1/enterprises/import",
        "GET /api/v1/enterprises/by-credit-code/{code}",
        "GET /api/v1/enterprises/{enterprise_id}",
        "PATCH /api/v1/enterprises/{enterprise_id}",
        "GET /api/v1/consents",
        "POST /api/v1/consents",
        "GET /api/v1/consents/{consent_id}",
        "POST /api/v1/consents/{consent_id}/revoke",
        "GET /api/v1/consents/{consent_id}/reads",
        "GET /api/v1/messages",
        "POST /api/v1/messages/{message_id}/read",
        "GET /api/v1/audit",
        "GET /api/v1/audit/{event_id}",
        "GET /api/v1/matching/solutions",
        "POST /api/v1/matching/solutions",
        "GET /api/v1/matching/solutions/{solution_id}",
        "PATCH /api/v1/matching/solutions/{solution_id}",
        "POST /api/v1/matching/solutions/{solution_id}/publish",
        "POST /api/v1/matching/solutions/{solution_id}/withdraw",
        "GET /api/v1/matching/needs",
        "POST /api/v1/matching/needs",
        "GET /api/v1/matching/needs/{need_id}",
        "POST /api/v1/matching/needs/{need_id}/close",
        "GET /api/v1/matching/needs/{need_id}/matches",
        "POST /api/v1/matching/needs/{need_id}/proposals",
        "GET /api/v1/matching/proposals",
        "GET /api/v1/matching/proposals/{proposal_id}",
        "POST /api/v1/matching/proposals/{proposal_id}/submit",
        "POST /api/v1/matching/proposals/{proposal_id}/accept",
        "POST /api/v1/matching/proposals/{proposal_id}/decline",
        "POST /api/v1/matching/proposals/{proposal_id}/withdraw",
        "GET /api/v1/matching/deals",
        "GET /api/v1/matching/deals/{deal_id}",
        "POST /api/v1/matching/deals/{deal_id}/deliver",
        "POST /api/v1/matching/deals/{deal_id}/cancel",
        "POST /api/v1/matching/deals/{deal_id}/review",
        "POST /api/v1/matching/deals/{deal_id}/complaints",
        "GET /api/v1/matching/reviews",
        "GET /api/v1/matching/complaints",
        "GET /api/v1/matching/providers/{provider_id}/trust",
        "GET /api/v1/assessment/frameworks",
        "GET /api/v1/assessment/frameworks/{framework_id}",
        "GET /api/v1/assessment/assessments",
        "POST /api/v1/assessment/assessments",
        "GET /api/v1/assessment/assessments/{assessment_id}",
        "PATCH /api/v1/assessment/assessments/{assessment_id}/answers",
        "POST /api/v1/assessment/assessments/{assessment_id}/submit",
        "GET /api/v1/assessment/assessments/{assessment_id}/result",
        "GET /api/v1/policies/programmes",
        "GET /api/v1/policies/programmes/{programme_id}",
        "GET /api/v1/policies/enterprises/{enterprise_id}/evaluations",
        "GET /api/v1/policies/runs",
        "POST /api/v1/policies/runs",
        "GET /api/v1/policies/runs/{run_id}",
        "GET /api/v1/policies/runs/{run_id}/results",
        "POST /api/v1/policies/runs/{run_id}/notify",
        "POST /api/v1/policies/results/{result_id}/decision",
        "GET /api/v1/policies/notices",
        "POST /api/v1/policies/notices/{notice_id}/read",
        "GET /api/v1/library/documents",
        "GET /api/v1/library/documents/{slug}",
        "GET /api/v1/library/documents/{slug}/clauses",
        "GET /api/v1/library/documents/{slug}/measures",
        "GET /api/v1/library/documents/{slug}/targets",
        "GET /api/v1/library/clauses/{clause_id}",
        "GET /api/v1/library/search",
        "GET /api/v1/monitoring/indicators",
        "GET /api/v1/monitoring/indicators/{key}",
        "GET /api/v1/monitoring/values",
        "POST /api/v1/monitoring/values",
        "GET /api/v1/monitoring/targets",
        "GET /api/v1/monitoring/progress",
        "GET /api/v1/designations/kinds",
        "GET /api/v1/designations/entries",
        "GET /api/v1/designations/entries/{entry_id}",
        "GET /api/v1/designations/counts",
        "GET /api/v1/manufacturing/processes",
        "GET /api/v1/manufacturing/factories",
        "POST /api/v1/manufacturing/factories",
        "GET /api/v1/manufacturing/factories/{factory_id}",
        "POST /api/v1/manufacturing/factories/{factory_id}/machines",
        "POST /api/v1/manufacturing/machines/{machine_id}/downtime",
        "GET /api/v1/manufacturing/orders",
        "POST /api/v1/manufacturing/orders",
        "GET /api/v1/manufacturing/orders/{order_id}",
        "POST /api/v1/manufacturing/orders/{order_id}/plan",
        "GET /api/v1/manufacturing/plans/{plan_id}",
        "POST /api/v1/manufacturing/shares/{share_id}/decision",
        "GET /api/v1/workforce/skills",
        "GET /api/v1/workforce/surplus-posts",
        "POST /api/v1/workforce/surplus-posts",
        "GET /api/v1/workforce/demand-posts",
        "POST /api/v1/workforce/demand-posts",
        "GET /api/v1/workforce/demand-posts/{demand_id}/matches",
        "GET /api/v1/workforce/agreements",
        "POST /api/v1/workforce/agreements",
        "POST /api/v1/workforce/agreements/{agreement_id}/confirm",
        "GET /api/v1/workforce/agreements/{agreement_id}/hours",
        "POST /api/v1/workforce/agreements/{agreement_id}/hours",
        "GET /api/v1/supply-chain/listings",
        "POST /api/v1/supply-chain/listings",
        "GET /api/v1/supply-chain/listings/{listing_id}",
        "POST /api/v1/supply-chain/listings/{listing_id}/withdraw",
        "POST /api/v1/supply-chain/listings/{listing_id}/financed",
        "GET /api/v1/supply-chain/receivables",
        "POST /api/v1/supply-chain/receivables",
        "GET /api/v1/supply-chain/receivables/{receivable_id}",
        "POST /api/v1/supply-chain/receivables/{receivable_id}/confirm",
        "POST /api/v1/supply-chain/receivables/{receivable_id}/dispute",
        "POST /api/v1/supply-chain/receivables/{receivable_id}/offer",
        "POST /api/v1/supply-chain/receivables/{receivable_id}/finance",
        "POST /api/v1/supply-chain/receivables/{receivable_id}/decline",
        "POST /api/v1/supply-chain/receivables/{receivable_id}/settle",
        "POST /api/v1/finance/cloud-usage",
        "GET /api/v1/finance/enterprises/{enterprise_id}/footprint",
        "GET /api/v1/lending/products",
        "POST /api/v1/lending/products/{product_id}/applications",
        "GET /api/v1/lending/applications",
        "GET /api/v1/lending/applications/{application_id}",
        "POST /api/v1/lending/applications/{application_id}/decision",
        "POST /api/v1/lending/applications/{application_id}/withdraw",
        "GET /api/v1/lending/loans",
        "GET /api/v1/lending/loans/{loan_id}",
        "POST /api/v1/lending/loans/{loan_id}/repayments",
        "GET /api/v1/lending/subsidy",
        "POST /api/v1/lending/subsidy/approvals",
    }


def _lending_objects(enterprises, operator) -> dict[str, int]:
    """A 云量贷 product of a bank, an application of the Hangzhou enterprise, approved into a loan."""
    from decimal import Decimal

    from funeng.apps.lending.services import application_decide, application_submit, product_save

    bank = FinancialInstitution.objects.create(name="贷款银行")
    banker = get_user_model().objects.create_user("lending_banker", password="x" * 12)
    Membership.objects.create(user=banker, role=Role.BANK, institution=bank)
    applicant = get_user_model().objects.create_user("lending_applicant", password="x" * 12)
    Membership.objects.create(
        user=applicant, role=Role.ENTERPRISE, enterprise=enterprises[0], is_enterprise_admin=True
    )
    product = product_save(
        actor=banker,
        institution=bank,
        data={
            "name": "云量贷",
            "kind": "cloud_credit",
            "annual_rate": Decimal("3.6"),
            "min_amount_cny": Decimal(10_000),
            "max_amount_cny": Decimal(1_000_000),
            "term_months": 24,
            "required_categories": ["profile", "financials", "digital"],
            "subsidy_programme": "zj-cloud-loan-subsidy",
        },
    )
    application = application_submit(
        actor=applicant, product=product, amount=Decimal(100_000), term_months=12, purpose="设备"
    )
    application_decide(
        actor=banker,
        application=application,
        decision="approve",
        amount=Decimal(100_000),
        rate=Decimal("3.6"),
    )
    return {"product_id": product.pk, "application_id": application.pk, "loan_id": application.loan.pk}


def _manufacturing_objects(customer, operator) -> dict[str, object]:
    """A factory with a machine, an order with a routing and its solved plan with a factory share."""
    from decimal import Decimal

    from funeng.apps.shared_manufacturing.models import Factory, Machine
    from funeng.apps.shared_manufacturing.planning import plan_solve, plan_start
    from funeng.apps.shared_manufacturing.services import OperationInput, order_create

    factory = Factory.objects.create(
        enterprise=customer, name="甲一厂", region_code="330106", working_weekdays=[0, 1, 2, 3, 4, 5, 6]
    )
    machine = Machine.objects.create(
        factory=factory, name="加工中心", processes=["cnc_milling"], price_per_hour=Decimal(100)
    )
    today = timezone.localdate()
    order = order_create(
        actor=operator,
        customer=customer,
        product="模具",
        quantity=2,
        order_date=today,
        due_date=today + dt.timedelta(days=5),
        operations=[OperationInput("OP10", "铣削", "cnc_milling", 10, Decimal(30))],
    )
    plan = plan_solve(plan=plan_start(order=order, actor=operator), actor=operator, time_limit=1)
    return {
        "factory_id": factory.pk,
        "machine_id": machine.pk,
        "order_id": order.pk,
        "plan_id": plan.pk,
        "share_id": plan.shares.first().pk,
    }


def _workforce_objects(enterprises, borrower_user) -> dict[str, int]:
    """A Nanjing lender's worker on a surplus post, the Hangzhou enterprise's demand and its proposal."""
    lender_user = get_user_model().objects.create_user("lender_admin", password="x" * 12)
    Membership.objects.create(
        user=lender_user, role=Role.ENTERPRISE, enterprise=enterprises[1], is_enterprise_admin=True
    )
    worker = worker_create(actor=lender_user, enterprise=enterprises[1], name="王建国", skills=["welder"])
    today = timezone.localdate()
    surplus = surplus_post_create(
        actor=lender_user,
        enterprise=enterprises[1],
        title="富余焊工",
        skills=["welder"],
        headcount=1,
        available_from=today,
        available_to=today + dt.timedelta(days=60),
        hourly_cost="45",
        workers=[worker],
    )
    demand = demand_post_create(
        actor=borrower_user,
        enterprise=enterprises[0],
        title="急需焊工",
        skills=["welder"],
        headcount=1,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        place="杭州",
    )
    agreement = agreement_propose(
        actor=borrower_user,
        demand=demand,
        surplus=surplus,
        worker=worker,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        hourly_pay="45",
        payment_terms="按工时结算",
        insurance_terms="借入方购买意外险",
    )
    return {"demand_id": demand.pk, "agreement_id": agreement.pk}


def _supply_chain_objects(enterprises, operator) -> dict[str, int]:
    """A directory entry of the Hangzhou enterprise, and a receivable it holds on the Nanjing one."""
    from decimal import Decimal

    from funeng.apps.supply_chain.services import listing_create, receivable_submit

    supplier_user = get_user_model().objects.create_user("supplier_admin", password="x" * 12)
    Membership.objects.create(user=supplier_user, role=Role.ENTERPRISE, enterprise=enterprises[0])
    today = timezone.localdate()
    listing = listing_create(
        actor=operator,
        enterprise=enterprises[0],
        kind="project",
        title="数字化车间",
        description="新建车间。",
        amount_sought_cny=Decimal(1_000_000),
        purpose="设备采购",
        valid_until=today + dt.timedelta(days=90),
    )
    receivable = receivable_submit(
        actor=supplier_user,
        supplier=enterprises[0],
        anchor=enterprises[1],
        invoice_number="INV-1",
        amount_cny=Decimal(100_000),
        issued_on=today - dt.timedelta(days=10),
        due_on=today + dt.timedelta(days=80),
    )
    return {"listing_id": listing.pk, "receivable_id": receivable.pk}


@pytest.fixture
def existing(operator, enterprise_fields) -> dict[str, object]:
    """An object of every kind the paths name, by path parameter, all visible to the operator."""
    enterprises = [
        enterprise_create(acting_user=None, **enterprise_fields(name=name, region_code=region))
        for name, region in [("杭州甲厂", "330106"), ("南京乙厂", "320102"), ("成都丙厂", "510104")]
    ]
    institution = FinancialInstitution.objects.create(name="示例银行")
    consent = Consent.objects.create(
        enterprise=enterprises[0],
        institution=institution,
        categories=["profile"],
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        granted_by=operator,
    )
    assessments = _assessments(enterprises[0], operator)
    matching = _matching_objects(enterprises[0], operator)
    run = policy_run_create(programme_id="srdi-zhejiang", as_of=timezone.localdate(), acting_user=operator)
    notice = PolicyNotice.objects.create(
        enterprise=enterprises[0], programme_id="srdi-zhejiang", kind="missing", run=run, message="示例"
    )
    plan = document_ingest(actor=None, raw=PLAN_V1.encode(), slug=PLAN_ID).document
    entry = designation_nominate(
        actor=operator, enterprise=enterprises[0], kind="cloud_benchmark", title="上云标杆"
    )
    manufacturing = _manufacturing_objects(enterprises[0], operator)
    workforce = _workforce_objects(
        enterprises, get_user_model().objects.get(pk=assessments["assessment_user_id"])
    )
    supply_chain = _supply_chain_objects(enterprises, operator)
    lending = _lending_objects(enterprises, operator)
    return {
        **lending,
        **manufacturing,
        **workforce,
        **supply_chain,
        "slug": plan.slug,
        "clause_id": plan.clauses.order_by("position").last().key,
        "key": "online_retail_sales",
        "entry_id": entry.pk,
        **matching,
        **assessments,
        "enterprise_id": enterprises[0].pk,
        "code": enterprises[1].credit_code,
        "consent_id": consent.pk,
        "event_id": AuditEvent.objects.latest("id").pk,
        "framework_id": "miit-2024-manufacturing",
        "programme_id": "srdi-zhejiang",
        "run_id": run.pk,
        "result_id": run.results.first().pk,
        "notice_id": notice.pk,
        # the bank's decision in the lending objects told the enterprise
        "message_id": Notification.objects.filter(enterprise=enterprises[0]).earliest("id").pk,
    }


@pytest.fixture
def personas(operator, existing) -> dict[str, object]:
    """Who sends the requests: an official of 杭州, where the objects are; their enterprise's administrator; an operator."""
    official = get_user_model().objects.create_user("official_hz", password="x" * 12)
    Membership.objects.create(user=official, role=Role.OFFICIAL, region_code="330100")
    enterprise = get_user_model().objects.get(pk=existing["assessment_user_id"])
    return {"official": official, "enterprise": enterprise, "operator": operator}


def test_every_check_of_schemathesis_is_enabled():
    load_all_checks()
    for operation in OPERATIONS:
        config = SCHEMA.config.checks_config_for(operation=operation)
        assert [name for name in CHECKS.get_all_names() if not config.get_by_name(name=name).enabled] == []


@pytest.mark.parametrize("persona", ["official", "enterprise", "operator"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_passes_every_check(operation, persona, personas, existing):
    headers = {"Authorization": bearer(personas[persona])["HTTP_AUTHORIZATION"]}

    @given(case=_strategy(operation, existing))
    def check(case) -> None:
        case.call_and_validate(headers=headers)

    # The coverage phase depends on the schema only and is mostly answered before access is decided
    # (401, 405, 415, 422): it runs, as explicit examples, for the official and the enterprise only.
    if persona != "operator":
        for case in _coverage_cases(operation):
            check = example(case=case)(check)
    settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,  # no example database in the working tree; failures print their case
        derandomize=True,  # the same requests on every run, so CI fails only on a change
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )(check)()


READS = [operation for operation in OPERATIONS if operation.method.upper() == "GET"]


@pytest.mark.parametrize("operation", READS, ids=lambda operation: operation.label)
def test_every_read_of_an_existing_object_answers_200_as_documented(operation, operator, existing):
    """Deterministic: each GET of real objects succeeds, so its documented 200 schema is always checked."""
    names = {parameter.name for parameter in operation.path_parameters}
    path = {name: existing[name] for name in names}
    if operation.path.endswith("/result"):
        path["assessment_id"] = existing["submitted_id"]  # a draft has no result yet
    query = {"q": "云量贷"} if operation.path.endswith("/search") else None  # the one required query
    case = operation.Case(path_parameters=path, query=query)
    response = case.call(headers={"Authorization": bearer(operator)["HTTP_AUTHORIZATION"]})
    assert response.status_code == 200, response.text[:500]
    case.validate_response(response, checks=[response_schema_conformance])


def test_submitting_an_assessment_answers_its_result_as_documented(existing):
    operation = SCHEMA["/api/v1/assessment/assessments/{assessment_id}/submit"]["POST"]
    case = operation.Case(path_parameters={"assessment_id": existing["assessment_id"]})
    user = get_user_model().objects.get(pk=existing["assessment_user_id"])
    response = case.call(headers={"Authorization": bearer(user)["HTTP_AUTHORIZATION"]})
    assert response.status_code == 200, response.text[:500]
    case.validate_response(response, checks=[response_schema_conformance])


# Schemathesis cannot know that uploads must be named .csv or .xlsx, so its files stop at the
# suffix check; this sends the importer files it will actually parse.
_ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
# Per column kind: a plausible value most of the time (so whole rows validate and reach the write
# pass), otherwise something odd.
_PLAUSIBLE = {
    "credit_code": st.builds(make_credit_code),
    "name": st.sampled_from(["杭州示例有限公司", "南京 软件", "<b>x</b>", "A" * 200]),
    "industry_code": st.sampled_from(["3484", "6513", "0111", "3911"]),
    "region_code": st.sampled_from(["330106", "320102", "110101", "330100"]),
    "founded_on": st.sampled_from(["", "2015-03-01", "2015/3/1", "20150301"]),
    "cloud_level": st.sampled_from(["", "none", "platform", "业务上云"]),
}
_BY_KIND = {
    "int": st.sampled_from(["", "0", "120", "1,000", "2147483647"]),
    "money": st.sampled_from(["", "0", "50000000.5", "1,234.56", "-5", "9999999999999999.99"]),
}
_ODD = st.sampled_from(["=SUM(A1)", "'0012", "1e9", "-5", "NaN", "１２３", "\t", "万元"]) | _ANY_TEXT


def _cell(column: Column) -> st.SearchStrategy[str]:
    plausible = _PLAUSIBLE.get(column.key, _BY_KIND.get(column.kind, st.just("")))
    return st.one_of(plausible, plausible, plausible, _ODD)


_ROW = st.tuples(*[_cell(column) for column in COLUMNS]).map(list)
_CSV_TEXT = st.one_of(
    st.lists(_ROW, min_size=1, max_size=4).map(lambda rows: [COLUMNS_ZH, *rows]),
    st.lists(st.lists(_ANY_TEXT, max_size=25), max_size=5),
).map(_csv_text)
_UPLOADS = st.one_of(
    st.tuples(st.just("企业.csv"), st.binary(max_size=2000)),
    st.tuples(st.just("企业.csv"), _CSV_TEXT.map(lambda text: text.encode("utf-8"))),
    st.tuples(st.just("企业.csv"), _CSV_TEXT.map(lambda text: text.encode("gb18030"))),
    st.tuples(st.just("企业.xlsx"), st.binary(max_size=2000)),
    st.tuples(st.just("企业.xlsx"), st.binary(max_size=2000).map(lambda data: b"PK\x03\x04" + data)),
)


def test_the_import_endpoint_never_answers_with_a_server_error(client, operator):
    headers = bearer(operator)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION * 2,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(upload=_UPLOADS, dry_run=st.booleans())
    def check(upload, dry_run) -> None:
        name, content = upload
        response = client.post(
            "/api/v1/enterprises/import",
            {"file": SimpleUploadedFile(name, content), "dry_run": "true" if dry_run else "false"},
            **headers,
        )
        assert response.status_code in (200, 413, 422), response.content.decode()[:500]

    check()
