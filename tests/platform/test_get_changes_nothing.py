"""A GET never changes stored state: every GET URL of the site, as every persona, leaves every table as it was.

The URLs come from the resolver (funeng.urls), so a page added later is walked without being named
here; its path parameters are filled with ids of a small demo region (objects of the personas' own
tenants and of others, so each persona sees both its own pages and refusals). A path parameter the
filler does not know fails the test, naming the pattern, rather than leaving the page out.

Two checks per request: the row count of every table (django.apps.get_models()) before and after,
and every INSERT, UPDATE or DELETE statement the request sends (which also catches an update or a
delete-and-insert that leaves the counts as they were).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from funeng.apps.accounts.models import ClaimDocument, EnterpriseClaim, Invitation
from funeng.apps.accounts.services import invitation_create
from funeng.apps.api.docs import ASSETS
from funeng.apps.api.models import PersonalAccessToken
from funeng.apps.api.services import token_create
from funeng.apps.assessment.frameworks import framework_choices
from funeng.apps.assessment.models import Answer, Assessment, Evidence
from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.consents.models import Consent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.demo.designations import demo_designations_create
from funeng.apps.designations.models import DesignationEntry, DesignationEvidence
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.finance.models import DigitalInvestment
from funeng.apps.library.models import Clause, RuleLink
from funeng.apps.library.models import PolicyDocument as LibraryDocument
from funeng.apps.matching.models import Complaint, Deal, Match, Need, Proposal, Solution
from funeng.apps.matching.ranking import forget_catalogue
from funeng.apps.monitoring.models import IndicatorValue, MonitoringTarget
from funeng.apps.notifications.models import Notification
from funeng.apps.policies.const import NoticeKind
from funeng.apps.policies.models import PolicyNotice, PolicyResult, PolicyRun
from funeng.apps.policies.selectors import programmes_in_force
from funeng.apps.providers.models import Provider
from funeng.apps.shared_workforce.models import Agreement, DemandPost, SurplusPost, Worker

DEMO_PROVIDER_CODE = "91330106MA2H7K1N3G"  # demo_provider's tenant (funeng/apps/demo/users.py)

# What a GET may still write, and why. None of it is state the platform manages: the session is the
# visitor's own, and the two logs record that someone looked; they are written with the response
# because, unlike impressions, they must not depend on a browser reporting back.
# - django_session: the session middleware saves a session whenever a view stores something in it
#   (a message, the password-reset token Django moves out of the URL); that is the visitor's own state.
# - consents_consentread (appended only): the consent regime logs every read of an enterprise's data
#   by a bank, so the enterprise sees who read what under its consent (consents.services.consent_reads_log).
# - audit_auditevent, export rows only: taking a copy of audit rows or a policy run out of the platform
#   is recorded as it happens (AuditAction.EXPORT); every other audit row still counts.
# Login writes (axes' access log, auth_user.last_login) happen when each persona signs in, before the
# walk starts, so they need no exception. The walk calls the API with the session; a call with a
# personal access token also stamps the token's last_used_at (at most once a minute,
# funeng/apps/api/services.py), bookkeeping of the credential like a session, not walked here.
EXEMPT_TABLES = frozenset({"django_session"})
APPEND_ONLY_LOGS = frozenset({"consents_consentread", "audit_auditevent"})
COUNTED_ROWS = {"audit_auditevent": f"action <> '{AuditAction.EXPORT.value}'"}

WRITE = re.compile(r'^\s*(?P<verb>INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?P<table>\w+)"?', re.IGNORECASE)
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Persona:
    name: str
    username: str | None  # None = anonymous


PERSONAS = [
    Persona("admin", "demo_admin"),
    Persona("operator", "walk_operator"),
    Persona("enterprise_admin", "demo_enterprise"),
    Persona("colleague", "walk_colleague"),
    Persona("provider", "demo_provider"),
    Persona("bank", "demo_bank"),
    Persona("official", "demo_official"),
    Persona("worker", "demo_worker"),
    Persona("no_role", "walk_nobody"),
    Persona("anonymous", None),
]


@dataclass
class Site:
    values: dict[str, list[str]]  # path parameter → values to try
    admin_objects: dict[str, list[str]]  # "app_label/model_name" → object ids to try


def _ids(*querysets: Any) -> list[str]:
    """The first row of each queryset that has one, as strings, without repeats."""
    found: list[str] = []
    for queryset in querysets:
        pk = queryset.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None and str(pk) not in found:
            found.append(str(pk))
    return found


def _extra_people(hangzhou: Enterprise) -> dict[str, AbstractBaseUser]:
    """Personas the demo has no login for: a non-admin colleague, a staff operator, a role-less user."""
    users = get_user_model().objects
    colleague = users.create_user("walk_colleague", password="pw-walk-1234")
    Membership.objects.create(user=colleague, role=Role.ENTERPRISE, enterprise=hangzhou)
    return {
        "colleague": colleague,
        "operator": users.create_user("walk_operator", password="pw-walk-1234", is_staff=True),
        "no_role": users.create_user("walk_nobody", password="pw-walk-1234"),
    }


def _build_site() -> Site:
    with override_settings(DEBUG=True):  # demo_region creates its logins only in DEBUG
        call_command("demo_region", "--enterprises", "300", "--seed", "1", stdout=StringIO())
    users = get_user_model().objects
    owner = users.get(username="demo_enterprise")
    hangzhou = Enterprise.objects.get(members__user=owner)
    provider = Provider.objects.get(credit_code=DEMO_PROVIDER_CODE)
    people = _extra_people(hangzhou)
    demo_designations_create(seed=1)  # idempotent: nothing happens once demo_region creates them
    _invitation, invite_token = invitation_create(
        enterprise=hangzhou, email="walk@example.com", invited_by=owner, build_link=lambda token: token
    )
    token_create(user=owner, name="walk")
    if not PolicyNotice.objects.filter(enterprise=hangzhou).exists():  # 300 enterprises may qualify for none
        PolicyNotice.objects.create(
            enterprise=hangzhou, programme_id="srdi-zhejiang", kind=NoticeKind.MISSING, message="walk"
        )
    ours = {"enterprise": hangzhou}
    others = Enterprise.objects.exclude(pk=hangzhou.pk)
    open_need = Need.objects.filter(enterprise=hangzhou, status="open")
    # Two of the owner's open needs whose stored ranking a page view once refreshed: one ranked for an
    # older catalogue, one imported before ranking (no matches at all).
    outdated, missing = open_need.order_by("-pk")[:2]
    Need.objects.filter(pk=outdated.pk).update(matched_catalogue="an-older-catalogue")
    Match.objects.filter(need=missing).delete()
    Need.objects.filter(pk=missing.pk).update(matched_at=None, matched_catalogue="")
    values = {
        "enterprise_id": _ids(Enterprise.objects.filter(pk=hangzhou.pk), others),
        "code": [hangzhou.credit_code, "91330106MA0000000X"],
        "membership_id": _ids(
            Membership.objects.filter(user=people["colleague"]),
            Membership.objects.exclude(enterprise=hangzhou),
        ),
        "invitation_id": _ids(Invitation.objects.filter(enterprise=hangzhou)),
        "token": [invite_token],
        "uidb64": [urlsafe_base64_encode(force_bytes(owner.pk))],
        "provider_id": _ids(
            Provider.objects.filter(pk=provider.pk), Provider.objects.filter(vetting_state="applied")
        ),
        "consent_id": _ids(Consent.objects.filter(**ours), Consent.objects.exclude(**ours)),
        "fmt": ["csv", "xlsx"],
        "number": ["1"],  # a page of a PDF evidence file
        "kind": ["matching.rerank"],
        "assessment_id": _ids(
            Assessment.objects.filter(**ours, status="submitted"),
            Assessment.objects.filter(**ours, status="draft"),
            Assessment.objects.exclude(**ours),
        ),
        "evidence_id": _ids(
            Evidence.objects.filter(answer__assessment__enterprise=hangzhou),
            Evidence.objects.exclude(answer__assessment__enterprise=hangzhou),
        ),
        "answer_id": _ids(
            Answer.objects.filter(assessment__enterprise=hangzhou, files__isnull=False),
            Answer.objects.filter(
                files__isnull=False, assessment__enterprise__region_code__startswith="3301"
            ),
        ),
        "framework_id": [framework_choices()[0].id],
        "programme_id": [programmes_in_force(timezone.localdate())[0].id, "no-such-programme"],
        "notice_id": _ids(PolicyNotice.objects.filter(**ours), PolicyNotice.objects.exclude(**ours)),
        "notification_id": _ids(Notification.objects.filter(**ours), Notification.objects.exclude(**ours)),
        "message_id": _ids(Notification.objects.filter(**ours), Notification.objects.exclude(**ours)),
        "run_id": _ids(PolicyRun.objects.all()),
        "result_id": _ids(PolicyResult.objects.filter(**ours), PolicyResult.objects.filter(track="review")),
        "need_id": list(
            dict.fromkeys(
                _ids(open_need, Need.objects.filter(matches__solution__provider=provider, status="open"))
                + [str(outdated.pk), str(missing.pk)]
                + _ids(Need.objects.exclude(**ours))
            )
        ),
        "solution_id": _ids(
            Solution.objects.filter(provider=provider, status="published"),
            Solution.objects.filter(matches__need__in=open_need),
            Solution.objects.filter(status="draft"),
        ),
        "proposal_id": _ids(
            Proposal.objects.filter(**ours),
            Proposal.objects.filter(provider=provider),
            Proposal.objects.all(),
        ),
        "deal_id": _ids(
            Deal.objects.filter(**ours), Deal.objects.filter(provider=provider), Deal.objects.all()
        ),
        "complaint_id": _ids(Complaint.objects.filter(**ours), Complaint.objects.all()),
        "token_id": _ids(PersonalAccessToken.objects.filter(user=owner)),
        "claim_id": _ids(EnterpriseClaim.objects.all()),
        "document_id": _ids(ClaimDocument.objects.all()),
        "event_id": _ids(AuditEvent.objects.filter(enterprise_id=hangzhou.pk), AuditEvent.objects.all()),
        "name": sorted(ASSETS)[:1],
        "app_label": sorted({model._meta.app_label for model in admin.site._registry}),
        "content_type_id": [str(ContentType.objects.get_for_model(Enterprise).pk)],
        "object_id": [str(hangzhou.pk)],
        "id": [str(owner.pk)],
        "url": ["no-such-page/"],  # the admin's catch-all
        "slug": [*LibraryDocument.objects.order_by("pk").values_list("slug", flat=True)[:2], "no-such-doc"],
        "key": list(RuleLink.objects.order_by("pk").values_list("clause_key", flat=True)[:1]),
        "clause_id": list(Clause.objects.order_by("-pk").values_list("key", flat=True)[:1]),
        "link_id": _ids(RuleLink.objects.all()),
        "indicator_id": ["online_retail_sales", "enterprises_on_cloud", "no_such_indicator"],
        "value_id": _ids(IndicatorValue.objects.exclude(source_file=""), IndicatorValue.objects.all()),
        "target_id": _ids(
            MonitoringTarget.objects.filter(status="confirmed"), MonitoringTarget.objects.all()
        ),
        "entry_id": _ids(
            DesignationEntry.objects.filter(**ours),
            DesignationEntry.objects.filter(status="applied", region_code__startswith="3301"),
            DesignationEntry.objects.filter(kind="dt_benchmark", status="approved"),
            DesignationEntry.objects.exclude(region_code__startswith="3301"),
        ),
        "designation_evidence_id": _ids(
            DesignationEvidence.objects.filter(entry__enterprise=hangzhou),
            DesignationEvidence.objects.exclude(entry__enterprise=hangzhou),
        ),
        "worker_id": _ids(Worker.objects.filter(**ours), Worker.objects.exclude(**ours)),
        "investment_id": _ids(
            DigitalInvestment.objects.filter(**ours), DigitalInvestment.objects.exclude(**ours)
        ),
        "surplus_id": _ids(SurplusPost.objects.filter(**ours), SurplusPost.objects.exclude(**ours)),
        "demand_id": _ids(DemandPost.objects.filter(**ours), DemandPost.objects.exclude(**ours)),
        "agreement_id": _ids(
            Agreement.objects.filter(lender=hangzhou, status="active"),
            Agreement.objects.filter(lender=hangzhou, status="proposed"),
            Agreement.objects.exclude(lender=hangzhou),
        ),
    }
    values.update(_manufacturing_values(hangzhou))
    values.update(_supply_chain_values(hangzhou))
    values.update(_lending_values(hangzhou))
    # Closing a post is a POST; its GET is walked for both kinds under one name.
    values["post_id"] = values["surplus_id"] + values["demand_id"]
    values["token"] += [default_token_generator.make_token(owner)]  # password reset shares the name
    admin_objects = {
        f"{model._meta.app_label}/{model._meta.model_name}": _ids(model._default_manager.all()) or ["1"]
        for model in admin.site._registry
    }
    return Site(values, admin_objects)


def _manufacturing_values(hangzhou: Enterprise) -> dict[str, list[str]]:
    """Own and others' factories, machines, orders, plans and shares (the demo plans them)."""
    from funeng.apps.shared_manufacturing.models import Factory, FactoryShare, Machine, Order, Plan

    ours = {"enterprise": hangzhou}
    return {
        "factory_id": _ids(Factory.objects.filter(**ours), Factory.objects.exclude(**ours)),
        "machine_id": _ids(Machine.objects.filter(factory__enterprise=hangzhou), Machine.objects.all()),
        "order_id": _ids(Order.objects.filter(customer=hangzhou), Order.objects.exclude(customer=hangzhou)),
        "plan_id": _ids(
            Plan.objects.filter(order__customer=hangzhou),
            Plan.objects.filter(shares__factory__enterprise=hangzhou),
            Plan.objects.filter(status="superseded"),
            Plan.objects.exclude(order__customer=hangzhou),
        ),
        "share_id": _ids(
            FactoryShare.objects.filter(factory__enterprise=hangzhou), FactoryShare.objects.all()
        ),
    }


def _supply_chain_values(hangzhou: Enterprise) -> dict[str, list[str]]:
    """Receivables the owner supplies, owes and has offered to demo_bank, and others'; directory entries."""
    from funeng.apps.supply_chain.models import FinancingListing, Receivable

    return {
        "receivable_id": _ids(
            Receivable.objects.filter(supplier=hangzhou, status="submitted"),
            Receivable.objects.filter(supplier=hangzhou, status="offered"),
            Receivable.objects.filter(anchor=hangzhou),
            Receivable.objects.exclude(supplier=hangzhou).exclude(anchor=hangzhou),
        ),
        "listing_id": _ids(
            FinancingListing.objects.filter(enterprise=hangzhou),
            FinancingListing.objects.exclude(enterprise=hangzhou),
        ),
    }


def _lending_values(hangzhou: Enterprise) -> dict[str, list[str]]:
    """The owner's open and decided applications and its loan (demo_bank's products); none of others exist."""
    from funeng.apps.lending.models import Loan, LoanApplication, LoanProduct

    return {
        "product_id": _ids(LoanProduct.objects.filter(active=True), LoanProduct.objects.filter(kind="other")),
        "application_id": _ids(
            LoanApplication.objects.filter(enterprise=hangzhou, status="submitted"),
            LoanApplication.objects.filter(enterprise=hangzhou, status="approved"),
        ),
        "loan_id": _ids(Loan.objects.filter(enterprise=hangzhou)),
    }


@pytest.fixture(scope="module")
def site(django_db_setup: None, django_db_blocker: Any) -> Iterator[Site]:
    """The demo region, built once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            forget_catalogue()
            yield _build_site()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            forget_catalogue()


def _patterns(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            yield prefix, entry


def _fill(route: str, values: Callable[[str], list[str]]) -> list[str]:
    """The route with each <param> replaced, once per candidate (cycling the shorter lists)."""
    names = [m.group("name") for m in PARAM.finditer(route)]
    if not names:
        return [route]
    choices = {name: values(name) for name in names}
    width = max(len(v) for v in choices.values())
    return [
        PARAM.sub(lambda m, i=index: choices[m.group("name")][i % len(choices[m.group("name")])], route)
        for index in range(width)
    ]


def get_urls(site: Site) -> list[str]:
    """Every URL of the resolver, path parameters filled with the site's ids."""
    urls: list[str] = []
    for prefix, pattern in _patterns(get_resolver().url_patterns):
        model_key = "/".join(prefix.split("/")[1:3]) if prefix.startswith("admin/") else ""
        where = f"{prefix}{pattern.pattern}"

        def values(name: str, where: str = where, model_key: str = model_key) -> list[str]:
            if name == "object_id" and model_key in site.admin_objects:
                return site.admin_objects[model_key]
            if name not in site.values or not site.values[name]:
                raise AssertionError(f"no value for <{name}> in {where}: add one to the walk")
            return site.values[name]

        if isinstance(pattern.pattern, RoutePattern):
            route = str(pattern.pattern)
        elif isinstance(pattern.pattern, RegexPattern):
            regex = str(pattern.pattern)
            if regex == r"^.+$":  # the API's catch-all for unknown URLs
                route = "no-such-endpoint"
            else:
                named = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", regex)
                route = named.lstrip("^").rstrip("$")
                if re.search(r"[()\[\]*+?\\|]", route):
                    raise AssertionError(f"cannot fill the regex pattern {prefix}{regex}; teach the walk")
        else:  # pragma: no cover - Django has no third kind
            raise AssertionError(pattern)
        urls += ["/" + prefix + url for url in _fill(route, values)]
    # Query parameters that change what a view does (the rest only filter or page a list).
    for solution_id in site.values["solution_id"]:
        urls += [f"/matching/solutions/{solution_id}/?need={need_id}" for need_id in site.values["need_id"]]
    for demand_id in site.values["demand_id"]:
        urls += [
            f"/workforce/demand/{demand_id}/propose/?surplus={surplus.pk}&worker={worker_id}"
            for surplus in SurplusPost.objects.exclude(enterprise__demand_posts__pk=demand_id).order_by("pk")[
                :2
            ]
            for worker_id in surplus.workers.order_by("pk").values_list("pk", flat=True)[:1]
        ]
    return list(dict.fromkeys(urls))


def _table_counts() -> dict[str, int]:
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )
    counts = []
    for table in tables:
        if table in EXEMPT_TABLES or (table in APPEND_ONLY_LOGS and table not in COUNTED_ROWS):
            continue
        where = f" WHERE {COUNTED_ROWS[table]}" if table in COUNTED_ROWS else ""
        counts.append((table, f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)}{where})"))
    tables = [table for table, _ in counts]
    sql = "SELECT " + ", ".join(query for _, query in counts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("persona", PERSONAS, ids=[p.name for p in PERSONAS])
def test_it_changes_no_row_on_any_get(site: Site, persona: Persona, db: None) -> None:
    client = Client()
    if persona.username is not None:
        client.force_login(get_user_model().objects.get(username=persona.username))
    writes: list[str] = []

    def record_writes(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        match = WRITE.match(sql)
        if match and match.group("table") not in EXEMPT_TABLES:
            appended = match.group("verb").upper().startswith("INSERT")
            if not (appended and match.group("table") in APPEND_ONLY_LOGS):
                writes.append(f"{match.group('verb').split()[0].upper()} {match.group('table')}")
        return execute(sql, params, many, context)

    urls = get_urls(site)
    problems = []
    statuses: dict[int, int] = {}
    for url in urls:
        before = _table_counts()
        writes.clear()
        with connection.execute_wrapper(record_writes):
            response = client.get(url)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        after = _table_counts()
        changed = {table: after[table] - before[table] for table in before if after[table] != before[table]}
        if changed or writes:
            problems.append(
                f"GET {url} → {response.status_code}: rows {changed}, writes {sorted(set(writes))}"
            )
    assert statuses.get(200, 0) > 0, statuses
    assert problems == [], "\n".join(problems)
