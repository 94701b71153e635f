"""The import page: operators upload and get a report; everyone else gets a 404."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funeng.apps.audit.models import AuditAction, AuditEvent
from funeng.apps.enterprises.models import Enterprise
from funeng.apps.tasks.models import TaskRun
from tests.apps.enterprises.test_import_cli import counts, valid_row, write_csv

pytestmark = pytest.mark.django_db

URL = reverse("enterprises:import")


def _import(client, data, run_tasks):
    """Post the form (the work is queued), let the worker run it, and open the task's page."""
    posted = client.post(URL, data)
    task = TaskRun.objects.get(kind="enterprises.import", state="queued")
    assert posted.status_code == 302 and posted.url == f"/tasks/{task.pk}/"
    assert run_tasks() == 1
    page = client.get(posted.url)
    assert page.context["run"].state == "done"
    return page


def _report(page):
    return page.context["run"].result["report"]


def _upload(tmp_path, rows, name="企业.csv", **kwargs):
    path = write_csv(tmp_path / "upload.csv", rows, **kwargs)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def test_it_shows_the_form_with_template_links_to_an_operator(client, operator):
    client.force_login(operator)

    response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'type="file"' in body and 'name="dry_run"' in body
    assert reverse("enterprises:template", args=["xlsx"]) in body


def test_it_imports_an_upload_and_audits_it_as_the_operator(client, operator, tmp_path, run_tasks):
    client.force_login(operator)

    response = _import(client, {"file": _upload(tmp_path, [valid_row(), valid_row()])}, run_tasks)

    assert response.status_code == 200
    assert Enterprise.objects.count() == 2
    assert _report(response)["created"] == 2
    assert not list((tmp_path.parent).glob("**/task-inputs/*.csv"))  # the upload is gone once imported
    assert set(AuditEvent.objects.filter(action=AuditAction.IMPORT).values_list("actor", flat=True)) == {
        operator.pk
    }


def test_it_imports_a_gbk_upload(client, operator, tmp_path, run_tasks):
    client.force_login(operator)

    _import(
        client,
        {"file": _upload(tmp_path, [valid_row(name="台州黄岩模具有限公司")], encoding="gbk")},
        run_tasks,
    )

    assert Enterprise.objects.get().name == "台州黄岩模具有限公司"


def test_it_shows_the_error_report_and_writes_nothing(client, operator, tmp_path, run_tasks):
    client.force_login(operator)
    before = counts()
    rows = [valid_row(), valid_row(industry_code="9999")]

    response = _import(client, {"file": _upload(tmp_path, rows, name="bad.csv")}, run_tasks)

    assert counts() == before
    report = _report(response)
    assert not report["ok"]
    assert report["errors"][0]["file"] == "bad.csv"
    body = response.content.decode()
    assert "industry_code.unknown" in body and "行业代码 9999 不在 GB/T 4754-2017" in body
    assert "C3" in body


def test_it_writes_nothing_on_a_dry_run(client, operator, tmp_path, run_tasks):
    client.force_login(operator)
    before = counts()

    response = _import(client, {"file": _upload(tmp_path, [valid_row()]), "dry_run": "on"}, run_tasks)

    assert counts() == before
    report = _report(response)
    assert report["ok"] and report["dry_run"] and report["rows"] == 1 and report["created"] == 0


def test_it_shows_warnings_that_do_not_block(client, operator, tmp_path, run_tasks):
    client.force_login(operator)

    response = _import(client, {"file": _upload(tmp_path, [valid_row(revenue_cny="3500")])}, run_tasks)

    assert Enterprise.objects.count() == 1
    assert "money.implausible_wan" in response.content.decode()


def test_it_refuses_a_file_that_is_not_csv_or_xlsx(client, operator):
    client.force_login(operator)
    before = counts()

    response = client.post(URL, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})

    assert response.status_code == 200 and not TaskRun.objects.exists()
    assert response.context["form"].errors["file"]
    assert counts() == before


def test_it_404s_for_a_user_who_may_not_import(client, outsider, tmp_path):
    client.force_login(outsider)
    before = counts()

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": _upload(tmp_path, [valid_row()])}).status_code == 404
    assert counts() == before


def test_it_sends_anonymous_visitors_to_log_in(client, tmp_path):
    response = client.post(URL, {"file": SimpleUploadedFile("a.csv", io.BytesIO(b"x").read())})

    assert response.status_code == 302
    assert Enterprise.objects.count() == 0
