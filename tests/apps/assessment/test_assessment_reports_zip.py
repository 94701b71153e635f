"""An official downloads the region's reports as PDFs in one archive, prepared by a background task."""

from __future__ import annotations

import io
import zipfile

import pytest

from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.tasks.models import TaskRun
from tests.support.assessment import make_world, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(enterprise_fields):
    return make_world(enterprise_fields)


def test_the_region_archive_holds_one_pdf_per_enterprise_of_the_region(client, world, run_tasks):
    submitted(world, enterprise="a")
    submitted(world, enterprise="b")  # Nanjing: not in the Hangzhou official's archive
    client.force_login(world["official"])
    response = client.post("/assessment/region/reports/", {"family": "miit-2024"})
    task = TaskRun.objects.get(kind="assessment.reports_pdf")
    assert response.url == f"/tasks/{task.pk}/" and task.region_code == "330100"
    assert run_tasks() == 1
    task.refresh_from_db()
    assert task.state == "done" and task.result["reports"] == 1
    assert f"/tasks/{task.pk}/file/" in client.get(f"/tasks/{task.pk}/").content.decode()
    download = client.get(f"/tasks/{task.pk}/file/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert names == [f"{world['a'].credit_code}-T0.pdf"]
    assert archive.read(names[0]).startswith(b"%PDF")
    assert AuditEvent.objects.filter(object_type="tasks.taskrun", action=AuditAction.EXPORT).count() == 1
    client.force_login(world["official_b"])
    assert client.get(f"/tasks/{task.pk}/file/").status_code == 404


def test_enterprises_cannot_ask_for_the_region_archive(client, world):
    client.force_login(world["enterprise_a"])
    assert client.post("/assessment/region/reports/", {"family": "miit-2024"}).status_code == 403
    assert not TaskRun.objects.exists()
