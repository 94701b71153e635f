"""Helpers shared by the assessment tests (no tests here): a world of personas and valid answers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engines.maturity import Framework, get_framework
from funeng.apps.assessment.models import Assessment
from funeng.apps.assessment.services import assessment_answers_save, assessment_start, assessment_submit
from funeng.apps.consents.models import FinancialInstitution
from funeng.apps.consents.services import consent_grant
from tests.support.personas import (
    approved_provider,
    banker,
    colleague,
    enterprise_admin,
    official,
    person,
    provider_user,
    two_enterprises,
)

MANUFACTURING = "miit-2024-manufacturing"

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def xlsx_bytes(*, macros: bool = False) -> bytes:
    """A ZIP with the parts that make it a workbook (optionally a VBA project, as in .xlsm)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        if macros:
            archive.writestr("xl/vbaProject.bin", b"\x00\x01")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def answers_for(framework: Framework, strength: float = 0.7) -> dict[str, object]:
    """A complete, valid response; strength 0..1 picks weaker or stronger answers."""
    answers: dict[str, object] = {}
    for q in framework.questions:
        if q.type == "single":
            options = sorted(q.options, key=lambda o: o.score)
            answers[q.id] = options[min(int(strength * len(options)), len(options) - 1)].id
        elif q.type == "multiple":
            plain = [o.id for o in q.options if not o.exclusive]
            answers[q.id] = plain[: max(1, round(strength * len(plain)))]
        elif q.type == "number":
            high = q.max_value if q.max_value is not None else 100.0
            answers[q.id] = round(strength * high * 0.9, 1)
        elif q.type == "before_after":
            change = 1 - strength * 0.3 if q.direction == "decrease" else 1 + strength * 0.3
            before = 50.0
            after = before * change
            if q.max_value is not None:
                after = min(after, q.max_value)
            answers[q.id] = {"before": before, "after": round(after, 2)}
        else:
            answers[q.id] = min(4, max(0, round(strength * 4)))
    return answers


def make_world(enterprise_fields) -> dict[str, Any]:
    """A: Hangzhou manufacturer; B: Nanjing software firm; people of every role, including refused ones."""
    a, b = two_enterprises(enterprise_fields)
    bank = FinancialInstitution.objects.create(name="甲银行杭州分行")
    other_bank = FinancialInstitution.objects.create(name="乙银行")
    world: dict[str, Any] = {
        "a": a,
        "b": b,
        "enterprise_a": enterprise_admin("ea", a),
        "enterprise_a_colleague": colleague("ea2", a),
        "enterprise_b": enterprise_admin("eb", b),
        "official": official("gov_hz", "330100"),
        "official_province": official("gov_zj", "330000"),
        "official_b": official("gov_nj", "320100"),
        "banker": banker("banker", bank),
        "banker_profile_only": banker("banker2", other_bank),
        "provider": provider_user("prov", approved_provider()),
        "admin": person("alice", is_staff=True),
        "outsider": person("charlie"),
    }
    today = timezone.localdate()
    consent_grant(
        actor=world["enterprise_a"],
        enterprise=a,
        institution=bank,
        categories=["profile", "digital"],
        valid_until=today + dt.timedelta(days=60),
    )
    consent_grant(
        actor=world["enterprise_a"],
        enterprise=a,
        institution=other_bank,
        categories=["profile", "financials"],
        valid_until=today + dt.timedelta(days=60),
    )
    return world


def started(world: dict[str, Any], *, enterprise: str = "a", framework_id: str = MANUFACTURING) -> Assessment:
    return assessment_start(
        enterprise=world[enterprise], framework_id=framework_id, acting_user=world[f"enterprise_{enterprise}"]
    )


def submitted(
    world: dict[str, Any], *, enterprise: str = "a", strength: float = 0.7, framework_id: str = MANUFACTURING
) -> Assessment:
    """A round answered completely at `strength` and submitted."""
    user = world[f"enterprise_{enterprise}"]
    assessment = started(world, enterprise=enterprise, framework_id=framework_id)
    assessment_answers_save(
        assessment=assessment, answers=answers_for(get_framework(framework_id), strength), acting_user=user
    )
    assessment_submit(assessment=assessment, acting_user=user)
    assessment.refresh_from_db()
    return assessment
