"""Helpers shared by the API tests (no tests here): tokens, personas, problem+json assertions."""

from __future__ import annotations

import json
from typing import Any

from funeng.apps.api.services import token_create
from tests.support.personas import enterprise_admin, official, two_enterprises


def bearer(user) -> dict[str, str]:
    """Test-client headers carrying a fresh token of `user`."""
    _token, secret = token_create(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def assert_problem(response, status: int) -> dict[str, Any]:
    """The response is the API's one error shape with this status; return its body."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail_zh"] and body["detail_en"]
    assert body["detail_zh"] != body["detail_en"]
    assert "Traceback" not in response.content.decode()
    return body


def field_errors(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    """errors[] of a problem by field name, each with both messages present."""
    errors = {error["field"]: error for error in body.get("errors") or []}
    for error in errors.values():
        assert error["message_zh"] and error["message_en"]
    return errors


def make_world(enterprise_fields) -> dict[str, Any]:
    """Enterprise A in 杭州 (330106), B in 南京 (320102), and the people who act on them."""
    a, b = two_enterprises(enterprise_fields)
    return {
        "a": a,
        "b": b,
        "enterprise_a": enterprise_admin("ea", a),
        "official_hz": official("gov_hz", "330100"),
    }
