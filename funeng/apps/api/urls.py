"""The REST API under /api/v1/ (django-ninja); funeng/urls.py mounts `api.urls`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from funeng.apps.api.assessment import router as assessment_router
from funeng.apps.api.audit import router as audit_router
from funeng.apps.api.auth import API_AUTH
from funeng.apps.api.consents import router as consents_router
from funeng.apps.api.designations import router as designations_router
from funeng.apps.api.docs import LocalSwagger, docs_asset
from funeng.apps.api.enterprises import router as enterprises_router
from funeng.apps.api.errors import METHOD_NOT_ALLOWED, NOT_FOUND, install_exception_handlers, problem_response
from funeng.apps.api.finance import router as finance_router
from funeng.apps.api.lending import router as lending_router
from funeng.apps.api.library import router as library_router
from funeng.apps.api.manufacturing import router as manufacturing_router
from funeng.apps.api.matching import router as matching_router
from funeng.apps.api.monitoring import router as monitoring_router
from funeng.apps.api.notifications import router as notifications_router
from funeng.apps.api.parsing import StrictParser
from funeng.apps.api.policies import router as policies_router
from funeng.apps.api.schemas import Problem, problem_doc
from funeng.apps.api.supply_chain import router as supply_chain_router
from funeng.apps.api.workforce import router as workforce_router

View = Callable[..., HttpResponseBase]


class ReadableJSONRenderer(JSONRenderer):
    """Chinese names as characters rather than \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem_response(404, NOT_FOUND)


def _problem_on_405(view: View) -> View:
    """Ninja answers a wrong method with an empty text/html 405; answer with a problem instead."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/problem+json"
        ):
            return problem_response(405, METHOD_NOT_ALLOWED, headers={"Allow": response.get("Allow", "")})
        return response

    return wrapped


class FunengAPI(NinjaAPI):
    """NinjaAPI whose every URL, including unknown ones, answers errors as problem+json."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = [path("docs/assets/<str:name>", docs_asset, name="docs-asset")]
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                # Ninja's root raises a plain Http404 naming the docs URL; keep the name, which
                # ninja reverses to find its own prefix.
                urls.append(path("", _not_found, name="api-root"))
            elif isinstance(pattern, URLPattern):
                urls.append(
                    URLPattern(
                        pattern.pattern, _problem_on_405(pattern.callback), pattern.default_args, pattern.name
                    )
                )
            else:
                urls.append(pattern)
        # Without it an unknown /api/v1/… URL would get the HTML 404 page of the portal.
        urls.append(re_path(r"^.+$", _not_found))
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Ninja's document, with the problem+json schema and every error each operation can answer."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Ninja lists only schemas that operations return; add the one the errors use.
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(problem.pop("$defs", {}))
        components["Problem"] = problem
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                responses = operation.setdefault("responses", {})
                for code in _errors_of_shape(method, operation) - {int(code) for code in responses}:
                    responses[code] = problem_doc(code)
                operation["responses"] = dict(sorted(responses.items(), key=lambda item: int(item[0])))
        return schema


def _errors_of_shape(method: str, operation: dict[str, Any]) -> set[int]:
    """The errors an operation can answer because of its shape alone, whatever its endpoint does."""
    codes = set()
    if operation.get("security"):
        codes.add(401)
    if method.lower() != "get":
        codes.add(403)  # the CSRF check of a browser session
    parameters = operation.get("parameters", [])
    if any(parameter.get("in") == "path" for parameter in parameters):
        codes.add(404)
    if any(parameter.get("in") == "query" for parameter in parameters):
        codes.add(400)  # Django refuses a query string of more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields
    if "requestBody" in operation:
        # Unreadable (400), too large (413), not in the documented media type (415).
        codes |= {400, 413, 415}
    if parameters or "requestBody" in operation:
        codes.add(422)
    return codes


api = FunengAPI(
    title="Funeng API",
    version="1",
    description=(
        "REST API of the Funeng platform. Authenticate with a personal access token "
        "(`Authorization: Bearer fn_…`), created on your API tokens page or with "
        "`funeng create_token USERNAME`. Errors are application/problem+json with `detail_zh` and "
        "`detail_en`; each operation lists the ones it can answer. A request body is a JSON object "
        "sent as `application/json` (415 otherwise) with only the documented fields and types (422 "
        "otherwise); dates are `YYYY-MM-DD`. Money is a decimal string in CNY. Digital-economy classes "
        "are provisional."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs=LocalSwagger(),
    docs_url="/docs",
    auth=API_AUTH,
    renderer=ReadableJSONRenderer(),
    parser=StrictParser(),
)
install_exception_handlers(api)
api.add_router("/enterprises", enterprises_router)
api.add_router("/consents", consents_router)
api.add_router("/audit", audit_router)
api.add_router("/assessment", assessment_router)
api.add_router("/policies", policies_router)
api.add_router("/matching", matching_router)
api.add_router("/library", library_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/designations", designations_router)
api.add_router("/manufacturing", manufacturing_router)
api.add_router("/workforce", workforce_router)
api.add_router("/supply-chain", supply_chain_router)
api.add_router("/finance", finance_router)
api.add_router("/lending", lending_router)
api.add_router("/messages", notifications_router)
