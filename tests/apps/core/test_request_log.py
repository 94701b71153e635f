"""Every request is logged once with its duration and an id; a server error shows that id to the user."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.apps.core.request_log_urls")]

LINE = re.compile(r"^(GET|POST) (\S+) (\d{3}) (\d+\.\d)ms user=(\S+) request_id=([A-Za-z0-9_-]+)$")


def request_lines(caplog) -> list[re.Match[str]]:
    return [
        match
        for record in caplog.records
        if record.name == "funeng.request" and (match := LINE.match(record.getMessage()))
    ]


def test_a_request_is_logged_once_with_status_duration_and_the_id_it_answers_with(client, caplog):
    caplog.set_level(logging.INFO, logger="funeng.request")
    response = client.get("/accounts/login/")
    (line,) = request_lines(caplog)
    assert line.group(1, 2, 3, 5) == ("GET", "/accounts/login/", "200", "-")
    assert float(line.group(4)) > 0
    assert response["X-Request-ID"] == line.group(6) and len(line.group(6)) == 16


def test_a_proxy_request_id_is_kept_and_a_malformed_one_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="funeng.request")
    kept = client.get("/accounts/login/", headers={"X-Request-ID": "lb-7f3a9c21"})
    replaced = client.get("/accounts/login/", headers={"X-Request-ID": "<script>"})
    assert kept["X-Request-ID"] == "lb-7f3a9c21"
    assert replaced["X-Request-ID"] != "<script>" and re.fullmatch(r"[0-9a-f]{16}", replaced["X-Request-ID"])


def test_a_server_error_shows_the_request_id_that_the_error_log_carries(caplog):
    caplog.set_level(logging.INFO, logger="funeng.request")
    client = Client(raise_request_exception=False)
    response = client.get("/test-broken/")
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.name == "funeng.request" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    request_id = response["X-Request-ID"]
    assert f"request_id={request_id}" in errors[0].getMessage()
    assert request_id in response.content.decode()
    (line,) = request_lines(caplog)
    assert line.group(3) == "500" and line.group(6) == request_id


@pytest.mark.parametrize(("path", "status"), [("/test-missing/", "404"), ("/test-refused/", "403")])
def test_a_client_error_is_one_info_line_and_no_traceback(caplog, path, status):
    caplog.set_level(logging.INFO, logger="funeng.request")
    response = Client(raise_request_exception=False).get(path)
    assert str(response.status_code) == status
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    (line,) = request_lines(caplog)
    assert line.group(3) == status
