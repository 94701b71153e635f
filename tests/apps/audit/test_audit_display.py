"""The audit log records real changes only, and reads them as labels, names and translated choices."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from funeng.apps.assessment.models import Assessment
from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.audit.selectors import change_lines
from funeng.apps.audit.services import audit_record, field_diff, snapshot
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.enterprises.services import enterprise_update
from funeng.apps.policies.models import PolicyRun
from tests.support.consents import grant, make_consent_world

pytestmark = pytest.mark.django_db

URL = "/audit/"


@pytest.fixture
def world(enterprise_fields):
    world = make_consent_world(enterprise_fields)
    enterprise_update(
        enterprise=world["a"],
        acting_user=None,
        main_business_growth_avg_2y=Decimal("0.209"),
        revenue_growth_avg_2y=Decimal("0.05"),
        srdi_level="municipal",
    )
    return world


def _page(client: Any, user: Any, language: str, **query: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(URL, query).content.decode()
    return re.sub(r"\s+", " ", html)


def _lines(event: AuditEvent, language: str) -> dict[str, str]:
    with translation.override(language):
        return {line.field: str(line) for line in change_lines(event)}


# ---------------------------------------------------------------- no noise


def test_saving_the_profile_form_unchanged_writes_no_audit_row(client, world):
    client.force_login(world["enterprise_a"])
    url = f"/enterprises/{world['a'].pk}/edit/"
    form = client.get(url).context["form"]
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    before = AuditEvent.objects.count()
    response = client.post(url, data)
    assert response.status_code == 302
    assert AuditEvent.objects.count() == before


def test_saving_the_same_figures_again_through_the_service_writes_no_row(world):
    fresh = Enterprise.objects.get(pk=world["a"].pk)
    assert fresh.main_business_growth_avg_2y == Decimal("0.209000")  # as the database returns it
    before = AuditEvent.objects.count()
    enterprise_update(
        enterprise=fresh,
        acting_user=world["enterprise_a"],
        main_business_growth_avg_2y=Decimal("0.209"),
        revenue_growth_avg_2y=Decimal("0.0500"),
        srdi_level="municipal",
    )
    assert AuditEvent.objects.count() == before


def test_a_real_change_of_a_decimal_is_still_recorded(world):
    fresh = Enterprise.objects.get(pk=world["a"].pk)
    enterprise_update(enterprise=fresh, acting_user=None, main_business_growth_avg_2y=Decimal("0.21"))
    event = AuditEvent.objects.latest("id")
    assert event.changes == {"main_business_growth_avg_2y": ["0.209000", "0.21"]}


def test_the_diff_treats_blank_as_none_and_a_set_of_codes_in_any_order_as_the_same():
    before = {"a": None, "b": ["profile", "financials"], "c": "x", "d": []}
    after = {"a": "", "b": ["financials", "profile"], "c": "y", "d": None}
    assert field_diff(before, after) == {"c": ["x", "y"]}


def test_the_diff_compares_decimals_by_their_number_and_stores_them_as_typed():
    before = {"ratio": Decimal("0.209000"), "code": "0710"}
    assert field_diff(before, {"ratio": Decimal("0.209"), "code": "0710"}) == {}
    assert field_diff(before, {"ratio": Decimal("0.21"), "code": "710"}) == {
        "ratio": ["0.209000", "0.21"],
        "code": ["0710", "710"],
    }


def test_a_snapshot_keeps_the_values_types_for_the_comparison(world):
    enterprise = Enterprise.objects.get(pk=world["a"].pk)
    taken = snapshot(enterprise, ["main_business_growth_avg_2y", "founded_on", "de_codes"])
    assert taken["main_business_growth_avg_2y"] == Decimal("0.209")
    assert isinstance(taken["founded_on"], dt.date) and isinstance(taken["de_codes"], list)


# ---------------------------------------------------------------- readable values


def test_a_choice_kept_by_the_engine_shows_its_translated_label(world):
    event = audit_record(
        actor=None,
        action=AuditAction.UPDATE,
        obj=world["a"],
        changes={"size_reason": ["decided", "missing_data"]},
    )
    assert _lines(event, "en")["size_reason"] == (
        "size class reason: Decided from the figures → Figures missing to decide"
    )
    assert _lines(event, "zh-hans")["size_reason"] == "划型依据: 已按数据判定 → 缺少判定所需数据"


def test_a_foreign_key_shows_the_related_objects_name_not_its_id(client, world, operator):
    consent = grant(world)
    event = AuditEvent.objects.filter(object_type="consents.consent", object_id=str(consent.pk)).get()
    lines = _lines(event, "en")
    assert lines["enterprise"] == f"enterprise: — → {world['a'].name} ({world['a'].credit_code})"
    assert lines["institution"].endswith(world["bank"].name)
    page = _page(client, operator, "zh-hans", object_type="consents.consent")
    assert f"{world['a'].name} ({world['a'].credit_code})" in page
    assert f"— → {world['a'].pk}<" not in page


def test_a_list_of_codes_shows_their_labels_joined(client, world, operator):
    grant(world, categories=["profile", "financials"])
    page = _page(client, operator, "en", object_type="consents.consent")
    assert "Registration profile, Financial figures" in page
    assert "[&quot;profile&quot;" not in page and '["profile"' not in page
    page = _page(client, operator, "zh-hans", object_type="consents.consent")
    with translation.override("zh-hans"):
        from funeng.apps.consents.const import DataCategory

        joined = f"{DataCategory.PROFILE.label}、{DataCategory.FINANCIALS.label}"
    assert joined in page


def test_the_csv_download_reads_changes_the_same_way(client, world, operator):
    grant(world, categories=["profile", "financials"])
    client.force_login(operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    raw = b"".join(client.get("/audit/export.csv", {"object_type": "consents.consent"}).streaming_content)
    text = raw.decode("utf-8-sig")
    assert "data categories: — → Registration profile, Financial figures" in text
    assert f"enterprise: — → {world['a'].name}" in text


def test_an_assessment_row_names_the_framework_and_round(world):
    assessment = Assessment.objects.create(
        enterprise=world["a"],
        framework_id="miit-2024-manufacturing",
        framework_family="miit-2024",
        framework_version="2024.1-funeng.1",
        engine_version="1",
        round_index=0,
    )
    event = audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=assessment,
        changes={
            "framework": [None, "miit-2024-manufacturing 2024.1-funeng.1"],
            "round": [None, "T0"],
            "status": [None, "submitted"],
        },
    )
    english = _lines(event, "en")
    assert "miit-2024-manufacturing" not in english["framework"]
    assert english["framework"].startswith("framework: ") and "2024.1-funeng.1" in english["framework"]
    assert english["status"] == "status: — → Submitted"
    chinese = _lines(event, "zh-hans")
    assert chinese["round"].startswith("轮次") and chinese["status"] == "状态: — → 已提交"
    assert "miit-2024-manufacturing" not in chinese["framework"]


def test_a_policy_run_names_its_programme(world):
    run = PolicyRun.objects.create(
        programme_id="srdi-national-little-giant", programme_version="1", as_of=dt.date(2025, 1, 1)
    )
    event = audit_record(
        actor=None, action=AuditAction.CREATE, obj=run, changes={"programme": [None, run.programme_id]}
    )
    line = _lines(event, "zh-hans")["programme"]
    assert "srdi-national-little-giant" not in line and "小巨人" in line
