"""Background tasks: queued in the request, run by the worker, watched on a page, retried, reaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from funeng.apps.audit.models import AuditEvent
from funeng.apps.core.const import Role
from funeng.apps.core.models import Membership
from funeng.apps.tasks.models import TaskRun, WorkerHeartbeat
from funeng.apps.tasks.registry import register
from funeng.apps.tasks.services import (
    WORKER_DIED,
    TaskFailure,
    task_enqueue,
    task_runs_reap,
)

pytestmark = pytest.mark.django_db
CALLS: list[dict] = []


@register("test.count", "Count to a number")
def _count(run, progress):
    CALLS.append(run.params)
    if run.params.get("fail"):
        raise TaskFailure("Cannot count to %(n)s.", {"n": run.params["n"]}, detail={"problems": [{"row": 3}]})
    if run.params.get("crash"):
        raise RuntimeError("boom")
    for i in range(run.params["n"]):
        progress.update(i + 1, run.params["n"], "Counting")
    return {"counted": run.params["n"], "url": "/"}


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="pw-alice-123456")


@pytest.fixture
def charlie(django_user_model):
    return django_user_model.objects.create_user("charlie", password="pw-charlie-123456")


def test_it_queues_in_the_request_and_runs_in_the_worker(client, alice, run_tasks):
    run = task_enqueue(kind="test.count", started_by=alice, params={"n": 4})
    assert run.state == "queued" and {"n": 4} not in CALLS
    client.force_login(alice)
    page = client.get(f"/tasks/{run.pk}/").content.decode()
    assert "state-queued" in page and 'hx-trigger="load delay:1s"' in page
    assert run_tasks() == 1
    run.refresh_from_db()
    assert (run.state, run.done, run.total, run.result) == ("done", 4, 4, {"counted": 4, "url": "/"})
    fragment = client.get(f"/tasks/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "state-done" in fragment and "hx-trigger" not in fragment and "<html" not in fragment
    assert AuditEvent.objects.filter(object_type="tasks.taskrun", object_id=str(run.pk)).exists()


def test_the_same_work_queued_twice_runs_once(alice):
    first = task_enqueue(kind="test.count", started_by=alice, params={"n": 2})
    second = task_enqueue(kind="test.count", started_by=alice, params={"n": 2})
    other = task_enqueue(kind="test.count", started_by=alice, params={"n": 3})
    assert first.pk == second.pk != other.pk and TaskRun.objects.count() == 2


def test_a_failure_shows_its_reason_in_the_reader_language_and_can_be_started_again(client, alice, run_tasks):
    run = task_enqueue(kind="test.count", started_by=alice, params={"n": 7, "fail": True})
    run_tasks()
    run.refresh_from_db()
    assert run.state == "failed" and run.error == "Cannot count to %(n)s."
    assert run.result["detail"] == {"problems": [{"row": 3}]}
    client.force_login(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/tasks/{run.pk}/").content.decode()
    assert "Cannot count to 7." in page and "Start again" in page
    again = client.post(f"/tasks/{run.pk}/retry/")
    retry = TaskRun.objects.exclude(pk=run.pk).get()
    assert again.url == f"/tasks/{retry.pk}/" and retry.retry_of == run and retry.params == run.params


def test_an_unexpected_error_fails_the_task_without_leaking_it(alice, run_tasks):
    run = task_enqueue(kind="test.count", started_by=alice, params={"n": 1, "crash": True})
    run_tasks()
    run.refresh_from_db()
    assert run.state == "failed" and "boom" not in run.error and "unexpected error" in run.error


def test_only_a_failed_task_can_be_started_again(client, alice, run_tasks):
    run = task_enqueue(kind="test.count", started_by=alice, params={"n": 1})
    run_tasks()
    client.force_login(alice)
    client.post(f"/tasks/{run.pk}/retry/")
    assert TaskRun.objects.count() == 1


def test_another_user_cannot_see_or_restart_my_task(client, alice, charlie):
    run = task_enqueue(kind="test.count", started_by=alice, params={"n": 1})
    client.force_login(charlie)
    assert client.get(f"/tasks/{run.pk}/").status_code == 404
    assert client.post(f"/tasks/{run.pk}/retry/").status_code == 404
    assert str(run.pk) not in client.get("/tasks/").content.decode()
    client.logout()
    assert client.get(f"/tasks/{run.pk}/").status_code == 302  # to the login page


def test_officials_of_the_region_see_a_regional_task(client, alice, charlie):
    run = task_enqueue(kind="test.count", started_by=alice, params={"n": 1}, region_code="330100")
    Membership.objects.create(user=charlie, role=Role.OFFICIAL, region_code="330000")
    client.force_login(charlie)
    assert client.get(f"/tasks/{run.pk}/").status_code == 200
    assert client.post(f"/tasks/{run.pk}/retry/").status_code == 403


def _running(worker_id: str) -> TaskRun:
    run = TaskRun.objects.create(kind="test.count", params={"n": 1}, state="running", worker_id=worker_id)
    return run


def test_the_reaper_fails_runs_whose_worker_went_silent_and_leaves_live_ones(alice):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", pid=1, host="h", started_at=now, seen_at=now)
    WorkerHeartbeat.objects.create(
        worker_id="dead", pid=2, host="h", started_at=now, seen_at=now - dt.timedelta(minutes=5)
    )
    live, dead, lost = _running("alive"), _running("dead"), _running("never-seen")
    assert task_runs_reap(now=now) == 2
    states = {r.pk: (r.state, r.error) for r in TaskRun.objects.all()}
    assert states[live.pk] == ("running", "")
    assert states[dead.pk] == states[lost.pk] == ("failed", WORKER_DIED)


def test_healthz_answers_json_and_needs_a_live_worker(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] and body["checks"]["migrations"] == {"ok": True, "pending": 0}
    assert body["checks"]["worker"]["ok"] is False
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w", pid=1, host="h", started_at=now, seen_at=now)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    WorkerHeartbeat.objects.update(seen_at=now - dt.timedelta(minutes=5))
    assert client.get("/healthz").status_code == 503


def test_an_operator_starts_a_parameterless_task_from_the_list_and_others_cannot(
    client, alice, django_user_model
):
    root = django_user_model.objects.create_user("root", password="pw-root-123456", is_staff=True)
    client.force_login(alice)
    assert "/tasks/start/matching.rerank/" not in client.get("/tasks/").content.decode()
    assert client.post("/tasks/start/matching.rerank/").status_code == 404
    client.force_login(root)
    assert "/tasks/start/matching.rerank/" in client.get("/tasks/").content.decode()
    response = client.post("/tasks/start/matching.rerank/")
    run = TaskRun.objects.get(kind="matching.rerank")
    assert response.url == f"/tasks/{run.pk}/" and run.started_by == root
