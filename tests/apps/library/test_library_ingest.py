"""Ingesting into the library: one transaction, versions, double submits, bad files, who may, the audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engines.library.model import Metadata
from funeng.apps.audit.models import AuditEvent
from funeng.apps.library.models import Clause, DocumentVersion, Measure, PolicyDocument, Target
from funeng.apps.library.services import document_ingest, document_metadata_update
from tests.support.library import PLAN_ID, PLAN_V1, PLAN_V2
from tests.support.personas import enterprise_admin, official

pytestmark = pytest.mark.django_db

HANGZHOU = Metadata(region_code="330100", level="municipal")


def _ingest(text: str, actor=None, **kwargs):
    return document_ingest(actor=actor, raw=text.encode("utf-8"), slug=PLAN_ID, filename="plan.txt", **kwargs)


def test_a_plan_is_stored_with_its_clauses_measures_and_targets():
    outcome = _ingest(PLAN_V1)
    document = outcome.document
    assert (document.title, document.doc_number, document.issuers) == (
        "关于印发测试市数字赋能行动计划的通知",
        "测政发〔2021〕12号",
        ["测试市人民政府"],
    )
    assert (outcome.clauses, outcome.measures, outcome.targets) == (8, 3, 4)
    measure = Measure.objects.get(document=document, no=2)
    assert (measure.title, measure.lead_unit, measure.units) == (
        "创新“云量贷”服务",
        "市金融办",
        ["市金融办", "市经信局"],
    )
    target = measure.targets.get()
    assert (target.value, target.unit, target.year, target.op, target.what) == (
        10**9,
        "元",
        2023,
        ">=",
        "云量贷规模",
    )
    # The target of part 一 belongs to no measure.
    assert Target.objects.filter(document=document, measure__isnull=True).count() == 1
    assert Clause.objects.get(key=f"{PLAN_ID}/二/(一)/2").heading == "创新“云量贷”服务"
    assert (
        AuditEvent.objects.filter(object_type="library.policydocument", object_id=str(document.pk)).count()
        == 1
    )


def test_the_same_text_again_stores_nothing_and_a_changed_one_is_the_next_version():
    first = _ingest(PLAN_V1)
    again = _ingest(PLAN_V1)
    assert again.changed is False and DocumentVersion.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="library.policydocument").count() == 1
    second = _ingest(PLAN_V2)
    assert second.changed and second.document.pk == first.document.pk and second.document.version == 2
    assert second.measures == 4 and Measure.objects.filter(document=first.document).count() == 4
    assert list(DocumentVersion.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert Target.objects.get(clause_key=f"{PLAN_ID}/二/(一)/2").value == 2 * 10**9
    update = AuditEvent.objects.filter(object_type="library.policydocument").order_by("-id").first()
    assert update.changes["version"] == [1, 2]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\x00\x01\x02\x03PK\x03\x04" * 50, "binary"),
        (b"   \n\n  ", "empty"),
        (b"\xff\xfe\xfd\xfc" * 100, "encoding"),
    ],
)
def test_an_unreadable_file_is_refused_with_the_reason_and_nothing_is_stored(raw, reason):
    _ingest(PLAN_V1)
    with pytest.raises(ValidationError) as refused:
        document_ingest(actor=None, raw=raw, slug=PLAN_ID, filename="bad.txt")
    assert "bad.txt" in refused.value.message_dict["file"][0]
    assert DocumentVersion.objects.count() == 1 and PolicyDocument.objects.get().version == 1
    assert Clause.objects.count() == 8


def test_officials_manage_documents_of_their_region_only():
    hangzhou = official("hz", "330100")
    nanjing = official("nj", "320100")
    with pytest.raises(PermissionDenied):
        _ingest(PLAN_V1, actor=nanjing, metadata=HANGZHOU)
    assert not PolicyDocument.objects.exists()
    document = _ingest(PLAN_V1, actor=hangzhou, metadata=HANGZHOU).document
    # A national document is the operators' to manage.
    with pytest.raises(PermissionDenied):
        document_ingest(
            actor=hangzhou, raw=PLAN_V1.encode(), slug="national-one", metadata=Metadata(title="国家文件")
        )
    with pytest.raises(PermissionDenied):
        _ingest(PLAN_V2, actor=nanjing)
    with pytest.raises(PermissionDenied):
        document_metadata_update(actor=nanjing, document=document, title="改名")
    with pytest.raises(PermissionDenied):
        document_metadata_update(actor=hangzhou, document=document, region_code="320100")
    assert PolicyDocument.objects.get().version == 1


def test_an_enterprise_user_cannot_ingest(enterprise_fields):
    from funeng.apps.enterprises.services import enterprise_create

    enterprise = enterprise_create(acting_user=None, **enterprise_fields())
    with pytest.raises(PermissionDenied):
        _ingest(PLAN_V1, actor=enterprise_admin("ea", enterprise), metadata=HANGZHOU)


def test_a_metadata_edit_is_audited_and_clears_the_provisional_mark():
    hangzhou = official("hz", "330100")
    document = _ingest(
        PLAN_V1, actor=hangzhou, metadata=HANGZHOU, provisional=frozenset({"validity", "level"})
    ).document
    assert document.provisional == ["level", "validity"]
    document = document_metadata_update(actor=hangzhou, document=document, validity="in_force")
    assert document.provisional == ["level"] and document.validity == "in_force"
    event = AuditEvent.objects.filter(object_type="library.policydocument").order_by("-id").first()
    assert event.changes["validity"] == ["unknown", "in_force"]
    with pytest.raises(ValidationError) as refused:
        document_metadata_update(actor=hangzhou, document=document, title="  ")
    assert "title" in refused.value.message_dict


def test_a_clause_shows_its_text_without_repeating_a_heading_line():
    _ingest(PLAN_V1)
    part = Clause.objects.get(key=f"{PLAN_ID}/一")
    assert part.text.startswith("一、总体要求") and part.body.startswith("到2023年")
    assert Clause.objects.get(key=f"{PLAN_ID}/二").body == ""
    item = Clause.objects.get(key=f"{PLAN_ID}/二/(一)/1")
    assert item.body == item.text  # the heading runs on into the measure's text
