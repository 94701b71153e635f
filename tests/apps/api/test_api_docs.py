"""The OpenAPI document and the interactive docs page, which must work under our CSP ('self' only)."""

from __future__ import annotations

import json
import re
import typing
from collections import defaultdict
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from funeng.apps.api.schemas import Problem
from funeng.apps.api.urls import api
from funeng.apps.core.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db


def test_it_serves_the_openapi_document_with_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Funeng API"
    # Every operation is listed one by one in test_api_schemathesis; here: the sections and a sample.
    assert {path.split("/")[3] for path in document["paths"]} == {
        "enterprises",
        "consents",
        "audit",
        "assessment",
        "policies",
        "library",
        "matching",
        "monitoring",
        "designations",
        "manufacturing",
        "workforce",
        "supply-chain",
        "messages",
        "finance",
        "lending",
    }
    assert {
        "/api/v1/enterprises",
        "/api/v1/enterprises/import",
        "/api/v1/enterprises/by-credit-code/{code}",
        "/api/v1/enterprises/{enterprise_id}",
        "/api/v1/consents/{consent_id}/revoke",
        "/api/v1/audit/{event_id}",
        "/api/v1/assessment/assessments/{assessment_id}/submit",
        "/api/v1/policies/runs/{run_id}/results",
        "/api/v1/matching/needs/{need_id}/matches",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/v1/enterprises/{enterprise_id}"]) == {"get", "patch"}
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_it_documents_errors_as_problem_json(client):
    document = client.get("/api/v1/openapi.json").json()
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail_zh", "detail_en", "errors"} <= set(problem["properties"])
    responses = document["paths"]["/api/v1/enterprises/{enterprise_id}"]["patch"]["responses"]
    assert responses["404"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }
    refs = re.findall(r'"\$ref": "([^"]+)"', json.dumps(document))
    assert all(ref.split("/")[-1] in document["components"]["schemas"] for ref in refs)


def test_it_documents_that_derived_fields_cannot_be_written(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    patch = schemas["EnterprisePatch"]
    assert patch["additionalProperties"] is False
    assert not {"size_class", "de_codes", "de_core", "id"} & set(patch["properties"])
    assert schemas["EnterpriseOut"]["properties"]["revenue_cny"]["anyOf"][0]["type"] == "string"


def _models_in(annotation: object, seen: set[type[BaseModel]]) -> Iterator[type[BaseModel]]:
    """The pydantic models a type annotation names, with those their fields name in turn."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models_in(field.annotation, seen)
    for argument in typing.get_args(annotation):
        yield from _models_in(argument, seen)


def _documented_models() -> set[type[BaseModel]]:
    """Every schema class the document describes: operations' parameters, bodies and responses, and Problem."""
    seen: set[type[BaseModel]] = set()
    # Ninja wraps an operation's parameters and each response in models of its own (PathParams,
    # NinjaResponseSchema…), which the document flattens away; start from what they hold. The
    # bound routers are those ninja's own document generator walks.
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = [*operation.models, *(m for m in operation.response_models.values() if m)]
                for wrapper in wrappers:
                    for field in wrapper.model_fields.values():
                        list(_models_in(field.annotation, seen))
    list(_models_in(Problem, seen))
    return seen


def test_every_schema_class_has_a_component_of_its_own(client):
    """Two classes of one name would share one component: ninja keeps the last and documents it for both."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for model in _documented_models():
        by_name[model.__name__].append(f"{model.__module__}.{model.__qualname__}")
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(by_name) <= set(components)
    for model in _documented_models():
        properties = set(components[model.__name__].get("properties", {}))
        assert properties == set(model.model_fields), model.__name__


def test_the_docs_page_loads_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    # No policy of its own: the site-wide 'self'-only policy applies.
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(references) >= 4
    for reference in references:
        assert reference.startswith("/"), reference
        assert not reference.startswith("//"), reference
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        assert asset.get("Content-Type", "").split(";")[0] in {
            "text/css",
            "text/javascript",
            "application/javascript",
            "image/png",
            "image/svg+xml",
        }
    assert "<script>" not in html.replace(" ", "")  # no inline script: every <script> has src or is JSON
    assert 'type="application/json"' in html
    assert '"validatorUrl": null' in html  # the UI must not call validator.swagger.io


def test_the_docs_assets_serve_only_the_swagger_files(client):
    for name in ["redoc.standalone.js", "..%2F..%2Fmain.py", "__init__.py", "swagger.html"]:
        response = client.get(f"/api/v1/docs/assets/{name}")
        assert response.status_code == 404, name
