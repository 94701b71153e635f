"""Targets come from the library as proposals; only an official of the region confirms them (audited)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.library.extract import extract_targets
from engines.library.manifest import document_for, load_manifest
from engines.monitoring.indicators import load_indicators
from funeng.apps.audit.models import AuditEvent
from funeng.apps.monitoring.models import MonitoringTarget, TargetStatus
from funeng.apps.monitoring.selectors import target_rows, targets_for_region
from funeng.apps.monitoring.services import (
    ValueInput,
    target_confirm,
    target_reject,
    targets_propose_from_library,
    value_report,
)
from tests.support.monitoring import monitoring_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(enterprise_fields):
    return monitoring_world(enterprise_fields)


def test_every_numeric_target_of_both_plans_is_proposed_with_its_clause_and_lead_unit(world):
    entries = {e.id: e for e in load_manifest()}
    expected = len(extract_targets(document_for(entries["zj-2020-digital-empowerment"]))) + len(
        extract_targets(document_for(entries["sc-2021-14th-digital-economy"]))
    )
    assert world.proposed == MonitoringTarget.objects.count() == expected
    assert set(MonitoringTarget.objects.values_list("status", flat=True)) == {TargetStatus.PROPOSED}
    beacons = world.target("cloud_benchmark_enterprises")
    assert (beacons.target_value, beacons.target_year, beacons.unit) == (Decimal(400), 2022, "家")
    assert beacons.clause_key == "zj-2020-digital-empowerment/二/(一)/1"
    assert beacons.lead_unit == "省经信厅"
    assert "400" in beacons.source_text


def test_the_national_target_carries_the_baseline_the_plan_states(world):
    share = world.target("de_core_value_added_gdp_share", "000000")
    assert (share.target_value, share.target_year) == (Decimal(10), 2025)
    assert (share.baseline_year, share.baseline_value) == (2020, Decimal("7.8"))
    assert share.baseline_source == "sc-2021-14th-digital-economy/一/(一)"


def test_proposing_again_adds_nothing(world):
    assert targets_propose_from_library() == 0


def test_every_library_target_an_indicator_names_exists(world):
    refs = [(i.id, r) for i in load_indicators().values() for r in i.library_targets]
    assert len(refs) == MonitoringTarget.objects.count()


def test_a_proposed_target_does_not_count_for_progress_until_confirmed(world):
    assert targets_for_region("330100") == []
    target = world.target("online_retail_sales")
    target_confirm(
        actor=world.province,
        target=target,
        baseline_year=2020,
        baseline_value=Decimal("2e12"),
        target_year=2022,
        target_value=target.target_value,
    )
    assert [t.pk for t in targets_for_region("330100")] == [
        target.pk
    ]  # the province's target applies to its city


def test_confirming_is_for_the_region_s_officials_and_is_audited_once(world):
    target = world.target("online_retail_sales")
    for stranger in (world.city, world.other, world.alice):
        with pytest.raises(PermissionDenied):
            target_confirm(
                actor=stranger,
                target=target,
                baseline_year=None,
                baseline_value=None,
                target_year=2022,
                target_value=Decimal(1),
            )
    before = AuditEvent.objects.count()
    for _ in range(2):  # a double submit confirms once
        target_confirm(
            actor=world.province,
            target=target,
            baseline_year=2020,
            baseline_value=Decimal("1.5e12"),
            target_year=2022,
            target_value=Decimal("2.6e12"),
            note="checked",
        )
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.changes["status"] == ["proposed", "confirmed"]
    target.refresh_from_db()
    assert target.status == TargetStatus.CONFIRMED and target.decided_by == world.province


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"baseline_year": 2023, "baseline_value": Decimal(1)}, "baseline_year"),
        ({"baseline_year": 2020, "baseline_value": None}, "baseline_value"),
        ({"target_year": 1990}, "target_year"),
        ({"target_value": Decimal("1e30")}, "target_value"),
    ],
)
def test_a_confirmation_with_impossible_figures_is_refused_and_changes_nothing(world, fields, field):
    target = world.target("online_retail_sales")
    args = {"baseline_year": None, "baseline_value": None, "target_year": 2022, "target_value": Decimal(5)}
    args.update(fields)
    with pytest.raises(ValidationError) as error:
        target_confirm(actor=world.province, target=target, **args)
    assert field in error.value.message_dict
    target.refresh_from_db()
    assert target.status == TargetStatus.PROPOSED and target.target_value == Decimal("2.6e12")


def test_a_rejection_needs_a_reason(world):
    target = world.target("open_datasets")
    with pytest.raises(ValidationError):
        target_reject(actor=world.province, target=target, note="  ")
    target_reject(actor=world.province, target=target, note="数据集口径不同")
    target.refresh_from_db()
    assert target.status == TargetStatus.REJECTED


def test_progress_follows_the_exact_method_on_reported_values(world):
    target = world.target("open_datasets")  # 10000 个 by 2022
    target_confirm(
        actor=world.province,
        target=target,
        baseline_year=2020,
        baseline_value=Decimal(6400),
        target_year=2022,
        target_value=target.target_value,
    )
    value_report(
        actor=world.province, item=ValueInput("open_datasets", "330000", 2021, Decimal(7200), "公报")
    )
    (row,) = [r for r in target_rows(targets_for_region("330000")) if r.target.pk == target.pk]
    # r_o = 7200/6400 - 1 = 0.125; r_r = (10000/6400)^(1/2) - 1 = 0.25; R = 0.5 → limited
    assert row.progress.status == "limited"
    assert row.progress.ratio == pytest.approx(0.5)
    assert row.latest == (2021, Decimal(7200)) and row.baseline == (2020, Decimal(6400))
    assert row.target.lead_unit == "省大数据局"
    value_report(
        actor=world.province, item=ValueInput("open_datasets", "330000", 2022, Decimal(10000), "公报")
    )
    (row,) = [r for r in target_rows(targets_for_region("330000")) if r.target.pk == target.pk]
    assert row.progress.status == "achieved"


def test_without_a_baseline_the_first_value_on_record_is_used_and_none_means_no_data(world):
    target = world.target("mobile_payment_coverage")
    target_confirm(
        actor=world.province,
        target=target,
        baseline_year=None,
        baseline_value=None,
        target_year=2022,
        target_value=target.target_value,
    )
    (row,) = [r for r in target_rows([target])]
    assert row.progress.status == "no_data" and row.baseline is None
    value_report(
        actor=world.province, item=ValueInput("mobile_payment_coverage", "330000", 2020, Decimal(80), "公报")
    )
    value_report(
        actor=world.province, item=ValueInput("mobile_payment_coverage", "330000", 2021, Decimal(85), "公报")
    )
    (row,) = target_rows([target])
    assert row.baseline == (2020, Decimal(80)) and row.baseline_from_series
    assert row.progress.status == "on_track"  # +6.25 % a year observed vs (90/80)^(1/2)-1 = 6.07 % required
    assert MonitoringTarget.objects.get(pk=target.pk).baseline_value is None


def test_a_city_sets_its_own_target_which_counts_at_once_and_rolls_up_to_the_province(world):
    from funeng.apps.monitoring.selectors import rollup_by_region
    from funeng.apps.monitoring.services import target_create

    value_report(actor=world.city, item=ValueInput("open_datasets", "330100", 2020, Decimal(500), "杭州公报"))
    value_report(actor=world.city, item=ValueInput("open_datasets", "330100", 2022, Decimal(520), "杭州公报"))
    before = AuditEvent.objects.count()
    target = target_create(
        actor=world.city,
        indicator_key="open_datasets",
        region_code="330100",
        baseline_year=2020,
        baseline_value=Decimal(500),
        target_year=2025,
        target_value=Decimal(1000),
        lead_unit="市数据资源局",
        source_text="杭州市数字经济规划",
        co_units=["市经信局", " "],
    )
    assert target.status == TargetStatus.CONFIRMED and target.co_units == ["市经信局"]
    assert AuditEvent.objects.count() == before + 2  # created, then confirmed
    (row,) = target_rows([target])
    assert row.progress.status == "limited"  # +2 % a year observed against +14.9 % required
    assert rollup_by_region("330000") == [("330100", {"limited": 1}, 1)]
    with pytest.raises(ValidationError) as error:
        target_create(
            actor=world.city,
            indicator_key="open_datasets",
            region_code="330000",
            baseline_year=None,
            baseline_value=None,
            target_year=2025,
            target_value=Decimal(1),
            lead_unit="x",
            source_text="x",
        )
    assert "region_code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        target_create(
            actor=world.city,
            indicator_key="open_datasets",
            region_code="330100",
            baseline_year=None,
            baseline_value=None,
            target_year=2025,
            target_value=Decimal(1),
            lead_unit="x",
            source_text="x",
        )
    assert "target_year" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        target_create(
            actor=world.alice,
            indicator_key="open_datasets",
            region_code="330106",
            baseline_year=None,
            baseline_value=None,
            target_year=2025,
            target_value=Decimal(1),
            lead_unit="x",
            source_text="x",
        )
