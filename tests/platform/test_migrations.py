"""Migrations keep the data: a database written before a migration reads the same after it.

Each test migrates the test database back to the state it describes, writes rows through the
historical models of that state, and migrates forward again to the latest state.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from funeng.apps.audit.models import AuditEvent
from funeng.apps.consents.models import Consent, ConsentRead, FinancialInstitution
from funeng.apps.core.models import Membership
from funeng.apps.matching.models import Solution
from funeng.apps.providers.models import Provider

# Before the scope columns of the audit log and before consents and providers left accounts.
BEFORE_SCOPE = [("audit", "0001_initial"), ("accounts", "0003_verbose_names"), ("matching", "0001_initial")]
BEFORE_MOVE = [
    ("audit", "0002_scope_columns"),
    ("accounts", "0003_verbose_names"),
    ("matching", "0001_initial"),
    ("core", None),
    ("consents", None),
    ("providers", None),
]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The state of exactly what is applied now (a target "app, None" unapplies the whole app).
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


@pytest.fixture
def at_latest_afterwards():
    """Whatever a test does to the schema, the next test finds the latest one."""
    yield
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def _old_world(apps):
    """Rows as the platform wrote them before the move: tenants, a consent, a read, a solution."""
    user = apps.get_model("auth", "User").objects.create(username="old-admin")
    enterprise = apps.get_model("enterprises", "Enterprise").objects.create(
        credit_code="91330106MA2H00001K",
        name="旧企业",
        industry_code="3911",
        region_code="330106",
    )
    bank = apps.get_model("accounts", "FinancialInstitution").objects.create(name="旧银行")
    provider = apps.get_model("accounts", "Provider").objects.create(
        name="旧服务商", credit_code="91320102MA1X00002D", region_code="320102", vetting_state="approved"
    )
    membership = apps.get_model("accounts", "Membership").objects.create(
        user=user, role="enterprise", enterprise=enterprise, is_enterprise_admin=True
    )
    consent = apps.get_model("accounts", "Consent").objects.create(
        enterprise=enterprise,
        institution=bank,
        categories=["profile"],
        valid_until=date(2030, 1, 1),
        granted_by=user,
    )
    read = apps.get_model("accounts", "ConsentRead").objects.create(
        consent=consent, reader=user, categories=["profile"], channel="web"
    )
    solution = apps.get_model("matching", "Solution").objects.create(provider=provider, title="旧方案")
    return {
        "user": user,
        "enterprise": enterprise,
        "bank": bank,
        "provider": provider,
        "membership": membership,
        "consent": consent,
        "read": read,
        "solution": solution,
    }


def test_the_audit_migration_scopes_rows_written_before_it(at_latest_afterwards):
    apps = _migrate(BEFORE_SCOPE)
    world = _old_world(apps)
    events = apps.get_model("audit", "AuditEvent")._default_manager
    bare = [
        events.create(
            action="update", object_type="enterprises.enterprise", object_id=str(world["enterprise"].pk)
        ),
        events.create(action="create", object_type="accounts.consent", object_id=str(world["consent"].pk)),
        events.create(action="create", object_type="accounts.provider", object_id=str(world["provider"].pk)),
        events.create(action="create", object_type="enterprises.enterprise", object_id="999999"),
    ]
    apps = _migrate(BEFORE_MOVE)
    events = apps.get_model("audit", "AuditEvent")._default_manager
    scopes = [events.filter(pk=e.pk).values_list("region_code", "enterprise_id").get() for e in bare]
    enterprise_id = world["enterprise"].pk
    assert scopes == [("330106", enterprise_id), ("330106", enterprise_id), ("320102", None), ("", None)]


def test_moving_consents_providers_and_memberships_out_of_accounts_keeps_every_row(at_latest_afterwards):
    apps = _migrate(BEFORE_MOVE)
    world = _old_world(apps)
    content_types = apps.get_model("contenttypes", "ContentType").objects
    old_types = {
        model: content_types.get_or_create(app_label="accounts", model=model)[0].pk
        for model in ("provider", "consent", "membership")
    }
    apps.get_model("audit", "AuditEvent")._default_manager.create(
        action="create", object_type="accounts.provider", object_id=str(world["provider"].pk)
    )

    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    provider = Provider.objects.get(pk=world["provider"].pk)
    assert (provider.name, provider.vetting_state) == ("旧服务商", "approved")
    assert Solution.objects.get(pk=world["solution"].pk).provider == provider
    assert FinancialInstitution.objects.get(pk=world["bank"].pk).name == "旧银行"
    consent = Consent.objects.get(pk=world["consent"].pk)
    assert (consent.enterprise_id, consent.institution_id) == (world["enterprise"].pk, world["bank"].pk)
    assert ConsentRead.objects.get(pk=world["read"].pk).consent == consent
    membership = Membership.objects.get(pk=world["membership"].pk)
    assert (membership.user_id, membership.enterprise_id, membership.is_enterprise_admin) == (
        world["user"].pk,
        world["enterprise"].pk,
        True,
    )
    # Content types keep their ids (permissions and admin history stay attached) under the new label.
    assert ContentType.objects.get_for_model(Provider).pk == old_types["provider"]
    assert ContentType.objects.get_for_model(Consent).pk == old_types["consent"]
    assert ContentType.objects.get_for_model(Membership).pk == old_types["membership"]
    assert AuditEvent.objects.filter(object_type="providers.provider", object_id=str(provider.pk)).exists()
    assert not AuditEvent.objects.filter(object_type__startswith="accounts.provider").exists()
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    assert {"providers_provider", "consents_consent", "core_membership"} <= tables
    assert not {"accounts_provider", "accounts_consent", "accounts_membership"} & tables
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def test_years_in_the_niche_become_the_date_they_were_reached(at_latest_afterwards):
    """0004: N whole years in the niche become the date N years before today, so no answer changes."""
    from django.utils import timezone

    from engines.rules.evaluate import years_before

    apps = _migrate([("enterprises", "0003_market_rank_and_record")])
    old = apps.get_model("enterprises", "Enterprise")
    fields = {"industry_code": "3911", "region_code": "330106"}
    old.objects.create(credit_code="91330106MA2H00001K", name="三年企业", niche_market_years=3, **fields)
    old.objects.create(credit_code="91320102MA1X00002D", name="未填企业", **fields)
    new = _migrate([("enterprises", "0004_niche_market_since")]).get_model("enterprises", "Enterprise")
    today = timezone.localdate()
    three, blank = new.objects.order_by("name")
    assert (three.name, three.niche_market_since) == ("三年企业", years_before(today, 3))
    assert blank.niche_market_since is None
