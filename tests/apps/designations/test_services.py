"""Apply, nominate, decide, exit, withdraw: who may, in which state, and the audit row each leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from funeng.apps.audit.models import AuditEvent
from funeng.apps.designations.const import EntryStatus, Route
from funeng.apps.designations.models import DesignationEntry, DesignationEvidence
from funeng.apps.designations.services import (
    designation_apply,
    designation_decide,
    designation_exit,
    designation_nominate,
    designation_withdraw,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def events(entry):
    return list(
        AuditEvent.objects.filter(
            object_type="designations.designationentry", object_id=str(entry.pk)
        ).order_by("pk")
    )


def apply(world, **overrides):
    fields = {
        "actor": world["enterprise_a"],
        "enterprise": world["a"],
        "kind": "cloud_benchmark",
        "title": "设备联网上云",
        "summary": "二十台注塑机联网，数据集成上云。",
    }
    fields.update(overrides)
    return designation_apply(**fields)


def test_it_lets_a_member_apply_with_solutions_and_evidence_and_audits_it(world):
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    entry = apply(world, solutions=[world["published"]], evidence_files=[upload])
    assert (entry.status, entry.route, entry.region_code) == (
        EntryStatus.APPLIED,
        Route.APPLICATION,
        "330106",
    )
    assert list(entry.solutions.all()) == [world["published"]]
    evidence = DesignationEvidence.objects.get(entry=entry)
    assert evidence.name == "证明.pdf" and evidence.kind == "pdf" and len(evidence.sha256) == 64
    assert evidence.file.name.startswith("designations/") and "证明" not in evidence.file.name
    rows = events(entry)
    assert rows[0].action == "create" and rows[0].changes["kind"] == [None, "cloud_benchmark"]
    assert "evidence" in rows[1].changes and rows[0].enterprise_id == world["a"].pk


def test_a_colleague_may_apply_too(world):
    assert apply(world, actor=world["enterprise_a_colleague"]).applied_by == world["enterprise_a_colleague"]


def test_a_double_submit_gives_one_entry_and_a_clear_message(world):
    apply(world)
    with pytest.raises(ValidationError) as caught:
        apply(world)
    message = " ".join(caught.value.messages)
    assert world["a"].name in message and ("already has an application" in message or "已有" in message)
    assert DesignationEntry.objects.filter(enterprise=world["a"], kind="cloud_benchmark").count() == 1


def test_a_nomination_while_an_application_is_open_is_refused(world):
    apply(world)
    with pytest.raises(ValidationError):
        designation_nominate(
            actor=world["official"], enterprise=world["a"], kind="cloud_benchmark", title="提名"
        )
    assert DesignationEntry.objects.count() == 1


def test_another_kind_or_a_new_application_after_rejection_is_allowed(world):
    first = apply(world)
    designation_decide(actor=world["official"], entry=first, approve=False, reason="材料不全")
    apply(world)
    apply(world, kind="future_factory")
    assert DesignationEntry.objects.count() == 3


@pytest.mark.parametrize("who", ["enterprise_b", "official", "provider", "banker", "outsider"])
def test_only_a_member_of_the_enterprise_may_apply(world, who):
    with pytest.raises(PermissionDenied):
        apply(world, actor=world[who])
    assert not DesignationEntry.objects.exists()


def test_it_refuses_a_draft_solution_an_unknown_kind_and_an_empty_title(world):
    with pytest.raises(ValidationError) as caught:
        apply(world, solutions=[world["draft"]])
    assert "solutions" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        apply(world, kind="no_such_list", title="  ")
    assert set(caught.value.message_dict) == {"kind", "title"}
    assert not DesignationEntry.objects.exists()


def test_it_refuses_evidence_that_is_not_a_document_by_its_bytes(world):
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        apply(world, evidence_files=[fake])
    assert "scan.pdf" in " ".join(caught.value.messages)
    assert not DesignationEntry.objects.exists() and not DesignationEvidence.objects.exists()


def test_an_official_of_the_region_nominates_and_one_of_another_region_may_not(world):
    entry = designation_nominate(
        actor=world["official_province"], enterprise=world["a"], kind="future_factory", title="未来工厂试点"
    )
    assert entry.route == Route.NOMINATION and entry.status == EntryStatus.APPLIED
    with pytest.raises(PermissionDenied):
        designation_nominate(actor=world["official_b"], enterprise=world["a"], kind="dt_benchmark", title="x")
    with pytest.raises(PermissionDenied):
        designation_nominate(
            actor=world["enterprise_a"], enterprise=world["a"], kind="dt_benchmark", title="x"
        )
    designation_nominate(actor=world["admin"], enterprise=world["b"], kind="dt_benchmark", title="标杆")
    assert events(entry)[0].actor == world["official_province"]


def test_approval_lists_from_the_decision_date_by_default_and_is_audited(world):
    entry = apply(world)
    moment = dt.datetime(2025, 3, 4, 10, tzinfo=dt.UTC)
    decided = designation_decide(actor=world["official"], entry=entry, approve=True, now=moment)
    assert decided.status == EntryStatus.APPROVED and decided.valid_from == dt.date(2025, 3, 4)
    assert decided.decided_by == world["official"]
    change = events(entry)[-1].changes
    assert change["status"] == ["applied", "approved"] and change["valid_from"] == [None, "2025-03-04"]


def test_approval_takes_a_given_valid_from(world):
    entry = designation_decide(
        actor=world["official"], entry=apply(world), approve=True, valid_from=dt.date(2024, 1, 1)
    )
    assert entry.valid_from == dt.date(2024, 1, 1)


def test_rejection_needs_a_reason(world):
    entry = apply(world)
    with pytest.raises(ValidationError) as caught:
        designation_decide(actor=world["official"], entry=entry, approve=False, reason=" ")
    assert "reason" in caught.value.message_dict
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPLIED
    rejected = designation_decide(actor=world["official"], entry=entry, approve=False, reason="未达标")
    assert rejected.status == EntryStatus.REJECTED and rejected.valid_from is None


@pytest.mark.parametrize("who", ["official_b", "enterprise_a", "provider", "banker", "outsider"])
def test_only_an_official_of_the_region_or_an_operator_decides(world, who):
    entry = apply(world)
    with pytest.raises(PermissionDenied):
        designation_decide(actor=world[who], entry=entry, approve=True)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPLIED


def test_a_decided_entry_cannot_be_decided_again(world):
    entry = designation_decide(actor=world["official"], entry=apply(world), approve=True)
    with pytest.raises(ValidationError):
        designation_decide(actor=world["admin"], entry=entry, approve=False, reason="改判")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED


def test_an_approved_entry_exits_with_a_reason_and_a_later_date(world):
    entry = designation_decide(
        actor=world["official"], entry=apply(world), approve=True, valid_from=dt.date(2023, 5, 1)
    )
    with pytest.raises(ValidationError) as caught:
        designation_exit(actor=world["official"], entry=entry, reason="", exited_at=dt.date(2023, 1, 1))
    assert set(caught.value.message_dict) == {"reason", "exited_at"}
    exited = designation_exit(
        actor=world["official"], entry=entry, reason="企业迁出本省", exited_at=dt.date(2025, 6, 30)
    )
    assert exited.status == EntryStatus.EXITED and exited.exited_at == dt.date(2025, 6, 30)
    assert events(entry)[-1].changes["status"] == ["approved", "exited"]
    with pytest.raises(ValidationError):
        designation_exit(actor=world["official"], entry=exited, reason="再次", exited_at=dt.date(2026, 1, 1))


def test_an_application_cannot_exit_and_an_enterprise_cannot_exit_itself(world):
    entry = apply(world)
    with pytest.raises(ValidationError):
        designation_exit(actor=world["official"], entry=entry, reason="x", exited_at=dt.date(2026, 1, 1))
    approved = designation_decide(actor=world["official"], entry=entry, approve=True)
    with pytest.raises(PermissionDenied):
        designation_exit(
            actor=world["enterprise_a"], entry=approved, reason="x", exited_at=dt.date(2030, 1, 1)
        )


def test_the_enterprise_withdraws_while_applied_only(world):
    entry = apply(world)
    with pytest.raises(PermissionDenied):
        designation_withdraw(actor=world["enterprise_b"], entry=entry)
    with pytest.raises(PermissionDenied):
        designation_withdraw(actor=world["official"], entry=entry)
    withdrawn = designation_withdraw(actor=world["enterprise_a_colleague"], entry=entry)
    assert withdrawn.status == EntryStatus.WITHDRAWN
    assert events(entry)[-1].changes == {"status": ["applied", "withdrawn"]}
    with pytest.raises(ValidationError):
        designation_withdraw(actor=world["enterprise_a"], entry=withdrawn)
    apply(world)  # a withdrawn application leaves room for a new one


def test_an_approved_entry_cannot_be_withdrawn(world):
    entry = designation_decide(actor=world["official"], entry=apply(world), approve=True)
    with pytest.raises(ValidationError):
        designation_withdraw(actor=world["enterprise_a"], entry=entry)
